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
use std::thread::JoinHandle;

use equimap_atlas::{AreaSet, LayerRecord, OaResidents, Placement, ResidentLayer, ResidentPoint};
use geo::{
    BooleanOps, BoundingRect, Closest, ClosestPoint, Coord, Geometry, InteriorPoint, Intersects,
    LineString, MultiPolygon, Point, Polygon, Rect,
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

/// Rings out of the rectangle clipper: each exterior (`true`) followed by its holes.
type ClippedRings = Vec<(Vec<[i64; 2]>, bool)>;

/// Points of one Output Area: position and the residential m² each stands for.
type Pieces = Vec<(Coord<f64>, f64)>;

struct Centroid {
    oa: String,
    at: Coord<f64>,
}

pub(crate) struct Land {
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
/// `early`: the residential land, if [`crate::early::EarlyReads`] started reading it.
pub fn build(
    log: &mut SourceLog,
    lsoas: &AreaSet,
    population: &BTreeMap<String, f64>,
    early: Option<JoinHandle<(Result<RTree<Land>>, SourceLog)>>,
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
    let land = match early {
        Some(h) => {
            let (land, land_log) = crate::early::join(h);
            log.merge(land_log);
            land?
        }
        None => residential_land(log)?,
    };
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
    let lsoa_land = std::cell::OnceCell::new();
    let own_land = || lsoa_land.get_or_init(|| land_in(&bng, land));
    Some(
        cents
            .iter()
            .enumerate()
            .map(|(i, c)| place(c, i, cents, &bng, land, own_land, &a.code, pops[&c.oa]))
            .collect(),
    )
}

/// The residential land inside an LSOA: one union and one intersection per LSOA, which each of
/// its Output Areas then cuts by its own cell.
fn land_in(lsoa: &MultiPolygon<f64>, land: &RTree<Land>) -> MultiPolygon<f64> {
    let near: Vec<&Polygon<f64>> = land
        .locate_in_envelope_intersecting(aabb(lsoa.bounding_rect()))
        .map(|l| &l.poly)
        .collect();
    geo::unary_union(near).intersection(lsoa)
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
pub(crate) fn residential_land(log: &mut SourceLog) -> Result<RTree<Land>> {
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

/// Place one Output Area: its record and its points (position, residential m²). `own_land`
/// gives the residential land inside the LSOA ([`land_in`]), worked out once per LSOA when the
/// first of its centroids lies on residential land.
#[allow(clippy::too_many_arguments)]
fn place<'a>(
    c: &Centroid,
    i: usize,
    all: &[Centroid],
    lsoa: &MultiPolygon<f64>,
    land: &RTree<Land>,
    own_land: impl Fn() -> &'a MultiPolygon<f64>,
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
        let piece = own_land().intersection(&MultiPolygon(vec![cell]));
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

/// Millimetres per metre: the grid cut works on whole millimetres.
const MM: f64 = 1000.0;
/// A grid cell's side in millimetres.
#[allow(clippy::cast_possible_truncation)]
const CELL_MM: i64 = (GRID_M * MM) as i64;

/// Cut land into the cells of a `GRID_M` grid: for each cell the land reaches, a point inside
/// the land there and the land's area in the cell. Each cell is cut with the tile encoder's
/// rectangle clipper ([`equimap_tiles::clip_polygon`], exact on a millimetre grid and checked
/// against `geo`'s boolean intersection by its property test), which is far cheaper than a
/// general boolean operation per cell.
fn grid_points(land: &MultiPolygon<f64>) -> Vec<(Coord<f64>, f64)> {
    let Some(r) = land.bounding_rect() else {
        return Vec::new();
    };
    let first = |v: f64| (v / GRID_M).floor() * GRID_M;
    let origin = Coord {
        x: first(r.min().x),
        y: first(r.min().y),
    };
    // Every cell's rings, by (row, column): rows bottom to top, columns left to right.
    let mut cells: BTreeMap<(i64, i64), ClippedRings> = BTreeMap::new();
    for poly in &land.0 {
        let rings = millimetre_rings(poly, origin);
        let Some(b) = rings.first().map(|e| ring_bbox(e)) else {
            continue;
        };
        for row in b[1].div_euclid(CELL_MM)..=(b[3] - 1).div_euclid(CELL_MM) {
            for col in b[0].div_euclid(CELL_MM)..=(b[2] - 1).div_euclid(CELL_MM) {
                let shift = [col * CELL_MM, row * CELL_MM];
                let local: Vec<Vec<[i64; 2]>> = rings
                    .iter()
                    .map(|ring| {
                        ring.iter()
                            .map(|p| [p[0] - shift[0], p[1] - shift[1]])
                            .collect()
                    })
                    .collect();
                let out = equimap_tiles::clip_polygon(&local, 0, CELL_MM);
                if !out.is_empty() {
                    cells.entry((row, col)).or_default().extend(out);
                }
            }
        }
    }
    cells
        .into_iter()
        .filter_map(|((row, col), rings)| cell_point(origin, row, col, &rings))
        .collect()
}

/// A polygon's rings as open rings of whole millimetres from `origin`, the exterior with
/// positive shoelace area and holes negative (the clipper's convention), without repeated or
/// degenerate points.
fn millimetre_rings(poly: &Polygon<f64>, origin: Coord<f64>) -> Vec<Vec<[i64; 2]>> {
    #[allow(clippy::cast_possible_truncation)]
    let mm = |v: f64| (v * MM).round() as i64;
    let ring = |ls: &LineString<f64>, exterior: bool| {
        let mut pts: Vec<[i64; 2]> =
            ls.0.iter()
                .map(|c| [mm(c.x - origin.x), mm(c.y - origin.y)])
                .collect();
        pts.dedup();
        if pts.len() > 1 && pts.first() == pts.last() {
            pts.pop();
        }
        if (shoelace2(&pts) > 0) != exterior {
            pts.reverse();
        }
        pts
    };
    let exterior = ring(poly.exterior(), true);
    if exterior.len() < 3 || shoelace2(&exterior) == 0 {
        return Vec::new();
    }
    std::iter::once(exterior)
        .chain(
            poly.interiors()
                .iter()
                .map(|h| ring(h, false))
                .filter(|h| h.len() >= 3 && shoelace2(h) != 0),
        )
        .collect()
}

/// Twice the signed shoelace area of an open ring.
fn shoelace2(ring: &[[i64; 2]]) -> i128 {
    let n = ring.len();
    (0..n)
        .map(|i| {
            let (a, b) = (ring[i], ring[(i + 1) % n]);
            i128::from(a[0]) * i128::from(b[1]) - i128::from(b[0]) * i128::from(a[1])
        })
        .sum()
}

/// `[min x, min y, max x, max y]` of a ring.
fn ring_bbox(ring: &[[i64; 2]]) -> [i64; 4] {
    ring.iter()
        .fold([i64::MAX, i64::MAX, i64::MIN, i64::MIN], |b, p| {
            [
                b[0].min(p[0]),
                b[1].min(p[1]),
                b[2].max(p[0]),
                b[3].max(p[1]),
            ]
        })
}

/// The point and area of one cell's land (`rings`: the clipper's output, each exterior followed
/// by its holes, in millimetres from the cell's corner); `None` under 0.05 m².
fn cell_point(
    origin: Coord<f64>,
    row: i64,
    col: i64,
    rings: &[(Vec<[i64; 2]>, bool)],
) -> Option<(Coord<f64>, f64)> {
    #[allow(clippy::cast_precision_loss)]
    let area = rings.iter().map(|(r, _)| shoelace2(r)).sum::<i128>() as f64 / 2.0 / (MM * MM);
    if area < 0.05 {
        return None;
    }
    #[allow(clippy::cast_precision_loss)]
    let corner = Coord {
        x: origin.x + (col * CELL_MM) as f64 / MM,
        y: origin.y + (row * CELL_MM) as f64 / MM,
    };
    if let Some(centre) = rectangle_centre(rings) {
        #[allow(clippy::cast_precision_loss)]
        return Some((
            Coord {
                x: corner.x + centre[0] as f64 / MM,
                y: corner.y + centre[1] as f64 / MM,
            },
            area,
        ));
    }
    #[allow(clippy::cast_precision_loss)]
    let line = |r: &[[i64; 2]]| {
        let mut pts: Vec<Coord<f64>> = r
            .iter()
            .map(|p| Coord {
                x: corner.x + p[0] as f64 / MM,
                y: corner.y + p[1] as f64 / MM,
            })
            .collect();
        if let Some(&start) = pts.first() {
            pts.push(start);
        }
        LineString::from(pts)
    };
    let mut polys: Vec<Polygon<f64>> = Vec::new();
    for (r, exterior) in rings {
        if *exterior {
            polys.push(Polygon::new(line(r), Vec::new()));
        } else if let Some(p) = polys.last_mut() {
            p.interiors_push(line(r));
        }
    }
    let p = MultiPolygon(polys).interior_point()?;
    Some((p.0, area))
}

/// The centre, in millimetres (rounded down to whole ones), of a cell's land when it is one
/// axis-aligned rectangle without holes (most cells inside residential land are the whole
/// cell): its interior point without building a polygon.
fn rectangle_centre(rings: &[(Vec<[i64; 2]>, bool)]) -> Option<[i64; 2]> {
    let [(ring, true)] = rings else {
        return None;
    };
    let [x0, y0, x1, y1] = ring_bbox(ring);
    let corners_only = ring.len() == 4
        && ring
            .iter()
            .all(|p| (p[0] == x0 || p[0] == x1) && (p[1] == y0 || p[1] == y1));
    corners_only.then(|| [(x0 + x1).div_euclid(2), (y0 + y1).div_euclid(2)])
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
    use geo::{Area, BooleanOps};

    fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> MultiPolygon<f64> {
        MultiPolygon(vec![
            Rect::new(Coord { x: x0, y: y0 }, Coord { x: x1, y: y1 }).to_polygon(),
        ])
    }

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

    /// A whole cell's point is its centre without building a polygon; geo's interior point of
    /// the same square, computed independently, is the same point. Other shapes are not
    /// rectangles to the fast path.
    #[test]
    fn a_whole_cell_takes_its_centre() {
        let land = rect(100.0, 200.0, 100.0 + 2.0 * GRID_M, 200.0 + GRID_M);
        let pts = grid_points(&land);
        assert_eq!(pts.len(), 2);
        for (c, a) in &pts {
            assert!((a - GRID_M * GRID_M).abs() < 1e-9);
            let x0 = (c.x / GRID_M).floor() * GRID_M;
            let y0 = (c.y / GRID_M).floor() * GRID_M;
            let geo_point = rect(x0, y0, x0 + GRID_M, y0 + GRID_M)
                .interior_point()
                .map(|p| p.0);
            assert_eq!(Some(*c), geo_point);
        }
        let l_shape = vec![[0, 0], [2, 0], [2, 1], [1, 1], [1, 2], [0, 2]];
        assert_eq!(rectangle_centre(&[(l_shape, true)]), None);
        let square = vec![[0, 0], [4, 0], [4, 2], [0, 2]];
        assert_eq!(rectangle_centre(&[(square.clone(), true)]), Some([2, 1]));
        assert_eq!(
            rectangle_centre(&[(square.clone(), true), (square, false)]),
            None
        );
    }

    /// The cells an edge misses are classified without a boolean operation; the result must be
    /// the cut of every cell by `geo`'s boolean intersection, computed independently here.
    #[test]
    fn grid_points_match_cutting_every_cell() {
        // An L-shaped block with a courtyard (hole) and a slanted side, over several cells.
        let outer = LineString::from(vec![
            (3.0, 7.0),
            (260.0, 7.0),
            (260.0, 90.0),
            (120.0, 140.0),
            (120.0, 260.0),
            (3.0, 260.0),
            (3.0, 7.0),
        ]);
        let hole = LineString::from(vec![
            (40.0, 160.0),
            (80.0, 160.0),
            (80.0, 220.0),
            (40.0, 220.0),
            (40.0, 160.0),
        ]);
        let land = MultiPolygon(vec![Polygon::new(outer, vec![hole])]);
        let got = grid_points(&land);
        let mut want = Vec::new();
        for i in 0..6 {
            for j in 0..6 {
                let (x, y) = (f64::from(i) * GRID_M, f64::from(j) * GRID_M);
                let a = land
                    .intersection(&rect(x, y, x + GRID_M, y + GRID_M))
                    .unsigned_area();
                if a >= 0.05 {
                    want.push(((x, y), a));
                }
            }
        }
        assert_eq!(got.len(), want.len());
        let cell_of = |c: Coord<f64>| {
            (
                (c.x / GRID_M).floor() * GRID_M,
                (c.y / GRID_M).floor() * GRID_M,
            )
        };
        let mut got: Vec<((f64, f64), f64)> = got.iter().map(|(c, a)| (cell_of(*c), *a)).collect();
        got.sort_by(|a, b| a.0.partial_cmp(&b.0).unwrap_or(std::cmp::Ordering::Equal));
        want.sort_by(|a, b| a.0.partial_cmp(&b.0).unwrap_or(std::cmp::Ordering::Equal));
        for (g, w) in got.iter().zip(&want) {
            assert_eq!(g.0, w.0);
            // Crossings of a cell's sides are rounded to the millimetre: at most half a
            // millimetre along 200 m of cell outline.
            assert!((g.1 - w.1).abs() < 0.1, "{g:?} vs {w:?}");
        }
        // Some cells are whole: the block covers (50..100) × (50..100) entirely.
        assert!(
            got.iter()
                .any(|(c, a)| *c == (50.0, 50.0) && (*a - 2500.0).abs() < 1e-9)
        );
        // The courtyard's cell (50..100) × (200..250) is cut by the hole.
        assert!(got.iter().any(|(c, a)| *c == (50.0, 200.0) && *a < 2500.0));
    }
}
