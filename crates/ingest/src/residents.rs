//! Where residents live: each Output Area's mid-2022 residents placed on the residential land
//! around its population-weighted centroid, inside its LSOA (docs/residents.md).
//!
//! For each LSOA 2021: its residential land is the OpenStreetMap residential land use inside
//! it. Its Output Areas share that land by a Voronoi partition of their population-weighted
//! centroids, cut to the LSOA (the Output Area boundaries of 2021 are not in the sources). An
//! Output Area whose centroid lies on residential land spreads its residents evenly over its
//! share, cut into a 50 m grid, one point per cell piece; one whose centroid lies off residential
//! land (flats in the city centre, halls, farms) keeps all its residents at the centroid.

use std::collections::BTreeMap;

use equimap_atlas::{AreaSet, LayerRecord, OaResidents, Placement, ResidentLayer, ResidentPoint};
use geo::{
    Area, BooleanOps, BoundingRect, Closest, ClosestPoint, Coord, Geometry, InteriorPoint,
    Intersects, LineString, MultiPolygon, Point, Polygon, Rect,
};
use rayon::prelude::*;
use rstar::{AABB, RTree, RTreeObject};

use crate::error::{IngestError, Result};
use crate::geom::{clean_polygonal, read_features};
use crate::read::SourceLog;
use crate::sources;

/// Side of the grid residential land is cut into, metres.
pub const GRID_M: f64 = 50.0;

/// The layer, or why it was not built.
pub enum Outcome {
    /// Built.
    Built(ResidentLayer),
    /// Not built, and why.
    Skipped(String),
}

/// Points of one Output Area: position and the residential m² each stands for.
type Pieces = Vec<(Coord<f64>, f64)>;

struct Centroid {
    oa: String,
    at: Coord<f64>,
}

struct Land {
    env: AABB<[f64; 2]>,
    poly: Polygon<f64>,
}

impl RTreeObject for Land {
    type Envelope = AABB<[f64; 2]>;
    fn envelope(&self) -> Self::Envelope {
        self.env
    }
}

/// Build the layer when the sources cover every LSOA of the selection with the same totals.
pub fn build(
    log: &mut SourceLog,
    lsoas: &AreaSet,
    population: &BTreeMap<String, f64>,
) -> Result<Outcome> {
    for f in [
        sources::OA_POPULATION,
        sources::OA_CENTROIDS,
        sources::LANDUSE,
    ] {
        if !log.exists(f) {
            return Ok(Outcome::Skipped(format!(
                "residents are placed by area within LSOAs: {f} is not in the sources"
            )));
        }
    }
    let pops = oa_populations(log)?;
    let by_lsoa = centroids(log, lsoas, &pops)?;
    if let Some(why) = coverage_gap(lsoas, &by_lsoa, &pops, population) {
        return Ok(Outcome::Skipped(format!(
            "residents are placed by area within LSOAs: {why}"
        )));
    }
    let land = residential_land(log)?;
    let placed: Vec<Option<Vec<(OaResidents, Pieces)>>> = lsoas
        .areas
        .par_iter()
        .map(|a| {
            let cents = by_lsoa.get(&a.code).map_or(&[][..], Vec::as_slice);
            place_lsoa(a, cents, &land, &pops)
        })
        .collect();
    let mut oas = Vec::new();
    let mut pieces: Vec<Pieces> = Vec::new();
    for (a, one) in lsoas.areas.iter().zip(placed) {
        let Some(one) = one else {
            return Ok(Outcome::Skipped(format!(
                "residents are placed by area within LSOAs: LSOA {} lies outside the OSTN15 grid",
                a.code
            )));
        };
        for (oa, pts) in one {
            oas.push(oa);
            pieces.push(pts);
        }
    }
    Ok(Outcome::Built(layer(oas, pieces)))
}

