//! [`LayerIndex`]: one layer's features, projected, simplified per zoom and
//! indexed, ready to be cut into tiles.

/// The property tables' lookup maps, with a fast fixed-seed hasher; only looked up.
type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::FixedState>;

use geo::{Coord, Geometry, LineString, Polygon};
use rstar::RTree;
use rstar::primitives::{GeomWithData, Rectangle};
use sha2::Digest;

use crate::levels::{
    Base, GRID_LIMIT, LevelOptions, PartKind, PathRole, Shapes, Stored, area2_f, build_base,
    build_levels,
};
use crate::pbf::encode_value;
use crate::projection::{HALF_WORLD, lonlat_to_world};
use crate::store;
use crate::topology::TopologyBuilder;
use crate::{Feature, IndexFileError, IndexOptions, MAX_ZOOM, PropValue, TileError, TileOptions};

/// MVT geometry type of a feature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Point,
    Line,
    Polygon,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Self::Point => "points",
            Self::Line => "lines",
            Self::Polygon => "polygons",
        }
    }

    /// The `GeomType` enum value.
    pub(crate) fn mvt_type(self) -> u32 {
        match self {
            Self::Point => 1,
            Self::Line => 2,
            Self::Polygon => 3,
        }
    }
}

/// One feature's identity and where its data lives.
#[derive(Debug, Clone)]
pub(crate) struct FeatureRec {
    pub id: u64,
    pub kind: Kind,
    /// Range of [`LayerIndex::tags`].
    pub tags: [u32; 2],
    /// Range of [`LayerIndex::points`] (point features only).
    pub points: [u32; 2],
}

/// Hashable identity of a property value, for the deduplicated value table.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum ValueKey {
    String(String),
    Int(i64),
    UInt(u64),
    Double(u64),
    Bool(bool),
}

impl From<&PropValue> for ValueKey {
    fn from(v: &PropValue) -> Self {
        match v {
            PropValue::String(s) => Self::String(s.clone()),
            PropValue::Int(i) => Self::Int(*i),
            PropValue::UInt(u) => Self::UInt(*u),
            PropValue::Double(d) => Self::Double(d.to_bits()),
            PropValue::Bool(b) => Self::Bool(*b),
        }
    }
}

type Entry = GeomWithData<Rectangle<[f64; 2]>, u32>;

/// One layer, ready to serve tiles. Immutable once built, so one index can
/// serve many threads at once (`&self` everywhere).
pub struct LayerIndex {
    name: String,
    extent: u32,
    max_zoom: u8,
    pub(crate) features: Vec<FeatureRec>,
    /// `(key, value)` pairs into `keys` and `values`, per feature.
    pub(crate) tags: Vec<[u32; 2]>,
    pub(crate) keys: Vec<String>,
    /// The lowest zoom each key is written at (parallel to `keys`); 0 unless
    /// [`LayerIndex::set_property_min_zoom`] raised it.
    pub(crate) key_min_zoom: Vec<u8>,
    /// Encoded `Tile.Value` message bodies.
    pub(crate) values: Values,
    /// Point coordinates in world units.
    pub(crate) points: Vec<[f64; 2]>,
    /// Precomputed zooms `0..=max_zoom`.
    pub(crate) levels: Vec<Stored>,
    /// Full detail, for deeper zooms.
    pub(crate) base: Base,
    /// False when read from a tile index file without the full detail (a server that serves
    /// no zoom beyond the precomputed ones): deeper tiles are then refused.
    pub(crate) has_base: bool,
    rtree: RTree<Entry>,
    bounds: Option<[f64; 4]>,
    dense_below: u8,
    /// SHA-256 of the features' ids and properties, in order.
    properties_digest: [u8; 32],
    /// The zooms a byte budget search found, with the key it was found for (see
    /// [`LayerIndex::budget_fit`]); written to and read from the tile index file.
    budget: Option<store::BudgetFit>,
}

impl std::fmt::Debug for LayerIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LayerIndex")
            .field("name", &self.name)
            .field("features", &self.features.len())
            .field("extent", &self.extent)
            .field("max_zoom", &self.max_zoom)
            .finish_non_exhaustive()
    }
}

