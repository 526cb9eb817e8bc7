//! The fixed 127-byte PMTiles v3 header.

use crate::PmTilesError;

/// Size of the fixed header in bytes.
pub const HEADER_LEN: usize = 127;

/// The header plus the root directory must fit in this many bytes, so that a
/// client can fetch both with one initial range request.
pub const MAX_INITIAL_BYTES: usize = 16_384;

const MAGIC: &[u8; 7] = b"PMTiles";

/// Compression of tiles or of the archive's internal structures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Compression {
    /// `0`: unknown (readers must guess).
    Unknown,
    /// `1`: stored as-is.
    None,
    /// `2`: gzip.
    Gzip,
    /// `3`: Brotli.
    Brotli,
    /// `4`: Zstandard.
    Zstd,
}

impl Compression {
    /// Header byte for this compression.
    pub fn to_u8(self) -> u8 {
        match self {
            Self::Unknown => 0,
            Self::None => 1,
            Self::Gzip => 2,
            Self::Brotli => 3,
            Self::Zstd => 4,
        }
    }

    /// Parses a header byte; `None` for values the spec does not define.
    pub fn from_u8(v: u8) -> Option<Self> {
        Some(match v {
            0 => Self::Unknown,
            1 => Self::None,
            2 => Self::Gzip,
            3 => Self::Brotli,
            4 => Self::Zstd,
            _ => return None,
        })
    }

    /// HTTP `Content-Encoding` value for data stored with this compression.
    pub fn content_encoding(self) -> Option<&'static str> {
        match self {
            Self::Gzip => Some("gzip"),
            Self::Brotli => Some("br"),
            Self::Zstd => Some("zstd"),
            Self::Unknown | Self::None => None,
        }
    }
}

/// What the tiles contain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TileType {
    /// `0`: unknown or other.
    Unknown,
    /// `1`: Mapbox Vector Tile (protobuf).
    Mvt,
    /// `2`: PNG.
    Png,
    /// `3`: JPEG.
    Jpeg,
    /// `4`: WebP.
    Webp,
    /// `5`: AVIF.
    Avif,
    /// A value from a newer spec revision; kept so it can be passed through.
    Other(u8),
}

impl TileType {
    /// Header byte for this tile type.
    pub fn to_u8(self) -> u8 {
        match self {
            Self::Unknown => 0,
            Self::Mvt => 1,
            Self::Png => 2,
            Self::Jpeg => 3,
            Self::Webp => 4,
            Self::Avif => 5,
            Self::Other(v) => v,
        }
    }

    /// Parses a header byte. Unknown values become [`TileType::Other`]
    /// because the tile type is only a hint and must not make a file unreadable.
    pub fn from_u8(v: u8) -> Self {
        match v {
            0 => Self::Unknown,
            1 => Self::Mvt,
            2 => Self::Png,
            3 => Self::Jpeg,
            4 => Self::Webp,
            5 => Self::Avif,
            v => Self::Other(v),
        }
    }

    /// Conventional HTTP `Content-Type` for tiles of this type.
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Mvt => "application/vnd.mapbox-vector-tile",
            Self::Png => "image/png",
            Self::Jpeg => "image/jpeg",
            Self::Webp => "image/webp",
            Self::Avif => "image/avif",
            Self::Unknown | Self::Other(_) => "application/octet-stream",
        }
    }
}

/// Decoded PMTiles v3 header. Offsets are absolute byte positions in the file.
#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    /// Spec version; always 3 for headers this crate accepts.
    pub spec_version: u8,
    /// Offset of the root directory.
    pub root_offset: u64,
    /// Length of the (compressed) root directory.
    pub root_length: u64,
    /// Offset of the JSON metadata.
    pub metadata_offset: u64,
    /// Length of the (compressed) JSON metadata.
    pub metadata_length: u64,
    /// Offset of the leaf directory section.
    pub leaf_offset: u64,
    /// Length of the leaf directory section (0 when there are no leaves).
    pub leaf_length: u64,
    /// Offset of the tile data section.
    pub data_offset: u64,
    /// Length of the tile data section.
    pub data_length: u64,
    /// Tiles addressed, counting every tile of a run (0 = unknown).
    pub addressed_tiles: u64,
    /// Directory entries that point at tiles (0 = unknown).
    pub tile_entries: u64,
    /// Distinct tile blobs in the data section (0 = unknown).
    pub tile_contents: u64,
    /// Whether tile data is laid out in tile-id order.
    pub clustered: bool,
    /// Compression of directories and metadata.
    pub internal_compression: Compression,
    /// Compression of the tile blobs (they are stored and served as-is).
    pub tile_compression: Compression,
    /// Tile content type.
    pub tile_type: TileType,
    /// Lowest zoom with tiles.
    pub min_zoom: u8,
    /// Highest zoom with tiles.
    pub max_zoom: u8,
    /// `[min_lon, min_lat, max_lon, max_lat]` in degrees; stored with 1e-7° precision.
    pub bounds: [f64; 4],
    /// `(lon, lat, zoom)` of the suggested initial view; 1e-7° precision.
    pub center: (f64, f64, u8),
}

