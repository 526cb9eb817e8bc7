//! Finding arcs that cross after simplification.
//!
//! Arcs are simplified independently, so the two sides of a thin strip, or
//! two nearby borders, can end up crossing each other: neighbours would then
//! overlap and leave a gap elsewhere. Arcs involved in a crossing are
//! simplified again with a smaller tolerance until none cross (as
//! mapshaper's intersection repair does).

use crate::grid::{BucketGrid, CellGrid};

/// Orientation of `c` relative to the line `a`→`b` (sign of the cross
/// product).
#[inline]
fn orient(a: [f64; 2], b: [f64; 2], c: [f64; 2]) -> f64 {
    (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])
}

/// Whether `p`, known to be collinear with `a`–`b`, lies within its box.
#[inline]
fn within(a: [f64; 2], b: [f64; 2], p: [f64; 2]) -> bool {
    p[0] >= a[0].min(b[0])
        && p[0] <= a[0].max(b[0])
        && p[1] >= a[1].min(b[1])
        && p[1] <= a[1].max(b[1])
}

/// Whether two segments touch anywhere other than at a shared endpoint
/// (arcs legitimately meet at their end nodes only).
fn conflict(p: [[f64; 2]; 2], q: [[f64; 2]; 2]) -> bool {
    let shared = p.iter().any(|a| q.contains(a));
    let (d1, d2) = (orient(q[0], q[1], p[0]), orient(q[0], q[1], p[1]));
    let (d3, d4) = (orient(p[0], p[1], q[0]), orient(p[0], p[1], q[1]));
    if shared {
        // Only a collinear overlap is a conflict then.
        if d1 != 0.0 || d2 != 0.0 {
            return false;
        }
        let other_p = if q.contains(&p[0]) { p[1] } else { p[0] };
        let other_q = if p.contains(&q[0]) { q[1] } else { q[0] };
        return (within(q[0], q[1], other_p) && !q.contains(&other_p))
            || (within(p[0], p[1], other_q) && !p.contains(&other_q));
    }
    if d1 * d2 < 0.0 && d3 * d4 < 0.0 {
        return true;
    }
    (d1 == 0.0 && within(q[0], q[1], p[0]))
        || (d2 == 0.0 && within(q[0], q[1], p[1]))
        || (d3 == 0.0 && within(p[0], p[1], q[0]))
        || (d4 == 0.0 && within(p[0], p[1], q[1]))
}

/// The crossing checks of one level, repeated as arcs are simplified again: the first check
/// tests every segment against its neighbours in a uniform grid; each later check tests only
/// the arcs changed since ([`Crossings::changed`]), against each other and against the
/// unchanged arcs as the first check indexed them. Conflicts between two unchanged arcs are
/// those the first check found. Each check flags what a full check would (tested against all
/// pairs of segments), without repeating the full check: an arc crossing another in the
/// source data is refined to full detail over some eight checks at every zoom.
///
/// Only arcs with `checked[a]` take part: lines may cross each other (a road over a river),
/// polygon borders not.
#[derive(Default)]
pub(crate) struct Crossings {
    /// Segments `(arc, index)` by grid cell, as of the first check.
    grid: Option<BucketGrid<(u32, u32)>>,
    /// The grid's cell size.
    cell: f64,
    /// Segments in the first check.
    segments: usize,
    /// Pairs of arcs `(a, b)`, `a <= b`, in conflict at the first check.
    pairs: Vec<(u32, u32)>,
    /// Arcs changed since the first check, as flags and as a list.
    changed: Vec<bool>,
    changed_list: Vec<u32>,
}

impl Crossings {
    /// Records that arc `a` was simplified again since the first check.
    pub(crate) fn changed(&mut self, a: usize) {
        if self.changed.len() <= a {
            self.changed.resize(a + 1, false);
        }
        if !self.changed[a] {
            self.changed[a] = true;
            self.changed_list.push(a as u32);
        }
    }

    /// Marks in `flagged` every arc with a segment that crosses or touches another segment
    /// (of another arc, or a non-adjacent one of its own) other than at shared endpoints.
    /// Returns whether any was found.
    pub(crate) fn check(
        &mut self,
        arcs: &[Vec<[f64; 2]>],
        checked: &[bool],
        flagged: &mut Vec<bool>,
    ) -> bool {
        flagged.clear();
        flagged.resize(arcs.len(), false);
        let changed_segments: usize = self
            .changed_list
            .iter()
            .map(|&a| arcs[a as usize].len().saturating_sub(1))
            .sum();
        // Once a quarter of the segments have changed, starting again costs less.
        if self.grid.is_none() || changed_segments * 4 > self.segments {
            self.first_check(arcs, checked);
        }
        let Some(grid) = &self.grid else {
            return false;
        };
        let changed = |a: u32| self.changed.get(a as usize).copied().unwrap_or(false);
        let mut flag = |a: u32, b: u32| {
            flagged[a as usize] = true;
            flagged[b as usize] = true;
        };
        for &(a, b) in &self.pairs {
            if !changed(a) && !changed(b) {
                flag(a, b);
            }
        }
        if !self.changed_list.is_empty() {
            let fresh = segment_grid(
                arcs,
                self.changed_list
                    .iter()
                    .map(|&a| a as usize)
                    .filter(|&a| checked[a]),
                self.cell,
            );
            let seg = |s: (u32, u32)| segment(arcs, s);
            let mut in_cell = Vec::new();
            for list in fresh.cells() {
                in_cell.clear();
                in_cell.extend(list.iter().map(|e| e.1));
                for_conflicts_among(arcs, &in_cell, &mut flag);
            }
            for (cell, s) in fresh.entries() {
                for &t in grid.bucket_of(*cell) {
                    if !changed(t.0) && conflict_near(seg(*s), seg(t)) {
                        flag(s.0, t.0);
                    }
                }
            }
        }
        flagged.iter().any(|&f| f)
    }

