//! The figures of a site report, for the site and each buffer zone.

use equimap_atlas::{ENGLAND_CODE, Geography};
use geo::{Area, Buffer, Distance, Euclidean, Intersects, MultiPolygon};
use serde::Serialize;

use super::{Method, ParsedSite};
use crate::profile::{RefOut, reference};
use crate::{NearbyService, Query, QueryError};

/// One LSOA touched by a zone.
#[derive(Debug, Clone, Serialize)]
pub struct LsoaShare {
    /// LSOA 2021 code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Share of the LSOA's residents placed inside the zone (0–1): from the resident points
    /// where the atlas has them, else the share of the LSOA's area.
    pub share: f64,
    /// Estimated residents inside the zone: share × LSOA population.
    pub residents: f64,
    /// National IMD 2025 decile of the LSOA.
    pub imd2025_decile: Option<f64>,
    /// IMD 2025 score of the LSOA.
    pub imd2025_score: Option<f64>,
}

/// The summary figures for any set of LSOA shares (a site zone or a custom area).
#[derive(Debug, Clone, Default, Serialize)]
pub struct ZoneFigures {
    /// Estimated residents.
    pub residents: f64,
    /// Population-weighted IMD 2025 score.
    pub imd2025_score: Option<f64>,
    /// Residents by national IMD 2025 decile, decile 1 first.
    pub residents_by_decile: [f64; 10],
    /// Residents in national decile 1.
    pub residents_decile1: f64,
    /// Residents in national deciles 1–2 (Core20).
    pub residents_decile12: f64,
    /// Share of residents in decile 1.
    pub share_decile1: Option<f64>,
    /// Share of residents in deciles 1–2.
    pub share_decile12: Option<f64>,
    /// Female life expectancy estimate, years.
    pub le_female: Option<f64>,
    /// Male life expectancy estimate, years.
    pub le_male: Option<f64>,
    /// Residents by broad age band (Census 2021 counts placed like the residents); empty when
    /// the atlas has no age bands.
    pub age_bands: Vec<AgeBand>,
    /// Green-space access figures (ids `greenspace_*` and `private_outdoor_space_share`),
    /// resident-weighted means of the LSOA values; absent when the atlas has none.
    pub greenspace: std::collections::BTreeMap<String, f64>,
}

/// Residents of one age band in a zone.
#[derive(Debug, Clone, Serialize)]
pub struct AgeBand {
    /// Indicator id, e.g. `age_0_15`.
    pub id: String,
    /// Label.
    pub label: String,
    /// Estimated residents in the band inside the zone.
    pub residents: f64,
    /// The band's source and period.
    pub source: String,
    /// The band's period (the date of the count, and of the split for 0-4 and 5-15).
    pub period: String,
    /// True when the LSOA counts are themselves estimates (the 0-4 / 5-15 split).
    pub estimate: bool,
    /// How the LSOA counts were made.
    pub method: String,
}

/// The age bands, in order: 0-4 and 5-15 where the atlas has the split (else 0-15), then the
/// Census bands. They do not overlap and sum to the Census total.
pub const AGE_BANDS: [&str; 8] = [
    "age_0_4",
    "age_5_15",
    "age_0_15",
    "age_16_24",
    "age_25_34",
    "age_35_49",
    "age_50_64",
    "age_65_plus",
];

/// The site itself or a buffer zone around it.
#[derive(Debug, Clone, Serialize)]
pub struct Zone {
    /// "site" or "site + 400 m".
    pub label: String,
    /// The buffer distance; 0 for the site.
    pub buffer_m: f64,
    /// Area in hectares.
    pub area_ha: f64,
    /// The figures.
    #[serde(flatten)]
    pub figures: ZoneFigures,
    /// How residents were placed: `dasymetric` (Output Areas on residential land) or `areal`
    /// (LSOA populations spread evenly over their area).
    pub residents_method: Method,
    /// LSOAs whose residents were placed by area because the atlas has no resident points
    /// for them.
    pub lsoas_placed_by_area: usize,
    /// Health outcomes, fuel poverty and the IMD 2025 deprivation shares of the zone, each with
    /// its apportioned counts, its 95% interval where computable and its comparison with the
    /// district and England (all estimates; see `outcomes::OUTCOMES`).
    pub outcomes: Vec<crate::IndicatorValue>,
    /// The other indicators of the zone: counts summed over the LSOAs' shares, other values
    /// weighted by the residents placed in the zone (all estimates).
    pub indicators: Vec<crate::IndicatorValue>,
    /// GP practices inside the zone and their registered patients.
    pub gp_practices_within: usize,
    /// Registered patients of those practices.
    pub gp_patients_within: u32,
    /// The LSOAs touched, largest share first.
    pub lsoas: Vec<LsoaShare>,
    /// The zone's boundary in WGS84, for maps and GeoJSON output.
    #[serde(skip)]
    pub geometry_wgs84: MultiPolygon<f64>,
}