/// Degrees → the spec's fixed-point `i32` (degrees × 10^7).
fn to_e7(deg: f64) -> i32 {
    // Saturating `as` handles out-of-range input; the writer validates
    // coordinates before they get here, so this is only a safety net.
    (deg * 1e7).round() as i32
}

fn from_e7(v: i32) -> f64 {
    f64::from(v) / 1e7
}

fn u64_at(b: &[u8; HEADER_LEN], at: usize) -> u64 {
    let mut buf = [0u8; 8];
    buf.copy_from_slice(&b[at..at + 8]);
    u64::from_le_bytes(buf)
}

fn i32_at(b: &[u8; HEADER_LEN], at: usize) -> i32 {
    let mut buf = [0u8; 4];
    buf.copy_from_slice(&b[at..at + 4]);
    i32::from_le_bytes(buf)
}

impl Header {
    /// Serialises the header to its 127-byte on-disk form.
    pub fn to_bytes(&self) -> [u8; HEADER_LEN] {
        let mut b = [0u8; HEADER_LEN];
        b[..7].copy_from_slice(MAGIC);
        b[7] = self.spec_version;
        let u64s = [
            self.root_offset,
            self.root_length,
            self.metadata_offset,
            self.metadata_length,
            self.leaf_offset,
            self.leaf_length,
            self.data_offset,
            self.data_length,
            self.addressed_tiles,
            self.tile_entries,
            self.tile_contents,
        ];
        for (i, v) in u64s.iter().enumerate() {
            b[8 + 8 * i..16 + 8 * i].copy_from_slice(&v.to_le_bytes());
        }
        b[96] = u8::from(self.clustered);
        b[97] = self.internal_compression.to_u8();
        b[98] = self.tile_compression.to_u8();
        b[99] = self.tile_type.to_u8();
        b[100] = self.min_zoom;
        b[101] = self.max_zoom;
        for (i, v) in self.bounds.iter().enumerate() {
            b[102 + 4 * i..106 + 4 * i].copy_from_slice(&to_e7(*v).to_le_bytes());
        }
        b[118] = self.center.2;
        b[119..123].copy_from_slice(&to_e7(self.center.0).to_le_bytes());
        b[123..127].copy_from_slice(&to_e7(self.center.1).to_le_bytes());
        b
    }

    /// Parses the header from the start of `bytes` (which may be the whole file).
    ///
    /// Checks the magic, the version and the enum fields; section bounds are
    /// checked by the reader, which knows the file length.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, PmTilesError> {
        let Some(b) = bytes.first_chunk::<HEADER_LEN>() else {
            return Err(PmTilesError::Truncated {
                what: "header",
                needed: HEADER_LEN as u64,
                available: bytes.len() as u64,
            });
        };
        if &b[..7] != MAGIC {
            // v1/v2 archives start with "PM" followed by a little-endian version.
            if b[..2] == *b"PM" && matches!(b[2], 1 | 2) {
                return Err(PmTilesError::UnsupportedVersion(b[2]));
            }
            return Err(PmTilesError::NotPmTiles);
        }
        if b[7] != 3 {
            return Err(PmTilesError::UnsupportedVersion(b[7]));
        }
        let compression = |at: usize, what: &'static str| {
            Compression::from_u8(b[at]).ok_or(PmTilesError::Corrupt(format!(
                "unknown {what} compression value {}",
                b[at]
            )))
        };
        Ok(Self {
            spec_version: b[7],
            root_offset: u64_at(b, 8),
            root_length: u64_at(b, 16),
            metadata_offset: u64_at(b, 24),
            metadata_length: u64_at(b, 32),
            leaf_offset: u64_at(b, 40),
            leaf_length: u64_at(b, 48),
            data_offset: u64_at(b, 56),
            data_length: u64_at(b, 64),
            addressed_tiles: u64_at(b, 72),
            tile_entries: u64_at(b, 80),
            tile_contents: u64_at(b, 88),
            clustered: b[96] != 0,
            internal_compression: compression(97, "internal")?,
            tile_compression: compression(98, "tile")?,
            tile_type: TileType::from_u8(b[99]),
            min_zoom: b[100],
            max_zoom: b[101],
            bounds: [
                from_e7(i32_at(b, 102)),
                from_e7(i32_at(b, 106)),
                from_e7(i32_at(b, 110)),
                from_e7(i32_at(b, 114)),
            ],
            center: (from_e7(i32_at(b, 119)), from_e7(i32_at(b, 123)), b[118]),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_round_trips() {
        let h = Header {
            spec_version: 3,
            root_offset: 127,
            root_length: 10,
            metadata_offset: 137,
            metadata_length: 20,
            leaf_offset: 157,
            leaf_length: 0,
            data_offset: 157,
            data_length: 99,
            addressed_tiles: 7,
            tile_entries: 5,
            tile_contents: 3,
            clustered: true,
            internal_compression: Compression::Gzip,
            tile_compression: Compression::Gzip,
            tile_type: TileType::Mvt,
            min_zoom: 4,
            max_zoom: 14,
            bounds: [-1.8, 53.7, -1.3, 53.95],
            center: (-1.55, 53.8, 11),
        };
        let bytes = h.to_bytes();
        assert_eq!(Header::from_bytes(&bytes).expect("valid header"), h);
    }
}