/// A feature's geometry flattened to one kind, in world coordinates.
#[derive(Default)]
struct Flat {
    kind: Option<Kind>,
    points: Vec<[f64; 2]>,
    lines: Vec<Vec<[f64; 2]>>,
    /// Rings per polygon, exterior first.
    polygons: Vec<Vec<Vec<[f64; 2]>>>,
}

impl Flat {
    fn set_kind(&mut self, id: u64, kind: Kind) -> Result<(), TileError> {
        match self.kind {
            Some(k) if k != kind => Err(TileError::MixedGeometry {
                id,
                first: k.name(),
                second: kind.name(),
            }),
            _ => {
                self.kind = Some(kind);
                Ok(())
            }
        }
    }

    fn add(&mut self, id: u64, g: &Geometry<f64>) -> Result<(), TileError> {
        match g {
            Geometry::Point(p) => {
                self.set_kind(id, Kind::Point)?;
                self.points.push(project(id, p.0)?);
            }
            Geometry::MultiPoint(mp) => {
                self.set_kind(id, Kind::Point)?;
                for p in mp {
                    self.points.push(project(id, p.0)?);
                }
            }
            Geometry::Line(l) => {
                self.set_kind(id, Kind::Line)?;
                self.lines
                    .push(vec![project(id, l.start)?, project(id, l.end)?]);
            }
            Geometry::LineString(ls) => {
                self.set_kind(id, Kind::Line)?;
                self.lines.push(project_all(id, ls)?);
            }
            Geometry::MultiLineString(mls) => {
                self.set_kind(id, Kind::Line)?;
                for ls in mls {
                    self.lines.push(project_all(id, ls)?);
                }
            }
            Geometry::Polygon(p) => self.add_polygon(id, p)?,
            Geometry::MultiPolygon(mp) => {
                for p in mp {
                    self.add_polygon(id, p)?;
                }
            }
            Geometry::Rect(r) => self.add_polygon(id, &r.to_polygon())?,
            Geometry::Triangle(t) => self.add_polygon(id, &t.to_polygon())?,
            Geometry::GeometryCollection(gc) => {
                for g in gc {
                    self.add(id, g)?;
                }
            }
        }
        Ok(())
    }

    fn add_polygon(&mut self, id: u64, p: &Polygon<f64>) -> Result<(), TileError> {
        self.set_kind(id, Kind::Polygon)?;
        let mut rings = vec![project_all(id, p.exterior())?];
        for hole in p.interiors() {
            rings.push(project_all(id, hole)?);
        }
        self.polygons.push(rings);
        Ok(())
    }
}

fn project(id: u64, c: Coord<f64>) -> Result<[f64; 2], TileError> {
    let ok = c.x.is_finite() && c.y.is_finite() && c.x.abs() <= 180.0 && c.y.abs() <= 90.0;
    if !ok {
        return Err(TileError::InvalidCoordinate {
            id,
            lon: c.x,
            lat: c.y,
        });
    }
    let (x, y) = lonlat_to_world(c.x, c.y);
    Ok([x, y])
}

fn project_all(id: u64, ls: &LineString<f64>) -> Result<Vec<[f64; 2]>, TileError> {
    ls.0.iter().map(|&c| project(id, c)).collect()
}

/// Checks what an index and a tile request need.
pub(crate) fn validate_options(extent: u32, tile: Option<&TileOptions>) -> Result<(), TileError> {
    if !(1..=1 << 20).contains(&extent) {
        return Err(TileError::InvalidOptions(format!(
            "extent {extent} not in 1..=2^20"
        )));
    }
    if let Some(t) = tile
        && t.buffer > extent
    {
        return Err(TileError::InvalidOptions(format!(
            "buffer {} larger than extent {extent}",
            t.buffer
        )));
    }
    Ok(())
}

