//! Clipping a polygon to the buffered tile so that the result stays valid.
//!
//! Sutherland–Hodgman joins the pieces of a ring that leaves and re-enters
//! the tile with edges running back and forth along the clip edge, which
//! makes the ring self-overlapping. Instead, as in GEOS's rectangle
//! intersection, each ring is cut into the chains that lie inside the
//! window; a chain leaves the window at an exit point, and the polygon's
//! outline continues clockwise along the window edge to the next entry
//! point (the polygon interior is on the right of its rings, and of the
//! window's clockwise outline too). Rings that never cross the window edge
//! are handled whole.

use crate::clip::{ClipBox, area2, clean_ring, visible_segment};

/// Where a point on the window outline lies along it, clockwise from the
/// top-left corner (y grows downwards).
fn perimeter(p: [i64; 2], clip: ClipBox) -> i64 {
    let (lo, hi) = (clip.min, clip.max);
    let side = hi - lo;
    if p[1] == lo {
        p[0] - lo
    } else if p[0] == hi {
        side + p[1] - lo
    } else if p[1] == hi {
        2 * side + hi - p[0]
    } else {
        3 * side + hi - p[1]
    }
}

fn corner(k: i64, clip: ClipBox) -> [i64; 2] {
    let (lo, hi) = (clip.min, clip.max);
    [[lo, lo], [hi, lo], [hi, hi], [lo, hi]][k.rem_euclid(4) as usize]
}

/// Direction of the window outline, walked clockwise, at perimeter
/// position `s`; `arriving` picks the edge that ends at a corner.
fn edge_dir(s: i64, side: i64, arriving: bool) -> [i64; 2] {
    let mut k = s.div_euclid(side);
    if arriving && s.rem_euclid(side) == 0 {
        k -= 1;
    }
    [[1, 0], [0, 1], [-1, 0], [0, -1]][k.rem_euclid(4) as usize]
}

fn sub(a: [i64; 2], b: [i64; 2]) -> [i64; 2] {
    [a[0] - b[0], a[1] - b[1]]
}

/// Signed angle from direction `a` to direction `b`; positive turns right
/// (clockwise on screen, where y grows downwards).
fn turn(a: [i64; 2], b: [i64; 2]) -> f64 {
    let cross = (a[0] * b[1] - a[1] * b[0]) as f64;
    let dot = (a[0] * b[0] + a[1] * b[1]) as f64;
    cross.atan2(dot)
}

/// Whether `p` (inside or on the window) lies on the window's edge.
fn on_edge(p: [i64; 2], clip: ClipBox) -> bool {
    p.iter().any(|&c| c == clip.min || c == clip.max)
}

/// Whether a ring inside the window has two vertices or more on its edge.
fn touches_edge_twice(ring: &[[i64; 2]], clip: ClipBox) -> bool {
    ring.iter().filter(|p| on_edge(**p, clip)).nth(1).is_some()
}

/// The simple loops of a ring that passes through some points more than
/// once: each time the walk comes back to a point on its path, the loop
/// since then is cut off.
fn split_at_repeats(ring: &[[i64; 2]]) -> Vec<Vec<[i64; 2]>> {
    let mut pieces = Vec::new();
    let mut path: Vec<[i64; 2]> = Vec::with_capacity(ring.len());
    let mut at: std::collections::HashMap<[i64; 2], usize> = std::collections::HashMap::new();
    for &p in ring {
        if let Some(&i) = at.get(&p) {
            let piece: Vec<[i64; 2]> = path.drain(i..).collect();
            for q in &piece[1..] {
                at.remove(q);
            }
            pieces.push(piece);
            path.push(p);
        } else {
            at.insert(p, path.len());
            path.push(p);
        }
    }
    pieces.push(path);
    pieces
}

/// Where a point lies relative to a ring.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Inside,
    Outside,
    Boundary,
}

