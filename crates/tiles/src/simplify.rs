//! Douglas–Peucker simplification of one arc with both endpoints fixed.

/// Squared distance from `p` to the segment `a`–`b` (to `a` if the segment
/// is a point, which is what a closed arc's chord is).
#[inline]
fn segment_dist2(p: [f64; 2], a: [f64; 2], b: [f64; 2]) -> f64 {
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    let len2 = dx * dx + dy * dy;
    let (mut cx, mut cy) = (a[0], a[1]);
    if len2 > 0.0 {
        let t = (((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2).clamp(0.0, 1.0);
        cx += t * dx;
        cy += t * dy;
    }
    let (ex, ey) = (p[0] - cx, p[1] - cy);
    ex * ex + ey * ey
}

/// Reusable buffers for [`douglas_peucker`].
#[derive(Default)]
pub(crate) struct Scratch {
    keep: Vec<bool>,
    stack: Vec<(usize, usize)>,
}

/// Appends the Douglas–Peucker simplification of `points` to `out`: the
/// first and last point are always kept, interior points only if they lie
/// more than `tolerance` from the simplified line. `tolerance <= 0` keeps
/// everything.
pub(crate) fn douglas_peucker(
    points: &[[f64; 2]],
    tolerance: f64,
    scratch: &mut Scratch,
    out: &mut Vec<[f64; 2]>,
) {
    let n = points.len();
    if n <= 2 || tolerance <= 0.0 {
        out.extend_from_slice(points);
        return;
    }
    let tol2 = tolerance * tolerance;
    let keep = &mut scratch.keep;
    keep.clear();
    keep.resize(n, false);
    keep[0] = true;
    keep[n - 1] = true;
    // An explicit stack instead of recursion: arcs can have many thousands of
    // vertices.
    let stack = &mut scratch.stack;
    stack.clear();
    stack.push((0, n - 1));
    while let Some((first, last)) = stack.pop() {
        let (mut best, mut best_d) = (0, tol2);
        for (i, &p) in points.iter().enumerate().take(last).skip(first + 1) {
            let d = segment_dist2(p, points[first], points[last]);
            if d > best_d {
                best = i;
                best_d = d;
            }
        }
        if best != 0 {
            keep[best] = true;
            stack.push((first, best));
            stack.push((best, last));
        }
    }
    out.extend(
        points
            .iter()
            .zip(keep.iter())
            .filter(|(_, k)| **k)
            .map(|(p, _)| *p),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_endpoints_and_far_points() {
        let pts = [
            [0.0, 0.0],
            [1.0, 0.1],
            [2.0, -0.1],
            [3.0, 5.0],
            [4.0, 6.0],
            [5.0, 7.0],
        ];
        let mut out = Vec::new();
        douglas_peucker(&pts, 0.5, &mut Scratch::default(), &mut out);
        assert_eq!(out, vec![[0.0, 0.0], [2.0, -0.1], [3.0, 5.0], [5.0, 7.0]]);
        out.clear();
        douglas_peucker(&pts, 0.0, &mut Scratch::default(), &mut out);
        assert_eq!(out.len(), pts.len());
    }

    #[test]
    fn closed_arc_keeps_farthest_point() {
        let ring = [[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0], [0.0, 0.0]];
        let mut out = Vec::new();
        douglas_peucker(&ring, 0.1, &mut Scratch::default(), &mut out);
        assert_eq!(out, ring.to_vec());
        out.clear();
        douglas_peucker(&ring, 10.0, &mut Scratch::default(), &mut out);
        assert_eq!(out, vec![[0.0, 0.0], [0.0, 0.0]]);
    }
}
