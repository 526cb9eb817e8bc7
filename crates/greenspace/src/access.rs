//! Straight-line access in British National Grid metres: R-trees of entrances and of site
//! edges, nearest-target queries, and the overlap correction for summing hectares.

use geo::{Area, BooleanOps, BoundingRect, Intersects, MultiPolygon, Point, Polygon};
use rstar::primitives::{GeomWithData, Line, Rectangle};
use rstar::{AABB, RTree};

type Pt = [f64; 2];

/// A counted site as the access computation sees it.
#[derive(Debug, Clone)]
pub(crate) struct Reachable {
    /// `Site::id`.
    pub site_id: String,
    /// The boundary in BNG metres.
    pub bng: MultiPolygon<f64>,
    /// Planar BNG area.
    pub hectares: f64,
    /// The hectares this site adds to a sum over sites: its area less any part already inside
    /// a larger counted site (play spaces inside parks), so that nothing is counted twice.
    pub net_hectares: f64,
    /// OS access points in BNG; empty for sites reached through their edge.
    pub entrances: Vec<Pt>,
    /// True for OS "Public Park Or Garden".
    pub park: bool,
    /// The hectares of the group of touching counted sites this one belongs to: the size the
    /// standards judge it by.
    pub group_hectares: f64,
}

impl Reachable {
    pub fn new(
        site_id: String,
        bng: MultiPolygon<f64>,
        hectares: f64,
        entrances: Vec<Pt>,
        park: bool,
    ) -> Self {
        Self {
            site_id,
            bng,
            hectares,
            net_hectares: hectares,
            entrances,
            park,
            group_hectares: hectares,
        }
    }
}

/// Where residents can reach a chosen subset of sites: their entrances, or, for sites without
/// entrances, any point of their boundary (and everywhere inside them).
pub(crate) struct TargetIndex {
    points: RTree<GeomWithData<Pt, u32>>,
    edges: RTree<GeomWithData<Line<Pt>, u32>>,
    areas: RTree<GeomWithData<Rectangle<Pt>, u32>>,
}