    /// Indexes every checked arc's segments and records every pair of arcs in conflict.
    fn first_check(&mut self, arcs: &[Vec<[f64; 2]>], checked: &[bool]) {
        self.changed.clear();
        self.changed_list.clear();
        self.pairs.clear();
        self.grid = None;
        let mut segments = 0usize;
        let mut length = 0.0;
        for arc in arcs
            .iter()
            .zip(checked)
            .filter(|(_, c)| **c)
            .map(|(a, _)| a)
        {
            for w in arc.windows(2) {
                segments += 1;
                length += (w[1][0] - w[0][0]).abs().max((w[1][1] - w[0][1]).abs());
            }
        }
        self.segments = segments;
        if segments < 2 {
            return;
        }
        // A uniform grid with cells about as large as an average segment keeps both the cells
        // per segment and the segments per cell small.
        self.cell = (length / segments as f64).max(1e-12);
        let cell = self.cell;
        let grid = BucketGrid::build(segments * 2, |f| {
            for a in (0..arcs.len()).filter(|&a| checked[a]) {
                for_segment_cells(&arcs[a], cell, |c, i| f(c, (a as u32, i)));
            }
        });
        let pairs = &mut self.pairs;
        for bucket in grid.buckets() {
            for_conflicts_among(arcs, bucket, &mut |a, b| pairs.push((a.min(b), a.max(b))));
        }
        pairs.sort_unstable();
        pairs.dedup();
        self.grid = Some(grid);
    }
}

/// Segment `i` of arc `a`.
fn segment(arcs: &[Vec<[f64; 2]>], (a, i): (u32, u32)) -> [[f64; 2]; 2] {
    let arc = &arcs[a as usize];
    [arc[i as usize], arc[i as usize + 1]]
}

/// The grid column (or row) of coordinate `v` for cells `1 / inv` wide. Any non-decreasing
/// function of `v` finds every pair of overlapping boxes in a shared cell; truncating a product
/// costs a fraction of flooring a quotient (a call into libm without SSE4.1). Cells next to 0
/// are twice as wide, which changes nothing but the grid's balance there.
#[inline]
fn cell_key(v: f64, inv: f64) -> i64 {
    (v * inv) as i64
}

/// Whether the boxes of two segments overlap (touching counts): segments that touch anywhere
/// do, so a conflict is only tested where this holds, whichever grid cells or buckets the
/// segments share.
#[inline]
fn boxes_overlap(p: [[f64; 2]; 2], q: [[f64; 2]; 2]) -> bool {
    p[0][0].max(p[1][0]) >= q[0][0].min(q[1][0])
        && q[0][0].max(q[1][0]) >= p[0][0].min(p[1][0])
        && p[0][1].max(p[1][1]) >= q[0][1].min(q[1][1])
        && q[0][1].max(q[1][1]) >= p[0][1].min(p[1][1])
}

/// Whether two segments whose boxes may or may not overlap are in conflict.
#[inline]
fn conflict_near(p: [[f64; 2]; 2], q: [[f64; 2]; 2]) -> bool {
    boxes_overlap(p, q) && conflict(p, q)
}

/// Calls `f(cell, i)` for every grid cell that segment `i` of `arc`'s box covers.
fn for_segment_cells(arc: &[[f64; 2]], cell: f64, mut f: impl FnMut((i64, i64), u32)) {
    let inv = cell.recip();
    let key = |v: f64| cell_key(v, inv);
    for (i, w) in arc.windows(2).enumerate() {
        let (x0, x1) = (key(w[0][0].min(w[1][0])), key(w[0][0].max(w[1][0])));
        let (y0, y1) = (key(w[0][1].min(w[1][1])), key(w[0][1].max(w[1][1])));
        for x in x0..=x1 {
            for y in y0..=y1 {
                f((x, y), i as u32);
            }
        }
    }
}