/// Even-odd point in ring, exact on the integer grid (`p` doubled so that
/// half-unit points work too).
fn locate(p2: [i64; 2], ring: &[[i64; 2]]) -> Side {
    let mut inside = false;
    let n = ring.len();
    for i in 0..n {
        let a = [ring[i][0] * 2, ring[i][1] * 2];
        let b = [ring[(i + 1) % n][0] * 2, ring[(i + 1) % n][1] * 2];
        let cross = i128::from(b[0] - a[0]) * i128::from(p2[1] - a[1])
            - i128::from(b[1] - a[1]) * i128::from(p2[0] - a[0]);
        let within = p2[0] >= a[0].min(b[0]) && p2[0] <= a[0].max(b[0]);
        let within_y = p2[1] >= a[1].min(b[1]) && p2[1] <= a[1].max(b[1]);
        if cross == 0 && within && within_y {
            return Side::Boundary;
        }
        if (a[1] > p2[1]) != (b[1] > p2[1]) {
            // x of the edge at p's y, compared without division.
            let lhs = i128::from(p2[0] - a[0]) * i128::from(b[1] - a[1]);
            let rhs = i128::from(b[0] - a[0]) * i128::from(p2[1] - a[1]);
            let left = if b[1] > a[1] { lhs < rhs } else { lhs > rhs };
            if left {
                inside = !inside;
            }
        }
    }
    if inside { Side::Inside } else { Side::Outside }
}

/// Clips one polygon to the square window `[min, max]²`, as the tile
/// encoder does: `rings` are open rings on the integer grid (no repeated
/// closing point), the exterior first with positive shoelace area (clockwise
/// on screen, y down), then holes with negative area. Returns the output
/// rings, each exterior (`true`) followed by its holes (`false`).
///
/// Public for the property test against `geo`'s boolean intersection and for
/// the `rectclip` fuzz target.
///
/// ```
/// // A 10×10 square cut by the window [0, 5]².
/// let square = vec![vec![[-5, -5], [5, -5], [5, 5], [-5, 5]]];
/// let out = equimap_tiles::clip_polygon(&square, 0, 5);
/// assert_eq!(out.len(), 1);
/// assert!(out[0].1, "an exterior");
/// assert_eq!(out[0].0.len(), 4, "the window's corner square: {:?}", out[0].0);
/// ```
pub fn clip_polygon(rings: &[Vec<[i64; 2]>], min: i64, max: i64) -> Vec<(Vec<[i64; 2]>, bool)> {
    let clip = ClipBox { min, max };
    let mut out = Vec::new();
    let Some(exterior) = rings.first() else {
        return out;
    };
    let b = crate::clip::bbox(exterior);
    if b[0] >= min && b[1] >= min && b[2] <= max && b[3] <= max {
        // Wholly inside: the encoder writes such polygons unclipped.
        out.extend(rings.iter().enumerate().map(|(i, r)| (r.clone(), i == 0)));
        return out;
    }
    PolygonClipper::default().clip(rings.iter().map(Vec::as_slice), clip, |ring, exterior| {
        out.push((ring.to_vec(), exterior));
    });
    out
}

/// Reusable state for [`PolygonClipper::clip`].
#[derive(Default)]
pub(crate) struct PolygonClipper {
    /// Points of all chains, back to back.
    pts: Vec<[i64; 2]>,
    chains: Vec<[usize; 2]>,
    /// `(perimeter position, chain)` of every chain start, sorted.
    entries: Vec<(i64, usize)>,
    used: Vec<bool>,
    /// Holes entirely inside the window.
    holes: Vec<Vec<[i64; 2]>>,
    /// Output exteriors.
    rings: Vec<Vec<[i64; 2]>>,
    ring: Vec<[i64; 2]>,
    /// Scratch: a ring's points sorted, to find a repeated one.
    sorted: Vec<[i64; 2]>,
    /// Exteriors split off a pinched ring.
    split: Vec<Vec<[i64; 2]>>,
}

