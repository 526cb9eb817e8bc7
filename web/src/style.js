// The map style: our own basemap context under the choropleth, then area outlines, green space,
// ward boundaries and the district outline over any layer, then selections, the site tool and
// GP practices. No glyphs and no sprite: labels are HTML overlays (labels.js), so the map makes
// no request beyond our own tiles.

export const BACKGROUND = '#f2f1ed';

const EMPTY = { type: 'FeatureCollection', features: [] };

export function buildStyle(tiles) {
  const src = (layer) => tiles.sourceOf(layer);
  const layers = [{ id: 'background', type: 'background', paint: { 'background-color': BACKGROUND } }];

  if (tiles.has('urban')) {
    layers.push({ id: 'bm-urban', type: 'fill', ...src('urban'), paint: { 'fill-color': '#dfddd6' } });
  }
  if (tiles.has('water')) {
    layers.push({ id: 'bm-water', type: 'fill', ...src('water'), paint: { 'fill-color': '#a6cfe0' } });
  }
  if (tiles.has('waterways')) {
    layers.push({
      id: 'bm-waterways',
      type: 'line',
      ...src('waterways'),
      filter: ['!=', ['get', 'class'], 'stream'],
      paint: { 'line-color': '#7fb2cc', 'line-width': ['interpolate', ['linear'], ['zoom'], 9, 0.6, 14, 2.5] },
    });
  }
  if (tiles.has('rail')) {
    layers.push({
      id: 'bm-rail',
      type: 'line',
      ...src('rail'),
      minzoom: 10,
      paint: { 'line-color': '#8a8a8a', 'line-width': 1, 'line-dasharray': [3, 2] },
    });
  }
  if (tiles.has('roads')) {
    const major = ['match', ['get', 'class'], ['motorway', 'trunk', 'primary', 'motorway_link', 'trunk_link'], true, false];
    layers.push({
      id: 'bm-roads-minor',
      type: 'line',
      ...src('roads'),
      filter: ['!', major],
      minzoom: 11,
      paint: { 'line-color': '#ffffff', 'line-width': ['interpolate', ['linear'], ['zoom'], 11, 0.6, 15, 4] },
    });
    layers.push({
      id: 'bm-roads-major',
      type: 'line',
      ...src('roads'),
      filter: major,
      paint: {
        'line-color': ['match', ['get', 'class'], ['motorway', 'motorway_link'], '#e0a060', '#fdfdfd'],
        'line-width': ['interpolate', ['linear'], ['zoom'], 8, 0.7, 12, 2, 16, 7],
      },
    });
  }
  // The choropleth is inserted here (before 'choro-anchor') by the map module.
  layers.push({ id: 'choro-anchor', type: 'background', layout: { visibility: 'none' }, paint: { 'background-opacity': 0 } });

  if (tiles.has('greenspace')) {
    layers.push({
      id: 'greenspace-fill',
      type: 'fill',
      ...src('greenspace'),
      layout: { visibility: 'none' },
      paint: { 'fill-color': '#1b7837', 'fill-opacity': 0.18 },
    });
    layers.push({
      id: 'greenspace-line',
      type: 'line',
      ...src('greenspace'),
      layout: { visibility: 'none' },
      paint: { 'line-color': '#00441b', 'line-width': ['interpolate', ['linear'], ['zoom'], 10, 0.5, 15, 1.6] },
    });
  }
  if (tiles.has('greenspace_access')) {
    layers.push({
      id: 'greenspace-access',
      type: 'circle',
      ...src('greenspace_access'),
      minzoom: 14.5,
      layout: { visibility: 'none' },
      paint: { 'circle-radius': 2.5, 'circle-color': '#00441b', 'circle-stroke-color': '#fff', 'circle-stroke-width': 1 },
    });
  }
  layers.push({ id: 'hover-anchor', type: 'background', layout: { visibility: 'none' }, paint: { 'background-opacity': 0 } });
  if (tiles.has('ward')) {
    layers.push({
      id: 'ward-line',
      type: 'line',
      ...src('ward'),
      paint: {
        'line-color': '#1a1a1a',
        'line-opacity': 0.85,
        'line-width': ['interpolate', ['linear'], ['zoom'], 9, 0.8, 14, 2],
      },
    });
  }
  if (tiles.has('district')) {
    layers.push({
      id: 'district-line',
      type: 'line',
      ...src('district'),
      paint: { 'line-color': '#000000', 'line-width': ['interpolate', ['linear'], ['zoom'], 9, 2, 14, 3.5] },
    });
  }
  layers.push(
    {
      id: 'selection-casing',
      type: 'line',
      source: 'selection',
      paint: { 'line-color': '#ffffff', 'line-width': 6, 'line-opacity': 0.95 },
    },
    {
      id: 'selection-line',
      type: 'line',
      source: 'selection',
      paint: { 'line-color': '#d01c8b', 'line-width': 3 },
    },
    {
      id: 'site-zone-line',
      type: 'line',
      source: 'site',
      filter: ['all', ['==', ['get', 'kind'], 'zone'], ['>', ['get', 'buffer_m'], 0]],
      paint: { 'line-color': '#111111', 'line-width': 2, 'line-dasharray': [2, 1.5] },
    },
    {
      id: 'site-fill',
      type: 'fill',
      source: 'site',
      filter: ['all', ['==', ['get', 'kind'], 'zone'], ['==', ['get', 'buffer_m'], 0]],
      paint: { 'fill-color': '#ffffff', 'fill-opacity': 0.35 },
    },
    {
      id: 'site-line',
      type: 'line',
      source: 'site',
      filter: ['all', ['==', ['get', 'kind'], 'zone'], ['==', ['get', 'buffer_m'], 0]],
      paint: { 'line-color': '#d01c8b', 'line-width': 3 },
    },
    {
      id: 'draft-fill',
      type: 'fill',
      source: 'draft',
      filter: ['==', ['geometry-type'], 'Polygon'],
      paint: { 'fill-color': '#d01c8b', 'fill-opacity': 0.15 },
    },
    {
      id: 'draft-line',
      type: 'line',
      source: 'draft',
      filter: ['!=', ['geometry-type'], 'Point'],
      paint: { 'line-color': '#d01c8b', 'line-width': 2.5 },
    },
    {
      id: 'draft-points',
      type: 'circle',
      source: 'draft',
      filter: ['==', ['geometry-type'], 'Point'],
      paint: { 'circle-radius': 5, 'circle-color': '#ffffff', 'circle-stroke-color': '#d01c8b', 'circle-stroke-width': 2.5 },
    },
  );
  if (tiles.has('gp')) {
    layers.push({
      id: 'gp-circle',
      type: 'circle',
      ...src('gp'),
      layout: { visibility: 'none' },
      paint: {
        'circle-radius': ['interpolate', ['linear'], ['zoom'], 9, 3, 14, 7],
        'circle-color': '#ffffff',
        'circle-stroke-color': '#000000',
        'circle-stroke-width': 2,
      },
    });
  }

  return {
    version: 8,
    name: 'equimap',
    sources: {
      ...tiles.sources,
      selection: { type: 'geojson', data: EMPTY },
      site: { type: 'geojson', data: EMPTY },
      draft: { type: 'geojson', data: EMPTY },
    },
    layers,
  };
}

/** Which style layers belong to each overlay switch. */
export const OVERLAY_LAYERS = {
  basemap: ['bm-urban', 'bm-water', 'bm-waterways', 'bm-rail', 'bm-roads-minor', 'bm-roads-major'],
  wards: ['ward-line'],
  district: ['district-line'],
  gp: ['gp-circle'],
  green: ['greenspace-fill', 'greenspace-line', 'greenspace-access'],
};
