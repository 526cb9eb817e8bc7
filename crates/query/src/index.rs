//! Point-in-area lookups: an R-tree of bounding boxes, then exact geometry.

use equimap_atlas::AreaSet;
use geo::{BoundingRect, Intersects, Point};
use rstar::{AABB, RTree, RTreeObject};

/// A bounding box in an R-tree and the index of the area it bounds.
pub(crate) struct Entry {
    pub env: AABB<[f64; 2]>,
    pub idx: usize,
}

impl RTreeObject for Entry {
    type Envelope = AABB<[f64; 2]>;
    fn envelope(&self) -> Self::Envelope {
        self.env
    }
}

/// A spatial index over one geography's areas.
pub struct AreaIndex {
    tree: RTree<Entry>,
}

impl AreaIndex {
    /// Index every area by its bounding box.
    pub fn new(set: &AreaSet) -> Self {
        let entries = set
            .areas
            .iter()
            .enumerate()
            .filter_map(|(idx, a)| {
                let r = a.geometry.bounding_rect()?;
                Some(Entry {
                    env: AABB::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]),
                    idx,
                })
            })
            .collect();
        Self {
            tree: RTree::bulk_load(entries),
        }
    }

    /// The index of the area containing the point.
    ///
    /// Rule: a point belongs to an area when it lies inside or on the boundary of the area's
    /// polygon. A point on a border shared by several areas belongs to the one whose code sorts
    /// first, so the answer is the same on every run and every machine.
    pub fn locate(&self, set: &AreaSet, lon: f64, lat: f64) -> Option<usize> {
        let p = Point::new(lon, lat);
        self.tree
            .locate_in_envelope_intersecting(AABB::from_point([lon, lat]))
            .filter(|e| set.areas[e.idx].geometry.intersects(&p))
            .map(|e| e.idx)
            .min_by(|a, b| set.areas[*a].code.cmp(&set.areas[*b].code))
    }

    /// Indices of the areas whose bounding box meets the given box.
    pub fn candidates(&self, min: [f64; 2], max: [f64; 2]) -> impl Iterator<Item = usize> + '_ {
        self.tree
            .locate_in_envelope_intersecting(AABB::from_corners(min, max))
            .map(|e| e.idx)
    }
}