/// Place the Output Areas of one LSOA; `None` if the LSOA lies outside the OSTN15 grid. Each
/// LSOA is independent of the others, so they are placed in parallel (rayon) and gathered in
/// their order: the output does not depend on the number of threads.
fn place_lsoa(
    a: &equimap_atlas::Area,
    cents: &[Centroid],
    land: &RTree<Land>,
    pops: &BTreeMap<String, f64>,
) -> Option<Vec<(OaResidents, Pieces)>> {
    let Ok(Geometry::MultiPolygon(bng)) =
        equimap_crs::geometry_to_bng(&Geometry::MultiPolygon(a.geometry.clone()))
    else {
        return None;
    };
    Some(
        cents
            .iter()
            .enumerate()
            .map(|(i, c)| place(c, i, cents, &bng, land, &a.code, pops[&c.oa]))
            .collect(),
    )
}

/// Sort Output Areas by code and number their points.
fn layer(oas: Vec<OaResidents>, pieces: Vec<Pieces>) -> ResidentLayer {
    let mut both: Vec<(OaResidents, Pieces)> = oas.into_iter().zip(pieces).collect();
    both.sort_by(|a, b| a.0.code.cmp(&b.0.code));
    let mut out = ResidentLayer::default();
    for (i, (oa, pts)) in both.into_iter().enumerate() {
        let idx = u32::try_from(i).unwrap_or(u32::MAX);
        out.points
            .extend(pts.into_iter().map(|(c, area_m2)| ResidentPoint {
                oa: idx,
                e: round1(c.x),
                n: round1(c.y),
                area_m2: round1(area_m2),
            }));
        out.oas.push(oa);
    }
    out
}

/// Summary lines for a built layer.
pub fn summary(layer: &ResidentLayer) -> Vec<String> {
    let centroid = layer
        .oas
        .iter()
        .filter(|o| o.placed == Placement::Centroid)
        .count();
    vec![format!(
        "residents: {} Output Areas, {} on residential land ({} points of a {GRID_M} m grid), {centroid} at their population-weighted centroid",
        layer.oas.len(),
        layer.oas.len() - centroid,
        layer.points.len() - centroid,
    )]
}

/// The manifest record of the layer (its point file; the Output Area file sits beside it).
pub fn record(layer: &ResidentLayer) -> LayerRecord {
    LayerRecord {
        file: equimap_atlas::RESIDENTS_POINTS_FILE.to_owned(),
        count: layer.points.len(),
        source: format!(
            "ONS mid-2022 Output Area populations ({}) placed on OpenStreetMap residential land use ({}) around ONS Output Area 2021 population-weighted centroids ({}); Output Areas in {}",
            sources::OA_POPULATION,
            sources::LANDUSE,
            sources::OA_CENTROIDS,
            equimap_atlas::RESIDENTS_OA_FILE
        ),
        vintage: "mid-2022 residents; OpenStreetMap July 2023".to_owned(),
        licence: "Open Government Licence v3.0 (ONS); Open Database Licence 1.0 (OSM)".to_owned(),
        attribution: format!("{}; {}", sources::OGL_ATTRIBUTION, sources::OSM_ATTRIBUTION),
    }
}

fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

fn oa_populations(log: &mut SourceLog) -> Result<BTreeMap<String, f64>> {
    let csv = log.csv(sources::OA_POPULATION, "residents placed by Output Area")?;
    let (c, p) = (csv.col("OA21CD")?, csv.col("population")?);
    let mut out = BTreeMap::new();
    for row in csv.rows() {
        out.insert(row.req(c)?.to_owned(), row.req_num(p)?);
    }
    Ok(out)
}

