//! Finding arcs that cross after simplification.
//!
//! Arcs are simplified independently, so the two sides of a thin strip, or
//! two nearby borders, can end up crossing each other: neighbours would then
//! overlap and leave a gap elsewhere. Arcs involved in a crossing are
//! simplified again with a smaller tolerance until none cross (as
//! mapshaper's intersection repair does).

use crate::grid::CellGrid;

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

/// Marks in `flagged` every arc with a segment that crosses or touches
/// another segment (of another arc, or a non-adjacent one of its own)
/// other than at shared endpoints. Only arcs with `checked[a]` take part:
/// lines may cross each other (a road over a river), polygon borders not.
/// Returns whether any was found.
pub(crate) fn find_crossings(
    arcs: &[Vec<[f64; 2]>],
    checked: &[bool],
    flagged: &mut Vec<bool>,
) -> bool {
    flagged.clear();
    flagged.resize(arcs.len(), false);
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
    if segments < 2 {
        return false;
    }
    // A uniform grid with cells about as large as an average segment keeps
    // both the cells per segment and the segments per cell small.
    let cell = (length / segments as f64).max(1e-12);
    let key = |v: f64| (v / cell).floor() as i64;
    let mut entries = Vec::with_capacity(segments * 2);
    for (a, arc) in arcs.iter().enumerate() {
        if !checked[a] {
            continue;
        }
        for (i, w) in arc.windows(2).enumerate() {
            let (x0, x1) = (key(w[0][0].min(w[1][0])), key(w[0][0].max(w[1][0])));
            let (y0, y1) = (key(w[0][1].min(w[1][1])), key(w[0][1].max(w[1][1])));
            for x in x0..=x1 {
                for y in y0..=y1 {
                    entries.push(((x, y), (a as u32, i as u32)));
                }
            }
        }
    }
    let grid = CellGrid::new(entries);
    let seg = |(a, i): (u32, u32)| {
        let arc = &arcs[a as usize];
        [arc[i as usize], arc[i as usize + 1]]
    };
    let mut found = false;
    for list in grid.cells() {
        for (k, &(_, s)) in list.iter().enumerate() {
            for &(_, t) in &list[k + 1..] {
                if flagged[s.0 as usize] && flagged[t.0 as usize] {
                    continue;
                }
                // Consecutive segments of one arc share a vertex by design.
                if s.0 == t.0 && s.1.abs_diff(t.1) == 1 {
                    continue;
                }
                if conflict(seg(s), seg(t)) {
                    flagged[s.0 as usize] = true;
                    flagged[t.0 as usize] = true;
                    found = true;
                }
            }
        }
    }
    found
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
        assert!(find_crossings(&arcs, &[true; 4], &mut flagged));
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
        assert!(!find_crossings(&arcs, &[true; 3], &mut flagged));
    }
}
