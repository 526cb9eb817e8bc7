//! Access to green space for equimap (issue #5).
//!
//! From the published sources, as the ingest finds them:
//!
//! ```text
//! OS Open Greenspace sites + access points ──▶ function filter ──────────────┐
//! OpenStreetMap natural tag files ──▶ access filter ──▶ clip to land OS does  │ counted sites
//!                                     not map ──▶ merge touching polygons ────┘ (BNG, OSTN15)
//! OA 2021 population-weighted centroids, weighted by LSOA21 population ──▶ nearest entrance
//!     or edge (R-trees) ──▶ Natural England standards, distances, ha per 1,000 ──▶ LSOA21,
//!     LSOA11, MSOA21, MSOA11, ward, district (population-weighted means)
//! ONS private outdoor space (MSOA 2011) ──▶ the same geographies (estimates, labelled)
//! ```
//!
//! [`compute`] returns catalogue entries, values, reference values, the two tile layers
//! ([`Site`], [`AccessPoint`]) and a report of every rule's counts. The method is documented
//! in `docs/greenspace.md` and carried in each indicator's levels ([`method`]).

mod access;
mod error;
mod gardens;
mod indicators;
pub mod method;
mod osm;
mod read;
mod report;
mod residents;
mod sites;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use equimap_atlas::{AreaSet, Geography, IndicatorDef, ReferenceValue};

pub(crate) use access::Reachable;
pub use error::GreenspaceError;
pub use gardens::{GARDENS_GB_FILE, GARDENS_LEEDS_FILE};
pub use indicators::{GARDENS_ID, HA_1KM_ID, PARK_ID, STANDARD_IDS, TWO_HA_ID, Values};
pub use osm::{DUPLICATE_SHARE, NATURAL_FILES, OSM_DIR, PRIVATE_ACCESS};
pub use residents::{OA_FILE, OutputAreaResult};
pub use sites::{
    AccessPoint, COUNTED_FUNCTIONS, OS_ACCESS_FILE, OS_ATTRIBUTION, OS_SITES_FILE, OSM_ATTRIBUTION,
    OsRule, PARK_FUNCTION, Site, SiteCategory, Source, os_function_rule,
};

/// One Natural England accessible greenspace standard: a site of at least `min_hectares`
/// within `within_m` metres.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Standard {
    /// Natural England's name for it.
    pub name: &'static str,
    /// Minimum site size, hectares.
    pub min_hectares: f64,
    /// Maximum straight-line distance, metres.
    pub within_m: f64,
    /// The size as written in labels.
    pub label_ha: &'static str,
    /// The distance as written in labels.
    pub label_m: &'static str,
}

/// The five standards of issue #5 (Green Infrastructure Framework, 2023), smallest first.
pub const STANDARDS: [Standard; 5] = [
    Standard {
        name: "doorstep",
        min_hectares: 0.5,
        within_m: 200.0,
        label_ha: "0.5",
        label_m: "200 m",
    },
    Standard {
        name: "local",
        min_hectares: 2.0,
        within_m: 300.0,
        label_ha: "2",
        label_m: "300 m",
    },
    Standard {
        name: "neighbourhood",
        min_hectares: 10.0,
        within_m: 1000.0,
        label_ha: "10",
        label_m: "1 km",
    },
    Standard {
        name: "wider neighbourhood",
        min_hectares: 20.0,
        within_m: 2000.0,
        label_ha: "20",
        label_m: "2 km",
    },
    Standard {
        name: "district",
        min_hectares: 100.0,
        within_m: 5000.0,
        label_ha: "100",
        label_m: "5 km",
    },
];

/// What [`compute`] needs besides the source files.
#[derive(Debug, Clone, Copy)]
pub struct GreenspaceInputs<'a> {
    /// The sources directory (the `../shared/data` layout).
    pub sources: &'a Path,
    /// The atlas's areas; lsoa21 (with ward, msoa21 and district parents) and lsoa11 (with
    /// msoa11 parents) are required.
    pub areas: &'a BTreeMap<Geography, AreaSet>,
    /// Residents by LSOA 2021 code: the weights.
    pub lsoa21_population: &'a BTreeMap<String, f64>,
    /// The district's code and name (E08000035, Leeds).
    pub district: (&'a str, &'a str),
}

