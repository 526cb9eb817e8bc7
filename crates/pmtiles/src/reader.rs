//! In-memory PMTiles v3 reader that validates the whole directory tree up
//! front, so lookups are a binary search and can never index out of bounds.

use std::ops::Range;
use std::path::Path;

use crate::PmTilesError;
use crate::directory::{self, Entry};
use crate::header::{Compression, Header};
use crate::hilbert::{MAX_TILE_ID, try_tile_id};

/// Cap on the decompressed size of all directories together. A city
/// archive needs a few MB; the cap stops gzip bombs and leaf pointers that
/// reference the same leaf over and over.
pub const MAX_DIRECTORY_BYTES: usize = 64 << 20;

/// Cap on the decompressed JSON metadata.
pub const MAX_METADATA_BYTES: usize = 16 << 20;

/// Leaf directories may nest at most this deep below the root (the
/// reference readers stop at 3 as well); it also breaks pointer cycles.
const MAX_LEAF_DEPTH: usize = 3;

/// A PMTiles v3 archive held in memory.
///
/// `Send + Sync` and lookups take `&self`, so one reader can serve
/// concurrent requests.
#[derive(Debug)]
pub struct PmTilesReader {
    bytes: Vec<u8>,
    header: Header,
    /// All tile entries from the root and leaves, strictly ascending and
    /// non-overlapping, with data ranges checked against the data section.
    entries: Vec<Entry>,
    data: Range<usize>,
    metadata: Range<usize>,
}

/// Checked `offset..offset + length` inside a file of `file_len` bytes.
fn section(
    offset: u64,
    length: u64,
    file_len: usize,
    what: &'static str,
) -> Result<Range<usize>, PmTilesError> {
    let end = offset.checked_add(length);
    match end {
        Some(end) if end <= file_len as u64 => Ok(offset as usize..end as usize),
        _ => Err(PmTilesError::Truncated {
            what,
            needed: end.unwrap_or(u64::MAX),
            available: file_len as u64,
        }),
    }
}

/// Depth-first walk of a directory and its leaves, appending tile entries.
struct Walker<'a> {
    bytes: &'a [u8],
    compression: Compression,
    leaves: Range<usize>,
    data_len: u64,
    budget: usize,
    out: Vec<Entry>,
}

impl Walker<'_> {
    fn walk(&mut self, raw: Range<usize>, depth: usize) -> Result<(), PmTilesError> {
        let raw = &self.bytes[raw];
        let dir = directory::decompress(self.compression, raw, self.budget, "directories")?;
        self.budget -= dir.len();
        for e in directory::decode(&dir)? {
            if e.run_length == 0 {
                if depth >= MAX_LEAF_DEPTH {
                    return Err(PmTilesError::Corrupt(
                        "leaf directories nested too deeply".to_owned(),
                    ));
                }
                let leaf = section(
                    e.offset,
                    u64::from(e.length),
                    self.leaves.len(),
                    "leaf directory",
                )?;
                let start = self.leaves.start;
                self.walk(start + leaf.start..start + leaf.end, depth + 1)?;
                continue;
            }
            // Checking the start first keeps the addition below from overflowing.
            if e.tile_id > MAX_TILE_ID || e.tile_id + u64::from(e.run_length - 1) > MAX_TILE_ID {
                return Err(PmTilesError::Corrupt(format!(
                    "tile id {} is beyond the pyramid",
                    e.tile_id
                )));
            }
            if let Some(prev) = self.out.last()
                && e.tile_id < prev.tile_id + u64::from(prev.run_length)
            {
                return Err(PmTilesError::Corrupt(format!(
                    "tile entries out of order or overlapping at tile id {}",
                    e.tile_id
                )));
            }
            section(
                e.offset,
                u64::from(e.length),
                self.data_len as usize,
                "tile",
            )?;
            self.out.push(e);
        }
        Ok(())
    }
}

impl PmTilesReader {
    /// Parses and validates an archive held in memory.
    ///
    /// Fails with a descriptive error on anything malformed: wrong magic or
    /// version, sections past the end of the file, bad gzip, inconsistent
    /// directories, or directories larger than [`MAX_DIRECTORY_BYTES`].
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Self, PmTilesError> {
        let header = Header::from_bytes(&bytes)?;
        let len = bytes.len();
        let root = section(
            header.root_offset,
            header.root_length,
            len,
            "root directory",
        )?;
        let metadata = section(
            header.metadata_offset,
            header.metadata_length,
            len,
            "metadata",
        )?;
        let leaves = section(
            header.leaf_offset,
            header.leaf_length,
            len,
            "leaf directories",
        )?;
        let data = section(header.data_offset, header.data_length, len, "tile data")?;
        let mut walker = Walker {
            bytes: &bytes,
            compression: header.internal_compression,
            leaves,
            data_len: header.data_length,
            budget: MAX_DIRECTORY_BYTES,
            out: Vec::new(),
        };
        walker.walk(root, 0)?;
        let entries = walker.out;
        Ok(Self {
            bytes,
            header,
            entries,
            data,
            metadata,
        })
    }

    /// Reads a whole archive file into memory and parses it.
    pub fn open(path: &Path) -> Result<Self, PmTilesError> {
        Self::from_bytes(std::fs::read(path)?)
    }

    /// The archive header.
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// All tile entries (runs of identical tiles), ascending by tile id,
    /// with leaf directories already resolved. Offsets are relative to the
    /// tile data section.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// Decompresses and parses the JSON metadata; an empty section reads as `{}`.
    pub fn metadata(&self) -> Result<serde_json::Value, PmTilesError> {
        let raw = &self.bytes[self.metadata.clone()];
        if raw.is_empty() {
            return Ok(serde_json::Value::Object(serde_json::Map::new()));
        }
        let json = directory::decompress(
            self.header.internal_compression,
            raw,
            MAX_METADATA_BYTES,
            "metadata",
        )?;
        Ok(serde_json::from_slice(&json)?)
    }

    /// The stored bytes of tile `z/x/y` (still compressed as
    /// `header().tile_compression` says), or `None` if the archive has no
    /// such tile. Coordinates outside the pyramid are an error.
    pub fn get(&self, z: u8, x: u32, y: u32) -> Result<Option<&[u8]>, PmTilesError> {
        let id = try_tile_id(z, x, y).ok_or(PmTilesError::InvalidCoord { z, x, y })?;
        Ok(self.get_id(id))
    }

    /// Like [`get`](Self::get) but by tile id.
    pub fn get_id(&self, id: u64) -> Option<&[u8]> {
        let i = self.entries.partition_point(|e| e.tile_id <= id);
        let e = self.entries.get(i.checked_sub(1)?)?;
        if id - e.tile_id >= u64::from(e.run_length) {
            return None;
        }
        // Both additions were bounds-checked against the data section when
        // the entries were loaded; `get` keeps this panic-free regardless.
        let start = self.data.start + e.offset as usize;
        self.bytes.get(start..start + e.length as usize)
    }
}