impl TargetIndex {
    /// Indexes the sites for which `keep` is true.
    pub fn new(sites: &[Reachable], keep: impl Fn(&Reachable) -> bool) -> Self {
        let mut points = Vec::new();
        let mut edges = Vec::new();
        let mut areas = Vec::new();
        for (i, s) in sites.iter().enumerate().filter(|(_, s)| keep(s)) {
            let id = i as u32;
            if !s.entrances.is_empty() {
                points.extend(s.entrances.iter().map(|&p| GeomWithData::new(p, id)));
                continue;
            }
            for poly in &s.bng {
                for ring in std::iter::once(poly.exterior()).chain(poly.interiors()) {
                    edges.extend(ring.lines().map(|l| {
                        GeomWithData::new(Line::new([l.start.x, l.start.y], [l.end.x, l.end.y]), id)
                    }));
                }
                if let Some(r) = poly.bounding_rect() {
                    let rect =
                        Rectangle::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]);
                    areas.push(GeomWithData::new(rect, id));
                }
            }
        }
        Self {
            points: RTree::bulk_load(points),
            edges: RTree::bulk_load(edges),
            areas: RTree::bulk_load(areas),
        }
    }

    /// The sites reached through their edge whose polygons hold `p`, boundary included.
    fn holding(&self, sites: &[Reachable], p: Pt) -> impl Iterator<Item = u32> {
        let point = Point::new(p[0], p[1]);
        self.areas
            .locate_all_at_point(p)
            .map(|r| r.data)
            .filter(move |&i| sites[i as usize].bng.intersects(&point))
    }

    /// Straight-line metres from `p` to the nearest target: an entrance, or the edge of a site
    /// without entrances (0 inside it). None when nothing is indexed.
    pub fn nearest(&self, sites: &[Reachable], p: Pt) -> Option<f64> {
        if self.holding(sites, p).next().is_some() {
            return Some(0.0);
        }
        let a = self
            .points
            .nearest_neighbor_with_distance_2(p)
            .map(|(_, d)| d);
        let b = self
            .edges
            .nearest_neighbor_with_distance_2(p)
            .map(|(_, d)| d);
        match (a, b) {
            (Some(a), Some(b)) => Some(a.min(b).sqrt()),
            (Some(d), None) | (None, Some(d)) => Some(d.sqrt()),
            (None, None) => None,
        }
    }

    /// The sites with a target within `r` metres of `p`, sorted and without repeats.
    pub fn within(&self, sites: &[Reachable], p: Pt, r: f64) -> Vec<u32> {
        let r2 = r * r;
        let mut out: Vec<u32> = self
            .points
            .locate_within_distance(p, r2)
            .map(|g| g.data)
            .chain(self.edges.locate_within_distance(p, r2).map(|g| g.data))
            .chain(self.holding(sites, p))
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// Sets `net_hectares` of every site that overlaps a larger one, and returns how many sites
/// were reduced and by how many hectares in all.
///
/// Sites are taken largest first; each loses whatever lies inside larger sites it overlaps.
/// Only OS sites overlap one another: OpenStreetMap sites are dissolved and clipped to land OS
/// does not map before they get here.
pub(crate) fn set_net_hectares(sites: &mut [Reachable]) -> (usize, f64) {
    let mut order: Vec<usize> = (0..sites.len()).collect();
    order.sort_by(|&a, &b| {
        sites[b]
            .hectares
            .total_cmp(&sites[a].hectares)
            .then(a.cmp(&b))
    });
    let mut rank = vec![0; sites.len()];
    for (r, &i) in order.iter().enumerate() {
        rank[i] = r;
    }
    let boxes: RTree<GeomWithData<Rectangle<Pt>, usize>> = RTree::bulk_load(
        sites
            .iter()
            .enumerate()
            .filter_map(|(i, s)| {
                let r = s.bng.bounding_rect()?;
                Some(GeomWithData::new(
                    Rectangle::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]),
                    i,
                ))
            })
            .collect(),
    );
    let (mut reduced, mut removed) = (0, 0.0);
    for i in 0..sites.len() {
        let Some(r) = sites[i].bng.bounding_rect() else {
            continue;
        };
        let env = AABB::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]);
        let mut larger: Vec<usize> = boxes
            .locate_in_envelope_intersecting(env)
            .map(|g| g.data)
            .filter(|&j| rank[j] < rank[i] && sites[j].bng.intersects(&sites[i].bng))
            .collect();
        if larger.is_empty() {
            continue;
        }
        larger.sort_unstable();
        let polys: Vec<&Polygon<f64>> = larger.iter().flat_map(|&j| sites[j].bng.iter()).collect();
        let cover = geo::unary_union(polys);
        let net = sites[i].bng.difference(&cover).unsigned_area() / 10_000.0;
        // Neighbours that only share a border leave the area unchanged up to rounding.
        if sites[i].hectares - net > 1e-4 {
            reduced += 1;
            removed += sites[i].hectares - net;
            sites[i].net_hectares = net;
        }
    }
    (reduced, removed)
}