impl PolygonClipper {
    /// Clips one polygon (rings in tile coordinates, exterior first with
    /// positive area, then holes) to `clip`. Calls `emit(ring, exterior)`
    /// for every resulting valid ring, each exterior followed by its holes.
    pub(crate) fn clip<'a>(
        &mut self,
        rings: impl Iterator<Item = &'a [[i64; 2]]>,
        clip: ClipBox,
        mut emit: impl FnMut(&[[i64; 2]], bool),
    ) {
        self.pts.clear();
        self.chains.clear();
        self.holes.clear();
        self.rings.clear();
        let centre = [clip.min + clip.max, clip.min + clip.max];
        // Winding of the window centre by rings that never cross the window
        // edge: +1 inside the exterior, −1 inside a hole.
        let mut covers_window = 0;
        for (i, ring) in rings.enumerate() {
            let exterior = i == 0;
            let b = crate::clip::bbox(ring);
            let inside =
                b[0] >= clip.min && b[1] >= clip.min && b[2] <= clip.max && b[3] <= clip.max;
            // A hole inside the window that touches its edge at two points or
            // more (along it, say) cuts the window's area apart: it is linked
            // into the outline like a crossing ring. One touch stays a hole,
            // which may touch its exterior at a point.
            if inside && (exterior || !touches_edge_twice(ring, clip)) {
                if !exterior {
                    self.holes.push(ring.to_vec());
                }
                // An exterior inside the window never gets here: callers
                // emit such polygons unclipped.
                continue;
            }
            let before = self.chains.len();
            self.add_chains(ring, clip);
            if self.chains.len() == before && locate(centre, ring) == Side::Inside {
                covers_window += if exterior { 1 } else { -1 };
            }
        }
        if self.chains.is_empty() {
            if covers_window > 0 {
                let window = [0, 1, 2, 3].map(|k| corner(k, clip));
                self.rings.push(window.to_vec());
            }
        } else {
            self.link(clip);
        }
        self.emit_with_holes(&mut emit);
    }

    /// Cuts a ring crossing (or, inside, touching) the window edge into its
    /// inside chains.
    fn add_chains(&mut self, ring: &[[i64; 2]], clip: ClipBox) {
        let n = ring.len();
        let outside = |p: &[i64; 2]| p.iter().any(|&c| c < clip.min || c > clip.max);
        // Start outside, or on the edge, so that every chain has an entry and
        // an exit.
        let Some(start) = ring
            .iter()
            .position(outside)
            .or_else(|| ring.iter().position(|p| on_edge(*p, clip)))
        else {
            return;
        };
        let mut open: Option<usize> = None;
        for k in 0..n {
            let p = ring[(start + k) % n];
            let q = ring[(start + k + 1) % n];
            let Some((a, b, leaves)) = visible_segment(p, q, clip) else {
                continue;
            };
            let first = *open.get_or_insert_with(|| {
                self.pts.push(a);
                self.pts.len() - 1
            });
            if self.pts.last() != Some(&b) {
                self.pts.push(b);
            }
            if leaves {
                self.finish_chain(first);
                open = None;
            } else if on_edge(b, clip) {
                // The ring touches the window edge here: end the chain and
                // start the next one at the same point, so that the linking
                // below sees the touch and can split a pinched result.
                self.finish_chain(first);
                self.pts.push(b);
                open = Some(self.pts.len() - 1);
            }
        }
        if let Some(first) = open {
            self.finish_chain(first);
        }
    }

    fn finish_chain(&mut self, first: usize) {
        let chain = &self.pts[first..];
        // A chain that leaves where it entered and encloses nothing (a
        // spike, or a sliver that rounding to the grid made one) is no part
        // of the outline: linked, it closed on itself and the window was lost.
        let spike = chain.first() == chain.last() && area2(chain) == 0;
        if chain.len() >= 2 && !spike {
            self.chains.push([first, self.pts.len()]);
        } else {
            // Touches the window edge at one point only, or a spike.
            self.pts.truncate(first);
        }
    }

    /// Joins chains into rings along the window outline.
    fn link(&mut self, clip: ClipBox) {
        let side = clip.max - clip.min;
        self.entries.clear();
        for (c, r) in self.chains.iter().enumerate() {
            self.entries.push((perimeter(self.pts[r[0]], clip), c));
        }
        self.entries.sort_unstable();
        self.used.clear();
        self.used.resize(self.chains.len(), false);
        for c0 in 0..self.chains.len() {
            if self.used[c0] {
                continue;
            }
            self.ring.clear();
            let mut c = c0;
            loop {
                self.used[c] = true;
                let [a, b] = self.chains[c];
                self.ring.extend_from_slice(&self.pts[a..b]);
                let exit_pt = self.pts[b - 1];
                let exit = perimeter(exit_pt, clip);
                let d_in = sub(exit_pt, self.pts[b - 2]);
                // Another chain may start right where this one ends (the
                // ring touched the edge): take it unless walking on along
                // the edge turns further right, as the polygon interior
                // lies on the right. On a tie (a chain running along the
                // edge) take the chain, so that it is not left over.
                let here = self.best_entry(exit, d_in, c0);
                let walk_dir = edge_dir(exit, side, false);
                let next = match here {
                    Some((turn_here, e)) if turn_here >= turn(d_in, walk_dir) => Some(e),
                    _ => self.walk(exit, side, c0, clip),
                };
                let Some(e) = next else { break };
                if e == c0 {
                    break;
                }
                c = e;
            }
            self.rings.push(std::mem::take(&mut self.ring));
        }
    }

    /// Among the unused chains (or the ring's first chain `c0`) that start
    /// at perimeter position `at`, the one turning furthest right from
    /// `d_in`, with that turn.
    fn best_entry(&self, at: i64, d_in: [i64; 2], c0: usize) -> Option<(f64, usize)> {
        let from = self.entries.partition_point(|e| e.0 < at);
        self.entries[from..]
            .iter()
            .take_while(|e| e.0 == at)
            .filter(|&&(_, e)| e == c0 || !self.used[e])
            .map(|&(_, e)| {
                let start = self.chains[e][0];
                (turn(d_in, sub(self.pts[start + 1], self.pts[start])), e)
            })
            .max_by(|x, y| x.0.total_cmp(&y.0))
    }

    /// Walks clockwise along the window from `exit` to the next usable
    /// entry (a full turn at most), adding the corners passed.
    fn walk(&mut self, exit: i64, side: i64, c0: usize, clip: ClipBox) -> Option<usize> {
        let n = self.entries.len();
        let from = self.entries.partition_point(|e| e.0 <= exit);
        let at = (0..n)
            .map(|k| self.entries[(from + k) % n])
            .find(|&(_, e)| e == c0 || !self.used[e])?
            .0;
        let mut dist = (at - exit).rem_euclid(4 * side);
        if dist == 0 {
            dist = 4 * side;
        }
        let mut m = (exit.div_euclid(side) + 1) * side;
        while m - exit < dist {
            self.ring.push(corner(m / side, clip));
            m += side;
        }
        self.best_entry(at, edge_dir(at, side, true), c0)
            .map(|(_, e)| e)
    }

    /// Splits every output ring that passes through a point twice into
    /// simple rings: linking can join, at a point where a hole touched the
    /// exterior, pieces that only touch there. A positive loop is an
    /// exterior of its own, a negative one a hole touching its exterior at
    /// that point; both are valid where the pinched ring was not.
    fn split_touching_rings(&mut self) {
        let mut k = 0;
        while k < self.rings.len() {
            self.sorted.clear();
            self.sorted.extend_from_slice(&self.rings[k]);
            self.sorted.sort_unstable();
            if self.sorted.windows(2).all(|w| w[0] != w[1]) {
                k += 1;
                continue;
            }
            let ring = self.rings.swap_remove(k);
            for mut piece in split_at_repeats(&ring) {
                clean_ring(&mut piece);
                match area2(&piece).signum() {
                    1 => self.split.push(piece),
                    -1 => self.holes.push(piece),
                    _ => {}
                }
            }
        }
        self.rings.append(&mut self.split);
    }

    /// Emits every output exterior with the holes that lie inside it.
    fn emit_with_holes(&mut self, emit: &mut impl FnMut(&[[i64; 2]], bool)) {
        for ring in &mut self.rings {
            clean_ring(ring);
        }
        self.split_touching_rings();
        for hole in &mut self.holes {
            clean_ring(hole);
        }
        let mut owner = vec![usize::MAX; self.holes.len()];
        for (h, hole) in self.holes.iter().enumerate() {
            // The first hole vertex not on an exterior decides.
            'vertex: for p in hole {
                let p2 = [p[0] * 2, p[1] * 2];
                for (r, ring) in self.rings.iter().enumerate() {
                    match locate(p2, ring) {
                        Side::Boundary => continue 'vertex,
                        Side::Inside => {
                            owner[h] = r;
                            break 'vertex;
                        }
                        Side::Outside => {}
                    }
                }
                break;
            }
        }
        for (r, ring) in self.rings.iter().enumerate() {
            if ring.len() < 3 || area2(ring) <= 0 {
                continue;
            }
            emit(ring, true);
            for (h, hole) in self.holes.iter().enumerate() {
                if owner[h] == r && hole.len() >= 3 && area2(hole) < 0 {
                    emit(hole, false);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BOX: ClipBox = ClipBox { min: 0, max: 10 };

    fn run(rings: &[Vec<[i64; 2]>]) -> Vec<(Vec<[i64; 2]>, bool)> {
        run_in(rings, BOX)
    }

    fn run_in(rings: &[Vec<[i64; 2]>], clip: ClipBox) -> Vec<(Vec<[i64; 2]>, bool)> {
        let mut out = Vec::new();
        PolygonClipper::default().clip(rings.iter().map(Vec::as_slice), clip, |r, e| {
            out.push((r.to_vec(), e));
        });
        out
    }

    #[test]
    fn square_covering_window_is_the_window() {
        let out = run(&[vec![[-5, -5], [15, -5], [15, 15], [-5, 15]]]);
        assert_eq!(out, vec![(vec![[0, 0], [10, 0], [10, 10], [0, 10]], true)]);
    }

    #[test]
    fn u_shape_splits_into_two_valid_polygons() {
        // A U opening upwards, its bottom below the window: inside the
        // window only the two arms remain, as two separate rings.
        let u = vec![
            [2, -5],
            [4, -5],
            [4, 20],
            [6, 20],
            [6, -5],
            [8, -5],
            [8, 30],
            [2, 30],
        ];
        let out = run(&[u]);
        assert_eq!(out.len(), 2, "{out:?}");
        assert!(out.iter().all(|(r, e)| *e && area2(r) == 40));
    }

    #[test]
    fn hole_crossing_edge_and_hole_inside() {
        let outer = vec![[-5, -5], [15, -5], [15, 15], [-5, 15]];
        let notch = vec![[8, 2], [8, 4], [12, 4], [12, 2]];
        let inner = vec![[2, 2], [2, 4], [4, 4], [4, 2]];
        let out = run(&[outer, notch, inner]);
        assert_eq!(out.len(), 2, "{out:?}");
        assert!(out[0].1 && !out[1].1);
        assert_eq!(area2(&out[0].0), 2 * (100 - 4));
        assert_eq!(area2(&out[1].0), -8);
    }

    #[test]
    fn ring_touching_edge_inside_is_split_at_the_touch() {
        // Real case (Leeds LSOA E01011299 at z9, tile-top buffer edge
        // y = 0 here): the ring dips to the edge at (584, 0) between two
        // crossings, so the clipped area is two pieces touching there.
        let ring = vec![
            [610, -5],
            [587, 5],
            [584, 0],
            [574, 1],
            [569, -13],
            [640, -40],
        ];
        let out = run_in(&[ring], ClipBox { min: 0, max: 4096 });
        assert_eq!(out.len(), 2, "{out:?}");
        for (r, e) in &out {
            assert!(*e && area2(r) > 0);
            let mut v = r.clone();
            v.sort_unstable();
            v.dedup();
            assert_eq!(v.len(), r.len(), "no repeated vertex in {r:?}");
        }
    }

    #[test]
    fn loops_touching_the_edge() {
        // A clockwise loop hanging from (5, 0) is a polygon of its own; an
        // anticlockwise one is a notch in a polygon covering the window.
        let lobe = vec![[5, 0], [8, 4], [2, 4], [5, 0], [5, -3]];
        let out = run(&[lobe]);
        assert!(out.iter().all(|(r, _)| area2(r) > 0));
        let notch = vec![
            [-5, -5],
            [5, -5],
            [5, 0],
            [2, 4],
            [8, 4],
            [5, 0],
            [5, -5],
            [15, -5],
            [15, 15],
            [-5, 15],
        ];
        let out = run(&[notch]);
        let total: i128 = out.iter().map(|(r, _)| area2(r)).sum();
        assert_eq!(total, 200 - 24);
    }

    #[test]
    fn ring_running_along_the_edge() {
        // Real case (Leeds LSOA E01011494 at z9, bottom buffer edge y = 10
        // here): the ring runs along the edge from x = 6 to x = 5, then
        // leaves the window and comes back in at x = 2.
        let ring = vec![[2, 10], [1, 5], [4, 4], [6, 10], [5, 10], [5, 12], [2, 12]];
        let out = run(&[ring]);
        assert_eq!(out.len(), 1, "{out:?}");
        assert!(area2(&out[0].0) > 0 && area2(&out[0].0) < 60, "{out:?}");
    }

    /// Clips `rings` to [`BOX`], expecting only exteriors, and returns their
    /// doubled areas, sorted.
    fn piece_areas(rings: &[Vec<[i64; 2]>]) -> Vec<i128> {
        let out = run(rings);
        assert!(out.iter().all(|(_, e)| *e), "{out:?}");
        let mut areas: Vec<i128> = out.iter().map(|(r, _)| area2(r)).collect();
        areas.sort_unstable();
        areas
    }

    #[test]
    fn hole_across_the_window_along_both_edges() {
        // Found by the property test against geo (tests/rectclip_vs_geo.rs;
        // there a square over the 4096 tile's buffered window with a hole
        // [-64, 4160] × [0, 169]): a hole inside the window that runs along
        // its left and right edges cuts the window in two, but it was kept as
        // a hole no exterior owned (all its vertices lay on the outline), so
        // it was dropped and the clipped area was the whole window.
        let outer = vec![[-1, -1], [11, -1], [11, 9], [-1, 9]];
        let band = vec![[0, 2], [0, 4], [10, 4], [10, 2]];
        // Above the band 10 × 2, below it 10 × 5.
        assert_eq!(piece_areas(&[outer, band]), vec![2 * 20, 2 * 50]);
    }

    #[test]
    fn hole_touching_two_edges_cuts_off_the_corner() {
        // A hole touching the top and left edges at one point each: the
        // corner beyond it is a polygon of its own (a hole touching its
        // exterior at two points would disconnect the interior, invalid).
        let outer = vec![[-5, -5], [15, -5], [15, 15], [-5, 15]];
        let hole = vec![[0, 5], [3, 3], [5, 0]];
        assert!(area2(&hole) < 0);
        // The corner triangle 12.5, the rest 100 − 12.5 − 2.5 (the hole).
        assert_eq!(piece_areas(&[outer, hole]), vec![25, 170]);
    }

    #[test]
    fn hole_touching_one_edge_once_stays_a_hole() {
        let outer = vec![[-5, -5], [15, -5], [15, 15], [-5, 15]];
        let hole = vec![[0, 5], [3, 7], [3, 3]];
        assert!(area2(&hole) < 0);
        let out = run(&[outer, hole.clone()]);
        assert_eq!(out.len(), 2, "{out:?}");
        assert_eq!(out[1], (hole, false));
    }

    #[test]
    fn a_hole_rounded_to_a_spike_at_the_edge_leaves_the_window_covered() {
        // Found by the rectclip fuzz target (fuzz/regressions/rectclip/):
        // a hole whose tip pokes one unit into a 192-unit window; both of its
        // crossings round to (-15, -64), so its chain is the spike
        // (-15, -64), (-15, -63), (-15, -64). Linked, it closed on itself and
        // the clip was empty, though the exterior covers the window.
        let outer = vec![[-500, -500], [500, -500], [500, 500], [-500, 500]];
        let hole = vec![[28, -347], [-71, -267], [-15, -63], [19, -252]];
        assert!(area2(&hole) < 0);
        let out = run_in(&[outer, hole], ClipBox { min: -64, max: 128 });
        assert_eq!(out.len(), 1, "{out:?}");
        assert_eq!(area2(&out[0].0), 2 * 192 * 192, "{out:?}");
    }

    #[test]
    fn a_ring_through_a_point_twice_is_split_into_loops() {
        let (p, q) = ([5, 5], [7, 7]);
        let ring = [[0, 0], p, [9, 5], [9, 9], [5, 9], p, q, [1, 9], [0, 9]];
        assert_eq!(
            split_at_repeats(&ring),
            vec![
                vec![p, [9, 5], [9, 9], [5, 9]],
                vec![[0, 0], p, q, [1, 9], [0, 9]],
            ]
        );
        let ring = [[0, 0], p, q, [1, 1], q, [2, 2], p, [0, 3]];
        assert_eq!(
            split_at_repeats(&ring),
            vec![vec![q, [1, 1]], vec![p, q, [2, 2]], vec![[0, 0], p, [0, 3]],]
        );
    }

    #[test]
    fn pieces_touching_at_a_point_inside_are_separate_rings() {
        // Found by the rectclip fuzz target (a rectilinear union at tile
        // scale, kept in fuzz/regressions/rectclip/ and in
        // tests/rectclip_vs_geo.rs): a hole touching its exterior at (5, 5)
        // and the window's bottom edge along an edge was linked with the
        // exterior into one ring through (5, 5) twice, invalid.
        let outer = vec![
            [-2, -2],
            [5, -2],
            [5, 5],
            [7, 5],
            [7, 11],
            [9, 11],
            [9, -2],
            [12, -2],
            [12, 12],
            [-2, 12],
        ];
        let hole = vec![[2, 5], [2, 10], [5, 10], [5, 5]];
        assert!(area2(&outer) > 0 && area2(&hole) < 0);
        let out = run(&[outer, hole]);
        for (r, _) in &out {
            let mut v = r.clone();
            v.sort_unstable();
            v.dedup();
            assert_eq!(v.len(), r.len(), "no repeated vertex in {r:?}");
        }
        // The left part (window corner block 5 × 5 and the strip 2 × 5 below
        // it), the bar 2 × 5 and the right strip 1 × 10.
        assert_eq!(piece_areas_all(&out), vec![2 * 10, 2 * 10, 2 * 35]);
    }

    fn piece_areas_all(out: &[(Vec<[i64; 2]>, bool)]) -> Vec<i128> {
        assert!(out.iter().all(|(_, e)| *e), "{out:?}");
        let mut areas: Vec<i128> = out.iter().map(|(r, _)| area2(r)).collect();
        areas.sort_unstable();
        areas
    }

    #[test]
    fn polygon_beside_window_is_empty() {
        // Bounding box overlaps the window, ring does not.
        let l = vec![[-5, -5], [20, -5], [20, -2], [-2, -2], [-2, 20], [-5, 20]];
        assert!(run(&[l]).is_empty());
    }
}
