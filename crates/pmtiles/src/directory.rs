//! Directory entries and their columnar varint serialisation, plus the
//! internal (gzip) compression with hard caps on decompressed sizes.

use std::io::{Read, Write};

use flate2::read::GzDecoder;
use flate2::write::GzEncoder;

use crate::PmTilesError;
use crate::header::Compression;

/// One directory entry: either a run of identical tiles or, when
/// `run_length == 0`, a pointer to a leaf directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Entry {
    /// First tile id covered (for a leaf pointer: the leaf's first tile id).
    pub tile_id: u64,
    /// Offset relative to the tile data section (or the leaf section for leaf pointers).
    pub offset: u64,
    /// Length in bytes; never 0.
    pub length: u32,
    /// Number of consecutive tile ids sharing this blob; 0 marks a leaf pointer.
    pub run_length: u32,
}

fn write_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Reads one LEB128 varint, rejecting truncation and values above `u64::MAX`.
fn read_varint(buf: &mut &[u8]) -> Result<u64, PmTilesError> {
    let mut value = 0u64;
    for i in 0..10 {
        let Some((&byte, rest)) = buf.split_first() else {
            return Err(corrupt("directory ends inside a varint"));
        };
        *buf = rest;
        let bits = u64::from(byte & 0x7f);
        // The tenth byte may only contribute the single top bit.
        if i == 9 && bits > 1 {
            return Err(corrupt("varint overflows 64 bits"));
        }
        value |= bits << (7 * i);
        if byte & 0x80 == 0 {
            return Ok(value);
        }
    }
    Err(corrupt("varint longer than 10 bytes"))
}

fn read_u32(buf: &mut &[u8], what: &str) -> Result<u32, PmTilesError> {
    let v = read_varint(buf)?;
    u32::try_from(v).map_err(|_| PmTilesError::Corrupt(format!("{what} {v} exceeds 32 bits")))
}

fn corrupt(msg: &str) -> PmTilesError {
    PmTilesError::Corrupt(msg.to_owned())
}

/// Serialises entries (ascending tile id) as the spec's uncompressed columns:
/// count, tile-id deltas, run lengths, lengths, offsets (0 = directly after
/// the previous entry, otherwise offset + 1).
pub(crate) fn encode(entries: &[Entry]) -> Vec<u8> {
    let mut out = Vec::with_capacity(entries.len() * 6 + 10);
    write_varint(&mut out, entries.len() as u64);
    let mut last_id = 0;
    for e in entries {
        write_varint(&mut out, e.tile_id - last_id);
        last_id = e.tile_id;
    }
    for e in entries {
        write_varint(&mut out, u64::from(e.run_length));
    }
    for e in entries {
        write_varint(&mut out, u64::from(e.length));
    }
    let mut next = None;
    for e in entries {
        if next == Some(e.offset) {
            write_varint(&mut out, 0);
        } else {
            write_varint(&mut out, e.offset + 1);
        }
        next = Some(e.offset + u64::from(e.length));
    }
    out
}

/// Parses an uncompressed directory. Every arithmetic step is checked so
/// hostile input yields an error rather than a panic or a huge allocation.
pub(crate) fn decode(mut buf: &[u8]) -> Result<Vec<Entry>, PmTilesError> {
    let n = read_varint(&mut buf)?;
    // Each entry needs at least one byte in each of the four columns, so this
    // bounds the allocation by the (already capped) decompressed size.
    if n > (buf.len() / 4) as u64 {
        return Err(PmTilesError::Corrupt(format!(
            "directory claims {n} entries but holds only {} bytes",
            buf.len()
        )));
    }
    let mut entries = vec![
        Entry {
            tile_id: 0,
            offset: 0,
            length: 0,
            run_length: 0,
        };
        n as usize
    ];
    let mut id = 0u64;
    for e in &mut entries {
        id = id
            .checked_add(read_varint(&mut buf)?)
            .ok_or_else(|| corrupt("tile id overflows 64 bits"))?;
        e.tile_id = id;
    }
    for e in &mut entries {
        e.run_length = read_u32(&mut buf, "run length")?;
    }
    for e in &mut entries {
        e.length = read_u32(&mut buf, "entry length")?;
        if e.length == 0 {
            return Err(corrupt("directory entry with length 0"));
        }
    }
    let mut next: Option<u64> = None;
    for e in &mut entries {
        let raw = read_varint(&mut buf)?;
        e.offset = if raw == 0 {
            next.ok_or_else(|| corrupt("first directory entry has a relative offset"))?
        } else {
            raw - 1
        };
        next = Some(
            e.offset
                .checked_add(u64::from(e.length))
                .ok_or_else(|| corrupt("entry offset overflows 64 bits"))?,
        );
    }
    Ok(entries)
}

