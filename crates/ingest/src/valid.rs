//! Whether a multipolygon is valid, with the answer of geo's `Validation::is_valid` (geo 0.33)
//! but without its quadratic ring check.
//!
//! geo tests every ring for self-intersection by comparing every edge with every other edge,
//! which for England's ward and district boundaries (rings of thousands of vertices) was most of
//! the boundary stage of the ingest. Here the same test runs on the pairs of edges whose
//! bounding boxes overlap, found by a sweep along x: two edges can only meet where their boxes
//! do (geo's `Line::intersects` is exact, and never true for edges whose boxes are apart), so
//! every pair that could answer "yes" is still asked, with geo's own predicate. The other rules
//! (too few points, non-finite coordinates, holes inside the shell and apart from each other,
//! parts apart from each other) are geo's, called the way geo calls them. The answer is checked
//! against geo's on real boundaries, on hand-made invalid shapes and on random rings
//! (`tests` below); a later geo with other rules would show there.

use geo::coordinate_position::CoordPos;
use geo::dimensions::Dimensions;
use geo::{
    HasDimensions, Intersects, Line, LineString, MultiPolygon, Polygon, PreparedGeometry, Relate,
    RemoveRepeatedPoints, Validation,
};

/// `mp.is_valid()`, answered faster for rings of many vertices.
pub fn is_valid(mp: &MultiPolygon<f64>) -> bool {
    let finite =
        mp.0.iter()
            .flat_map(rings)
            .flat_map(|r| &r.0)
            .all(|c| c.x.is_finite() && c.y.is_finite());
    if !finite {
        // Boxes of non-finite coordinates do not order: leave such input to geo.
        return mp.is_valid();
    }
    mp.0.iter().enumerate().all(|(i, p)| {
        polygon_is_valid(p)
            && mp.0[i + 1..].iter().all(|q| {
                let im = p.relate(q);
                im.get(CoordPos::Inside, CoordPos::Inside) != Dimensions::TwoDimensional
                    && im.get(CoordPos::OnBoundary, CoordPos::OnBoundary)
                        != Dimensions::OneDimensional
            })
    })
}

fn rings(p: &Polygon<f64>) -> impl Iterator<Item = &LineString<f64>> {
    std::iter::once(p.exterior()).chain(p.interiors())
}

/// geo's rules for one polygon (coordinates known to be finite).
fn polygon_is_valid(p: &Polygon<f64>) -> bool {
    if p.is_empty() {
        return true;
    }
    let rings_ok = rings(p)
        .filter(|r| !r.is_empty())
        .all(|r| r.remove_repeated_points().0.len() >= 4 && !has_self_intersection(r));
    if !rings_ok {
        return false;
    }
    let holes: Vec<&LineString<f64>> = p.interiors().iter().filter(|r| !r.is_empty()).collect();
    if holes.is_empty() {
        return true;
    }
    let shell = Polygon::new(p.exterior().clone(), vec![]);
    let shell = PreparedGeometry::from(&shell);
    holes.iter().enumerate().all(|(k, hole)| {
        let hole = Polygon::new((*hole).clone(), vec![]);
        let hole = PreparedGeometry::from(&hole);
        let im = shell.relate(&hole);
        im.is_contains()
            && im.get(CoordPos::OnBoundary, CoordPos::OnBoundary) != Dimensions::OneDimensional
            && holes[k + 1..].iter().all(|other| {
                let other = Polygon::new((*other).clone(), vec![]);
                let im = hole.relate(&other);
                im.get(CoordPos::Inside, CoordPos::Inside) != Dimensions::TwoDimensional
                    && im.get(CoordPos::OnBoundary, CoordPos::OnBoundary)
                        != Dimensions::OneDimensional
            })
    })
}

