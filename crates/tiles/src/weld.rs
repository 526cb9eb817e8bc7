//! Welding a level: every grid vertex that lies exactly on another part's
//! edge is inserted into that edge.
//!
//! Shared arcs give neighbours identical borders, but repairing one polygon
//! on its own can add a vertex to its side of a border: where the polygon
//! pinches to zero width, `i_overlay` splits it at a vertex that lies on
//! the shared edge. The neighbour's edge then lacks that vertex (a
//! T-junction, harmless for area but not vertex for vertex). Inserting it
//! there too restores identical vertex sequences; collinear vertices never
//! change a ring's shape or validity.

use crate::grid::BucketGrid;

use crate::levels::{Level, PartKind};

/// Whether `v` lies on segment `a`–`b`, strictly between its ends.
#[inline]
fn strictly_on(a: [i64; 2], b: [i64; 2], v: [i64; 2]) -> bool {
    if v == a || v == b {
        return false;
    }
    let cross = i128::from(b[0] - a[0]) * i128::from(v[1] - a[1])
        - i128::from(b[1] - a[1]) * i128::from(v[0] - a[0]);
    cross == 0
        && v[0] >= a[0].min(b[0])
        && v[0] <= a[0].max(b[0])
        && v[1] >= a[1].min(b[1])
        && v[1] <= a[1].max(b[1])
}

