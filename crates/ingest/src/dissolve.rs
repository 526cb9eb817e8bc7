//! Dissolving whole areas into a larger one by cancelling the edges they share.
//!
//! Areas cut from one boundary file share their borders vertex for vertex (the ingest never
//! re-nodes valid geometry). An edge walked a→b by one area and b→a by its neighbour lies inside
//! the union; every other edge is on its boundary. Keeping only those and walking them into rings
//! dissolves the areas without moving a single vertex: the result's border is exactly the border
//! of the areas along it, and two results that meet share the same vertices. A general polygon
//! union (geo's `BooleanOps`) re-nodes on its own grid and may move vertices, which would open
//! slivers between neighbouring committees and between a committee and its wards.

use std::collections::{BTreeMap, HashMap};

use geo::{Area, Contains, Coord, InteriorPoint, LineString, MultiPolygon, Polygon, Validation};

type Key = (u64, u64);
/// Directed edges with how many times each is walked, and each vertex's coordinates.
type Edges = (BTreeMap<(Key, Key), usize>, HashMap<Key, Coord<f64>>);

fn key(c: Coord<f64>) -> Key {
    (c.x.to_bits(), c.y.to_bits())
}

/// The union of `parts`, which must share their common borders vertex for vertex. An error
/// says what went wrong (a border that does not close, an invalid result).
pub fn dissolve(parts: &[&MultiPolygon<f64>]) -> Result<MultiPolygon<f64>, String> {
    let (edges, coords) = boundary_edges(parts);
    let mut out: BTreeMap<Key, Vec<Key>> = BTreeMap::new();
    for ((a, b), n) in edges {
        for _ in 0..n {
            out.entry(a).or_default().push(b);
        }
    }
    let mut rings = Vec::new();
    while let Some(&start) = out.keys().next() {
        rings.push(walk(&mut out, start, &coords)?);
    }
    let mp = assemble(rings)?;
    if !mp.is_valid() {
        let why: Vec<String> = mp
            .validation_errors()
            .iter()
            .map(ToString::to_string)
            .collect();
        return Err(format!("the dissolved area is invalid: {}", why.join("; ")));
    }
    share_no_border(&mp)?;
    let before: f64 = parts.iter().map(|p| p.unsigned_area()).sum();
    let after = mp.unsigned_area();
    if before > 0.0 && ((after - before) / before).abs() > 1e-9 {
        return Err(format!(
            "the parts overlap or leave gaps: their areas sum to {before}, the union is {after}"
        ));
    }
    Ok(mp)
}

/// Pieces of a dissolved area may touch at points but never along a line: a shared stretch of
/// border means the parts' vertices did not match there and the border was not dissolved.
fn share_no_border(mp: &MultiPolygon<f64>) -> Result<(), String> {
    use geo::Relate;
    use geo::coordinate_position::CoordPos;
    use geo::dimensions::Dimensions;
    for (i, a) in mp.0.iter().enumerate() {
        for b in &mp.0[i + 1..] {
            let m = a.relate(b);
            if m.get(CoordPos::OnBoundary, CoordPos::OnBoundary) == Dimensions::OneDimensional {
                let c = b.exterior().0[0];
                return Err(format!(
                    "two pieces share a border that was not dissolved (vertices that do not match), near ({}, {})",
                    c.x, c.y
                ));
            }
        }
    }
    Ok(())
}

/// The directed edges of every ring, with each edge walked both ways removed.
fn boundary_edges(parts: &[&MultiPolygon<f64>]) -> Edges {
    let mut edges: BTreeMap<(Key, Key), usize> = BTreeMap::new();
    let mut coords = HashMap::new();
    let rings = parts
        .iter()
        .flat_map(|mp| mp.0.iter())
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()));
    for ring in rings {
        for l in ring.lines().filter(|l| l.start != l.end) {
            let (a, b) = (key(l.start), key(l.end));
            coords.insert(a, l.start);
            coords.insert(b, l.end);
            if let Some(n) = edges.get_mut(&(b, a)) {
                *n -= 1;
                if *n == 0 {
                    edges.remove(&(b, a));
                }
            } else {
                *edges.entry((a, b)).or_default() += 1;
            }
        }
    }
    (edges, coords)
}

/// Follow boundary edges from `start` until the ring closes. Where several edges leave a vertex
/// (areas touching at a point), take the first one clockwise from the edge we came in on: that
/// keeps to the boundary of the same face, so rings touch but never cross themselves.
fn walk(
    out: &mut BTreeMap<Key, Vec<Key>>,
    start: Key,
    coords: &HashMap<Key, Coord<f64>>,
) -> Result<Vec<Coord<f64>>, String> {
    let at = |k: Key| coords.get(&k).copied().unwrap_or_default();
    let mut ring = vec![at(start)];
    let (mut prev, mut cur) = (None, start);
    loop {
        let next = take(out, cur, prev.map(at), at(cur), coords).ok_or_else(|| {
            let c = at(cur);
            format!("the border does not close at ({}, {})", c.x, c.y)
        })?;
        ring.push(at(next));
        if next == start {
            return Ok(ring);
        }
        (prev, cur) = (Some(cur), next);
    }
}