impl LayerIndex {
    /// Projects, simplifies and indexes `features` as the layer `name`.
    ///
    /// Rings are reoriented as MVT wants them (exteriors clockwise on
    /// screen, holes anticlockwise); rings without area are dropped, and so
    /// are a polygon's holes when its exterior is dropped.
    // Not yet split into named steps (issue #13 left it; the lint is on for new code).
    #[allow(clippy::too_many_lines)]
    pub fn new(
        name: impl Into<String>,
        features: impl IntoIterator<Item = Feature>,
        opts: &IndexOptions,
    ) -> Result<Self, TileError> {
        let name = name.into();
        if name.is_empty() {
            return Err(TileError::EmptyLayerName);
        }
        validate_options(opts.extent, None)?;
        if opts.max_zoom > MAX_ZOOM {
            return Err(TileError::InvalidOptions(format!(
                "max_zoom {} above 22",
                opts.max_zoom
            )));
        }
        if u64::from(opts.extent) << opts.max_zoom > GRID_LIMIT {
            return Err(TileError::InvalidOptions(format!(
                "extent {} at max_zoom {} makes a grid wider than 2^30 units",
                opts.extent, opts.max_zoom
            )));
        }
        let finite_non_negative = |v: f64| v.is_finite() && v >= 0.0;
        if ![opts.tolerance, opts.snap_tolerance, opts.dense_tolerance]
            .into_iter()
            .all(finite_non_negative)
        {
            return Err(TileError::InvalidOptions(
                "tolerance, snap_tolerance and dense_tolerance must be finite and >= 0".into(),
            ));
        }

        let mut builder = TopologyBuilder::new(opts.snap_tolerance / (2.0 * HALF_WORLD));
        let mut roles: Vec<PathRole> = Vec::new();
        let mut role_ranges = Vec::new();
        let mut recs = Vec::new();
        let mut points = Vec::new();
        let mut entries = Vec::new();
        let mut props = PropTables::default();

        for feature in features {
            let mut flat = Flat::default();
            flat.add(feature.id, &feature.geometry)?;
            let tag_start = props.tags.len() as u32;
            props.add(feature.id, &feature.properties);
            let first_role = roles.len() as u32;
            let point_start = points.len() as u32;
            let mut bb = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
            let mut grow = |p: &[f64; 2]| {
                bb = [
                    bb[0].min(p[0]),
                    bb[1].min(p[1]),
                    bb[2].max(p[0]),
                    bb[3].max(p[1]),
                ];
            };
            flat.points.iter().for_each(&mut grow);
            points.extend_from_slice(&flat.points);
            for line in &flat.lines {
                if let Some(path) = builder.add_path(line, false) {
                    line.iter().for_each(&mut grow);
                    roles.push(PathRole {
                        path,
                        kind: PartKind::Line,
                    });
                }
            }
            for rings in &mut flat.polygons {
                for (i, ring) in rings.iter_mut().enumerate() {
                    let exterior = i == 0;
                    let area = area2_f(ring);
                    if area == 0.0 {
                        if exterior {
                            break;
                        }
                        continue;
                    }
                    // World y points down, so exteriors need positive area.
                    if (area > 0.0) != exterior {
                        ring.reverse();
                    }
                    match builder.add_path(ring, true) {
                        Some(path) => {
                            ring.iter().for_each(&mut grow);
                            let kind = if exterior {
                                PartKind::Exterior
                            } else {
                                PartKind::Interior
                            };
                            roles.push(PathRole { path, kind });
                        }
                        None if exterior => break,
                        None => {}
                    }
                }
            }
            let index = recs.len() as u32;
            if bb[0] <= bb[2] {
                entries.push(Entry::new(
                    Rectangle::from_corners([bb[0], bb[1]], [bb[2], bb[3]]),
                    index,
                ));
            }
            role_ranges.push([first_role, roles.len() as u32]);
            recs.push(FeatureRec {
                id: feature.id,
                kind: flat.kind.unwrap_or(Kind::Point),
                tags: [tag_start, props.tags.len() as u32],
                points: [point_start, points.len() as u32],
            });
        }

        let shapes = Shapes {
            topo: builder.build(opts.preserve_topology),
            roles,
            features: role_ranges,
        };
        let rtree = RTree::bulk_load(entries);
        let bounds = world_bounds(&rtree);
        let dense_below = if opts.dense_features == usize::MAX {
            0
        } else {
            // A tile's features include those of the tiles it splits into, so
            // the busiest tile only gets lighter with zoom: stop at the first
            // zoom that is not dense.
            (0..opts.max_zoom)
                .find(|&z| busiest(&rtree, bounds, z).map_or(0, |t| t.2) <= opts.dense_features)
                .unwrap_or(opts.max_zoom)
        };
        let levels = build_levels(
            &shapes,
            LevelOptions {
                extent: opts.extent,
                tolerance: opts.tolerance,
                dense_below,
                dense_tolerance: opts.dense_tolerance,
                max_zoom: opts.max_zoom,
                topology: opts.preserve_topology,
            },
        );
        let base = build_base(&shapes);
        Ok(Self {
            name,
            extent: opts.extent,
            max_zoom: opts.max_zoom,
            features: recs,
            properties_digest: props.digest.clone().finalize().into(),
            tags: props.tags,
            key_min_zoom: vec![0; props.keys.len()],
            keys: props.keys,
            values: props.values,
            points,
            levels,
            base,
            has_base: true,
            rtree,
            bounds,
            dense_below,
            budget: None,
        })
    }

