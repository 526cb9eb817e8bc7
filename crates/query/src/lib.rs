//! The questions equimap answers, over one loaded [`Atlas`].
//!
//! Every figure carries its unit, period, source and estimate flag, and every area figure can be
//! set beside the district's and England's. Nothing here knows about HTTP; the server maps
//! [`QueryError`] to status codes.

pub mod csv_out;
mod custom;
mod error;
mod footprint;
mod index;
pub mod inequality;
mod marmot;
pub mod primary_care;
mod profile;
mod reference;
mod search;
pub mod site;
mod stats;
mod trends;
pub mod where_live;

use std::collections::BTreeMap;

use equimap_atlas::{Atlas, Geography};
use serde::Serialize;

pub use custom::{CODE_GEOGRAPHIES, CustomArea, CustomAreaSpec, MAX_CODES};
pub use error::QueryError;
pub use footprint::{Footprint, FootprintWard};
pub use index::AreaIndex;
pub use marmot::{Marmot, MarmotIndicator, MarmotMeasure};
pub use profile::{
    AreaRef, Comparison, CountsOut, IndicatorValue, LocalRank, Profile, RefOut, ValueInterval,
    ValueStats, WILSON_METHOD, comparison_words,
};
pub use reference::{GpPractice, Place, Postcode};
pub use search::{HitKind, fold, postcode_key};
pub use stats::{Gradient, GradientBand, RankRow};
pub use trends::{TrendPoint, TrendSeries, TrendsOut};

/// An atlas with the indexes that make questions fast.
pub struct Query {
    /// The atlas.
    pub atlas: std::sync::Arc<Atlas>,
    indexes: BTreeMap<Geography, AreaIndex>,
    /// Live postcodes.
    pub postcodes: Vec<Postcode>,
    /// The place gazetteer.
    pub places: Vec<Place>,
    /// GP practices.
    pub gps: Vec<GpPractice>,
    search: search::SearchIndex,
    /// Each indicator's values at each geography sorted worst first, made on first use (England's
    /// held 41 MB at start, most of it for indicators no request ranks).
    ranks: BTreeMap<(Geography, String), std::sync::OnceLock<Vec<f64>>>,
    headline: BTreeMap<Geography, Vec<(String, usize)>>,
    /// For each postcode, the index of the area containing it in each `WITHIN` geography
    /// (`u32::MAX` where none), found once by our own point lookup.
    postcode_within: Vec<[u32; 6]>,
    /// A point inside each area, by geography, for flying to search results: found the first
    /// time an area is a search result (about a second for all of England's areas, so not at
    /// start-up), then kept.
    area_points: BTreeMap<Geography, Vec<std::sync::OnceLock<(f64, f64)>>>,
    sites: site::SiteIndex,
    gradients: std::sync::Mutex<std::collections::HashMap<(String, String), stats::Gradient>>,
    /// GP registers, PCNs and the practice deprivation gradient, when the atlas has them.
    pub primary_care: Option<primary_care::PrimaryCareIndex>,
    /// The wards of each community committee, with their sources.
    committee_wards: Vec<equimap_atlas::CommitteeWardRow>,
}

/// One area found at a point, with its headline figures.
#[derive(Debug, Clone, Serialize)]
pub struct PointArea {
    /// The area.
    #[serde(flatten)]
    pub area: AreaRef,
    /// Headline indicators held at this geography: id → value.
    pub headline: BTreeMap<String, Option<f64>>,
}

/// A search result.
#[derive(Debug, Clone, Serialize)]
pub struct SearchHit {
    /// Postcode, place or area.
    pub kind: HitKind,
    /// What to show.
    pub label: String,
    /// A second line: the place type or the geography.
    pub detail: String,
    /// Where to fly to: the postcode or place point, or the area's centre.
    pub lon: f64,
    /// Latitude of that point.
    pub lat: f64,
    /// For areas: which area to open.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub area: Option<AreaRef>,
    /// For practices and PCNs: the code to open.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// For postcodes and places: the areas containing the point, by our own point lookup.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub within: Vec<AreaRef>,
}

/// A GP practice with its distance from a point.
#[derive(Debug, Clone, Serialize)]
pub struct NearbyService {
    /// The practice.
    #[serde(flatten)]
    pub practice: GpPractice,
    /// Straight-line distance in metres (British National Grid).
    pub distance_m: f64,
    /// Its QOF registers as recorded prevalence (95% intervals, comparisons) and its PCN, when
    /// the atlas has them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub registers: Option<primary_care::PracticeRegisters>,
}

