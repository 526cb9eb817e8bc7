//! Mapbox Vector Tile 2.1 generator for equimap.
//!
//! Build one [`LayerIndex`] per layer, once, from WGS84 features; then ask it
//! for tiles with [`LayerIndex::tile`] (one layer) or [`render_tile`] (several
//! layers in one tile). Everything expensive happens at build time:
//!
//! * coordinates are projected to normalised Web Mercator world coordinates
//!   (`0..1`, y down; see [`projection`]);
//! * polygon rings and lines are turned into a *topology* the way `TopoJSON`
//!   does it: vertices that coincide (to within a snapping tolerance, since
//!   reprojected boundary files differ in the last bits) become one vertex,
//!   paths are cut into arcs at junctions, and an arc shared by two
//!   neighbouring polygons is stored once;
//! * for every zoom `0..=max_zoom` each arc is simplified once
//!   (Douglas–Peucker, endpoints fixed; arcs whose ring would collapse, or
//!   that would cross another border, are simplified less), rings are
//!   rebuilt from the simplified arcs, quantised to that zoom's integer tile
//!   grid, made OGC-valid where rounding pinched or twisted them, and welded
//!   so that a vertex on a neighbour's edge is a vertex of both. Neighbouring
//!   polygons therefore share their borders vertex for vertex at every zoom,
//!   with no gaps; a ring too small for the grid becomes a one-unit box so
//!   that it stays visible;
//! * feature bounding boxes go into an R-tree.
//!
//! Serving a tile then only selects candidates from the R-tree, copies the
//! parts that lie inside the buffered tile, and clips the others: polygons
//! by cutting rings into inside chains and joining them along the tile edge
//! (valid output, unlike Sutherland–Hodgman's edge-hugging bridges), lines
//! into parts (Liang–Barsky). The protobuf is written by hand.
//!
//! Zooms beyond `max_zoom` are cut from the unsimplified geometry,
//! quantised per tile (without the cross-feature weld).
//!
//! ```
//! use equimap_tiles::{Feature, IndexOptions, LayerIndex, PropValue, TileOptions};
//! use geo::{Geometry, Point};
//!
//! let gp = Feature {
//!     id: 7,
//!     geometry: Geometry::Point(Point::new(-1.54754, 53.81264)),
//!     properties: vec![("name".into(), PropValue::from("Woodhouse Medical Practice"))],
//! };
//! let index = LayerIndex::new("gp", vec![gp], &IndexOptions::default())?;
//! let (x, y) = equimap_tiles::projection::tile_for_lonlat(-1.54754, 53.81264, 12);
//! let bytes = index.tile(12, x, y, &TileOptions::default())?;
//! assert!(!bytes.is_empty());
//! // A tile far away is empty: the server answers 204.
//! assert!(index.tile(12, 0, 0, &TileOptions::default())?.is_empty());
//! # Ok::<(), equimap_tiles::TileError>(())
//! ```

pub mod atlas;
mod clip;
mod crossings;
mod encode;
mod grid;
mod index;
mod levels;
mod parallel;
mod pbf;
pub mod projection;
mod rectclip;
mod repair;
mod simplify;
mod store;
mod topology;
mod weld;

pub use encode::{concat_tiles, render_tile};
pub use index::LayerIndex;
pub use rectclip::clip_polygon;
pub use store::IndexFileError;

/// The highest zoom level a tile can be requested at.
pub const MAX_ZOOM: u8 = 22;

/// A property value of a feature, written to the layer's value table.
///
/// A missing value is simply left out of [`Feature::properties`].
#[derive(Debug, Clone, PartialEq)]
pub enum PropValue {
    /// Encoded as `string_value`.
    String(String),
    /// Encoded as `sint_value` (zigzag), compact for negative numbers too.
    Int(i64),
    /// Encoded as `uint_value`.
    UInt(u64),
    /// Encoded as `double_value`.
    Double(f64),
    /// Encoded as `bool_value`.
    Bool(bool),
}

impl From<&str> for PropValue {
    fn from(value: &str) -> Self {
        Self::String(value.to_owned())
    }
}

impl From<String> for PropValue {
    fn from(value: String) -> Self {
        Self::String(value)
    }
}

impl From<i64> for PropValue {
    fn from(value: i64) -> Self {
        Self::Int(value)
    }
}

impl From<u64> for PropValue {
    fn from(value: u64) -> Self {
        Self::UInt(value)
    }
}

impl From<f64> for PropValue {
    fn from(value: f64) -> Self {
        Self::Double(value)
    }
}

impl From<bool> for PropValue {
    fn from(value: bool) -> Self {
        Self::Bool(value)
    }
}

