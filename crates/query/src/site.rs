//! The planner's site report: who lives in and around a site.
//!
//! The site arrives as GeoJSON in WGS84 or British National Grid. All measurement happens in
//! BNG metres (OSTN15), never in degrees: buffers, overlap areas and distances.

mod input;
mod outcomes;
mod report;
mod residents;
mod shares;
pub mod validate;

pub use input::{ParsedSite, parse_buffers, parse_site};
pub use outcomes::{APPORTIONED_WILSON, OUTCOMES, outcome_words};
pub use report::{AgeBand, LsoaShare, SiteReport, Zone, ZoneFigures};
pub use residents::ResidentIndex;
pub use shares::Method;

use std::sync::OnceLock;

use equimap_atlas::{Atlas, Geography};
use equimap_crs::Crs;
use geo::{Area, BoundingRect, MultiPolygon};
use rstar::{AABB, RTree};

use crate::index::Entry;

use crate::QueryError;

/// Largest buffer ring accepted, in metres.
pub const MAX_BUFFER_M: f64 = 5_000.0;
/// Most buffer rings accepted in one request.
pub const MAX_RINGS: usize = 5;
/// Most vertices accepted in a site.
pub const MAX_VERTICES: usize = 100_000;

/// What site reports measure against: the LSOA 2021 boundaries in BNG (projected on the first
/// report, not at start-up: about a second for England's 33,755), the GP practices in BNG and
/// the resident points.
pub struct SiteIndex {
    projected: OnceLock<ProjectedLsoas>,
    /// GP practices in BNG, in the order of `Query::gps`.
    pub gp_points: Vec<geo::Point<f64>>,
    /// Resident points (docs/residents.md), when the atlas has them.
    pub residents: Option<ResidentIndex>,
}

/// The LSOA 2021 boundaries projected to BNG, with their areas and an R-tree.
pub struct ProjectedLsoas {
    /// Per LSOA21 (in the atlas's order): the BNG polygon and its area in m².
    pub lsoas: Vec<(MultiPolygon<f64>, f64)>,
    tree: RTree<Entry>,
    /// LSOAs outside the OSTN15 grid, left out of site reports.
    pub unprojected: Vec<String>,
}

impl ProjectedLsoas {
    /// Project the LSOA 2021 areas.
    fn new(atlas: &Atlas) -> Self {
        let mut lsoas = Vec::new();
        let mut unprojected = Vec::new();
        let mut entries = Vec::new();
        if let Some(set) = atlas.areas(Geography::Lsoa21) {
            for (idx, a) in set.areas.iter().enumerate() {
                // An area the OSTN15 grid does not cover (the Isles of Scilly lie just south
                // of lonlat_bng's grid) cannot be measured in metres here: it is kept out of
                // site reports and listed, rather than stopping the server.
                let Ok(geo::Geometry::MultiPolygon(mp)) =
                    equimap_crs::geometry_to_bng(&geo::Geometry::MultiPolygon(a.geometry.clone()))
                else {
                    unprojected.push(a.code.clone());
                    lsoas.push((MultiPolygon(Vec::new()), 0.0));
                    continue;
                };
                if let Some(r) = mp.bounding_rect() {
                    entries.push(Entry {
                        env: AABB::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]),
                        idx,
                    });
                }
                let area = mp.unsigned_area();
                lsoas.push((mp, area));
            }
        }
        Self {
            lsoas,
            tree: RTree::bulk_load(entries),
            unprojected,
        }
    }

    /// LSOA indices whose BNG bounding box meets `r`.
    pub fn candidates(&self, r: geo::Rect<f64>) -> impl Iterator<Item = usize> + '_ {
        self.tree
            .locate_in_envelope_intersecting(AABB::from_corners(
                [r.min().x, r.min().y],
                [r.max().x, r.max().y],
            ))
            .map(|e| e.idx)
    }
}

impl SiteIndex {
    /// Read the resident points; the LSOAs are projected on first use.
    pub fn new(atlas: &Atlas) -> Result<Self, QueryError> {
        let layer =
            equimap_atlas::ResidentLayer::read(&atlas.dir).map_err(|e| QueryError::Atlas {
                path: atlas.dir.join(equimap_atlas::RESIDENTS_OA_FILE),
                message: e.to_string(),
            })?;
        Ok(Self {
            projected: OnceLock::new(),
            gp_points: Vec::new(),
            residents: layer.and_then(|l| ResidentIndex::new(atlas, &l)),
        })
    }

    /// The LSOA 2021 boundaries in BNG, projected now if this is the first call (`atlas` must
    /// be the one this index was made from).
    pub fn lsoas(&self, atlas: &Atlas) -> &ProjectedLsoas {
        self.projected.get_or_init(|| ProjectedLsoas::new(atlas))
    }

    /// Project the GP practices once, so a report does not.
    pub(crate) fn set_gps(&mut self, gps: &[crate::GpPractice]) {
        self.gp_points = gps
            .iter()
            .map(|g| {
                equimap_crs::from_wgs84(&Crs::BritishNationalGrid, g.lon, g.lat)
                    .map_or(geo::Point::new(f64::NAN, f64::NAN), |(x, y)| {
                        geo::Point::new(x, y)
                    })
            })
            .collect();
    }
}

/// A BNG geometry to WGS84, for output.
pub(crate) fn to_wgs84(mp: &MultiPolygon<f64>) -> MultiPolygon<f64> {
    let mut g = geo::Geometry::MultiPolygon(mp.clone());
    if equimap_crs::transform_geometry_to_wgs84(&Crs::BritishNationalGrid, &mut g).is_ok()
        && let geo::Geometry::MultiPolygon(out) = g
    {
        return out;
    }
    MultiPolygon(Vec::new())
}
