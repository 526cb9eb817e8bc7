//! Integer ring clean-up and clipping to the buffered tile.
//!
//! Rings here are closed implicitly (no repeated closing point) and live on
//! an integer grid, so equality tests are exact.

/// Twice the signed area of a ring (shoelace). Positive means clockwise on
/// screen with y down: an MVT exterior ring. `i128` because zoom-22 grid
/// coordinates reach 2^34 and their products overflow `i64`.
pub(crate) fn area2(ring: &[[i64; 2]]) -> i128 {
    let Some(&last) = ring.last() else {
        return 0;
    };
    let mut prev = last;
    let mut sum: i128 = 0;
    for &p in ring {
        sum += i128::from(prev[0]) * i128::from(p[1]) - i128::from(p[0]) * i128::from(prev[1]);
        prev = p;
    }
    sum
}

/// Whether `b` is a zero-width spike between `a` and `c`: the three are
/// collinear and the path turns back at `b` (`a, b, a` is the common case).
#[inline]
fn backtracks(a: [i64; 2], b: [i64; 2], c: [i64; 2]) -> bool {
    let (ux, uy) = (i128::from(b[0] - a[0]), i128::from(b[1] - a[1]));
    let (vx, vy) = (i128::from(c[0] - b[0]), i128::from(c[1] - b[1]));
    ux * vy == uy * vx && ux * vx + uy * vy < 0
}

/// Removes repeated consecutive points and zero-width spikes from a closed
/// ring, in place. Both happen when neighbouring vertices fall on the same
/// grid point or a clipped ring runs back along the clip edge; neither
/// carries area, and both make a ring invalid.
pub(crate) fn clean_ring(ring: &mut Vec<[i64; 2]>) {
    let mut w = 0;
    for r in 0..ring.len() {
        let p = ring[r];
        if w > 0 && ring[w - 1] == p {
            continue;
        }
        while w > 1 && backtracks(ring[w - 2], ring[w - 1], p) {
            w -= 1;
        }
        if w > 0 && ring[w - 1] == p {
            continue;
        }
        ring[w] = p;
        w += 1;
    }
    ring.truncate(w);
    // The same across the closing edge.
    loop {
        let n = ring.len();
        if n < 3 {
            break;
        }
        if ring[n - 1] == ring[0] || backtracks(ring[n - 2], ring[n - 1], ring[0]) {
            ring.pop();
        } else if backtracks(ring[n - 1], ring[0], ring[1]) {
            ring.remove(0);
        } else {
            break;
        }
    }
}

/// Removes repeated consecutive points from a line, in place.
pub(crate) fn dedup_line(line: &mut Vec<[i64; 2]>) {
    line.dedup();
}

/// Bounding box `[min_x, min_y, max_x, max_y]` of points.
pub(crate) fn bbox(points: &[[i64; 2]]) -> [i64; 4] {
    let mut b = [i64::MAX, i64::MAX, i64::MIN, i64::MIN];
    for p in points {
        b[0] = b[0].min(p[0]);
        b[1] = b[1].min(p[1]);
        b[2] = b[2].max(p[0]);
        b[3] = b[3].max(p[1]);
    }
    b
}

/// The square clip window `[min, max]²` in tile coordinates.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ClipBox {
    pub min: i64,
    pub max: i64,
}

/// Where `p`–`q` crosses the line `coord[axis] = value`, rounded to the
/// grid. The endpoints are put in a fixed order first so that a border
/// shared by two rings, walked in opposite directions, is cut at exactly the
/// same point in both.
#[inline]
pub(crate) fn intersect(p: [i64; 2], q: [i64; 2], axis: usize, value: i64) -> [i64; 2] {
    let (a, b) = if p < q { (p, q) } else { (q, p) };
    let other = 1 - axis;
    let t = (value - a[axis]) as f64 / (b[axis] - a[axis]) as f64;
    let mut out = [0; 2];
    out[axis] = value;
    out[other] = a[other] + (t * (b[other] - a[other]) as f64).round() as i64;
    out
}