/// geo's self-intersection rule: two different edges meet, and neither ends where the other
/// starts (so neighbouring edges, which share a vertex, do not count). Asked for the pairs of
/// edges whose boxes overlap, in both orders as geo asks it.
fn has_self_intersection(ring: &LineString<f64>) -> bool {
    let edges: Vec<Line<f64>> = ring.lines().collect();
    let boxes: Vec<[f64; 4]> = edges
        .iter()
        .map(|l| {
            [
                l.start.x.min(l.end.x),
                l.start.x.max(l.end.x),
                l.start.y.min(l.end.y),
                l.start.y.max(l.end.y),
            ]
        })
        .collect();
    let mut by_x: Vec<usize> = (0..edges.len()).collect();
    by_x.sort_unstable_by(|&a, &b| boxes[a][0].total_cmp(&boxes[b][0]));
    for (k, &a) in by_x.iter().enumerate() {
        let ba = boxes[a];
        for &b in &by_x[k + 1..] {
            let bb = boxes[b];
            if bb[0] > ba[1] {
                break;
            }
            if bb[2] > ba[3] || ba[2] > bb[3] {
                continue;
            }
            let (la, lb) = (edges[a], edges[b]);
            if la.start != lb.end
                && la.end != lb.start
                && (la.intersects(&lb) || lb.intersects(&la))
            {
                return true;
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use geo::{Coord, LineString, MultiPolygon, Polygon, Validation};
    use proptest::prelude::*;

    use super::is_valid;

    fn ring(pts: &[(f64, f64)]) -> LineString<f64> {
        let mut r = LineString::from(pts.to_vec());
        r.close();
        r
    }

    fn poly(shell: &[(f64, f64)], holes: &[&[(f64, f64)]]) -> Polygon<f64> {
        Polygon::new(ring(shell), holes.iter().map(|h| ring(h)).collect())
    }

    fn same_as_geo(mp: &MultiPolygon<f64>) {
        assert_eq!(is_valid(mp), mp.is_valid(), "{mp:?}");
    }

    #[test]
    fn agrees_with_geo_on_hand_made_shapes() {
        let square = [(0.0, 0.0), (4.0, 0.0), (4.0, 4.0), (0.0, 4.0)];
        let cases: Vec<MultiPolygon<f64>> = vec![
            MultiPolygon(vec![poly(&square, &[])]),
            // A bow tie.
            MultiPolygon(vec![poly(
                &[(0.0, 0.0), (4.0, 4.0), (4.0, 0.0), (0.0, 4.0)],
                &[],
            )]),
            // A spike out and back along the same line.
            MultiPolygon(vec![poly(
                &[
                    (0.0, 0.0),
                    (4.0, 0.0),
                    (4.0, 2.0),
                    (6.0, 2.0),
                    (4.0, 2.0),
                    (4.0, 4.0),
                    (0.0, 4.0),
                ],
                &[],
            )]),
            // A ring touching itself at a vertex.
            MultiPolygon(vec![poly(
                &[
                    (0.0, 0.0),
                    (4.0, 0.0),
                    (2.0, 2.0),
                    (4.0, 4.0),
                    (0.0, 4.0),
                    (2.0, 2.0),
                ],
                &[],
            )]),
            // Repeated vertices, and too few distinct ones.
            MultiPolygon(vec![poly(
                &[(0.0, 0.0), (0.0, 0.0), (4.0, 0.0), (4.0, 4.0)],
                &[],
            )]),
            MultiPolygon(vec![poly(&[(0.0, 0.0), (4.0, 0.0), (0.0, 0.0)], &[])]),
            // Holes: inside, outside, touching the shell along an edge, overlapping each other.
            MultiPolygon(vec![poly(
                &square,
                &[&[(1.0, 1.0), (2.0, 1.0), (2.0, 2.0)]],
            )]),
            MultiPolygon(vec![poly(
                &square,
                &[&[(5.0, 5.0), (6.0, 5.0), (6.0, 6.0)]],
            )]),
            MultiPolygon(vec![poly(
                &square,
                &[&[(0.0, 1.0), (0.0, 3.0), (2.0, 2.0)]],
            )]),
            MultiPolygon(vec![poly(
                &square,
                &[
                    &[(1.0, 1.0), (3.0, 1.0), (3.0, 3.0)],
                    &[(1.0, 1.5), (3.0, 1.5), (1.0, 3.0)],
                ],
            )]),
            // Parts: apart, overlapping, sharing an edge, touching at a corner.
            MultiPolygon(vec![
                poly(&square, &[]),
                poly(&[(5.0, 0.0), (6.0, 0.0), (6.0, 1.0)], &[]),
            ]),
            MultiPolygon(vec![
                poly(&square, &[]),
                poly(&[(2.0, 2.0), (6.0, 2.0), (6.0, 6.0)], &[]),
            ]),
            MultiPolygon(vec![
                poly(&square, &[]),
                poly(&[(4.0, 0.0), (8.0, 0.0), (8.0, 4.0), (4.0, 4.0)], &[]),
            ]),
            MultiPolygon(vec![
                poly(&square, &[]),
                poly(&[(4.0, 4.0), (8.0, 4.0), (8.0, 8.0)], &[]),
            ]),
            // Non-finite coordinates go to geo.
            MultiPolygon(vec![poly(&[(0.0, 0.0), (f64::NAN, 0.0), (4.0, 4.0)], &[])]),
            MultiPolygon(vec![]),
        ];
        for mp in &cases {
            same_as_geo(mp);
        }
        assert!(is_valid(&cases[0]) && !is_valid(&cases[1]) && !is_valid(&cases[2]));
    }

    #[test]
    fn agrees_with_geo_on_the_committed_boundaries() {
        // The Leeds atlas's areas, and each with one vertex moved onto another edge's path.
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../boundaries");
        let set = equimap_atlas::AreaSet::read(
            equimap_atlas::Geography::Ward,
            &dir.join("geographies/ward.fgb"),
        )
        .expect("committed wards");
        assert_eq!(set.areas.len(), 33);
        for a in &set.areas {
            let mp = a.geometry.clone();
            assert!(is_valid(&mp));
            same_as_geo(&mp);
            let mut bent = mp.clone();
            let ext = bent.0[0].exterior().0.clone();
            let (far, near) = (ext[ext.len() / 2], ext[1]);
            bent.0[0].exterior_mut(|r| {
                r.0[1] = Coord {
                    x: far.x,
                    y: near.y,
                }
            });
            same_as_geo(&bent);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        #[test]
        fn agrees_with_geo_on_random_rings(
            shell in prop::collection::vec((0i8..6, 0i8..6), 3..9),
            hole in prop::collection::vec((0i8..6, 0i8..6), 0..6),
            part in prop::collection::vec((0i8..6, 0i8..6), 0..6),
        ) {
            let pts = |v: &[(i8, i8)]| -> Vec<(f64, f64)> {
                v.iter().map(|&(x, y)| (f64::from(x), f64::from(y))).collect()
            };
            let holes: Vec<Vec<(f64, f64)>> = if hole.len() >= 3 { vec![pts(&hole)] } else { vec![] };
            let hole_refs: Vec<&[(f64, f64)]> = holes.iter().map(Vec::as_slice).collect();
            let mut parts = vec![poly(&pts(&shell), &hole_refs)];
            if part.len() >= 3 {
                parts.push(poly(&pts(&part), &[]));
            }
            let mp = MultiPolygon(parts);
            // geo's relate panics on some of these degenerate shapes; then ours, which asks it
            // the same question at the same point, must panic too.
            let ours = std::panic::catch_unwind(|| is_valid(&mp)).ok();
            let geos = std::panic::catch_unwind(|| mp.is_valid()).ok();
            prop_assert_eq!(ours, geos);
        }
    }
}