fn take(
    out: &mut BTreeMap<Key, Vec<Key>>,
    v: Key,
    from: Option<Coord<f64>>,
    here: Coord<f64>,
    coords: &HashMap<Key, Coord<f64>>,
) -> Option<Key> {
    let list = out.get_mut(&v)?;
    let pick = match from {
        Some(f) if list.len() > 1 => {
            let back = (f.y - here.y).atan2(f.x - here.x);
            let clockwise = |w: &Key| {
                let c = coords.get(w).copied().unwrap_or_default();
                let a =
                    (back - (c.y - here.y).atan2(c.x - here.x)).rem_euclid(std::f64::consts::TAU);
                if a == 0.0 { std::f64::consts::TAU } else { a }
            };
            (0..list.len()).min_by(|&i, &j| clockwise(&list[i]).total_cmp(&clockwise(&list[j])))?
        }
        _ => 0,
    };
    let next = list.remove(pick);
    if list.is_empty() {
        out.remove(&v);
    }
    Some(next)
}

/// Counter-clockwise rings are exteriors, clockwise ones holes; each hole goes to the smallest
/// exterior around it.
fn assemble(rings: Vec<Vec<Coord<f64>>>) -> Result<MultiPolygon<f64>, String> {
    let mut exteriors: Vec<(Polygon<f64>, Vec<LineString<f64>>)> = Vec::new();
    let mut holes = Vec::new();
    for r in rings {
        let ring = LineString(r);
        let p = Polygon::new(ring.clone(), vec![]);
        if p.signed_area() > 0.0 {
            exteriors.push((p, Vec::new()));
        } else {
            holes.push(ring);
        }
    }
    for h in holes {
        let inside = Polygon::new(h.clone(), vec![])
            .interior_point()
            .ok_or("a hole without an interior")?;
        let owner = exteriors
            .iter_mut()
            .filter(|(e, _)| e.contains(&inside))
            .min_by(|a, b| a.0.unsigned_area().total_cmp(&b.0.unsigned_area()))
            .ok_or("a hole outside every exterior ring")?;
        owner.1.push(h);
    }
    Ok(MultiPolygon(
        exteriors
            .into_iter()
            .map(|(e, hs)| Polygon::new(e.exterior().clone(), hs))
            .collect(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Orient, orient::Direction};

    fn square(x: f64, y: f64, s: f64) -> MultiPolygon<f64> {
        let p = Polygon::new(
            LineString::from(vec![(x, y), (x + s, y), (x + s, y + s), (x, y + s), (x, y)]),
            vec![],
        );
        MultiPolygon(vec![p]).orient(Direction::Default)
    }

    #[test]
    fn two_squares_sharing_an_edge_become_one_rectangle() {
        let (a, b) = (square(0.0, 0.0, 1.0), square(1.0, 0.0, 1.0));
        let d = dissolve(&[&a, &b]).expect("dissolves");
        assert_eq!(d.0.len(), 1);
        assert!((d.unsigned_area() - 2.0).abs() < 1e-12);
        // The two corners where the shared edge met the outline stay as vertices.
        assert_eq!(d.0[0].exterior().0.len(), 7);
        assert!(d.0[0].interiors().is_empty());
    }

    #[test]
    fn a_ring_of_eight_squares_keeps_its_hole() {
        let parts: Vec<MultiPolygon<f64>> = (0..3)
            .flat_map(|i| (0..3).map(move |j| (f64::from(i), f64::from(j))))
            .filter(|&(i, j)| (i, j) != (1.0, 1.0))
            .map(|(i, j)| square(i, j, 1.0))
            .collect();
        let refs: Vec<&MultiPolygon<f64>> = parts.iter().collect();
        let d = dissolve(&refs).expect("dissolves");
        assert_eq!(d.0.len(), 1);
        assert_eq!(d.0[0].interiors().len(), 1);
        assert!((d.unsigned_area() - 8.0).abs() < 1e-12);
    }

    #[test]
    fn squares_touching_at_a_corner_stay_two_polygons() {
        let (a, b) = (square(0.0, 0.0, 1.0), square(1.0, 1.0, 1.0));
        let d = dissolve(&[&a, &b]).expect("dissolves");
        assert_eq!(d.0.len(), 2);
        assert!(d.is_valid());
    }

    #[test]
    fn parts_that_do_not_share_vertices_are_refused() {
        // The second square's left edge has an extra vertex the first lacks: no edge cancels,
        // and the overlap-free union check fails on the T-junction's doubled border.
        let a = square(0.0, 0.0, 1.0);
        let b = MultiPolygon(vec![Polygon::new(
            LineString::from(vec![
                (1.0, 0.0),
                (2.0, 0.0),
                (2.0, 1.0),
                (1.0, 1.0),
                (1.0, 0.5),
                (1.0, 0.0),
            ]),
            vec![],
        )]);
        assert!(dissolve(&[&a, &b]).is_err());
    }
}