    /// The tile index file of this layer (see [`crate::store`]): its geometry at every
    /// precomputed zoom and at full detail, and its features' boxes, for a layer built with
    /// `opts` from a source whose SHA-256 is `source`. Deterministic: the same layer gives the
    /// same bytes. Properties are not written: they are the atlas's to give again.
    pub fn index_file(&self, opts: &IndexOptions, source: &[u8; 32]) -> Vec<u8> {
        let mut boxes = vec![None; self.features.len()];
        for e in &self.rtree {
            let env = rstar::RTreeObject::envelope(e.geom());
            let (lo, hi) = (env.lower(), env.upper());
            boxes[e.data as usize] = Some([lo[0], lo[1], hi[0], hi[1]]);
        }
        let geometry = store::LayerGeometry {
            dense_below: self.dense_below,
            kinds: self.features.iter().map(|f| (f.kind, f.points)).collect(),
            boxes,
            points: &self.points,
            levels: &self.levels,
            base: &self.base,
            budget: self.budget.as_ref(),
        };
        store::encode(&geometry, opts, source)
    }

    /// A layer from its tile index file (as [`LayerIndex::index_file`] wrote it) and its
    /// features' ids and properties, in the order the file was built from. The file is
    /// refused if it is damaged, was built from another source (`source`, the SHA-256 of the
    /// file the geometry came from) or with other options, or holds another number of features.
    /// Without `with_base` the full-detail geometry is left out (a third or so of the memory)
    /// and tiles beyond [`LayerIndex::max_zoom`] are refused.
    pub fn from_index_file(
        name: impl Into<String>,
        bytes: &[u8],
        source: &[u8; 32],
        opts: &IndexOptions,
        features: impl IntoIterator<Item = (u64, Vec<(String, PropValue)>)>,
        with_base: bool,
    ) -> Result<Self, IndexFileError> {
        let stored = store::decode(bytes, source, opts, with_base)?;
        let mut props = PropTables::default();
        let mut recs = Vec::with_capacity(stored.kinds.len());
        for (id, properties) in features {
            let Some(&(kind, points)) = stored.kinds.get(recs.len()) else {
                return Err(IndexFileError::Stale(format!(
                    "it holds {} features, the layer has more",
                    stored.kinds.len()
                )));
            };
            let tag_start = props.tags.len() as u32;
            props.add(id, &properties);
            recs.push(FeatureRec {
                id,
                kind,
                tags: [tag_start, props.tags.len() as u32],
                points,
            });
        }
        if recs.len() != stored.kinds.len() {
            return Err(IndexFileError::Stale(format!(
                "it holds {} features, the layer has {}",
                stored.kinds.len(),
                recs.len()
            )));
        }
        let entries: Vec<Entry> = stored
            .boxes
            .iter()
            .enumerate()
            .filter_map(|(i, b)| {
                let b = (*b)?;
                Some(Entry::new(
                    Rectangle::from_corners([b[0], b[1]], [b[2], b[3]]),
                    i as u32,
                ))
            })
            .collect();
        let rtree = RTree::bulk_load(entries);
        let bounds = world_bounds(&rtree);
        let has_base = stored.base.is_some();
        props.shrink();
        let properties_digest: [u8; 32] = props.digest.clone().finalize().into();
        Ok(Self {
            name: name.into(),
            extent: opts.extent,
            max_zoom: opts.max_zoom,
            features: recs,
            tags: props.tags,
            key_min_zoom: vec![0; props.keys.len()],
            keys: props.keys,
            values: props.values,
            points: stored.points,
            levels: stored.levels,
            base: stored.base.unwrap_or_default(),
            has_base,
            rtree,
            bounds,
            dense_below: stored.dense_below,
            properties_digest,
            budget: stored.budget,
        })
    }