impl Query {
    /// Attach each practice's registers, where the atlas holds them.
    pub(crate) fn add_registers(&self, practices: &mut [NearbyService]) {
        if let Some(pc) = &self.primary_care {
            for n in practices {
                n.registers = pc.registers(&n.practice.org_code);
            }
        }
    }
}

/// The geographies listed for a postcode or place.
const WITHIN: [Geography; 6] = [
    Geography::Lsoa21,
    Geography::Msoa21,
    Geography::Ward,
    Geography::Committee,
    Geography::Lsoa11,
    Geography::Msoa11,
];

const HEADLINE: [&str; 7] = [
    "population",
    "imd2025_decile",
    "imd2025_score",
    "imd2019_decile",
    "imd2019_score",
    "le_female",
    "le_male",
];

impl Query {
    /// Build the indexes and read the reference layers.
    pub fn new(atlas: Atlas) -> Result<Self, QueryError> {
        let indexes = atlas
            .geographies
            .iter()
            .map(|(g, s)| (*g, AreaIndex::new(s)))
            .collect();
        let postcodes = reference::postcodes(&atlas.dir)?;
        let places = reference::places(&atlas.dir)?;
        let gps = reference::gp_practices(&atlas.dir)?;
        let primary_care = equimap_atlas::PrimaryCare::read(&atlas.dir)
            .map_err(|e| QueryError::Atlas {
                path: atlas.dir.join(equimap_atlas::PrimaryCare::QOF),
                message: e.to_string(),
            })?
            .map(|pc| {
                let period = atlas
                    .manifest
                    .reference_layers
                    .get("gp_qof")
                    .map(|r| r.vintage.clone())
                    .unwrap_or_default();
                let name = if atlas.manifest.district == "all" {
                    "England"
                } else {
                    atlas.manifest.district_name.as_str()
                };
                primary_care::PrimaryCareIndex::new(pc, &gps, name, &period)
            });
        let gp_names = primary_care
            .as_ref()
            .map(primary_care::PrimaryCareIndex::names)
            .unwrap_or_default();
        let search = search::SearchIndex::new(&atlas, &postcodes, &places, &gp_names);
        let ranks = profile::rank_tables(&atlas);
        // The headline columns of each geography, looked up once rather than per request.
        let headline = atlas
            .tables
            .iter()
            .map(|(g, t)| {
                (
                    *g,
                    HEADLINE
                        .iter()
                        .filter_map(|id| Some(((*id).to_owned(), t.column_index(id)?)))
                        .collect(),
                )
            })
            .collect();
        let locate = |g: Geography, lon: f64, lat: f64| -> u32 {
            atlas
                .areas(g)
                .zip(indexes_ref(&indexes, g))
                .and_then(|(set, idx)| idx.locate(set, lon, lat))
                .and_then(|i| u32::try_from(i).ok())
                .unwrap_or(u32::MAX)
        };
        let postcode_within = postcodes
            .iter()
            .map(|p| WITHIN.map(|g| locate(g, p.lon, p.lat)))
            .collect();
        let area_points = atlas
            .geographies
            .iter()
            .map(|(g, set)| {
                let cells = std::iter::repeat_with(std::sync::OnceLock::new)
                    .take(set.len())
                    .collect();
                (*g, cells)
            })
            .collect();
        let committee_wards =
            equimap_atlas::read_layer(&atlas.dir, equimap_atlas::COMMITTEE_WARDS_FILE).map_err(
                |e| QueryError::Atlas {
                    path: atlas.dir.join(equimap_atlas::COMMITTEE_WARDS_FILE),
                    message: e.to_string(),
                },
            )?;
        let mut sites = site::SiteIndex::new(&atlas)?;
        sites.set_gps(&gps);
        Ok(Self {
            atlas: std::sync::Arc::new(atlas),
            indexes,
            postcodes,
            places,
            gps,
            search,
            ranks,
            headline,
            postcode_within,
            area_points,
            sites,
            gradients: std::sync::Mutex::default(),
            primary_care,
            committee_wards,
        })
    }

    /// LSOAs left out of site reports because the OSTN15 grid does not reach them (projects
    /// the LSOAs to BNG if no site report has yet).
    pub fn unprojected_lsoas(&self) -> &[String] {
        &self.sites.lsoas(&self.atlas).unprojected
    }

    /// Parse a geography name, as a 400 when unknown.
    pub fn geography(&self, name: &str) -> Result<Geography, QueryError> {
        let g: Geography = name
            .parse()
            .map_err(|e: equimap_atlas::AtlasError| QueryError::bad(e.to_string()))?;
        if self.atlas.geographies.contains_key(&g) {
            Ok(g)
        } else {
            Err(QueryError::not_found(format!(
                "this atlas has no {g} geography"
            )))
        }
    }

