//! Measuring the resident estimate against known truth (docs/residents.md): sites whose true
//! population is known, estimated by both methods, summarised as median and worst error.

use geo::MultiPolygon;
use serde::Serialize;

use super::Method;
use crate::Query;

/// A site with a known number of residents.
pub struct TruthSite {
    /// What it is, for the table.
    pub name: String,
    /// The site in BNG metres.
    pub bng: MultiPolygon<f64>,
    /// Its true residents.
    pub truth: f64,
}

/// Errors of one method over one class of sites, in persons (absolute).
#[derive(Debug, Clone, Copy, Serialize)]
pub struct ErrorSummary {
    /// Median absolute error.
    pub median: f64,
    /// Largest absolute error.
    pub worst: f64,
    /// Median absolute error as a share of the truth (sites with truth > 0 only).
    pub median_relative: Option<f64>,
    /// Sum of the absolute errors: residents misplaced over the whole class.
    pub total: f64,
}

/// One class of sites, both methods.
#[derive(Debug, Clone, Serialize)]
pub struct ClassResult {
    /// The class.
    pub class: String,
    /// Number of sites.
    pub sites: usize,
    /// Old method: LSOA populations spread by area.
    pub areal: ErrorSummary,
    /// New method: Output Areas on residential land.
    pub dasymetric: ErrorSummary,
    /// The site with the worst new-method error, and that error.
    pub worst_site: (String, f64),
}

impl ClassResult {
    /// A Markdown table row.
    pub fn row(&self) -> String {
        let rel = |s: &ErrorSummary| {
            s.median_relative
                .map_or_else(|| "–".to_owned(), |r| format!("{:.1}%", r * 100.0))
        };
        format!(
            "| {} | {} | {:.0} ({}) | {:.0} | {:.0} ({}) | {:.0} |",
            self.class,
            self.sites,
            self.areal.median,
            rel(&self.areal),
            self.areal.worst,
            self.dasymetric.median,
            rel(&self.dasymetric),
            self.dasymetric.worst
        )
    }
}

/// Estimate every site by both methods and summarise the errors.
pub fn measure(q: &Query, class: &str, sites: &[TruthSite]) -> ClassResult {
    let mut areal = Vec::with_capacity(sites.len());
    let mut dasy = Vec::with_capacity(sites.len());
    for s in sites {
        areal.push((q.zone_residents(&s.bng, Method::Areal) - s.truth, s.truth));
        dasy.push((
            q.zone_residents(&s.bng, Method::Dasymetric) - s.truth,
            s.truth,
        ));
    }
    let worst = dasy
        .iter()
        .zip(sites)
        .max_by(|a, b| a.0.0.abs().total_cmp(&b.0.0.abs()))
        .map_or((String::new(), 0.0), |(e, s)| (s.name.clone(), e.0));
    ClassResult {
        class: class.to_owned(),
        sites: sites.len(),
        areal: summary(&areal),
        dasymetric: summary(&dasy),
        worst_site: worst,
    }
}

fn summary(errors: &[(f64, f64)]) -> ErrorSummary {
    let mut abs: Vec<f64> = errors.iter().map(|e| e.0.abs()).collect();
    let mut rel: Vec<f64> = errors
        .iter()
        .filter(|e| e.1 > 0.0)
        .map(|e| e.0.abs() / e.1)
        .collect();
    ErrorSummary {
        median: median(&mut abs).unwrap_or(0.0),
        worst: abs.iter().copied().fold(0.0, f64::max),
        total: abs.iter().sum(),
        median_relative: median(&mut rel),
    }
}

/// The median (mean of the middle two for an even count); `None` when empty.
///
/// ```
/// use equimap_query::site::validate::median;
/// assert_eq!(median(&mut [3.0, 1.0, 2.0]), Some(2.0));
/// assert_eq!(median(&mut [4.0, 1.0, 2.0, 3.0]), Some(2.5));
/// ```
pub fn median(v: &mut [f64]) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    Some(if n % 2 == 1 {
        v[n / 2]
    } else {
        f64::midpoint(v[n / 2 - 1], v[n / 2])
    })
}