    /// Replaces every feature's properties with `features`' (ids and properties, in the
    /// layer's feature order), as if the layer had been built with them: what a layer whose
    /// geometry was built before its properties were known ([`crate::atlas::TileGeometry`])
    /// takes. Refused if the ids differ from the layer's, in number or order.
    pub fn set_properties(
        &mut self,
        features: impl IntoIterator<Item = (u64, Vec<(String, PropValue)>)>,
    ) -> Result<(), TileError> {
        let mut props = PropTables::default();
        let mut tags = Vec::with_capacity(self.features.len());
        for (id, properties) in features {
            if self.features.get(tags.len()).map(|f| f.id) != Some(id) {
                return Err(TileError::InvalidOptions(format!(
                    "feature {} of layer {:?} is not {id}: properties for other features",
                    tags.len(),
                    self.name
                )));
            }
            let tag_start = props.tags.len() as u32;
            props.add(id, &properties);
            tags.push([tag_start, props.tags.len() as u32]);
        }
        if tags.len() != self.features.len() {
            return Err(TileError::InvalidOptions(format!(
                "layer {:?} has {} features, properties were given for {}",
                self.name,
                self.features.len(),
                tags.len()
            )));
        }
        for (f, t) in self.features.iter_mut().zip(tags) {
            f.tags = t;
        }
        self.properties_digest = props.digest.clone().finalize().into();
        self.key_min_zoom = vec![0; props.keys.len()];
        self.tags = props.tags;
        self.keys = props.keys;
        self.values = props.values;
        self.budget = None;
        Ok(())
    }

    /// SHA-256 of the features' ids and properties (keys and encoded values, in order): what a
    /// result that depends on them is keyed by.
    pub fn properties_digest(&self) -> &[u8; 32] {
        &self.properties_digest
    }

    /// The minimum and detail zooms a byte-budget search found for `key` (kept by
    /// [`LayerIndex::keep_budget_fit`], or read from the tile index file), if `key` is the one
    /// they were found for.
    pub fn budget_fit(&self, key: &[u8; 32]) -> Option<(u8, u8)> {
        self.budget
            .as_ref()
            .filter(|b| &b.key == key)
            .map(|b| (b.min_zoom, b.detail_zoom))
    }

    /// Keeps the zooms a byte-budget search found for `key`; the tile index file carries them.
    pub fn keep_budget_fit(&mut self, key: [u8; 32], min_zoom: u8, detail_zoom: u8) {
        self.budget = Some(store::BudgetFit {
            key,
            min_zoom,
            detail_zoom,
        });
    }

    /// The layer name written to tiles.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Tile extent in integer units.
    pub fn extent(&self) -> u32 {
        self.extent
    }

    /// The deepest zoom with precomputed geometry.
    pub fn max_zoom(&self) -> u8 {
        self.max_zoom
    }

    /// Number of features (including any without usable geometry).
    pub fn len(&self) -> usize {
        self.features.len()
    }

    /// Bytes the index holds on the heap: its geometry at every precomputed zoom and at full
    /// detail, features, properties and R-tree (counted as its leaves).
    pub fn heap_bytes(&self) -> usize {
        self.heap_breakdown().iter().map(|(_, b)| b).sum()
    }

