//! equimap's [PMTiles v3] archives, written and read with [pmtiles-rs].
//!
//! pmtiles-rs does the format: header, Hilbert tile ids, directories, leaf
//! directories, deduplication and run-length encoding. This crate adds what
//! equimap needs around it:
//!
//! * [`PmTilesWriter`] collects tiles and hands them to pmtiles-rs **sorted by
//!   tile id**, so an archive is clustered and byte-for-byte the same whatever
//!   order the tiles were rendered in.
//! * [`PmTilesReader`] holds an archive in memory and checks it whole when it
//!   is opened — every directory entry and every tile is read once through
//!   pmtiles-rs — so a corrupt or truncated archive is refused at start-up with
//!   a clear error, never a panic and never a failed tile later.
//!
//! ```
//! use std::io::Cursor;
//! use equimap_pmtiles::{PmTilesReader, PmTilesWriter, WriterOptions};
//!
//! let mut w = PmTilesWriter::new(WriterOptions::default());
//! // Synthetic payloads: PMTiles treats tile bytes as opaque.
//! w.add_tile(1, 1, 0, b"quadrant")?;
//! w.add_tile(0, 0, 0, b"world")?;
//! let mut file = Cursor::new(Vec::new());
//! let stats = w.finish(&mut file)?;
//! assert_eq!(stats.tiles, 2);
//!
//! let r = PmTilesReader::from_bytes(file.into_inner())?;
//! assert_eq!(r.get(1, 1, 0)?.as_deref(), Some(&b"quadrant"[..]));
//! assert_eq!(r.get(1, 0, 0)?, None);
//! # Ok::<(), equimap_pmtiles::PmTilesError>(())
//! ```
//!
//! [PMTiles v3]: https://github.com/protomaps/PMTiles/blob/main/spec/v3/spec.md
//! [pmtiles-rs]: https://github.com/stadiamaps/pmtiles-rs

mod reader;
mod writer;

pub use pmtiles::{Compression, PmtError, TileType};
pub use reader::{ArchiveHeader, PmTilesReader};
pub use writer::{PmTilesWriter, WriteStats, WriterOptions};

/// Everything that can go wrong writing or reading an archive.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PmTilesError {
    /// Reading or writing the underlying file failed.
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
    /// pmtiles-rs refused the archive (bad magic, header, directory, entry, compression…).
    #[error("not a readable PMTiles v3 archive: {0}")]
    Format(#[from] PmtError),
    /// A PMTiles archive of a version other than 3.
    #[error("unsupported PMTiles spec version {0}; only version 3 is supported")]
    UnsupportedVersion(u8),
    /// The metadata is not a JSON object.
    #[error("PMTiles metadata is not a JSON object: {0}")]
    Metadata(String),
    /// A directory entry whose tile cannot be read.
    #[error("corrupt PMTiles archive: {0}")]
    Corrupt(String),
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
}

/// The tile id of `z/x/y`, or an error naming the coordinate.
pub(crate) fn coord(z: u8, x: u32, y: u32) -> Result<pmtiles::TileCoord, PmTilesError> {
    pmtiles::TileCoord::new(z, x, y).map_err(|_| PmTilesError::InvalidCoord { z, x, y })
}