    /// Check a longitude/latitude pair.
    pub fn check_lon_lat(lon: f64, lat: f64) -> Result<(), QueryError> {
        if !lon.is_finite()
            || !lat.is_finite()
            || !(-180.0..=180.0).contains(&lon)
            || !(-90.0..=90.0).contains(&lat)
        {
            return Err(QueryError::bad(format!(
                "lon {lon}, lat {lat} is not a WGS84 longitude/latitude (lon −180..180, lat −90..90)"
            )));
        }
        Ok(())
    }

    /// The area of one geography containing a point.
    pub fn locate(&self, g: Geography, lon: f64, lat: f64) -> Option<&equimap_atlas::Area> {
        let set = self.atlas.areas(g)?;
        let i = self.indexes.get(&g)?.locate(set, lon, lat)?;
        Some(&set.areas[i])
    }

    /// The areas at every geography that contain a point. A point outside the atlas is a 404.
    pub fn point(&self, lon: f64, lat: f64) -> Result<Vec<PointArea>, QueryError> {
        Self::check_lon_lat(lon, lat)?;
        let found: Vec<PointArea> = self
            .atlas
            .geographies
            .keys()
            .filter_map(|g| {
                let a = self.locate(*g, lon, lat)?;
                let table = self.atlas.tables.get(g);
                let row = table.and_then(|t| t.row_index(&a.code));
                let headline = self.headline.get(g).map_or_else(BTreeMap::new, |cols| {
                    cols.iter()
                        .map(|(id, col)| {
                            let v = table.zip(row).and_then(|(t, r)| t.value_at(r, *col));
                            (id.clone(), v)
                        })
                        .collect()
                });
                Some(PointArea {
                    area: AreaRef::of(*g, a),
                    headline,
                })
            })
            .collect();
        if found.is_empty() {
            return Err(QueryError::not_found(format!(
                "lon {lon}, lat {lat} is outside the atlas ({})",
                self.atlas.manifest.district_name
            )));
        }
        Ok(found)
    }

    /// The areas containing a point, as references.
    pub fn within(&self, lon: f64, lat: f64) -> Vec<AreaRef> {
        WITHIN
            .into_iter()
            .filter_map(|g| self.locate(g, lon, lat).map(|a| AreaRef::of(g, a)))
            .collect()
    }

    /// Search postcodes, places and areas, best first.
    pub fn search(&self, q: &str, limit: usize) -> Result<Vec<SearchHit>, QueryError> {
        let folded = fold(q);
        if folded.is_empty() {
            return Err(QueryError::bad("the search text `q` is empty"));
        }
        if folded.chars().count() > 100 {
            return Err(QueryError::bad(
                "the search text is longer than 100 characters",
            ));
        }
        let limit = limit.clamp(1, 50);
        let mut hits = Vec::new();
        let key = postcode_key(q);
        if search::looks_like_postcode(&key) {
            // A postcode district or sector typed in full ("LS6", "LS6 1") is a place first.
            if let Some(&i) = self.search.postcode_places.get(&key) {
                hits.push(self.place_hit(i));
            }
            for (_, i) in self
                .search
                .postcode_prefix(&key)
                .iter()
                .take(limit - hits.len())
            {
                let p = &self.postcodes[*i];
                hits.push(SearchHit {
                    kind: HitKind::Postcode,
                    label: p.postcode.clone(),
                    detail: "postcode".to_owned(),
                    lon: p.lon,
                    lat: p.lat,
                    area: None,
                    code: None,
                    within: self.postcode_within[*i]
                        .iter()
                        .zip(WITHIN)
                        .filter_map(|(idx, g)| {
                            let a = self
                                .atlas
                                .areas(g)?
                                .areas
                                .get(usize::try_from(*idx).ok()?)?;
                            Some(AreaRef::of(g, a))
                        })
                        .collect(),
                });
            }
        }
        // A query that found postcodes is a postcode: names are not searched.
        let names = hits
            .is_empty()
            .then(|| self.search.names(&folded, &self.atlas, &self.places))
            .into_iter()
            .flatten();
        for (e, label) in names {
            if hits.len() >= limit {
                break;
            }
            match e.target {
                search::Target::Area(g, i, _) => {
                    if let Some(hit) = self.area_hit(g, i as usize, &label.concat(), &hits) {
                        hits.push(hit);
                    }
                }
                search::Target::Place(i) => hits.push(self.place_hit(i as usize)),
                search::Target::Gp(i) => {
                    if let Some((is_pcn, code, _)) = self.search.gp.get(i as usize)
                        && let Some(hit) = self.gp_hit(*is_pcn, code, &label.concat(), &hits)
                    {
                        hits.push(hit);
                    }
                }
            }
        }
        Ok(hits)
    }