/// The population-weighted centroids of the selection's Output Areas, by LSOA, in code order.
fn centroids(
    log: &mut SourceLog,
    lsoas: &AreaSet,
    pops: &BTreeMap<String, f64>,
) -> Result<BTreeMap<String, Vec<Centroid>>> {
    let csv = log.csv(sources::OA_CENTROIDS, "residents placed by Output Area")?;
    let (oc, lc, e, n) = (
        csv.col("oa21_cd")?,
        csv.col("lsoa21_cd")?,
        csv.col("pwc_e")?,
        csv.col("pwc_n")?,
    );
    let mut out: BTreeMap<String, Vec<Centroid>> = BTreeMap::new();
    for row in csv.rows() {
        let lsoa = row.req(lc)?;
        if lsoas.get(lsoa).is_none() {
            continue;
        }
        let oa = row.req(oc)?;
        if !pops.contains_key(oa) {
            return Err(row.bad(
                oc,
                format!(
                    "Output Area {oa} has no population in {}",
                    sources::OA_POPULATION
                ),
            ));
        }
        out.entry(lsoa.to_owned()).or_default().push(Centroid {
            oa: oa.to_owned(),
            at: Coord {
                x: row.req_num(e)?,
                y: row.req_num(n)?,
            },
        });
    }
    for v in out.values_mut() {
        v.sort_by(|a, b| a.oa.cmp(&b.oa));
    }
    Ok(out)
}

/// Why the Output Areas cannot stand for the selection's LSOAs, if they cannot: an LSOA
/// without Output Areas, or Output Areas that do not sum to the LSOA's population.
fn coverage_gap(
    lsoas: &AreaSet,
    by_lsoa: &BTreeMap<String, Vec<Centroid>>,
    pops: &BTreeMap<String, f64>,
    population: &BTreeMap<String, f64>,
) -> Option<String> {
    let missing = lsoas
        .areas
        .iter()
        .filter(|a| !by_lsoa.contains_key(&a.code))
        .count();
    if missing > 0 {
        return Some(format!(
            "{missing} of {} LSOAs have no Output Areas in {}",
            lsoas.areas.len(),
            sources::OA_CENTROIDS
        ));
    }
    for (lsoa, cents) in by_lsoa {
        let sum: f64 = cents.iter().map(|c| pops[&c.oa]).sum();
        let want = population.get(lsoa).copied().unwrap_or(f64::NAN);
        if (sum - want).abs() > 0.5 {
            return Some(format!(
                "the Output Areas of {lsoa} sum to {sum} residents in {}, but the LSOA's population is {want}",
                sources::OA_POPULATION
            ));
        }
    }
    None
}

/// OpenStreetMap residential land use, in BNG, indexed.
fn residential_land(log: &mut SourceLog) -> Result<RTree<Land>> {
    let src = log.read(sources::LANDUSE, "residents placed on residential land")?;
    let mut out = Vec::new();
    for (i, f) in read_features(&src)?.into_iter().enumerate() {
        if f.text("class").as_deref() != Some("residential") {
            continue;
        }
        let Some(g) = f.geometry.as_ref() else {
            continue;
        };
        let code = || f.text("osm_id").unwrap_or(format!("#{i}"));
        let (mp, _) = clean_polygonal(g).map_err(|message| IngestError::Geometry {
            path: src.path.clone(),
            code: code(),
            message,
        })?;
        let Ok(Geometry::MultiPolygon(bng)) =
            equimap_crs::geometry_to_bng(&Geometry::MultiPolygon(mp))
        else {
            continue;
        };
        for poly in bng {
            if let Some(r) = poly.bounding_rect() {
                out.push(Land {
                    env: AABB::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]),
                    poly,
                });
            }
        }
    }
    Ok(RTree::bulk_load(out))
}

