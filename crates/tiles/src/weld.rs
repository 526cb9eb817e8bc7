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

use crate::grid::CellGrid;

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
    // Cells about one average edge long: few cells per edge, few vertices
    // per cell.
    let cell = (total / count.max(1)).max(1);
    let key = |v: i64| v.div_euclid(cell);
    // Every distinct ring vertex, by cell (a vertex's cell follows from it, so equal vertices
    // sort next to each other and one sort both groups and deduplicates them).
    let mut entries: Vec<((i64, i64), [i64; 2])> = level
        .parts
        .iter()
        .filter_map(ring_coords)
        .flatten()
        .map(|&v| ((key(v[0]), key(v[1])), v))
        .collect();
    entries.sort_unstable();
    entries.dedup();
    if entries.len() < 3 {
        return;
    }
    let grid = CellGrid::sorted_with_lookup(entries);
    let mut coords = Vec::with_capacity(level.coords.len());
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
                    for v in grid.cell((x, y)) {
                        if strictly_on(a, b, v) {
                            let t = i128::from(v[0] - a[0]) * i128::from(b[0] - a[0])
                                + i128::from(v[1] - a[1]) * i128::from(b[1] - a[1]);
                            found.push((t, v));
                        }
                    }
                }
            }
            found.sort_unstable();
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
}