/// Files the truth sites are read from, relative to a sources directory laid out as
/// `../shared/data` (the test fixture keeps the same layout).
pub const OA11_BOUNDARIES: &str = "boundaries_oa11_leeds/oa11_leeds_martinjc_ukgeojson.geojson";
/// Mid-2022 Output Area populations.
pub const OA21_POPULATION: &str = "population_oa21_leeds/oa21_population_mid2022_leeds.csv";
/// Output Area population-weighted centroids.
pub const OA21_CENTROIDS: &str = "oa21_pwc_leeds/oa21_pwc_leeds.csv";
/// OS Open Greenspace sites.
pub const OS_SITES: &str = "greenspace_os_open_greenspace_leeds/os_greenspace_sites_leeds.geojson";
/// OpenStreetMap urban land use.
pub const LANDUSE: &str = "basemap_osm_leeds/landuse_urban_leeds_jul2023.geojson";

/// OS Open Greenspace functions where nobody lives.
pub const NO_HOMES: [&str; 4] = [
    "Public Park Or Garden",
    "Playing Field",
    "Cemetery",
    "Golf Course",
];

/// The classes of truth sites, from a sources directory:
/// whole Output Areas (2011 boundaries of the Output Areas whose code is unchanged in 2021),
/// whole LSOAs (the atlas's), parks and other green space of at least 1 ha (OS Open
/// Greenspace), industrial land of at least 1 ha (OpenStreetMap), and rings of whole Output
/// Areas whose centroid lies within 400 m and 800 m of a park of at least 10 ha.
///
/// # Errors
/// A file missing or not parsing, named.
// One step per zone figure; to split into named steps (it grew with the resident points).
#[allow(clippy::too_many_lines)]
pub fn truth_classes(
    q: &Query,
    sources: &std::path::Path,
) -> Result<Vec<(String, Vec<TruthSite>)>, String> {
    use geo::{Area, Distance, Euclidean};
    let pops = read_csv_map(&sources.join(OA21_POPULATION), "OA21CD", &["population"])?;
    let cents = read_csv_map(
        &sources.join(OA21_CENTROIDS),
        "oa21_cd",
        &["pwc_e", "pwc_n"],
    )?;
    let oas: Vec<(String, MultiPolygon<f64>)> = features(&sources.join(OA11_BOUNDARIES))?
        .into_iter()
        .filter_map(|(p, g)| {
            let code = p.get("OA11CD")?.as_str()?.to_owned();
            pops.contains_key(&code).then_some((code, g))
        })
        .collect();
    let whole_oas = oas
        .iter()
        .map(|(c, g)| TruthSite {
            name: c.clone(),
            bng: g.clone(),
            truth: pops[c][0],
        })
        .collect();
    let mut lsoas = Vec::new();
    if let Some(set) = q.atlas.areas(equimap_atlas::Geography::Lsoa21) {
        for a in &set.areas {
            if let (Ok(geo::Geometry::MultiPolygon(bng)), Some(pop)) = (
                equimap_crs::geometry_to_bng(&geo::Geometry::MultiPolygon(a.geometry.clone())),
                q.atlas
                    .value(equimap_atlas::Geography::Lsoa21, &a.code, "population"),
            ) {
                lsoas.push(TruthSite {
                    name: a.code.clone(),
                    bng,
                    truth: pop,
                });
            }
        }
    }
    let mut green = Vec::new();
    let mut parks = Vec::new();
    for (p, g) in features(&sources.join(OS_SITES))? {
        let function = p
            .get("function")
            .and_then(|v| v.as_str())
            .unwrap_or_default();
        let ha = g.unsigned_area() / 10_000.0;
        if !NO_HOMES.contains(&function) || ha < 1.0 {
            continue;
        }
        let name = format!(
            "{} ({function}, {ha:.1} ha)",
            p.get("distName1")
                .and_then(|v| v.as_str())
                .unwrap_or("unnamed")
        );
        if function == "Public Park Or Garden" && ha >= 10.0 {
            parks.push((name.clone(), g.clone()));
        }
        green.push(TruthSite {
            name,
            bng: g,
            truth: 0.0,
        });
    }
    let industrial = features(&sources.join(LANDUSE))?
        .into_iter()
        .filter(|(p, g)| {
            p.get("class").and_then(|v| v.as_str()) == Some("industrial")
                && g.unsigned_area() >= 10_000.0
        })
        .map(|(p, g)| TruthSite {
            name: format!(
                "osm {} (industrial)",
                p.get("osm_id").and_then(|v| v.as_str()).unwrap_or("?")
            ),
            bng: g,
            truth: 0.0,
        })
        .collect();
    let mut rings = Vec::new();
    for (name, park) in &parks {
        for d in [400.0, 800.0] {
            let within: Vec<&(String, MultiPolygon<f64>)> = oas
                .iter()
                .filter(|(c, _)| {
                    cents.get(c).is_some_and(|xy| {
                        Euclidean.distance(&geo::Point::new(xy[0], xy[1]), park) <= d
                    })
                })
                .collect();
            if within.is_empty() {
                continue;
            }
            let polys: Vec<MultiPolygon<f64>> = within.iter().map(|(_, g)| g.clone()).collect();
            rings.push(TruthSite {
                name: format!("{name}, Output Areas within {d} m"),
                bng: geo::unary_union(&polys),
                truth: within.iter().map(|(c, _)| pops[c][0]).sum(),
            });
        }
    }
    Ok(vec![
        ("whole Output Areas".to_owned(), whole_oas),
        ("whole LSOAs".to_owned(), lsoas),
        (
            "parks, playing fields, cemeteries, golf courses (≥ 1 ha)".to_owned(),
            green,
        ),
        ("industrial land (≥ 1 ha)".to_owned(), industrial),
        (
            "rings of whole Output Areas around parks ≥ 10 ha (400 m, 800 m)".to_owned(),
            rings,
        ),
    ])
}

