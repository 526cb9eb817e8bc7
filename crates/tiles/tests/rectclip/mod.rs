//! The rectangle clipper's check against geo, shared by the property test
//! (`crates/tiles/tests/rectclip_vs_geo.rs`) and the fuzz target
//! (`fuzz/fuzz_targets/rectclip.rs`), which include this file by path: the
//! polygon builders (star-shaped rings, unions of rectangles) and the
//! comparison (`compare`). Plain functions over `geo`, no other dependency.
#![allow(dead_code)] // each includer uses a different subset

use equimap_tiles::clip_polygon;
use geo::line_measures::LengthMeasurable;
use geo::{
    Area, BooleanOps, Coord, Euclidean, LineString, MultiLineString, MultiPolygon, Polygon, Rect,
    Validation,
};

/// Open rings on the integer grid: the exterior first (positive shoelace
/// area, clockwise on screen with y down), then holes (negative).
pub type Rings = Vec<Vec<[i64; 2]>>;

pub fn ring_f64(r: &[[i64; 2]]) -> LineString<f64> {
    let mut pts: Vec<Coord<f64>> = r
        .iter()
        .map(|p| Coord {
            x: p[0] as f64,
            y: p[1] as f64,
        })
        .collect();
    if let Some(&first) = pts.first() {
        pts.push(first);
    }
    LineString::new(pts)
}

pub fn shoelace(r: &[[i64; 2]]) -> i128 {
    (0..r.len())
        .map(|i| {
            let (a, b) = (r[i], r[(i + 1) % r.len()]);
            i128::from(a[0]) * i128::from(b[1]) - i128::from(b[0]) * i128::from(a[1])
        })
        .sum()
}

pub fn input_polygon(rings: &[Vec<[i64; 2]>]) -> Polygon<f64> {
    Polygon::new(
        ring_f64(&rings[0]),
        rings[1..].iter().map(|r| ring_f64(r)).collect(),
    )
}

pub fn window(min: i64, max: i64) -> Polygon<f64> {
    let (lo, hi) = (min as f64, max as f64);
    Rect::new(Coord { x: lo, y: lo }, Coord { x: hi, y: hi }).to_polygon()
}

/// The clipper's output as geo polygons, checking each ring on the way:
/// inside the window, exteriors positive and holes negative, each hole after
/// its exterior.
pub fn output_polygons(
    out: &[(Vec<[i64; 2]>, bool)],
    min: i64,
    max: i64,
) -> Result<MultiPolygon<f64>, String> {
    let mut polys: Vec<Polygon<f64>> = Vec::new();
    for (ring, exterior) in out {
        if ring.iter().flatten().any(|c| !(min..=max).contains(c)) {
            return Err(format!("a point outside the window: {ring:?}"));
        }
        let a = shoelace(ring);
        if (a > 0) != *exterior || a == 0 {
            return Err(format!("ring orientation: exterior={exterior} area2 {a}"));
        }
        if *exterior {
            polys.push(Polygon::new(ring_f64(ring), vec![]));
        } else if let Some(p) = polys.last_mut() {
            p.interiors_push(ring_f64(ring));
        } else {
            return Err("a hole before any exterior".into());
        }
    }
    Ok(MultiPolygon::new(polys))
}

/// How far rounding edge crossings to the grid can move the clipped area.
/// Where an input edge crosses the window edge, the clipper rounds the
/// crossing along the window edge by at most half a unit; the output's edge
/// to the next vertex then sweeps a triangle of base ½ and height at most
/// the visible part's length `L`, so at most `L / 4` per end, `L / 2` per
/// visible part. Summed over the visible parts of every input edge that has
/// an end outside the window (measured by geo's line clipping), plus one
/// unit² per such edge for float noise.
pub fn rounding_tolerance(rings: &[Vec<[i64; 2]>], win: &Polygon<f64>, min: i64, max: i64) -> f64 {
    let outside = |p: [i64; 2]| p.iter().any(|c| !(min..=max).contains(c));
    let crossing: Vec<LineString<f64>> = rings
        .iter()
        .flat_map(|r| (0..r.len()).map(move |i| [r[i], r[(i + 1) % r.len()]]))
        .filter(|[a, b]| outside(*a) || outside(*b))
        .map(|[a, b]| ring_f64(&[a, b]).0[..2].to_vec().into())
        .collect();
    let n = crossing.len() as f64;
    let visible = win.clip(&MultiLineString::new(crossing), false);
    visible.length(&Euclidean) / 2.0 + n
}