/// One input feature, in WGS84 longitude/latitude.
#[derive(Debug, Clone)]
pub struct Feature {
    /// Written to the MVT feature `id` field (for `MapLibre` `promoteId` and
    /// feature state). Should be unique within the layer.
    pub id: u64,
    /// Point, line or polygon geometry (multi-geometries and collections of
    /// one kind are accepted). Longitude in `-180..=180`, latitude in
    /// `-90..=90`; latitudes beyond ±85.0511° are clamped by Web Mercator.
    pub geometry: geo::Geometry<f64>,
    /// Properties in output order. If a key repeats, the first value wins.
    pub properties: Vec<(String, PropValue)>,
}

/// Options fixed when a [`LayerIndex`] is built.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexOptions {
    /// Tile extent in integer units (MVT default 4096).
    pub extent: u32,
    /// Simplified geometry is precomputed for zooms `0..=max_zoom`; deeper
    /// zooms are cut from the unsimplified geometry on the fly.
    pub max_zoom: u8,
    /// Douglas–Peucker tolerance in tile units of the zoom being built
    /// (0 disables simplification).
    pub tolerance: f64,
    /// Simplify shared borders once so that neighbours stay gap-free
    /// (`TopoJSON`-style arcs). `false` simplifies every ring on its own,
    /// which is only right for layers whose polygons never touch.
    pub preserve_topology: bool,
    /// Vertices closer than this, in EPSG:3857 metres, are merged into one
    /// before building arcs. Boundary files reprojected from British National
    /// Grid differ by ~1e-12° where neighbours share a vertex.
    pub snap_tolerance: f64,
    /// A zoom is *dense* when one of its tiles holds more than this many
    /// features (England's LSOAs below z8). Dense zooms are simplified with
    /// [`IndexOptions::dense_tolerance`], and [`LayerIndex::dense_below`] tells
    /// callers where density ends, so they can leave heavy properties out of
    /// dense tiles too. `usize::MAX` (the default) never treats a zoom as dense.
    pub dense_features: usize,
    /// Douglas–Peucker tolerance at dense zooms, in tile units. A few units is
    /// still under a pixel: MapLibre draws a 4096-unit tile on 512 pixels.
    pub dense_tolerance: f64,
}

impl Default for IndexOptions {
    fn default() -> Self {
        Self {
            extent: 4096,
            max_zoom: 16,
            tolerance: 1.0,
            preserve_topology: true,
            snap_tolerance: 1e-3,
            dense_features: usize::MAX,
            dense_tolerance: 3.0,
        }
    }
}

/// Options for one tile request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TileOptions {
    /// Geometry is kept up to this many units beyond each tile edge so that
    /// strokes and labels join across tiles. Must not exceed the extent.
    pub buffer: u32,
}

impl Default for TileOptions {
    fn default() -> Self {
        Self { buffer: 64 }
    }
}

/// Everything that can go wrong building an index or a tile.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TileError {
    /// `z` above [`MAX_ZOOM`] or `x`/`y` not below `2^z`.
    #[error(
        "tile {z}/{x}/{y} does not exist: zoom runs from 0 to 22 and, at zoom {z}, x and y from 0 to 2^{z} - 1"
    )]
    InvalidTile {
        /// Zoom level.
        z: u32,
        /// Column.
        x: u32,
        /// Row.
        y: u32,
    },
    /// An option is out of range.
    #[error("invalid option: {0}")]
    InvalidOptions(String),
    /// A layer needs a non-empty name.
    #[error("layer name must not be empty")]
    EmptyLayerName,
    /// Two layers of one tile have the same name (forbidden by MVT 2.1).
    #[error("duplicate layer name {0:?} in one tile")]
    DuplicateLayerName(String),
    /// A coordinate is not finite or not a valid longitude/latitude.
    #[error("feature {id}: coordinate ({lon}, {lat}) is not a valid WGS84 longitude/latitude")]
    InvalidCoordinate {
        /// Feature id.
        id: u64,
        /// Offending longitude.
        lon: f64,
        /// Offending latitude.
        lat: f64,
    },
    /// A tile index file is unreadable, damaged, truncated or stale.
    #[error("{path}: {message}")]
    IndexFile {
        /// The file.
        path: String,
        /// What is wrong with it.
        message: String,
    },
    /// A geometry collection mixes points, lines and polygons, which one MVT
    /// feature cannot hold.
    #[error("feature {id}: geometry collection mixes {first} and {second}")]
    MixedGeometry {
        /// Feature id.
        id: u64,
        /// Kind seen first.
        first: &'static str,
        /// Conflicting kind.
        second: &'static str,
    },
}

#[cfg(test)]
mod tests {
    #[test]
    fn index_can_serve_many_threads() {
        fn shareable<T: Send + Sync>() {}
        shareable::<crate::LayerIndex>();
    }
}