/// A reference figure beside the site's.
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    /// Indicator id.
    pub indicator: String,
    /// Label.
    pub label: String,
    /// Unit.
    pub unit: String,
    /// The district's value.
    pub district: Option<RefOut>,
    /// England's value.
    pub england: Option<RefOut>,
}

/// The whole report.
#[derive(Debug, Clone, Serialize)]
pub struct SiteReport {
    /// The CRS the site was read in, as EPSG.
    pub input_crs: String,
    /// How the CRS was known.
    pub crs_detection: String,
    /// Repairs and assumptions.
    pub notes: Vec<String>,
    /// Site, then each buffer zone (cumulative: each includes the site).
    pub zones: Vec<Zone>,
    /// The nearest GP practices to the site (distance from the site's edge; 0 inside).
    pub nearest_gp_practices: Vec<NearbyService>,
    /// District and England reference values for the figures.
    pub comparisons: Vec<Comparison>,
    /// How the figures are made.
    pub method: Vec<String>,
    /// Attribution for the data shown.
    pub attribution: Vec<String>,
}

const COMPARED: [&str; 8] = [
    "imd2025_score",
    "imd2025_d1_share",
    "imd2025_d12_share",
    "le_female",
    "le_male",
    "greenspace_0_5ha_200m_share",
    "greenspace_park_entrance_m",
    "private_outdoor_space_share",
];

impl Query {
    /// Summary figures over LSOA shares, apportioning each LSOA's residents by area.
    pub(crate) fn figures(&self, shares: &[(usize, f64)]) -> (ZoneFigures, Vec<LsoaShare>) {
        let Some(set) = self.atlas.areas(Geography::Lsoa21) else {
            return (ZoneFigures::default(), Vec::new());
        };
        let g = Geography::Lsoa21;
        let mut f = ZoneFigures::default();
        let (mut score_w, mut score_s) = (0.0, 0.0);
        let (mut lef, mut lem) = ((0.0, 0.0), (0.0, 0.0));
        let mut rows = Vec::with_capacity(shares.len());
        for &(i, share) in shares {
            let a = &set.areas[i];
            let v = |id| self.atlas.value(g, &a.code, id);
            let residents = share * v("population").unwrap_or(0.0);
            f.residents += residents;
            if let Some(s) = v("imd2025_score") {
                score_s += s * residents;
                score_w += residents;
            }
            if let Some(d) = v("imd2025_decile")
                && let Some(slot) = f.residents_by_decile.get_mut((d as usize).wrapping_sub(1))
            {
                *slot += residents;
            }
            if let Some(x) = v("le_female") {
                lef.0 += x * residents;
                lef.1 += residents;
            }
            if let Some(x) = v("le_male") {
                lem.0 += x * residents;
                lem.1 += residents;
            }
            rows.push(LsoaShare {
                code: a.code.clone(),
                name: a.name.clone(),
                share: round(share, 4),
                residents: round(residents, 1),
                imd2025_decile: v("imd2025_decile"),
                imd2025_score: v("imd2025_score"),
            });
        }
        f.imd2025_score = (score_w > 0.0).then(|| round(score_s / score_w, 3));
        f.residents_decile1 = round(f.residents_by_decile[0], 0);
        f.residents_decile12 = round(f.residents_by_decile[0] + f.residents_by_decile[1], 0);
        if f.residents > 0.0 {
            f.share_decile1 = Some(round(f.residents_by_decile[0] / f.residents, 4));
            f.share_decile12 = Some(round(
                (f.residents_by_decile[0] + f.residents_by_decile[1]) / f.residents,
                4,
            ));
        }
        f.le_female = (lef.1 > 0.0).then(|| round(lef.0 / lef.1, 2));
        f.le_male = (lem.1 > 0.0).then(|| round(lem.0 / lem.1, 2));
        f.greenspace = self.greenspace_figures(shares);
        f.age_bands = self.age_bands(shares);
        for r in &mut f.residents_by_decile {
            *r = round(*r, 0);
        }
        f.residents = round(f.residents, 0);
        (f, rows)
    }

    /// Age bands held for LSOA 2021, each LSOA's count times its share.
    fn age_bands(&self, shares: &[(usize, f64)]) -> Vec<AgeBand> {
        let g = Geography::Lsoa21;
        let Some(set) = self.atlas.areas(g) else {
            return Vec::new();
        };
        let split = self.atlas.catalogue.get("age_0_4").is_some();
        AGE_BANDS
            .iter()
            .filter(|id| !(split && **id == "age_0_15"))
            .filter_map(|id| {
                let d = self.atlas.catalogue.get(id)?;
                let lvl = d.levels.iter().find(|l| l.geography == g)?;
                let residents: f64 = shares
                    .iter()
                    .map(|&(i, s)| s * self.atlas.value(g, &set.areas[i].code, id).unwrap_or(0.0))
                    .sum();
                Some(AgeBand {
                    id: (*id).to_owned(),
                    label: d.label.clone(),
                    residents: round(residents, 0),
                    source: format!("{}, {}", d.source, lvl.period),
                    period: lvl.period.clone(),
                    estimate: lvl.estimate,
                    method: lvl.method.clone(),
                })
            })
            .collect()
    }

