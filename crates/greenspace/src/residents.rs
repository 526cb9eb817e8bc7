//! Residents: Output Area population-weighted centroids, their weights, the areas they belong
//! to, and what each one can reach.

use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};

use equimap_atlas::{AreaSet, Geography};
use equimap_crs::{Crs, from_wgs84};
use geo::{BoundingRect, Distance, Euclidean, Intersects, Point};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, RTree};

use crate::access::{Reachable, TargetIndex};
use crate::read::{CsvRows, Sources};
use crate::report::Report;
use crate::{GreenspaceError, STANDARDS};

/// The OA centroid file, relative to the sources directory.
pub const OA_FILE: &str = "oa21_pwc_leeds/oa21_pwc_leeds.csv";

/// One Output Area: where its residents are taken to live, how many they are, which areas it
/// belongs to, and what they can reach.
#[derive(Debug, Clone, PartialEq)]
pub struct OutputAreaResult {
    /// OA 2021 code.
    pub code: String,
    /// Its LSOA 2021 (from the OA file).
    pub lsoa21: String,
    /// The LSOA 2011 polygon holding its centroid (None if it falls in none and none is near).
    pub lsoa11: Option<String>,
    /// Residents: the LSOA21 population shared equally among the LSOA's OAs.
    pub weight: f64,
    /// Population-weighted centroid, WGS84 longitude and latitude.
    pub lon_lat: (f64, f64),
    /// The same point in British National Grid metres (OSTN15).
    pub bng: (f64, f64),
    /// Metres to the nearest entrance of a public park or garden (its boundary where it has no
    /// entrances).
    pub park_entrance_m: Option<f64>,
    /// Metres to the nearest counted site of each standard's minimum size ([`STANDARDS`] order).
    pub standard_m: [Option<f64>; 5],
    /// Whether that distance is within each standard's radius.
    pub meets: [bool; 5],
    /// Hectares of counted green space with an entrance or edge within 1 km.
    pub hectares_1km: f64,
    /// Residents of OAs whose centroids lie within 1 km (this OA included).
    pub residents_1km: f64,
}

impl OutputAreaResult {
    /// Metres to the nearest counted site of at least 2 ha.
    pub fn site_2ha_m(&self) -> Option<f64> {
        self.standard_m[1]
    }

    /// Hectares within 1 km per 1,000 residents within 1 km.
    pub fn hectares_1km_per_1000(&self) -> Option<f64> {
        (self.residents_1km > 0.0).then(|| 1000.0 * self.hectares_1km / self.residents_1km)
    }

    /// The code of the area of `g` this OA counts toward.
    pub fn area(&self, g: Geography, areas: &BTreeMap<Geography, AreaSet>) -> Option<String> {
        let parent =
            |set: Geography, code: &str| areas.get(&set)?.get(code)?.parents.get(&g).cloned();
        match g {
            Geography::Lsoa21 => Some(self.lsoa21.clone()),
            Geography::Lsoa11 => self.lsoa11.clone(),
            Geography::Msoa11 => parent(Geography::Lsoa11, self.lsoa11.as_deref()?),
            Geography::Msoa21 | Geography::Ward | Geography::Committee | Geography::District => {
                parent(Geography::Lsoa21, &self.lsoa21)
            }
        }
    }
}

/// Reads the OA centroids, weights them and assigns them to LSOA 2011 polygons.
pub(crate) fn read_oas(
    src: &mut Sources,
    areas: &BTreeMap<Geography, AreaSet>,
    population: &BTreeMap<String, f64>,
    report: &mut Report,
) -> Result<Vec<OutputAreaResult>, GreenspaceError> {
    let lsoa21 = areas
        .get(&Geography::Lsoa21)
        .ok_or_else(|| GreenspaceError::Input("no lsoa21 areas were given".to_owned()))?;
    let lsoa11 = areas
        .get(&Geography::Lsoa11)
        .ok_or_else(|| GreenspaceError::Input("no lsoa11 areas were given".to_owned()))?;
    let (path, text) = src.read_text(OA_FILE)?;
    let csv = CsvRows::parse(&path, &text)?;
    let (c_oa, c_lsoa, c_lat, c_lon) = (
        csv.column("oa21_cd")?,
        csv.column("lsoa21_cd")?,
        csv.column("pwc_lat")?,
        csv.column("pwc_lon")?,
    );
    let mut rows = Vec::with_capacity(csv.rows.len());
    let mut per_lsoa: HashMap<String, usize> = HashMap::new();
    for row in &csv.rows {
        let code = csv.text(row, c_oa, "oa21_cd")?.to_owned();
        let lsoa = csv.text(row, c_lsoa, "lsoa21_cd")?.to_owned();
        let lat = csv.number(row, c_lat, "pwc_lat")?;
        let lon = csv.number(row, c_lon, "pwc_lon")?;
        if lsoa21.get(&lsoa).is_none() {
            return Err(GreenspaceError::Csv {
                path: path.clone(),
                row: CsvRows::line(row),
                problem: format!("OA {code}: LSOA {lsoa} is not among the lsoa21 areas"),
            });
        }
        let bng =
            from_wgs84(&Crs::BritishNationalGrid, lon, lat).map_err(|e| GreenspaceError::Csv {
                path: path.clone(),
                row: CsvRows::line(row),
                problem: format!("OA {code}: {e}"),
            })?;
        *per_lsoa.entry(lsoa.clone()).or_default() += 1;
        rows.push((code, lsoa, (lon, lat), bng));
    }
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    if let Some(w) = rows.windows(2).find(|w| w[0].0 == w[1].0) {
        return Err(GreenspaceError::Csv {
            path,
            row: "rows".to_owned(),
            problem: format!("OA {} appears twice", w[0].0),
        });
    }
    let index = LsoaIndex::new(lsoa11);
    let (mut outside, mut unmatched) = (0, 0);
    let mut out = Vec::with_capacity(rows.len());
    for (code, lsoa, lon_lat, bng) in rows {
        let pop = population.get(&lsoa).copied().ok_or_else(|| {
            GreenspaceError::Input(format!(
                "LSOA {lsoa} (of OA {code}) has no population in the weights"
            ))
        })?;
        let (l11, how) = index.locate(lsoa11, lon_lat);
        match how {
            Located::Inside => {}
            Located::Nearest => outside += 1,
            Located::Nowhere => unmatched += 1,
        }
        out.push(OutputAreaResult {
            code,
            weight: pop / per_lsoa[&lsoa] as f64,
            lsoa21: lsoa,
            lsoa11: l11,
            lon_lat,
            bng,
            park_entrance_m: None,
            standard_m: [None; 5],
            meets: [false; 5],
            hectares_1km: 0.0,
            residents_1km: 0.0,
        });
    }
    report.line(format!(
        "Residents: {} OA centroids in {} LSOA21s, {:.0} residents (mid-2022 LSOA populations \
         shared equally among each LSOA's OAs)",
        out.len(),
        per_lsoa.len(),
        out.iter().map(|o| o.weight).sum::<f64>()
    ));
    report.line(format!(
        "Residents: OA centroids assigned to the LSOA 2011 polygon holding them; {outside} fell \
         in no polygon (generalised boundaries) and took the nearest, {unmatched} found none"
    ));
    Ok(out)
}

