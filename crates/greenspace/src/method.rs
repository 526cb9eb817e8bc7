//! The method, in the words the catalogue carries. `docs/greenspace.md` repeats every constant
//! here verbatim (a unit test checks it), so the documentation and the catalogue cannot drift.

use equimap_atlas::Geography;

/// Which sites count, from which sources.
pub const SITES: &str = "Public green space is the OS Open Greenspace (spring 2025) sites whose \
function is Public Park Or Garden, Playing Field or Play Space; golf courses, bowling greens, \
tennis courts and other sports facilities are left out, and cemeteries, religious grounds and \
allotments are mapped as optional categories that do not count. Natural green space is \
OpenStreetMap (July 2023 extract) woods (natural=wood, landuse=forest), nature reserves, commons, \
village greens, heath, grassland and recreation grounds, less features tagged access=private or \
access=no; points and lines are not sites. Where OS Open Greenspace maps a site of any function, \
OS decides: an OpenStreetMap feature at least half inside OS sites is dropped as the same place \
mapped twice, and any other is clipped to the land outside them (dropping slivers under \
100 m² that clipping leaves), so nothing is counted twice. Touching OpenStreetMap polygons are \
merged into one site. For the sizes the standards ask for, counted sites that touch or overlap, \
OS and OpenStreetMap alike, are judged together as one place: OS divides some parks into parts \
and leaves their woods to OpenStreetMap. Areas are planar in British National \
Grid (OSTN15).";

/// Where residents are and how they are weighted.
pub const RESIDENTS: &str = "Residents are placed at the ONS Output Area 2021 \
population-weighted centroids. No OA population is in the sources, so each OA carries its LSOA \
2021's mid-2022 population shared equally among that LSOA's OAs.";

/// How distance is measured.
pub const DISTANCE: &str = "Distance is the straight line, in British National Grid metres, from \
each OA centroid to the nearest OS access point (entrance) of a counted site, or, for a counted \
OS site without access points and for every natural site, to the nearest point of its boundary \
(0 when the centroid is inside it), found with R-trees. Walking distance along streets and paths \
is longer, so these figures understate how far people have to walk.";

/// The Natural England standards.
pub const STANDARDS_TEXT: &str = "The standards are Natural England's Green Infrastructure \
Framework (2023) accessible greenspace standards: at least 0.5 ha within 200 m, 2 ha within 300 m, \
10 ha within 1 km, 20 ha within 2 km and 100 ha within 5 km. A resident meets a standard when a \
counted site (OS public or natural) of at least that size is within that distance.";

/// The park distance.
pub const PARK: &str = "Distance to the nearest entrance of an OS Open Greenspace Public Park Or \
Garden (its boundary where OS records no entrance), averaged over residents.";

/// The 2 ha distance.
pub const TWO_HA: &str = "Distance to the nearest counted site (OS public or natural) of at least \
2 ha, averaged over residents.";

/// The hectares per 1,000 residents.
pub const HA_1KM: &str = "For each OA: the hectares of counted green space with an entrance or \
edge within 1 km of its centroid, whole sites and each hectare once (a site inside a larger one \
adds only its part outside it), per 1,000 residents of the OAs whose centroids lie within 1 km; \
averaged over residents.";

/// The gardens indicator as published.
pub const GARDENS: &str = "ONS, Access to gardens and public green space in Great Britain (April \
2020, OS AddressBase Plus): the share of residential addresses, houses and flats together, with \
private outdoor space as ONS defines it.";

/// How an OA-based figure becomes an area's figure, by geography.
pub fn level(g: Geography) -> &'static str {
    match g {
        Geography::Lsoa21 => {
            "Population-weighted mean over the LSOA's OAs (the OA file names \
each OA's LSOA 2021)."
        }
        Geography::Lsoa11 => {
            "Each OA is assigned to the LSOA 2011 polygon holding its centroid \
(point in polygon on the atlas's generalised boundaries; a centroid in a gap between polygons \
takes the nearest); population-weighted mean over those OAs. An estimate: OAs are 2021 areas \
and their weights mid-2022 populations."
        }
        Geography::Msoa21 => "Population-weighted mean over the OAs of the MSOA's LSOAs.",
        Geography::Msoa11 => {
            "OAs assigned to LSOA 2011 polygons by centroid as for LSOA 2011, \
then to those LSOAs' MSOA 2011; population-weighted mean. An estimate."
        }
        Geography::Ward => {
            "Population-weighted mean over the OAs of the LSOAs the ONS lookup \
assigns to the ward best-fit (LSOAs do not nest in wards). An estimate."
        }
        Geography::Committee => {
            "Population-weighted mean over the OAs of the LSOAs of the \
committee's wards (each LSOA in the ward the ONS lookup assigns it best-fit). An estimate."
        }
        Geography::District => "Population-weighted mean over all the district's OAs.",
    }
}

/// How the gardens share reaches each geography.
pub fn gardens_level(g: Geography) -> &'static str {
    match g {
        Geography::Msoa11 => "As published for each MSOA 2011.",
        Geography::District => {
            "The district's addresses with private outdoor space divided by \
its addresses, summed over its MSOAs 2011 (exact: MSOAs nest in the district)."
        }
        _ => {
            "An estimate: each OA takes the share of its MSOA 2011 (OA centroid in LSOA 2011 \
polygon, then that LSOA's MSOA), and the area takes the population-weighted mean over its OAs."
        }
    }
}

/// What every green-space access figure must be read with.
pub const CAVEAT: &str = "Straight-line distance: walking distance is longer. The sources cover \
Leeds only, so green space just beyond the district boundary is not counted for residents near \
it. OS Open Greenspace maps some large parks in parts that do not touch (Roundhay Park's largest \
counted part is Military Field, 51 ha), so such parks count by their parts. OS Open Greenspace \
and the OA centroids reached the sources converted from British National Grid to WGS84 with a \
Helmert transformation; projected back with OSTN15 they move alike by up to about 2 m (1.8 m \
for OA E00057303), so distances between them hold, while distances to OpenStreetMap edges, \
mapped in WGS84, may be off by that much.";

/// What the gardens figure must be read with.
pub const GARDENS_CAVEAT: &str = "Counts addresses, not residents, in April 2020, on 2011 MSOAs; \
figures for other geographies are estimates from the MSOA 2011 values.";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documentation_repeats_every_method_text() {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/greenspace.md");
        let doc = std::fs::read_to_string(&path).expect("docs/greenspace.md is in the repository");
        // Markdown wraps lines; compare with whitespace collapsed.
        let flat = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
        let doc = flat(&doc);
        let mut texts = vec![
            SITES,
            RESIDENTS,
            DISTANCE,
            STANDARDS_TEXT,
            PARK,
            TWO_HA,
            HA_1KM,
            GARDENS,
            CAVEAT,
            GARDENS_CAVEAT,
        ];
        for g in Geography::ALL {
            texts.push(level(g));
            texts.push(gardens_level(g));
        }
        for t in texts {
            assert!(doc.contains(&flat(t)), "docs/greenspace.md lacks: {t}");
        }
    }
}