    /// [`LayerIndex::heap_bytes`] by part: the precomputed zooms, the full-detail geometry, the
    /// properties (tags, keys and encoded values, each value counted at its capacity) and the
    /// rest (features, points, R-tree leaves).
    pub fn heap_breakdown(&self) -> [(&'static str, usize); 4] {
        use std::mem::size_of;
        let properties = self.keys.iter().map(String::capacity).sum::<usize>()
            + self.values.heap_bytes()
            + self.tags.capacity() * size_of::<[u32; 2]>()
            + self.keys.capacity() * size_of::<String>();
        let rest = self.features.capacity() * size_of::<FeatureRec>()
            + self.points.capacity() * size_of::<[f64; 2]>()
            + self.rtree.size() * size_of::<Entry>();
        [
            ("zooms", self.levels.iter().map(Stored::heap_bytes).sum()),
            ("full detail", self.base.heap_bytes()),
            ("properties", properties),
            ("features and R-tree", rest),
        ]
    }

    /// Whether the layer has no features.
    pub fn is_empty(&self) -> bool {
        self.features.is_empty()
    }

    /// `[west, south, east, north]` of all features in longitude/latitude,
    /// or `None` if no feature has geometry.
    pub fn bounds_lonlat(&self) -> Option<[f64; 4]> {
        self.bounds.map(|b| {
            let (west, north) = crate::projection::world_to_lonlat(b[0], b[1]);
            let (east, south) = crate::projection::world_to_lonlat(b[2], b[3]);
            [west, south, east, north]
        })
    }

    /// Writes property `key` only in tiles at zoom `min_zoom` or deeper.
    ///
    /// Where a zoom puts thousands of features in one tile, their codes, names
    /// and unique values make the tile heavy while the map can only show their
    /// colour; leaving such properties to deeper zooms keeps those tiles small.
    /// Returns `false` if no feature has `key`.
    pub fn set_property_min_zoom(&mut self, key: &str, min_zoom: u8) -> bool {
        match self.keys.iter().position(|k| k == key) {
            Some(i) => {
                self.key_min_zoom[i] = min_zoom;
                true
            }
            None => false,
        }
    }

    /// The lowest zoom property `key` is written at (0 for every zoom, or for
    /// an unknown key).
    pub fn property_min_zoom(&self, key: &str) -> u8 {
        self.keys
            .iter()
            .position(|k| k == key)
            .map_or(0, |i| self.key_min_zoom[i])
    }

    /// The most features any single tile at zoom `z` holds (counting those
    /// whose bounding box reaches into the tile), found from the R-tree
    /// without rendering. Meant for low zooms: it visits every tile over the
    /// layer's extent.
    pub fn busiest_tile(&self, z: u8) -> usize {
        busiest(&self.rtree, self.bounds, z).map_or(0, |t| t.2)
    }

    /// The first zoom that is not dense (see [`IndexOptions::dense_features`]);
    /// 0 when no zoom is.
    pub fn dense_below(&self) -> u8 {
        self.dense_below
    }

    /// The tile at zoom `z` whose area meets the most feature bounding boxes,
    /// as `(x, y, count)`; `None` for a layer without geometry.
    pub fn busiest_tile_at(&self, z: u8) -> Option<(u32, u32, usize)> {
        busiest(&self.rtree, self.bounds, z)
    }

    /// Indices of the features whose bounding box meets the world-space box
    /// `[min_x, min_y, max_x, max_y]`, in ascending order so that tiles are
    /// deterministic.
    pub(crate) fn candidates(&self, b: [f64; 4], out: &mut Vec<u32>) {
        out.clear();
        let env = rstar::AABB::from_corners([b[0], b[1]], [b[2], b[3]]);
        out.extend(
            self.rtree
                .locate_in_envelope_intersecting(env)
                .map(|e| e.data),
        );
        out.sort_unstable();
    }
}

/// The world-space box around every feature's bounding box.
fn world_bounds(rtree: &RTree<Entry>) -> Option<[f64; 4]> {
    (rtree.size() > 0).then(|| {
        let e = rtree.root().envelope();
        let (lo, hi) = (e.lower(), e.upper());
        [lo[0], lo[1], hi[0], hi[1]]
    })
}

/// The tile at zoom `z` that meets the most feature bounding boxes, as
/// `(x, y, count)`; the first such tile in row order on a tie.
fn busiest(rtree: &RTree<Entry>, bounds: Option<[f64; 4]>, z: u8) -> Option<(u32, u32, usize)> {
    let b = bounds?;
    let z = z.min(MAX_ZOOM);
    let n = f64::from(1u32 << z);
    let tile = |v: f64| (v * n).floor().clamp(0.0, n - 1.0) as u32;
    // The tile as `tile_into` reads it: with the default buffer, plus the
    // two units a one-unit box may poke out.
    let m = f64::from(TileOptions::default().buffer + 2) / 4096.0;
    let mut best: Option<(u32, u32, usize)> = None;
    for y in tile(b[1])..=tile(b[3]) {
        for x in tile(b[0])..=tile(b[2]) {
            let (fx, fy) = (f64::from(x), f64::from(y));
            let env = rstar::AABB::from_corners(
                [(fx - m) / n, (fy - m) / n],
                [(fx + 1.0 + m) / n, (fy + 1.0 + m) / n],
            );
            let count = rtree.locate_in_envelope_intersecting(env).count();
            if best.is_none_or(|b| count > b.2) {
                best = Some((x, y, count));
            }
        }
    }
    best
}

/// The encoded values of a layer, one after another in one buffer (a `Vec` each cost 24 bytes
/// and an allocation of at least 32 for a value of about 9: England's LSOAs hold half a million).
#[derive(Debug, Default)]
pub(crate) struct Values {
    bytes: Vec<u8>,
    /// Where each value ends in `bytes`.
    ends: Vec<u32>,
}

impl Values {
    fn push(&mut self, value: &[u8]) {
        self.bytes.extend_from_slice(value);
        self.ends.push(self.bytes.len() as u32);
    }