    /// Green-space indicators held for LSOA 2021, weighted by the residents of each share.
    fn greenspace_figures(
        &self,
        shares: &[(usize, f64)],
    ) -> std::collections::BTreeMap<String, f64> {
        let g = Geography::Lsoa21;
        let (Some(set), Some(table)) = (self.atlas.areas(g), self.atlas.tables.get(&g)) else {
            return std::collections::BTreeMap::new();
        };
        let ids: Vec<&str> = table
            .columns
            .iter()
            .map(String::as_str)
            .filter(|c| c.starts_with("greenspace_") || *c == "private_outdoor_space_share")
            .collect();
        ids.into_iter()
            .filter_map(|id| {
                let (mut s, mut w) = (0.0, 0.0);
                for &(i, share) in shares {
                    let code = &set.areas[i].code;
                    let pop = share * self.atlas.value(g, code, "population").unwrap_or(0.0);
                    if let Some(v) = self.atlas.value(g, code, id) {
                        s += v * pop;
                        w += pop;
                    }
                }
                let d = self
                    .atlas
                    .catalogue
                    .get(id)
                    .map_or(3, |d| i32::from(d.decimals));
                (w > 0.0).then(|| (id.to_owned(), round(s / w, d.max(2))))
            })
            .collect()
    }

    /// The report for a parsed site and buffer distances (metres, ascending).
    // One step per zone figure; to split into named steps (it grew with the resident points).
    #[allow(clippy::too_many_lines)]
    pub fn site_report(
        &self,
        site: &ParsedSite,
        buffers: &[f64],
    ) -> Result<SiteReport, QueryError> {
        let gp_pts = &self.sites.gp_points;
        let mut zones = Vec::with_capacity(buffers.len() + 1);
        for &b in std::iter::once(&0.0).chain(buffers) {
            let geom = if b > 0.0 {
                site.bng.buffer(b)
            } else {
                site.bng.clone()
            };
            let (shares, fell_back) = self.lsoa_shares(&geom);
            if b == 0.0 && shares.is_empty() && !self.overlaps_atlas(&geom) {
                return Err(QueryError::BadRequest(format!(
                    "the site does not overlap the atlas ({}); check the coordinates and their CRS ({})",
                    self.atlas.manifest.district_name, site.crs_how
                )));
            }
            let (figures, lsoas) = self.figures(&shares);
            let mut indicators = self.aggregate_indicators(&shares);
            let outcomes = self.zone_outcomes(&mut indicators, &figures);
            let inside: Vec<usize> = gp_pts
                .iter()
                .enumerate()
                .filter(|(_, p)| geom.intersects(*p))
                .map(|(i, _)| i)
                .collect();
            zones.push(Zone {
                label: if b > 0.0 {
                    format!("site + {b} m")
                } else {
                    "site".to_owned()
                },
                buffer_m: b,
                area_ha: round(geom.unsigned_area() / 10_000.0, 2),
                figures,
                residents_method: if self.has_resident_points() {
                    Method::Dasymetric
                } else {
                    Method::Areal
                },
                lsoas_placed_by_area: fell_back,
                outcomes,
                indicators,
                gp_practices_within: inside.len(),
                gp_patients_within: inside
                    .iter()
                    .map(|i| self.gps[*i].registered_patients)
                    .sum(),
                lsoas,
                geometry_wgs84: super::to_wgs84(&geom),
            });
        }
        let mut nearest: Vec<NearbyService> = self
            .gps
            .iter()
            .zip(gp_pts)
            .map(|(g, p)| {
                let d = site
                    .bng
                    .0
                    .iter()
                    .map(|poly| Euclidean.distance(p, poly))
                    .fold(f64::INFINITY, f64::min);
                NearbyService {
                    practice: g.clone(),
                    distance_m: round(d, 0),
                    registers: None,
                }
            })
            .filter(|n| n.distance_m.is_finite())
            .collect();
        nearest.sort_by(|a, b| {
            a.distance_m
                .total_cmp(&b.distance_m)
                .then(a.practice.org_code.cmp(&b.practice.org_code))
        });
        nearest.truncate(5);
        self.add_registers(&mut nearest);
        let comparisons = COMPARED
            .iter()
            .filter_map(|id| {
                let d = self.atlas.catalogue.get(id)?;
                Some(Comparison {
                    indicator: (*id).to_owned(),
                    label: d.label.clone(),
                    unit: d.unit.clone(),
                    district: reference(&self.atlas, id, &self.atlas.manifest.district),
                    england: reference(&self.atlas, id, ENGLAND_CODE),
                })
            })
            .collect();
        let method = self.report_method(&zones);
        Ok(SiteReport {
            input_crs: format!("EPSG:{}", site.crs.epsg()),
            crs_detection: site.crs_how.clone(),
            notes: site.notes.clone(),
            zones,
            nearest_gp_practices: nearest,
            comparisons,
            method,
            attribution: self.atlas.manifest.attribution.clone(),
        })
    }
}