    /// A search result for area `i` of a geography; `None` when already listed.
    fn area_hit(
        &self,
        g: Geography,
        i: usize,
        label: &str,
        hits: &[SearchHit],
    ) -> Option<SearchHit> {
        let a = self.atlas.areas(g)?.areas.get(i)?;
        if hits.iter().any(|h| {
            h.area
                .as_ref()
                .is_some_and(|r| r.code == a.code && r.geography == g)
        }) {
            return None;
        }
        let c = area_point(self, g, i).unwrap_or_default();
        Some(SearchHit {
            kind: HitKind::Area,
            label: label.to_owned(),
            detail: self.atlas.geography_label(g).to_owned(),
            lon: c.0,
            lat: c.1,
            area: Some(AreaRef::of(g, a)),
            code: None,
            within: Vec::new(),
        })
    }

    /// A search result for a gazetteer place, with the areas containing it.
    fn place_hit(&self, i: usize) -> SearchHit {
        let p = &self.places[i];
        SearchHit {
            kind: HitKind::Place,
            label: p.name.clone(),
            detail: p.kind.replace('_', " "),
            lon: p.lon,
            lat: p.lat,
            area: None,
            code: None,
            within: self.within(p.lon, p.lat),
        }
    }

    /// A search result for a practice or PCN; `None` when already listed.
    fn gp_hit(
        &self,
        is_pcn: bool,
        code: &str,
        label: &str,
        hits: &[SearchHit],
    ) -> Option<SearchHit> {
        let kind = if is_pcn {
            HitKind::Pcn
        } else {
            HitKind::Practice
        };
        if hits
            .iter()
            .any(|h| h.kind == kind && h.code.as_deref() == Some(code))
        {
            return None;
        }
        let pc = self.primary_care.as_ref()?;
        // Unlocated practices (England atlases) fly to the district's centre.
        let (lon, lat) = pc
            .point(is_pcn, code)
            .unwrap_or_else(|| area_point(self, Geography::District, 0).unwrap_or_default());
        Some(SearchHit {
            kind,
            label: label.to_owned(),
            detail: if is_pcn {
                format!("Primary Care Network (as at {})", pc.membership_as_at)
            } else {
                "GP practice".to_owned()
            },
            lon,
            lat,
            area: None,
            code: Some(code.to_owned()),
            within: Vec::new(),
        })
    }

    /// The nearest GP practices to a point, with straight-line distance.
    pub fn nearest_gps(
        &self,
        lon: f64,
        lat: f64,
        limit: usize,
    ) -> Result<Vec<NearbyService>, QueryError> {
        Self::check_lon_lat(lon, lat)?;
        let here = equimap_crs::from_wgs84(&equimap_crs::Crs::BritishNationalGrid, lon, lat)
            .map_err(|e| QueryError::bad(e.to_string()))?;
        let mut out: Vec<NearbyService> = self
            .gps
            .iter()
            .filter_map(|g| {
                let there =
                    equimap_crs::from_wgs84(&equimap_crs::Crs::BritishNationalGrid, g.lon, g.lat)
                        .ok()?;
                Some(NearbyService {
                    practice: g.clone(),
                    distance_m: (equimap_crs::distance_m_bng(here, there) * 10.0).round() / 10.0,
                    registers: None,
                })
            })
            .collect();
        out.sort_by(|a, b| {
            a.distance_m
                .total_cmp(&b.distance_m)
                .then(a.practice.org_code.cmp(&b.practice.org_code))
        });
        out.truncate(limit.clamp(1, 100));
        Ok(out)
    }
}

fn indexes_ref(indexes: &BTreeMap<Geography, AreaIndex>, g: Geography) -> Option<&AreaIndex> {
    indexes.get(&g)
}

/// A point inside area `i` of a geography, found on first use and kept.
fn area_point(q: &Query, g: Geography, i: usize) -> Option<(f64, f64)> {
    let cell = q.area_points.get(&g)?.get(i)?;
    let area = q.atlas.areas(g)?.areas.get(i)?;
    Some(*cell.get_or_init(|| {
        geo::InteriorPoint::interior_point(&area.geometry)
            .map(|p| (p.x(), p.y()))
            .unwrap_or_default()
    }))
}