type Props = serde_json::Map<String, serde_json::Value>;

/// Polygonal features of a WGS84 GeoJSON file, in BNG.
fn features(path: &std::path::Path) -> Result<Vec<(Props, MultiPolygon<f64>)>, String> {
    let text = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let fc: geojson::FeatureCollection =
        serde_json::from_slice(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(fc
        .features
        .into_iter()
        .filter_map(|f| {
            let g: geo::Geometry<f64> = f.geometry?.try_into().ok()?;
            let mp = match equimap_crs::geometry_to_bng(&g).ok()? {
                geo::Geometry::Polygon(p) => MultiPolygon(vec![p]),
                geo::Geometry::MultiPolygon(mp) => mp,
                _ => return None,
            };
            Some((f.properties.unwrap_or_default(), mp))
        })
        .collect())
}

/// A CSV as key column → the numbers of `cols`.
fn read_csv_map(
    path: &std::path::Path,
    key: &str,
    cols: &[&str],
) -> Result<std::collections::BTreeMap<String, Vec<f64>>, String> {
    let err = |e: &dyn std::fmt::Display| format!("{}: {e}", path.display());
    let mut r = csv::Reader::from_path(path).map_err(|e| err(&e))?;
    let h = r.headers().map_err(|e| err(&e))?.clone();
    let idx = |n: &str| {
        h.iter()
            .position(|c| c == n)
            .ok_or_else(|| err(&format!("no column {n}")))
    };
    let k = idx(key)?;
    let cs = cols.iter().map(|c| idx(c)).collect::<Result<Vec<_>, _>>()?;
    let mut out = std::collections::BTreeMap::new();
    for (line, rec) in r.records().enumerate() {
        let rec = rec.map_err(|e| err(&e))?;
        let vals = cs
            .iter()
            .map(|&c| {
                rec.get(c)
                    .and_then(|v| v.parse().ok())
                    .ok_or_else(|| err(&format!("line {}: not a number", line + 2)))
            })
            .collect::<Result<Vec<f64>, _>>()?;
        out.insert(rec.get(k).unwrap_or_default().to_owned(), vals);
    }
    Ok(out)
}