/// The visible stretch of segment `p`–`q` inside `clip`: its start and end
/// point (on the clip edge where the segment enters or leaves, else `p` and
/// `q`) and whether it leaves before `q`. `None` if nothing is visible.
pub(crate) fn visible_segment(
    p: [i64; 2],
    q: [i64; 2],
    clip: ClipBox,
) -> Option<([i64; 2], [i64; 2], bool)> {
    let (lo, hi) = (clip.min as f64, clip.max as f64);
    let (px, py) = (p[0] as f64, p[1] as f64);
    let (dx, dy) = ((q[0] - p[0]) as f64, (q[1] - p[1]) as f64);
    let (mut t0, mut t1) = (0.0f64, 1.0f64);
    let (mut enter, mut leave) = (0, 0);
    // Liang–Barsky, remembering which edge bounds the visible stretch.
    let edges = [(-dx, px - lo), (dx, hi - px), (-dy, py - lo), (dy, hi - py)];
    for (k, (pk, qk)) in edges.into_iter().enumerate() {
        if pk == 0.0 {
            if qk < 0.0 {
                return None;
            }
        } else {
            let r = qk / pk;
            if pk < 0.0 && r > t0 {
                t0 = r;
                enter = k;
            } else if pk > 0.0 && r < t1 {
                t1 = r;
                leave = k;
            }
        }
    }
    if t0 > t1 {
        return None;
    }
    let edge = |k: usize| {
        (
            k / 2,
            if k.is_multiple_of(2) {
                clip.min
            } else {
                clip.max
            },
        )
    };
    let start = if t0 > 0.0 {
        let (axis, value) = edge(enter);
        intersect(p, q, axis, value)
    } else {
        p
    };
    let (end, leaves) = if t1 < 1.0 {
        let (axis, value) = edge(leave);
        (intersect(p, q, axis, value), true)
    } else {
        (q, false)
    };
    Some((start, end, leaves))
}

/// Clips a line to `clip`, calling `emit` with every visible part (at
/// least two distinct points). `part` is scratch space.
pub(crate) fn clip_line(
    line: &[[i64; 2]],
    clip: ClipBox,
    part: &mut Vec<[i64; 2]>,
    mut emit: impl FnMut(&[[i64; 2]]),
) {
    part.clear();
    for seg in line.windows(2) {
        let Some((start, end, leaves)) = visible_segment(seg[0], seg[1], clip) else {
            flush(part, &mut emit);
            continue;
        };
        if part.last() != Some(&start) {
            flush(part, &mut emit);
            part.push(start);
        }
        part.push(end);
        if leaves {
            flush(part, &mut emit);
        }
    }
    flush(part, &mut emit);
}

fn flush(part: &mut Vec<[i64; 2]>, emit: &mut impl FnMut(&[[i64; 2]])) {
    dedup_line(part);
    if part.len() >= 2 {
        emit(part);
    }
    part.clear();
}

#[cfg(test)]
mod tests {
    use super::*;

    const BOX: ClipBox = ClipBox { min: 0, max: 10 };

    #[test]
    fn clean_removes_duplicates_and_spikes() {
        let mut ring = vec![
            [0, 0],
            [0, 0],
            [5, 0],
            [9, 0],
            [5, 0],
            [5, 5],
            [0, 5],
            [0, 0],
        ];
        clean_ring(&mut ring);
        assert_eq!(ring, vec![[0, 0], [5, 0], [5, 5], [0, 5]]);
        let mut spike_at_start = vec![[9, 9], [0, 0], [5, 0], [5, 5]];
        clean_ring(&mut spike_at_start);
        assert_eq!(spike_at_start, vec![[0, 0], [5, 0], [5, 5]]);
        assert!(area2(&spike_at_start) > 0);
    }

    #[test]
    fn shared_edge_is_cut_identically_both_ways() {
        // The edge (−4,3)–(6,15) crosses x = 0 at y = 7.8 and y = 10 at x = 1.83.
        assert_eq!(
            visible_segment([-4, 3], [6, 15], BOX),
            Some(([0, 8], [2, 10], true))
        );
        assert_eq!(
            visible_segment([6, 15], [-4, 3], BOX),
            Some(([2, 10], [0, 8], true))
        );
        assert_eq!(visible_segment([11, 0], [20, 5], BOX), None);
    }

    #[test]
    fn clean_removes_backtracking_runs() {
        let mut ring = vec![[0, 0], [10, 0], [10, 10], [10, 4], [10, 12], [0, 12]];
        clean_ring(&mut ring);
        // (10, 4) stays: collinear, but no longer a turn-back.
        assert_eq!(ring, vec![[0, 0], [10, 0], [10, 4], [10, 12], [0, 12]]);
    }

    #[test]
    fn line_is_split_into_parts() {
        let line = [[-5, 5], [5, 5], [5, 20], [8, 20], [8, 5], [20, 5]];
        let mut parts = Vec::new();
        clip_line(&line, BOX, &mut Vec::new(), |p| parts.push(p.to_vec()));
        assert_eq!(
            parts,
            vec![
                vec![[0, 5], [5, 5], [5, 10]],
                vec![[8, 10], [8, 5], [10, 5]]
            ]
        );
    }
}