impl Query {
    /// The report's method notes, in the order a reader needs them.
    fn report_method(&self, zones: &[Zone]) -> Vec<String> {
        let mut method = vec![
            "All measurement is in British National Grid metres (OSTN15), not degrees.".to_owned(),
            "Buffer zones are cumulative: \"site + 400 m\" is everything within 400 m of the site, the site included.".to_owned(),
            self.residents_method_note(zones),
            "Residents by age band are Census 2021 (21 March 2021) counts per LSOA 2021, placed in the zone with the same share of each LSOA as its residents; the bands are a year older than the mid-2022 residents and carry Census disclosure noise of a few people per LSOA.".to_owned(),
        ];
        if self.atlas.catalogue.get("age_0_4").is_some() {
            method.push("Children aged 0-4 and 5-15 are estimates (docs/residents.md): each LSOA 2021's Census 2021 count of 0-15 year-olds split in the proportions of ONS's mid-2020 single-year estimates for its 2011 predecessor LSOAs (ONS LSOA11→LSOA21 lookup). The count is Census 2021; only the split is mid-2020, on 2011 LSOAs.".to_owned());
        }
        method.extend(self.outcomes_method());
        method.extend([
            "Other zone indicators: counts are summed over the LSOA shares; rates, scores and years are the LSOA values weighted by the residents placed in the zone, so they are estimates for the zone.".to_owned(),
            "The IMD score is the resident-weighted mean of the touched LSOAs' IMD 2025 scores; residents by decile use each LSOA's national IMD 2025 decile (1 = most deprived 10% in England).".to_owned(),
            "Life expectancy is an estimate: LSOA values are themselves made from 2011 MSOA figures for 2016-20 (ONS), weighted by residents.".to_owned(),
            "Green-space access figures are resident-weighted means of the LSOA values, which are measured from Output Area centroids by straight-line distance (docs/greenspace.md); walking distance is longer.".to_owned(),
            format!("GP distances are straight lines from the site's edge; walking distance is longer. GP practices: {} (NHS England).", self.atlas.manifest.reference_layers.get("gp_practices").map_or("registered patients", |l| l.vintage.as_str())),
        ]);
        method
    }
    /// The method note on residents: which method placed them, and any fallback.
    fn residents_method_note(&self, zones: &[Zone]) -> String {
        let Some(ix) = self.sites.residents.as_ref() else {
            return format!(
                "Residents are estimated by area weighting: each LSOA 2021's population ({}) times the share of its area inside the zone, assuming residents are spread evenly over each LSOA, parks and industrial land included. Output Area populations, which place residents where they live (docs/residents.md), are not available for this atlas ({}).",
                self.population_period(),
                self.atlas.manifest.district_name
            );
        };
        let fell_back = zones
            .iter()
            .map(|z| z.lsoas_placed_by_area)
            .max()
            .unwrap_or(0);
        let mut note = format!(
            "Residents are placed where they live (dasymetric method, docs/residents.md): each Output Area 2021's mid-2022 population is spread over the OpenStreetMap residential land nearest its population-weighted centroid within its LSOA ({} Output Areas), or kept at that centroid where it lies off mapped residential land ({} Output Areas, mostly city-centre flats). A zone's residents are those of the {} points (50 m grid pieces of residential land) inside it; each LSOA's points sum to its population ({}).",
            ix.placed.0,
            ix.placed.1,
            ix.counts.1,
            self.population_period()
        );
        if fell_back > 0 {
            use std::fmt::Write;
            let _ = write!(
                note,
                " {fell_back} LSOA(s) in a zone have no Output Area data and are placed by area weighting."
            );
        }
        note
    }

    fn population_period(&self) -> String {
        self.atlas
            .catalogue
            .get("population")
            .and_then(|d| d.levels.iter().find(|l| l.geography == Geography::Lsoa21))
            .map_or_else(String::new, |l| format!("{}, {}", l.method, l.period))
    }
}

/// `v` rounded to `places` decimals; never −0 (an empty sum of f64 is −0.0, shown as "-0").
pub(crate) fn round(v: f64, places: i32) -> f64 {
    let m = 10f64.powi(places);
    (v * m).round() / m + 0.0
}