/// Everything [`compute`] produces.
#[derive(Debug, Clone)]
pub struct GreenspaceOutput {
    /// Catalogue entries, with levels per geography.
    pub indicators: Vec<IndicatorDef>,
    /// Values by geography, indicator id and area code.
    pub values: Values,
    /// District and England reference values (England None with the reason where the sources
    /// do not allow one).
    pub references: Vec<ReferenceValue>,
    /// Sites for the `greenspace` tile layer: counted ones and the optional categories, sorted
    /// by source then id.
    pub sites: Vec<Site>,
    /// Entrances of those sites for the `greenspace_access` layer, sorted by id.
    pub access_points: Vec<AccessPoint>,
    /// Every OA with its weight, areas and results, sorted by code: the figures behind the
    /// values, for checks and site reports.
    pub output_areas: Vec<OutputAreaResult>,
    /// Rule counts and checks, for the ingest summary.
    pub report: Vec<String>,
    /// The files read, relative to the sources directory, for the manifest.
    pub source_files: Vec<PathBuf>,
}

/// The green-space sites, read, filtered, de-duplicated and grouped: everything that depends on
/// neither the areas nor the residents, so that an ingest can make it while it reads the
/// boundaries ([`read_sites`], then [`compute_with`]).
pub struct Sites {
    from_os: Vec<Site>,
    access_points: Vec<AccessPoint>,
    from_osm: Vec<Site>,
    reachable: Vec<Reachable>,
    report: report::Report,
    read: Vec<PathBuf>,
}

impl std::fmt::Debug for Sites {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sites")
            .field("from_os", &self.from_os.len())
            .field("from_osm", &self.from_osm.len())
            .field("reachable", &self.reachable.len())
            .finish_non_exhaustive()
    }
}

/// Reads OS Open Greenspace and the OpenStreetMap natural-green-space files under `sources`
/// (any of them may be gzipped: `name.gz`), applies the function and access rules, takes out
/// what both map, sets each site's net hectares and groups touching sites.
///
/// Fails with a message naming the file and feature on a missing file, bad JSON, a missing
/// property or a broken geometry; never panics on bad input.
pub fn read_sites(sources: &Path) -> Result<Sites, GreenspaceError> {
    let mut report = report::Report::default();
    let mut src = read::Sources::new(sources);
    let os = sites::read_os(&mut src, &mut report)?;
    let natural = osm::read_natural(&mut src, &os.all_polygons, &mut report)?;
    let mut reachable = os.reachable;
    let (reduced, removed) = access::set_net_hectares(&mut reachable);
    report.line(format!(
        "Overlaps: {reduced} counted OS sites lie partly inside larger ones; {removed:.1} ha left \
         out of sums of hectares so that nothing is counted twice"
    ));
    reachable.extend(natural.reachable);
    let groups = access::group_touching(&mut reachable);
    report_groups(&groups, &reachable, &mut report);
    Ok(Sites {
        from_os: os.sites,
        access_points: os.access_points,
        from_osm: natural.sites,
        reachable,
        report,
        read: src.read,
    })
}

/// Computes green-space access for the district from the sources: [`read_sites`], then
/// [`compute_with`].
///
/// Reads OS Open Greenspace, the OpenStreetMap natural-green-space files, the OA centroids and
/// the ONS gardens table (any of them may be gzipped: `name.gz`). Fails with a message naming
/// the file and feature on a missing file, bad JSON, a missing property or a broken geometry;
/// never panics on bad input.
pub fn compute(inputs: &GreenspaceInputs) -> Result<GreenspaceOutput, GreenspaceError> {
    compute_with(inputs, read_sites(inputs.sources)?)
}

