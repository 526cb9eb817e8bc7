// The attribution every view of the map carries (OGL for ONS/OS/NHS sources, ODbL for OSM).

export const ATTRIBUTION =
  'Contains OS data © Crown copyright and database right; ONS/MHCLG/NHS England data under the Open Government Licence v3.0; © OpenStreetMap contributors';