enum Located {
    Inside,
    Nearest,
    Nowhere,
}

/// LSOA 2011 polygons by bounding box, for point-in-polygon.
struct LsoaIndex(RTree<GeomWithData<Rectangle<[f64; 2]>, usize>>);

impl LsoaIndex {
    fn new(set: &AreaSet) -> Self {
        Self(RTree::bulk_load(
            set.areas
                .iter()
                .enumerate()
                .flat_map(|(i, a)| a.geometry.iter().map(move |p| (i, p)))
                .filter_map(|(i, p)| {
                    let r = p.bounding_rect()?;
                    Some(GeomWithData::new(
                        Rectangle::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]),
                        i,
                    ))
                })
                .collect(),
        ))
    }

    /// The area holding the point (the first by code if it lies on a shared border), else the
    /// nearest within about 1 km.
    fn locate(&self, set: &AreaSet, (lon, lat): (f64, f64)) -> (Option<String>, Located) {
        let pt = Point::new(lon, lat);
        let mut hits: Vec<usize> = self
            .0
            .locate_all_at_point([lon, lat])
            .map(|g| g.data)
            .filter(|&i| set.areas[i].geometry.intersects(&pt))
            .collect();
        hits.sort_unstable();
        if let Some(&i) = hits.first() {
            return (Some(set.areas[i].code.clone()), Located::Inside);
        }
        // Degrees; 0.015 is about 1 km north-south in Leeds. Only gaps between generalised
        // polygons should land here.
        let near = 0.015;
        let env = AABB::from_corners([lon - near, lat - near], [lon + near, lat + near]);
        let best = self
            .0
            .locate_in_envelope_intersecting(env)
            .map(|g| (Euclidean.distance(&set.areas[g.data].geometry, &pt), g.data))
            .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        match best {
            Some((_, i)) => (Some(set.areas[i].code.clone()), Located::Nearest),
            None => (None, Located::Nowhere),
        }
    }
}

/// Fills in every OA's distances, standards and 1 km figures.
pub(crate) fn measure(oas: &mut [OutputAreaResult], sites: &[Reachable]) {
    let parks = TargetIndex::new(sites, |s| s.park);
    let by_standard: Vec<TargetIndex> = STANDARDS
        .iter()
        .map(|st| TargetIndex::new(sites, |s| s.group_hectares >= st.min_hectares))
        .collect();
    let all = TargetIndex::new(sites, |_| true);
    let people: RTree<GeomWithData<[f64; 2], f64>> = RTree::bulk_load(
        oas.iter()
            .map(|o| GeomWithData::new([o.bng.0, o.bng.1], o.weight))
            .collect(),
    );
    oas.par_iter_mut().for_each(|oa| {
        let p = [oa.bng.0, oa.bng.1];
        oa.park_entrance_m = parks.nearest(sites, p);
        for (k, (st, index)) in STANDARDS.iter().zip(&by_standard).enumerate() {
            oa.standard_m[k] = index.nearest(sites, p);
            oa.meets[k] = oa.standard_m[k].is_some_and(|d| d <= st.within_m);
        }
        oa.hectares_1km = all
            .within(sites, p, 1000.0)
            .iter()
            .map(|&i| sites[i as usize].net_hectares)
            .sum();
        oa.residents_1km = people
            .locate_within_distance(p, 1000.0 * 1000.0)
            .map(|g| g.data)
            .sum();
    });
}

/// The population-weighted share meeting each standard if every site were judged by its own
/// size, without the sites it touches: for the report, to show what grouping changes.
pub(crate) fn shares_by_single_site(oas: &[OutputAreaResult], sites: &[Reachable]) -> [f64; 5] {
    let total: f64 = oas.iter().map(|o| o.weight).sum();
    let mut out = [0.0; 5];
    if total <= 0.0 {
        return out;
    }
    for (k, st) in STANDARDS.iter().enumerate() {
        let index = TargetIndex::new(sites, |s| s.hectares >= st.min_hectares);
        let met: f64 = oas
            .iter()
            .filter(|o| {
                index
                    .nearest(sites, [o.bng.0, o.bng.1])
                    .is_some_and(|d| d <= st.within_m)
            })
            .map(|o| o.weight)
            .sum();
        out[k] = met / total;
    }
    out
}