/// Groups counted sites that touch or overlap, whatever their source, and sets each site's
/// `group_hectares` to the sum of its group's net hectares. Returns the groups (site indices,
/// largest group first) for the report.
///
/// OS Open Greenspace cuts large parks into parts (a playing field, a lawn, a play space) and
/// maps none of their woods, which come from OpenStreetMap; judged part by part, no single
/// piece of such a park would reach the larger standards' sizes.
pub(crate) fn group_touching(sites: &mut [Reachable]) -> Vec<Vec<usize>> {
    let boxes: RTree<GeomWithData<Rectangle<Pt>, usize>> = RTree::bulk_load(
        sites
            .iter()
            .enumerate()
            .filter_map(|(i, s)| Some(GeomWithData::new(rect(s.bng.bounding_rect()?), i)))
            .collect(),
    );
    let mut parent: Vec<usize> = (0..sites.len()).collect();
    for (i, s) in sites.iter().enumerate() {
        let Some(r) = s.bng.bounding_rect() else {
            continue;
        };
        let env = AABB::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]);
        for g in boxes.locate_in_envelope_intersecting(env) {
            let j = g.data;
            if j > i
                && find(&mut parent, i) != find(&mut parent, j)
                && s.bng.intersects(&sites[j].bng)
            {
                let (a, b) = (find(&mut parent, i), find(&mut parent, j));
                parent[a.max(b)] = a.min(b);
            }
        }
    }
    let mut groups: std::collections::BTreeMap<usize, Vec<usize>> =
        std::collections::BTreeMap::new();
    for i in 0..sites.len() {
        let root = find(&mut parent, i);
        groups.entry(root).or_default().push(i);
    }
    let mut groups: Vec<Vec<usize>> = groups.into_values().collect();
    for members in &groups {
        let total: f64 = members.iter().map(|&i| sites[i].net_hectares).sum();
        for &i in members {
            sites[i].group_hectares = total;
        }
    }
    groups.sort_by(|a, b| {
        sites[b[0]]
            .group_hectares
            .total_cmp(&sites[a[0]].group_hectares)
            .then(a[0].cmp(&b[0]))
    });
    groups
}

/// The root of `i` in a union-find forest, halving paths on the way.
pub(crate) fn find(parent: &mut [usize], mut i: usize) -> usize {
    while parent[i] != i {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    i
}

fn rect(r: geo::Rect<f64>) -> Rectangle<Pt> {
    Rectangle::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y])
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::polygon;

    fn square(x0: f64, y0: f64, side: f64) -> MultiPolygon<f64> {
        MultiPolygon(vec![polygon![
            (x: x0, y: y0),
            (x: x0 + side, y: y0),
            (x: x0 + side, y: y0 + side),
            (x: x0, y: y0 + side),
        ]])
    }

    // Geometry-only checks of the index mechanics; figures from real data are in tests/.
    #[test]
    fn edge_distance_is_zero_inside_and_entrances_win_when_present() {
        let sites = vec![
            Reachable::new(String::new(), square(0.0, 0.0, 100.0), 1.0, vec![], false),
            Reachable::new(
                String::new(),
                square(1000.0, 0.0, 100.0),
                1.0,
                vec![[1000.0, 50.0]],
                true,
            ),
        ];
        let all = TargetIndex::new(&sites, |_| true);
        assert_eq!(all.nearest(&sites, [50.0, 50.0]), Some(0.0));
        assert_eq!(all.nearest(&sites, [150.0, 50.0]), Some(50.0));
        // Inside the second site but it is reached by its entrance, 50 m away.
        assert_eq!(all.nearest(&sites, [1050.0, 50.0]), Some(50.0));
        assert_eq!(all.within(&sites, [500.0, 50.0], 500.0), vec![0, 1]);
        let parks = TargetIndex::new(&sites, |s| s.park);
        assert_eq!(
            parks.within(&sites, [500.0, 50.0], 400.0),
            Vec::<u32>::new()
        );
        let none = TargetIndex::new(&sites, |_| false);
        assert_eq!(none.nearest(&sites, [0.0, 0.0]), None);
    }

    #[test]
    fn a_site_inside_a_larger_one_adds_only_its_outside_part() {
        let mut sites = vec![
            Reachable::new(String::new(), square(0.0, 0.0, 10.0), 0.01, vec![], false),
            Reachable::new(String::new(), square(0.0, 0.0, 100.0), 1.0, vec![], false),
            Reachable::new(String::new(), square(95.0, 0.0, 10.0), 0.01, vec![], false),
        ];
        let (n, removed) = set_net_hectares(&mut sites);
        assert_eq!(n, 2);
        assert!((sites[0].net_hectares - 0.0).abs() < 1e-9);
        assert!((sites[1].net_hectares - 1.0).abs() < 1e-9);
        assert!((sites[2].net_hectares - 0.005).abs() < 1e-9);
        assert!((removed - 0.015).abs() < 1e-9);
    }
}
