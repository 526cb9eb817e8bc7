//! Residents inside a zone, counted from the atlas's resident points (docs/residents.md).
//!
//! The points are bucketed in 100 m rows of northing, sorted by easting, so a zone's bounding
//! box is a few binary searches; each point in the box is tested against the zone with a
//! crossing count over the zone's edges banded by northing.

use equimap_atlas::{Atlas, Geography, ResidentLayer};
use geo::{BoundingRect, MultiPolygon};

/// Height of a bucket row, metres.
const ROW_M: f64 = 100.0;

/// One resident point.
#[derive(Debug, Clone, Copy)]
struct RPoint {
    x: f64,
    y: f64,
    lsoa: u32,
    residents: f64,
}

/// The atlas's resident points, ready for counting.
pub struct ResidentIndex {
    /// Points sorted by (row, x).
    points: Vec<RPoint>,
    /// Start of each row in `points`; row r spans `starts[r]..starts[r + 1]`.
    starts: Vec<usize>,
    /// Northing of row 0's lower edge.
    y0: f64,
    /// Residents of each LSOA 2021 (atlas order) held by points; 0 where it has none.
    pub lsoa_total: Vec<f64>,
    /// Output Areas placed on residential land and at their centroid.
    pub placed: (usize, usize),
    /// Output Areas and points in the layer.
    pub counts: (usize, usize),
}

impl ResidentIndex {
    /// Index the layer; `None` when the atlas has none or none of its LSOAs are known.
    pub fn new(atlas: &Atlas, layer: &ResidentLayer) -> Option<Self> {
        let set = atlas.areas(Geography::Lsoa21)?;
        let lsoa_of: Vec<Option<u32>> = layer
            .oas
            .iter()
            .map(|o| set.index_of(&o.lsoa21).and_then(|i| u32::try_from(i).ok()))
            .collect();
        let mut lsoa_total = vec![0.0; set.areas.len()];
        let mut pts: Vec<RPoint> = layer
            .points
            .iter()
            .zip(layer.residents())
            .filter_map(|(p, r)| {
                let lsoa = lsoa_of[p.oa as usize]?;
                lsoa_total[lsoa as usize] += r;
                Some(RPoint {
                    x: p.e,
                    y: p.n,
                    lsoa,
                    residents: r,
                })
            })
            .collect();
        let y0 = pts.iter().map(|p| p.y).fold(f64::INFINITY, f64::min);
        if !y0.is_finite() {
            return None;
        }
        let row = |p: &RPoint| ((p.y - y0) / ROW_M) as usize;
        pts.sort_by(|a, b| row(a).cmp(&row(b)).then(a.x.total_cmp(&b.x)));
        let rows = pts.last().map_or(0, |p| row(p) + 1);
        let mut starts = vec![0; rows + 1];
        for p in &pts {
            starts[row(p) + 1] += 1;
        }
        for r in 0..rows {
            starts[r + 1] += starts[r];
        }
        let centroid = layer
            .oas
            .iter()
            .filter(|o| o.placed == equimap_atlas::Placement::Centroid)
            .count();
        Some(Self {
            points: pts,
            starts,
            y0,
            lsoa_total,
            placed: (layer.oas.len() - centroid, centroid),
            counts: (layer.oas.len(), layer.points.len()),
        })
    }

    /// Whether an LSOA (atlas index) has resident points.
    pub fn covers(&self, lsoa: usize) -> bool {
        self.lsoa_total.get(lsoa).is_some_and(|t| *t > 0.0)
    }

