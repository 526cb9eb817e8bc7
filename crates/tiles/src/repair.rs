//! Making quantised polygons OGC-valid.
//!
//! Rounding to the tile grid can pinch a narrow neck into one point or twist
//! a zigzag border into a tiny bow-tie. `i_overlay` (already used by `geo`'s
//! boolean operations) resolves such rings exactly on the integer grid:
//! self-intersections become vertices, twisted loops become separate
//! polygons or holes, collinear vertices are kept so that borders shared
//! with neighbours keep all their vertices.

use i_overlay::core::fill_rule::FillRule;
use i_overlay::core::overlay::{ContourDirection, IntOverlayOptions, Overlay};
use i_overlay::core::solver::Solver;
use i_overlay::i_float::int::point::IntPoint;

use crate::clip::{area2, bbox};

/// Largest coordinate span handed to `i_overlay`, which works in `i32`.
const MAX_SPAN: i64 = 1 << 30;

/// Reusable buffers for [`repair_polygon`], `i_overlay`'s among them (a fresh overlay for each
/// polygon allocated and freed its buffers every time).
pub(crate) struct Repair {
    contours: Vec<Vec<IntPoint>>,
    overlay: Overlay,
}

impl Default for Repair {
    fn default() -> Self {
        Self {
            contours: Vec::new(),
            overlay: Overlay::new_custom(0, OPTIONS, Solver::default()),
        }
    }
}

/// How polygons are repaired: collinear vertices are kept so that borders shared with
/// neighbours keep all their vertices; exteriors come out counter-clockwise in the maths sense
/// (our positive area).
const OPTIONS: IntOverlayOptions = IntOverlayOptions {
    preserve_input_collinear: true,
    output_direction: ContourDirection::CounterClockwise,
    preserve_output_collinear: true,
    min_output_area: 0,
    ogc: true,
};

/// Resolves self-intersections of one polygon (first ring exterior,
/// positive area; the rest holes, negative area). Calls `emit(ring,
/// exterior)` for each resulting ring, each exterior followed by its holes.
pub(crate) fn repair_polygon(
    rings: &[Vec<[i64; 2]>],
    scratch: &mut Repair,
    mut emit: impl FnMut(&[[i64; 2]], bool),
) {
    let mut lo = [i64::MAX; 2];
    let mut hi = [i64::MIN; 2];
    for r in rings {
        let b = bbox(r);
        lo = [lo[0].min(b[0]), lo[1].min(b[1])];
        hi = [hi[0].max(b[2]), hi[1].max(b[3])];
    }
    if rings.is_empty() || hi[0] - lo[0] > MAX_SPAN || hi[1] - lo[1] > MAX_SPAN {
        // Nothing to do, or too big for i32: pass through unchanged.
        for (i, r) in rings.iter().enumerate() {
            emit(r, i == 0);
        }
        return;
    }
    // Shift next to the origin so that coordinates fit i32 at any zoom.
    let contours = &mut scratch.contours;
    if contours.len() < rings.len() {
        contours.resize_with(rings.len(), Vec::new);
    }
    for (c, r) in contours.iter_mut().zip(rings) {
        c.clear();
        c.extend(
            r.iter()
                .map(|p| IntPoint::new((p[0] - lo[0]) as i32, (p[1] - lo[1]) as i32)),
        );
    }
    // Positive: only area the rings wind around counter-clockwise (in the
    // maths sense of the shoelace formula, which is our exterior
    // orientation) is kept, so inverted loops vanish. `None`: a single ring
    // that is valid as it is (what `Simplify::simplify` copies).
    let Some(shapes) = scratch
        .overlay
        .simplify_shape(&contours[..rings.len()], FillRule::Positive)
    else {
        // Guard the orientation convention rather than trust it.
        if area2(&rings[0]) > 0 {
            emit(&rings[0], true);
        } else {
            let reversed: Vec<[i64; 2]> = rings[0].iter().rev().copied().collect();
            emit(&reversed, true);
        }
        return;
    };
    let mut ring = Vec::new();
    for shape in &shapes {
        for (i, contour) in shape.iter().enumerate() {
            ring.clear();
            ring.extend(
                contour
                    .iter()
                    .map(|p| [i64::from(p.x) + lo[0], i64::from(p.y) + lo[1]]),
            );
            let exterior = i == 0;
            // Guard the orientation convention rather than trust it.
            if (area2(&ring) > 0) != exterior {
                ring.reverse();
            }
            emit(&ring, exterior);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(rings: &[Vec<[i64; 2]>]) -> Vec<(Vec<[i64; 2]>, bool)> {
        let mut out = Vec::new();
        repair_polygon(rings, &mut Repair::default(), |r, e| {
            out.push((r.to_vec(), e));
        });
        out
    }

    #[test]
    fn valid_polygon_keeps_its_vertices() {
        let square = vec![[0, 0], [5, 0], [10, 0], [10, 10], [0, 10]];
        let hole = vec![[2, 2], [2, 4], [4, 4], [4, 2]];
        let out = run(&[square.clone(), hole]);
        assert_eq!(out.len(), 2);
        assert!(out[0].1 && !out[1].1);
        assert_eq!(out[0].0.len(), square.len(), "collinear vertex kept");
        assert!(area2(&out[0].0) > 0 && area2(&out[1].0) < 0);
    }

    #[test]
    fn pinched_ring_becomes_two_polygons() {
        // A figure of eight touching itself at (5, 5), both lobes positive.
        let ring = vec![[0, 0], [5, 5], [10, 0], [10, 10], [5, 5], [0, 10]];
        let out = run(&[ring]);
        let exteriors: Vec<_> = out.iter().filter(|(_, e)| *e).collect();
        assert_eq!(
            exteriors.len() + out.iter().filter(|(_, e)| !*e).count(),
            out.len()
        );
        let total: i128 = out.iter().map(|(r, _)| area2(r)).sum();
        assert!(total > 0);
        for (r, e) in &out {
            assert_eq!(area2(r) > 0, *e);
        }
    }

    #[test]
    fn bow_tie_keeps_positive_lobe() {
        // Crossing at (5, 5): one lobe positive, one inverted.
        let ring = vec![[0, 0], [10, 10], [10, 0], [0, 10]];
        let out = run(&[ring]);
        assert_eq!(out.len(), 1);
        assert!(out[0].1 && area2(&out[0].0) == 50);
    }
}