/// Computes green-space access for the district from sites already read by [`read_sites`]:
/// the residents' distances, the standards, the indicators and the tile layers.
pub fn compute_with(
    inputs: &GreenspaceInputs,
    sites: Sites,
) -> Result<GreenspaceOutput, GreenspaceError> {
    let Sites {
        from_os,
        access_points,
        from_osm,
        reachable,
        mut report,
        read,
    } = sites;
    let mut src = read::Sources::new(inputs.sources);
    src.read = read;

    let mut oas = residents::read_oas(
        &mut src,
        inputs.areas,
        inputs.lsoa21_population,
        &mut report,
    )?;
    residents::measure(&mut oas, &reachable);
    let total: f64 = oas.iter().map(|o| o.weight).sum();
    let by_site = residents::shares_by_single_site(&oas, &reachable);
    for (k, st) in STANDARDS.iter().enumerate() {
        let met: f64 = oas.iter().filter(|o| o.meets[k]).map(|o| o.weight).sum();
        report.line(format!(
            "Standard {} ha within {}: {:.1}% of residents ({:.1}% if every site were judged \
             alone rather than with the counted sites it touches)",
            st.label_ha,
            st.label_m,
            if total > 0.0 {
                100.0 * met / total
            } else {
                0.0
            },
            100.0 * by_site[k]
        ));
    }
    let no_park = oas.iter().filter(|o| o.park_entrance_m.is_none()).count();
    if no_park > 0 {
        report.line(format!("{no_park} OAs have no park at all in the sources"));
    }

    let gardens = gardens::read_gardens(&mut src, inputs.district.0, &mut report)?;
    let missing_msoa = oas
        .iter()
        .filter(|o| {
            o.area(Geography::Msoa11, inputs.areas)
                .is_none_or(|m| !gardens.msoa.contains_key(&m))
        })
        .count();
    report.line(format!(
        "ONS private outdoor space: {missing_msoa} OAs have no MSOA 2011 value to carry"
    ));
    let built = indicators::build(&oas, inputs.areas, inputs.district, &gardens);
    for (g, by_id) in &built.values {
        let n = by_id.values().map(BTreeMap::len).max().unwrap_or(0);
        let have = inputs.areas.get(g).map_or(0, AreaSet::len);
        report.line(format!(
            "Values: {g}: up to {n} of {have} areas have a value"
        ));
    }

    let group_of: HashMap<&str, f64> = reachable
        .iter()
        .map(|r| (r.site_id.as_str(), r.group_hectares))
        .collect();
    let mut all_sites = from_os;
    all_sites.extend(from_osm);
    for site in &mut all_sites {
        if let Some(&g) = group_of.get(site.id.as_str()) {
            site.group_hectares = g;
        }
    }
    all_sites.sort_by(|a, b| a.source.cmp(&b.source).then_with(|| a.id.cmp(&b.id)));
    let mut source_files = src.read;
    source_files.sort();
    source_files.dedup();
    Ok(GreenspaceOutput {
        indicators: built.indicators,
        values: built.values,
        references: built.references,
        sites: all_sites,
        access_points,
        output_areas: oas,
        report: report.0,
        source_files,
    })
}

/// Reports the number of groups and the largest ones, which is where grouping matters.
fn report_groups(groups: &[Vec<usize>], sites: &[Reachable], report: &mut report::Report) {
    let multi = groups.iter().filter(|g| g.len() > 1).count();
    report.line(format!(
        "Groups: {} counted sites form {} groups of touching sites ({multi} of more than one \
         site); groups of at least 10 / 20 / 100 ha: {} / {} / {}",
        sites.len(),
        groups.len(),
        groups
            .iter()
            .filter(|g| sites[g[0]].group_hectares >= 10.0)
            .count(),
        groups
            .iter()
            .filter(|g| sites[g[0]].group_hectares >= 20.0)
            .count(),
        groups
            .iter()
            .filter(|g| sites[g[0]].group_hectares >= 100.0)
            .count(),
    ));
    for g in groups.iter().take(8) {
        let largest = g.iter().copied().max_by(|&a, &b| {
            sites[a]
                .hectares
                .total_cmp(&sites[b].hectares)
                .then(b.cmp(&a))
        });
        report.line(format!(
            "  group of {:.1} ha: {} sites, the largest {} ({:.1} ha)",
            sites[g[0]].group_hectares,
            g.len(),
            largest.map_or("", |i| sites[i].site_id.as_str()),
            largest.map_or(0.0, |i| sites[i].hectares),
        ));
    }
}