    /// Residents inside `zone`, added into `by_lsoa` (indexed like the atlas's LSOAs).
    pub fn count(&self, zone: &MultiPolygon<f64>, by_lsoa: &mut [f64]) {
        let Some(r) = zone.bounding_rect() else {
            return;
        };
        let edges = Edges::new(zone, r.min().y, r.max().y);
        let rows = self.starts.len().saturating_sub(1);
        if rows == 0 || r.max().y < self.y0 {
            return;
        }
        let row_of = |y: f64| (((y - self.y0) / ROW_M).floor().max(0.0) as usize).min(rows - 1);
        for row in row_of(r.min().y)..=row_of(r.max().y) {
            let slice = &self.points[self.starts[row]..self.starts[row + 1]];
            let lo = slice.partition_point(|p| p.x < r.min().x);
            let hi = slice.partition_point(|p| p.x <= r.max().x);
            for p in &slice[lo..hi] {
                if p.y >= r.min().y && p.y <= r.max().y && edges.contains(p.x, p.y) {
                    by_lsoa[p.lsoa as usize] += p.residents;
                }
            }
        }
    }
}

/// A zone's edges banded by northing, for fast point-in-polygon tests.
struct Edges {
    segs: Vec<[f64; 4]>,
    bands: Vec<Vec<u32>>,
    y0: f64,
    h: f64,
}

impl Edges {
    fn new(zone: &MultiPolygon<f64>, y0: f64, y1: f64) -> Self {
        let mut segs = Vec::new();
        for poly in &zone.0 {
            for ring in std::iter::once(poly.exterior()).chain(poly.interiors()) {
                for l in ring.lines() {
                    if (l.start.y - l.end.y).abs() > 0.0 {
                        segs.push([l.start.x, l.start.y, l.end.x, l.end.y]);
                    }
                }
            }
        }
        let n = (segs.len() / 2).clamp(1, 512);
        let h = ((y1 - y0) / n as f64).max(1e-6);
        let mut bands = vec![Vec::new(); n];
        for (i, s) in segs.iter().enumerate() {
            let (lo, hi) = (s[1].min(s[3]), s[1].max(s[3]));
            let b0 = (((lo - y0) / h).floor().max(0.0) as usize).min(n - 1);
            let b1 = (((hi - y0) / h).floor().max(0.0) as usize).min(n - 1);
            for b in &mut bands[b0..=b1] {
                b.push(u32::try_from(i).unwrap_or(u32::MAX));
            }
        }
        Self { segs, bands, y0, h }
    }

    /// Even–odd crossing test with the half-open rule, so a point on an edge shared by two
    /// zones that do not overlap falls in exactly one of them.
    fn contains(&self, x: f64, y: f64) -> bool {
        let b = (((y - self.y0) / self.h).floor().max(0.0) as usize).min(self.bands.len() - 1);
        let mut inside = false;
        for &i in &self.bands[b] {
            let [ax, ay, bx, by] = self.segs[i as usize];
            if (ay > y) != (by > y) {
                let xi = ax + (y - ay) * (bx - ax) / (by - ay);
                if x < xi {
                    inside = !inside;
                }
            }
        }
        inside
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Contains, Coord, Point, Rect};

    #[test]
    fn the_crossing_test_agrees_with_geo() {
        let outer = Rect::new(Coord { x: 0.0, y: 0.0 }, Coord { x: 100.0, y: 100.0 }).to_polygon();
        let hole = Rect::new(Coord { x: 20.0, y: 20.0 }, Coord { x: 40.0, y: 70.0 }).to_polygon();
        let poly = geo::Polygon::new(outer.exterior().clone(), vec![hole.exterior().clone()]);
        let tri = geo::Polygon::new(
            geo::LineString::from(vec![
                (200.0, 0.0),
                (300.0, 50.0),
                (200.0, 100.0),
                (200.0, 0.0),
            ]),
            vec![],
        );
        let mp = MultiPolygon(vec![poly, tri]);
        let e = Edges::new(&mp, 0.0, 100.0);
        for i in 0..97 {
            for j in 0..31 {
                let (x, y) = (f64::from(i) * 3.17 + 0.3, f64::from(j) * 3.3 + 0.1);
                assert_eq!(e.contains(x, y), mp.contains(&Point::new(x, y)), "{x},{y}");
            }
        }
    }
}