    /// Value `i`'s bytes.
    pub(crate) fn get(&self, i: u32) -> &[u8] {
        let i = i as usize;
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.bytes[start..self.ends[i] as usize]
    }

    fn heap_bytes(&self) -> usize {
        self.bytes.capacity() + self.ends.capacity() * std::mem::size_of::<u32>()
    }
}

/// Deduplicated key and value tables and each feature's tags.
#[derive(Default)]
struct PropTables {
    keys: Vec<String>,
    key_ids: HashMap<String, u32>,
    values: Values,
    value_ids: HashMap<ValueKey, u32>,
    tags: Vec<[u32; 2]>,
    /// SHA-256 of every feature's id, keys and encoded values, in order.
    digest: sha2::Sha256,
}

impl PropTables {
    /// Drops the lookup maps' and vectors' slack once every feature is added.
    fn shrink(&mut self) {
        self.key_ids = HashMap::default();
        self.value_ids = HashMap::default();
        self.tags.shrink_to_fit();
        self.values.bytes.shrink_to_fit();
        self.values.ends.shrink_to_fit();
        self.keys.shrink_to_fit();
    }

    fn add(&mut self, id: u64, props: &[(String, PropValue)]) {
        self.digest.update(id.to_le_bytes());
        self.digest.update((props.len() as u64).to_le_bytes());
        let start = self.tags.len();
        for (key, value) in props {
            // Looked up before inserting: a key repeats on every feature, cloning it each time
            // cost an allocation per property.
            let k = if let Some(&k) = self.key_ids.get(key) {
                k
            } else {
                let k = self.keys.len() as u32;
                self.key_ids.insert(key.clone(), k);
                self.keys.push(key.clone());
                k
            };
            if self.tags[start..].iter().any(|t| t[0] == k) {
                continue; // first value of a repeated key wins
            }
            self.digest.update((key.len() as u64).to_le_bytes());
            self.digest.update(key.as_bytes());
            let next = self.values.ends.len() as u32;
            let encoded = encode_value(value);
            self.digest.update((encoded.len() as u64).to_le_bytes());
            self.digest.update(&encoded);
            let v = *self.value_ids.entry(ValueKey::from(value)).or_insert(next);
            if v == next {
                self.values.push(&encoded);
            }
            self.tags.push([k, v]);
        }
    }
}