/// What one comparison measured.
#[derive(Debug)]
pub struct Compared {
    pub ours: f64,
    pub theirs: f64,
    /// Area of the symmetric difference of our result and geo's.
    pub xor: f64,
    pub tolerance: f64,
}

/// Why a comparison failed.
#[derive(Debug)]
pub struct Mismatch {
    /// The output is not valid (OGC): the one failure the fuzz target lets
    /// pass when an input vertex lies within a unit of the window's outline.
    pub invalid: bool,
    pub message: String,
}

impl std::fmt::Display for Mismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

fn mismatch(invalid: bool, message: String) -> Mismatch {
    Mismatch { invalid, message }
}

/// Clips `rings` with our clipper and with geo, checks our output (inside
/// the window, oriented, valid) and compares: the symmetric difference of
/// the two results must have an area within the tolerance (`exact`: none
/// beyond float noise; otherwise the rounding bound of [`rounding_tolerance`]).
pub fn compare(
    rings: &[Vec<[i64; 2]>],
    min: i64,
    max: i64,
    exact: bool,
) -> Result<Compared, Mismatch> {
    let out = clip_polygon(rings, min, max);
    let ours = output_polygons(&out, min, max).map_err(|e| mismatch(false, e))?;
    if let Err(e) = ours.check_validation() {
        return Err(mismatch(true, format!("invalid output ({e}): {out:?}")));
    }
    let win = window(min, max);
    let theirs = input_polygon(rings).intersection(&win);
    let xor = ours.xor(&theirs).unsigned_area();
    let theirs_area = theirs.unsigned_area();
    let tolerance = if exact {
        1e-9 * theirs_area.max(1.0)
    } else {
        rounding_tolerance(rings, &win, min, max)
    };
    let c = Compared {
        ours: ours.unsigned_area(),
        theirs: theirs_area,
        xor,
        tolerance,
    };
    if c.xor > c.tolerance {
        return Err(mismatch(
            false,
            format!("{c:?}\ninput {rings:?}\noutput {out:?}"),
        ));
    }
    Ok(c)
}

/// A star-shaped ring around `c`: one vertex per equal sector at a jittered
/// angle, so the ring is simple; shoelace-positive (clockwise on screen).
pub fn star(c: [i64; 2], radii: &[i64], jitter: &[f64]) -> Vec<[i64; 2]> {
    let n = radii.len();
    let mut ring: Vec<[i64; 2]> = radii
        .iter()
        .zip(jitter)
        .enumerate()
        .map(|(i, (&r, &j))| {
            let a = (i as f64 + 0.4 * j) * std::f64::consts::TAU / n as f64;
            [
                c[0] + (r as f64 * a.cos()).round() as i64,
                c[1] + (r as f64 * a.sin()).round() as i64,
            ]
        })
        .collect();
    ring.dedup();
    ring
}

/// Whether an input vertex lies within a unit of the window's outline.
pub fn vertex_near_edge(rings: &[Vec<[i64; 2]>], min: i64, max: i64) -> bool {
    let near = |c: i64| (c - min).abs() <= 1 || (c - max).abs() <= 1;
    let within = |c: i64| (min - 1..=max + 1).contains(&c);
    rings
        .iter()
        .flatten()
        .any(|&[x, y]| (near(x) && within(y)) || (near(y) && within(x)))
}

/// geo's polygons as our rings, oriented as the encoder's (exterior
/// positive in the y-down grid, holes negative).
pub fn to_rings(p: &Polygon<f64>) -> Rings {
    std::iter::once(p.exterior())
        .chain(p.interiors())
        .enumerate()
        .map(|(i, r)| {
            let mut v: Vec<[i64; 2]> = r.0.iter().map(|c| [c.x as i64, c.y as i64]).collect();
            v.dedup();
            if v.len() > 1 && v.first() == v.last() {
                v.pop();
            }
            if (shoelace(&v) > 0) != (i == 0) {
                v.reverse();
            }
            v
        })
        .collect()
}

/// The polygons of the union of some rectangles (geo's unary union): with
/// holes, pinches, and edges on and along the window edge.
pub fn rectilinear(rects: &[Option<[i64; 4]>]) -> Vec<Rings> {
    let polys: Vec<Polygon<f64>> = rects
        .iter()
        .flatten()
        .map(|r| {
            Rect::new(
                Coord {
                    x: r[0] as f64,
                    y: r[1] as f64,
                },
                Coord {
                    x: r[2] as f64,
                    y: r[3] as f64,
                },
            )
            .to_polygon()
        })
        .collect();
    geo::unary_union(&polys).0.iter().map(to_rings).collect()
}