/// Inserts into every polygon edge of `level` the polygon vertices lying on
/// it (lines are left alone: they may cross anything).
pub(crate) fn weld(level: &mut Level) {
    let ring_coords = |p: &crate::levels::Part<[i64; 4]>| {
        (p.kind != PartKind::Line)
            .then(|| &level.coords[p.start as usize..(p.start + p.len) as usize])
    };
    let mut total = 0i64;
    let mut count = 0i64;
    for pts in level.parts.iter().filter_map(ring_coords) {
        for w in pts.windows(2) {
            total += (w[1][0] - w[0][0]).abs().max((w[1][1] - w[0][1]).abs());
            count += 1;
        }
    }
    // Cells a power of two about one average edge long (a vertex's cell is then a shift): few
    // cells per edge, few vertices per cell.
    let cell = (total / count.max(1)).max(1);
    let shift = cell.ilog2();
    let key = |v: i64| v >> shift;
    let vertices: usize = level
        .parts
        .iter()
        .filter_map(ring_coords)
        .map(<[_]>::len)
        .sum();
    // Every distinct ring vertex, by cell, in hashed buckets built by counting (sorting every
    // vertex by cell, and looking cells up in a hash map, were most of the weld).
    let mut grid = BucketGrid::build(vertices, |f| {
        for pts in level.parts.iter().filter_map(ring_coords) {
            for &v in pts {
                f((key(v[0]), key(v[1])), v);
            }
        }
    });
    grid.dedup();
    if grid.len() < 3 {
        return;
    }
    // Room for some inserted vertices: growing copies the lot.
    let mut coords = Vec::with_capacity(level.coords.len() + level.coords.len() / 16);
    let mut found: Vec<(i128, [i64; 2])> = Vec::new();
    for part in &mut level.parts {
        let pts = &level.coords[part.start as usize..(part.start + part.len) as usize];
        let start = coords.len();
        if part.kind == PartKind::Line {
            coords.extend_from_slice(pts);
            part.start = start as u32;
            continue;
        }
        let n = pts.len();
        for i in 0..n {
            let (a, b) = (pts[i], pts[(i + 1) % n]);
            coords.push(a);
            found.clear();
            for x in key(a[0].min(b[0]))..=key(a[0].max(b[0])) {
                for y in key(a[1].min(b[1]))..=key(a[1].max(b[1])) {
                    for &v in grid.bucket_of((x, y)) {
                        if strictly_on(a, b, v) {
                            let t = i128::from(v[0] - a[0]) * i128::from(b[0] - a[0])
                                + i128::from(v[1] - a[1]) * i128::from(b[1] - a[1]);
                            found.push((t, v));
                        }
                    }
                }
            }
            // A bucket met twice (two of the edge's cells share it) gives its vertices twice.
            found.sort_unstable();
            found.dedup();
            coords.extend(found.iter().map(|&(_, v)| v));
        }
        part.start = start as u32;
        part.len = (coords.len() - start) as u32;
    }
    level.coords = coords;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::levels::Part;

    #[test]
    fn vertex_on_neighbour_edge_is_inserted() {
        let mut level = Level::default();
        let a = [[0, 0], [4, 0], [4, 4], [0, 4]];
        let b = [[4, 0], [8, 0], [8, 4], [4, 4], [4, 2]];
        for (ring, start) in [(&a[..], 0u32), (&b[..], 4)] {
            level.coords.extend_from_slice(ring);
            level.parts.push(Part {
                start,
                len: ring.len() as u32,
                bbox: [0, 0, 8, 4],
                kind: PartKind::Exterior,
            });
        }
        weld(&mut level);
        let first = &level.coords[..level.parts[0].len as usize];
        assert_eq!(first, &[[0, 0], [4, 0], [4, 2], [4, 4], [0, 4]]);
        assert_eq!(level.parts[1].start, 5);
        assert_eq!(level.parts[1].len, 5);
    }

    /// The weld by testing every ring vertex against every ring edge: the reference.
    fn weld_all_pairs(level: &Level) -> Vec<Vec<[i64; 2]>> {
        let rings: Vec<&[[i64; 2]]> = level
            .parts
            .iter()
            .filter(|p| p.kind != PartKind::Line)
            .map(|p| &level.coords[p.start as usize..(p.start + p.len) as usize])
            .collect();
        let mut vertices: Vec<[i64; 2]> = rings.iter().flat_map(|r| r.iter().copied()).collect();
        vertices.sort_unstable();
        vertices.dedup();
        level
            .parts
            .iter()
            .map(|p| {
                let pts = &level.coords[p.start as usize..(p.start + p.len) as usize];
                if p.kind == PartKind::Line || vertices.len() < 3 {
                    return pts.to_vec();
                }
                let mut out = Vec::new();
                for i in 0..pts.len() {
                    let (a, b) = (pts[i], pts[(i + 1) % pts.len()]);
                    out.push(a);
                    let mut on: Vec<[i64; 2]> = vertices
                        .iter()
                        .copied()
                        .filter(|&v| strictly_on(a, b, v))
                        .collect();
                    on.sort_by_key(|v| (v[0] - a[0]).abs() + (v[1] - a[1]).abs());
                    out.extend(on);
                }
                out
            })
            .collect()
    }

    proptest::proptest! {
        /// Welding finds what testing every vertex against every edge finds, in order along
        /// each edge, on grids where vertices often fall on other parts' edges (negative
        /// coordinates included, lines left alone).
        #[test]
        fn weld_agrees_with_all_pairs(
            parts in proptest::collection::vec(
                (
                    proptest::collection::vec((-6i64..10, -6i64..10), 2..7),
                    0u8..4,
                    0i64..3,
                ),
                1..8,
            ),
        ) {
            let mut level = Level::default();
            for (pts, kind, scale) in parts {
                let kind = match kind {
                    0 => PartKind::Line,
                    1 => PartKind::Interior,
                    _ => PartKind::Exterior,
                };
                let start = level.coords.len() as u32;
                level.coords.extend(pts.iter().map(|&(x, y)| [x << scale, y << scale]));
                level.parts.push(Part { start, len: pts.len() as u32, bbox: [0; 4], kind });
            }
            let expected = weld_all_pairs(&level);
            weld(&mut level);
            let got: Vec<Vec<[i64; 2]>> = level
                .parts
                .iter()
                .map(|p| level.coords[p.start as usize..(p.start + p.len) as usize].to_vec())
                .collect();
            proptest::prop_assert_eq!(got, expected);
        }
    }
}