/// Gzip with a fixed header (mtime 0, no file name) so output is reproducible.
pub(crate) fn gzip(data: &[u8]) -> Result<Vec<u8>, PmTilesError> {
    let mut enc = GzEncoder::new(
        Vec::with_capacity(data.len() / 4 + 32),
        flate2::Compression::default(),
    );
    enc.write_all(data)?;
    Ok(enc.finish()?)
}

/// Decompresses internal data (directories, metadata), failing once the
/// output would exceed `cap` bytes (gzip bombs) or on unsupported codecs.
pub(crate) fn decompress(
    compression: Compression,
    data: &[u8],
    cap: usize,
    what: &'static str,
) -> Result<Vec<u8>, PmTilesError> {
    let too_big = || PmTilesError::TooLarge { what, limit: cap };
    match compression {
        Compression::None => {
            if data.len() > cap {
                return Err(too_big());
            }
            Ok(data.to_vec())
        }
        Compression::Gzip => {
            let mut out = Vec::new();
            // Read one byte past the cap so "exactly cap" and "more" differ.
            GzDecoder::new(data)
                .take(cap as u64 + 1)
                .read_to_end(&mut out)
                .map_err(|e| PmTilesError::Corrupt(format!("{what}: bad gzip stream: {e}")))?;
            if out.len() > cap {
                return Err(too_big());
            }
            Ok(out)
        }
        other => Err(PmTilesError::UnsupportedCompression(other)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_round_trip() {
        for v in [0, 1, 127, 128, 300, u64::from(u32::MAX), u64::MAX] {
            let mut out = Vec::new();
            write_varint(&mut out, v);
            let mut slice = out.as_slice();
            assert_eq!(read_varint(&mut slice).expect("valid varint"), v);
            assert!(slice.is_empty());
        }
        let mut overlong: &[u8] = &[0xff; 11];
        assert!(read_varint(&mut overlong).is_err());
    }

    #[test]
    fn directory_round_trips_with_contiguous_and_repeated_offsets() {
        let entries = vec![
            Entry {
                tile_id: 0,
                offset: 0,
                length: 10,
                run_length: 1,
            },
            Entry {
                tile_id: 1,
                offset: 10,
                length: 5,
                run_length: 3,
            },
            Entry {
                tile_id: 9,
                offset: 0,
                length: 10,
                run_length: 1,
            },
            Entry {
                tile_id: 10,
                offset: 15,
                length: 1,
                run_length: 0,
            },
        ];
        let raw = encode(&entries);
        assert_eq!(decode(&raw).expect("valid directory"), entries);
        // Second entry is contiguous, so its offset column value is 0.
        assert_eq!(raw[raw.len() - 3], 0);
    }

    #[test]
    fn decompress_enforces_cap() {
        let gz = gzip(&[0u8; 1000]).expect("gzip to memory");
        assert!(decompress(Compression::Gzip, &gz, 1000, "test").is_ok());
        assert!(matches!(
            decompress(Compression::Gzip, &gz, 999, "test"),
            Err(PmTilesError::TooLarge { .. })
        ));
        assert!(decompress(Compression::Brotli, &gz, 1000, "test").is_err());
    }
}