/// Place one Output Area: its record and its points (position, residential m²).
fn place(
    c: &Centroid,
    i: usize,
    all: &[Centroid],
    lsoa: &MultiPolygon<f64>,
    land: &RTree<Land>,
    lsoa_code: &str,
    population: f64,
) -> (OaResidents, Vec<(Coord<f64>, f64)>) {
    let mut oa = OaResidents {
        code: c.oa.clone(),
        lsoa21: lsoa_code.to_owned(),
        population,
        placed: Placement::Centroid,
        centroid: (round1(c.at.x), round1(c.at.y)),
        residential_m2: 0.0,
    };
    let pt = Point::from(c.at);
    let on_land = land
        .locate_in_envelope_intersecting(AABB::from_point([c.at.x, c.at.y]))
        .any(|l| l.poly.intersects(&pt));
    if on_land && let Some(r) = lsoa.bounding_rect() {
        let cell = voronoi_cell(i, all, r);
        let near: Vec<&Polygon<f64>> = land
            .locate_in_envelope_intersecting(aabb(cell.bounding_rect()))
            .map(|l| &l.poly)
            .collect();
        let mine = geo::unary_union(near).intersection(&MultiPolygon(vec![cell]));
        let piece = mine.intersection(lsoa);
        let pts = grid_points(&piece);
        if !pts.is_empty() {
            oa.placed = Placement::Residential;
            oa.residential_m2 = round1(pts.iter().map(|p| p.1).sum());
            return (oa, pts);
        }
    }
    (oa, vec![(inside(lsoa, c.at), 0.0)])
}

fn aabb(r: Option<Rect<f64>>) -> AABB<[f64; 2]> {
    r.map_or_else(
        || AABB::from_point([f64::NAN, f64::NAN]),
        |r| AABB::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]),
    )
}

/// The part of `r` (grown by 10 m) nearer to centroid `i` than to any other of `all`:
/// successive half-plane cuts of a convex polygon.
fn voronoi_cell(i: usize, all: &[Centroid], r: Rect<f64>) -> Polygon<f64> {
    let (lo, hi) = (r.min(), r.max());
    let mut ring = vec![
        Coord {
            x: lo.x - 10.0,
            y: lo.y - 10.0,
        },
        Coord {
            x: hi.x + 10.0,
            y: lo.y - 10.0,
        },
        Coord {
            x: hi.x + 10.0,
            y: hi.y + 10.0,
        },
        Coord {
            x: lo.x - 10.0,
            y: hi.y + 10.0,
        },
    ];
    let p = all[i].at;
    for (j, o) in all.iter().enumerate() {
        let q = o.at;
        if j == i || ((q.x - p.x).abs() < 1e-9 && (q.y - p.y).abs() < 1e-9) {
            continue;
        }
        // Keep x with (x − m)·(q − p) ≤ 0, m the midpoint.
        let (dx, dy) = (q.x - p.x, q.y - p.y);
        let (mx, my) = (f64::midpoint(p.x, q.x), f64::midpoint(p.y, q.y));
        let side = |c: &Coord<f64>| (c.x - mx) * dx + (c.y - my) * dy;
        ring = clip_half_plane(&ring, side);
        if ring.len() < 3 {
            break;
        }
    }
    Polygon::new(LineString::from(ring), Vec::new())
}

/// Sutherland–Hodgman against one half-plane: keep the points where `side` ≤ 0.
fn clip_half_plane(ring: &[Coord<f64>], side: impl Fn(&Coord<f64>) -> f64) -> Vec<Coord<f64>> {
    let mut out = Vec::with_capacity(ring.len() + 1);
    for k in 0..ring.len() {
        let (a, b) = (ring[k], ring[(k + 1) % ring.len()]);
        let (sa, sb) = (side(&a), side(&b));
        if sa <= 0.0 {
            out.push(a);
        }
        if (sa <= 0.0) != (sb <= 0.0) {
            let t = sa / (sa - sb);
            out.push(Coord {
                x: a.x + t * (b.x - a.x),
                y: a.y + t * (b.y - a.y),
            });
        }
    }
    out
}

