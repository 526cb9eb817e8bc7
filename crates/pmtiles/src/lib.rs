//! A small, dependency-light [PMTiles v3] writer and reader.
//!
//! PMTiles is a single-file archive of map tiles addressed by a Hilbert-curve
//! tile id. Layout: a 127-byte [`Header`], a gzip-compressed root directory
//! (header + root ≤ 16 KiB), gzip-compressed JSON metadata, optional leaf
//! directories, then the tile blobs.
//!
//! * [`PmTilesWriter`] collects tiles in memory, stores identical blobs once,
//!   run-length encodes consecutive identical tiles and writes a clustered,
//!   byte-for-byte deterministic archive.
//! * [`PmTilesReader`] loads a whole archive into memory, validates every
//!   offset and length once, caps decompressed sizes, and then serves tiles
//!   by binary search. Malformed input yields a [`PmTilesError`], never a
//!   panic.
//!
//! ```
//! use equimap_pmtiles::{PmTilesReader, PmTilesWriter, WriterOptions};
//!
//! let mut w = PmTilesWriter::new(WriterOptions::default());
//! // Synthetic payloads: PMTiles treats tile bytes as opaque.
//! w.add_tile(0, 0, 0, b"world")?;
//! w.add_tile(1, 1, 0, b"quadrant")?;
//! let mut file = Vec::new();
//! let stats = w.finish(&mut file)?;
//! assert_eq!(stats.tiles, 2);
//!
//! let r = PmTilesReader::from_bytes(file)?;
//! assert_eq!(r.get(1, 1, 0)?, Some(&b"quadrant"[..]));
//! assert_eq!(r.get(1, 0, 0)?, None);
//! # Ok::<(), equimap_pmtiles::PmTilesError>(())
//! ```
//!
//! [PMTiles v3]: https://github.com/protomaps/PMTiles/blob/main/spec/v3/spec.md

mod directory;
mod header;
mod hilbert;
mod reader;
mod writer;

pub use directory::Entry;
pub use header::{Compression, HEADER_LEN, Header, MAX_INITIAL_BYTES, TileType};
pub use hilbert::{
    MAX_TILE_ID, MAX_ZOOM, TileCoord, tile_coord, tile_id, try_tile_coord, try_tile_id,
};
pub use reader::{MAX_DIRECTORY_BYTES, MAX_METADATA_BYTES, PmTilesReader};
pub use writer::{PmTilesWriter, WriteStats, WriterOptions};

/// Everything that can go wrong writing or reading an archive.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PmTilesError {
    /// Reading or writing the underlying file failed.
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
    /// The file does not start with the PMTiles magic bytes.
    #[error("not a PMTiles archive (missing \"PMTiles\" magic bytes)")]
    NotPmTiles,
    /// A PMTiles archive of a version other than 3.
    #[error("unsupported PMTiles spec version {0}; only version 3 is supported")]
    UnsupportedVersion(u8),
    /// A section (header, directory, metadata, tile) extends past the end of
    /// the file or of its enclosing section.
    #[error(
        "truncated PMTiles archive: {what} needs {needed} bytes but only {available} are available"
    )]
    Truncated {
        /// Which part was cut off.
        what: &'static str,
        /// End offset the part needs.
        needed: u64,
        /// Bytes actually available.
        available: u64,
    },
    /// Structurally invalid data (bad varints, gzip, ordering, …).
    #[error("corrupt PMTiles archive: {0}")]
    Corrupt(String),
    /// Internal data compressed with a codec this crate does not decode.
    #[error("unsupported internal compression {0:?} (only none and gzip are supported)")]
    UnsupportedCompression(Compression),
    /// A size limit was exceeded (decompressed directories/metadata, tile size).
    #[error("{what} exceeds the limit of {limit} bytes")]
    TooLarge {
        /// What was too large.
        what: &'static str,
        /// The limit that applies.
        limit: usize,
    },
    /// Tile coordinates outside the pyramid (`z > 31` or `x`/`y` ≥ 2^z).
    #[error("invalid tile coordinate {z}/{x}/{y}")]
    InvalidCoord {
        /// Zoom.
        z: u8,
        /// Column.
        x: u32,
        /// Row.
        y: u32,
    },
    /// The same tile was added to a writer twice.
    #[error("tile {z}/{x}/{y} was added twice")]
    DuplicateTile {
        /// Zoom.
        z: u8,
        /// Column.
        x: u32,
        /// Row.
        y: u32,
    },
    /// A tile's zoom is outside the writer's `min_zoom..=max_zoom`.
    #[error("tile zoom {z} is outside the archive's zoom range {min}..={max}")]
    ZoomOutOfRange {
        /// Zoom of the rejected tile.
        z: u8,
        /// Configured minimum zoom.
        min: u8,
        /// Configured maximum zoom.
        max: u8,
    },
    /// Writer options that cannot be encoded (bad zooms, bounds, center, metadata).
    #[error("invalid writer options: {0}")]
    InvalidOptions(String),
    /// `finish` was called without any tiles; the spec forbids empty directories.
    #[error("no tiles were added; PMTiles archives must contain at least one tile")]
    Empty,
    /// Metadata JSON could not be serialised or parsed.
    #[error("metadata JSON: {0}")]
    Json(#[from] serde_json::Error),
}