/// The segments of `which` arcs by the grid cells their boxes cover.
fn segment_grid(
    arcs: &[Vec<[f64; 2]>],
    which: impl Iterator<Item = usize>,
    cell: f64,
) -> CellGrid<(u32, u32)> {
    let mut entries = Vec::new();
    for a in which {
        for_segment_cells(&arcs[a], cell, |c, i| entries.push((c, (a as u32, i))));
    }
    CellGrid::new(entries)
}

/// Calls `found(a, b)` for the arcs of every two segments of `segments` that conflict
/// (consecutive segments of one arc share a vertex by design, and are skipped; a segment may be
/// listed more than once).
fn for_conflicts_among(
    arcs: &[Vec<[f64; 2]>],
    segments: &[(u32, u32)],
    found: &mut impl FnMut(u32, u32),
) {
    if segments.len() < 2 {
        return;
    }
    // Each segment read once (the reads were most of the time here).
    let mut near = [[[0.0; 2]; 2]; 16];
    let gathered = segments.len() <= near.len();
    if gathered {
        for (slot, &s) in near.iter_mut().zip(segments) {
            *slot = segment(arcs, s);
        }
    }
    let seg = |k: usize| {
        if gathered {
            near[k]
        } else {
            segment(arcs, segments[k])
        }
    };
    for (k, &s) in segments.iter().enumerate() {
        let p = seg(k);
        for (j, &t) in segments.iter().enumerate().skip(k + 1) {
            if s == t || (s.0 == t.0 && s.1.abs_diff(t.1) == 1) {
                continue;
            }
            if conflict_near(p, seg(j)) {
                found(s.0, t.0);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crossing_and_touching_arcs_are_found() {
        let arcs = vec![
            vec![[0.0, 0.0], [10.0, 10.0]],
            vec![[0.0, 10.0], [10.0, 0.0]],
            vec![[10.0, 10.0], [20.0, 10.0]],
            vec![[30.0, 0.0], [30.0, 5.0], [40.0, 5.0]],
        ];
        let mut flagged = Vec::new();
        assert!(Crossings::default().check(&arcs, &[true; 4], &mut flagged));
        assert_eq!(flagged, vec![true, true, false, false]);
    }

    #[test]
    fn arcs_meeting_at_nodes_are_fine() {
        let arcs = vec![
            vec![[0.0, 0.0], [5.0, 1.0], [10.0, 0.0]],
            vec![[10.0, 0.0], [5.0, -1.0], [0.0, 0.0]],
            vec![[10.0, 0.0], [20.0, 0.0]],
        ];
        let mut flagged = Vec::new();
        assert!(!Crossings::default().check(&arcs, &[true; 3], &mut flagged));
    }

    /// Every arc in conflict, by testing every pair of segments: the reference.
    fn all_pairs(arcs: &[Vec<[f64; 2]>], checked: &[bool]) -> Vec<bool> {
        let segments: Vec<(u32, u32)> = (0..arcs.len())
            .filter(|&a| checked[a])
            .flat_map(|a| (0..arcs[a].len().saturating_sub(1)).map(move |i| (a as u32, i as u32)))
            .collect();
        let mut flagged = vec![false; arcs.len()];
        for (k, &s) in segments.iter().enumerate() {
            for &t in &segments[k + 1..] {
                let adjacent = s.0 == t.0 && s.1.abs_diff(t.1) == 1;
                if !adjacent && conflict(segment(arcs, s), segment(arcs, t)) {
                    flagged[s.0 as usize] = true;
                    flagged[t.0 as usize] = true;
                }
            }
        }
        flagged
    }

    /// Arcs of up to five vertices on a small integer grid, so that they touch and cross often.
    fn arc() -> impl proptest::strategy::Strategy<Value = Vec<[f64; 2]>> {
        use proptest::prelude::*;
        proptest::collection::vec((0i8..12, 0i8..12), 2..6).prop_map(|v| {
            v.into_iter()
                .map(|(x, y)| [f64::from(x), f64::from(y)])
                .collect()
        })
    }

    proptest::proptest! {
        /// Checks after rounds of changed arcs flag what a check of all pairs flags.
        #[test]
        fn repeated_checks_agree_with_all_pairs(
            arcs in proptest::collection::vec(arc(), 2..14),
            rounds in proptest::collection::vec(
                proptest::collection::vec((0usize..14, arc()), 0..4), 1..5),
            unchecked in 0usize..14,
        ) {
            let mut arcs = arcs;
            let checked: Vec<bool> = (0..arcs.len()).map(|a| a != unchecked).collect();
            let mut crossings = Crossings::default();
            let mut flagged = Vec::new();
            for round in rounds {
                let found = crossings.check(&arcs, &checked, &mut flagged);
                let expected = all_pairs(&arcs, &checked);
                proptest::prop_assert_eq!(&flagged, &expected);
                proptest::prop_assert_eq!(found, expected.contains(&true));
                for (a, replacement) in round {
                    if a < arcs.len() {
                        arcs[a] = replacement;
                        crossings.changed(a);
                    }
                }
            }
        }
    }
}