/// Cut land into the cells of a `GRID_M` grid: for each non-empty piece, a point inside it and
/// its area. Strips first, so each cell cut handles few vertices.
fn grid_points(land: &MultiPolygon<f64>) -> Vec<(Coord<f64>, f64)> {
    let Some(r) = land.bounding_rect() else {
        return Vec::new();
    };
    let first = |v: f64| (v / GRID_M).floor() * GRID_M;
    let mut out = Vec::new();
    let mut y = first(r.min().y);
    while y < r.max().y {
        let strip = land.intersection(&rect(r.min().x - 1.0, y, r.max().x + 1.0, y + GRID_M));
        // A cell that no piece of the strip's bounding boxes reaches has an empty intersection:
        // skip the boolean operation there (same output, far fewer calls).
        let boxes: Vec<Rect<f64>> = strip
            .0
            .iter()
            .filter_map(BoundingRect::bounding_rect)
            .collect();
        let mut x = first(r.min().x);
        while x < r.max().x && !boxes.is_empty() {
            let reaches = boxes
                .iter()
                .any(|b| b.min().x <= x + GRID_M && b.max().x >= x);
            if reaches {
                let cell = strip.intersection(&rect(x, y, x + GRID_M, y + GRID_M));
                let area = cell.unsigned_area();
                if area >= 0.05
                    && let Some(p) = cell.interior_point()
                {
                    out.push((p.0, area));
                }
            }
            x += GRID_M;
        }
        y += GRID_M;
    }
    out
}

fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> MultiPolygon<f64> {
    MultiPolygon(vec![
        Rect::new(Coord { x: x0, y: y0 }, Coord { x: x1, y: y1 }).to_polygon(),
    ])
}

/// `c` if it lies inside the LSOA, else the nearest point just inside it (a centroid can lie a
/// few metres outside the generalised LSOA boundary).
fn inside(lsoa: &MultiPolygon<f64>, c: Coord<f64>) -> Coord<f64> {
    let p = Point::from(c);
    if lsoa.intersects(&p) && !on_edge(lsoa, p) {
        return c;
    }
    if let Closest::SinglePoint(q) | Closest::Intersection(q) = lsoa.closest_point(&p) {
        let (dx, dy) = (q.x() - c.x, q.y() - c.y);
        let d = dx.hypot(dy).max(1e-9);
        for step in [0.5, 1.0, 2.0, 5.0, 10.0] {
            let t = Point::new(q.x() + dx / d * step, q.y() + dy / d * step);
            if lsoa.intersects(&t) && !on_edge(lsoa, t) {
                return t.0;
            }
        }
    }
    lsoa.interior_point().map_or(c, |p| p.0)
}

fn on_edge(mp: &MultiPolygon<f64>, p: Point<f64>) -> bool {
    mp.0.iter().any(|poly| {
        poly.exterior().intersects(&p) || poly.interiors().iter().any(|r| r.intersects(&p))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_voronoi_cell_is_the_half_nearer_its_centroid() {
        let c = |x, y| Centroid {
            oa: String::new(),
            at: Coord { x, y },
        };
        let all = [c(0.0, 0.0), c(100.0, 0.0)];
        let r = Rect::new(Coord { x: -50.0, y: -50.0 }, Coord { x: 150.0, y: 50.0 });
        let cell = voronoi_cell(0, &all, r);
        // x from −60 to 50, y from −60 to 60.
        assert!((cell.unsigned_area() - 110.0 * 120.0).abs() < 1e-6);
        let other = voronoi_cell(1, &all, r);
        assert!((other.unsigned_area() - 110.0 * 120.0).abs() < 1e-6);
    }

    #[test]
    fn grid_pieces_keep_the_area_and_lie_inside() {
        // A 120 m × 70 m rectangle not aligned with the grid: 3 × 2 cells… plus edges.
        let land = rect(10.0, 20.0, 130.0, 90.0);
        let pts = grid_points(&land);
        let total: f64 = pts.iter().map(|p| p.1).sum();
        assert!((total - 8400.0).abs() < 1e-6, "{total}");
        assert_eq!(pts.len(), 3 * 2);
        assert!(pts.iter().all(|(c, _)| land.intersects(&Point::from(*c))));
    }
}
