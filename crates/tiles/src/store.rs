//! The tile index file: a layer's request-independent geometry (every precomputed zoom's
//! simplified, quantised and welded parts, the full-detail parts, the feature boxes of the
//! R-tree) written once, when the atlas is built, and read back whole instead of built again.
//!
//! Hand-written (no serde format: the layout is ours to keep stable, and every byte of it is
//! fixed by the data, so the file is byte-identical across runs). Little-endian throughout:
//!
//! ```text
//! magic "EQTILIDX" | format u32 | body length u64 | CRC-32 of what follows u32
//! | SHA-256 of the source file [32] | body
//! ```
//!
//! The body holds the build options, then the features (kind, point count, box), then the
//! zooms and the full detail as part tables: per feature its part count, per part its kind,
//! length and box (relative to its first vertex), and the vertices as zigzag varint deltas
//! (grid units; the full detail as raw `f64` bits). Reading checks the magic, the format, the
//! length, the checksum and the source hash before decoding anything, and then every count and
//! range as it decodes, so a damaged file is an error, never a panic.

use crate::index::Kind;
use crate::levels::{Base, Part, PartKind, PartTable, Stored};
use crate::{IndexOptions, MAX_ZOOM};

/// The first bytes of every tile index file.
pub(crate) const MAGIC: &[u8; 8] = b"EQTILIDX";
/// Bumped whenever the layout, the geometry a build makes or the tiles' encoding changes (the
/// file carries byte-budget zooms found by encoding tiles), so an older file is refused as
/// stale and the ingest writes a new one. CI's re-ingest diff of the committed Leeds files
/// catches a change that forgot to bump it.
pub(crate) const FORMAT: u32 = 1;
/// Magic, format, body length, checksum and source hash.
pub(crate) const HEADER_LEN: usize = 8 + 4 + 8 + 4 + 32;

/// What is wrong with a tile index file (the caller adds its path).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IndexFileError {
    /// Not a tile index file at all.
    #[error("not a tile index file (wrong magic bytes)")]
    Magic,
    /// Written by another version of the format.
    #[error(
        "tile index format {found}, this build reads format {expected}: rebuild it with `equimap ingest` or `equimap tiles index`"
    )]
    Format {
        /// The file's format.
        found: u32,
        /// The format this build reads.
        expected: u32,
    },
    /// Shorter or longer than its header says.
    #[error("truncated or padded: the header promises {expected} bytes, the file has {found}")]
    Length {
        /// Bytes the header promises.
        expected: u64,
        /// Bytes present.
        found: u64,
    },
    /// The checksum does not match the contents.
    #[error("corrupt: checksum {found:08x} does not match the recorded {expected:08x}")]
    Checksum {
        /// Recorded.
        expected: u32,
        /// Computed.
        found: u32,
    },
    /// Built from another version of the source geography, or with other options.
    #[error("stale: {0}; rebuild it with `equimap ingest` or `equimap tiles index`")]
    Stale(String),
    /// The body does not decode (only possible if the checksum was forged).
    #[error("corrupt: {0}")]
    Corrupt(String),
}

/// The zooms a byte-budget search found for a layer, and the key it was found for (a hash of
/// the layer's properties, the keys it may defer and the budget).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BudgetFit {
    pub key: [u8; 32],
    pub min_zoom: u8,
    pub detail_zoom: u8,
}

/// The decoded geometry of one layer.
pub(crate) struct StoredLayer {
    pub dense_below: u8,
    pub budget: Option<BudgetFit>,
    /// Kind and point range per feature.
    pub kinds: Vec<(Kind, [u32; 2])>,
    /// Each feature's box in world units, where it has geometry.
    pub boxes: Vec<Option<[f64; 4]>>,
    pub points: Vec<[f64; 2]>,
    pub levels: Vec<Stored>,
    /// `None` when the caller did not ask for the full detail.
    pub base: Option<Base>,
}

/// What a layer's geometry is made of, borrowed for writing.
pub(crate) struct LayerGeometry<'a> {
    pub dense_below: u8,
    pub budget: Option<&'a BudgetFit>,
    pub kinds: Vec<(Kind, [u32; 2])>,
    pub boxes: Vec<Option<[f64; 4]>>,
    pub points: &'a [[f64; 2]],
    pub levels: &'a [Stored],
    pub base: &'a Base,
}

// ---------------------------------------------------------------------------------------------
// Writing

fn put_u(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn put_i(out: &mut Vec<u8>, v: i64) {
    put_u(out, ((v << 1) ^ (v >> 63)) as u64);
}

fn put_f(out: &mut Vec<u8>, v: f64) {
    out.extend_from_slice(&v.to_bits().to_le_bytes());
}

fn kind_byte(k: PartKind) -> u8 {
    match k {
        PartKind::Exterior => 0,
        PartKind::Interior => 1,
        PartKind::Line => 2,
    }
}

fn feature_kind_byte(k: Kind) -> u8 {
    match k {
        Kind::Point => 0,
        Kind::Line => 1,
        Kind::Polygon => 2,
    }
}

fn put_options(out: &mut Vec<u8>, o: &IndexOptions) {
    out.extend_from_slice(&o.extent.to_le_bytes());
    out.push(o.max_zoom);
    out.push(u8::from(o.preserve_topology));
    put_f(out, o.tolerance);
    put_f(out, o.snap_tolerance);
    put_u(out, o.dense_features as u64);
    put_f(out, o.dense_tolerance);
}

/// Writes a table's feature count, each feature's part count and the vertex count of all its
/// features' parts (so a reader allocates once).
fn put_ranges<C: Copy, B: Copy>(out: &mut Vec<u8>, t: &PartTable<C, B>) {
    put_u(out, t.features.len() as u64);
    for f in &t.features {
        put_u(out, u64::from(f[1] - f[0]));
    }
    let vertices: usize = (0..t.features.len())
        .flat_map(|f| t.feature_parts(f))
        .map(|(_, pts)| pts.len())
        .sum();
    put_u(out, vertices as u64);
}

/// Writes a grid table: part counts per feature, then each part's kind, length, box and
/// vertices (deltas run on across parts).
fn put_grid(out: &mut Vec<u8>, t: &Stored) {
    put_ranges(out, t);
    let mut prev = [0i64; 2];
    for f in 0..t.features.len() {
        for (part, pts) in t.feature_parts(f) {
            out.push(kind_byte(part.kind));
            put_u(out, pts.len() as u64);
            let first = pts
                .first()
                .map_or([0, 0], |p| [i64::from(p[0]), i64::from(p[1])]);
            for (i, b) in part.bbox.iter().enumerate() {
                put_i(out, i64::from(*b) - first[i % 2]);
            }
            for p in pts {
                let p = [i64::from(p[0]), i64::from(p[1])];
                put_i(out, p[0] - prev[0]);
                put_i(out, p[1] - prev[1]);
                prev = p;
            }
        }
    }
}

/// Writes the full-detail table: the same layout with raw `f64` values.
fn put_base(out: &mut Vec<u8>, t: &Base) {
    put_ranges(out, t);
    for f in 0..t.features.len() {
        for (part, pts) in t.feature_parts(f) {
            out.push(kind_byte(part.kind));
            put_u(out, pts.len() as u64);
            for v in part.bbox {
                put_f(out, v);
            }
            for p in pts {
                put_f(out, p[0]);
                put_f(out, p[1]);
            }
        }
    }
}

/// The whole file for a layer built with `opts` from a source file whose SHA-256 is `source`.
pub(crate) fn encode(g: &LayerGeometry<'_>, opts: &IndexOptions, source: &[u8; 32]) -> Vec<u8> {
    let mut body = Vec::new();
    put_options(&mut body, opts);
    body.push(g.dense_below);
    match g.budget {
        Some(b) => {
            body.push(1);
            body.extend_from_slice(&b.key);
            body.push(b.min_zoom);
            body.push(b.detail_zoom);
        }
        None => body.push(0),
    }
    put_u(&mut body, g.kinds.len() as u64);
    for ((kind, points), b) in g.kinds.iter().zip(&g.boxes) {
        body.push(feature_kind_byte(*kind));
        put_u(&mut body, u64::from(points[1] - points[0]));
        match b {
            Some(b) => {
                body.push(1);
                for v in b {
                    put_f(&mut body, *v);
                }
            }
            None => body.push(0),
        }
    }
    for p in g.points {
        put_f(&mut body, p[0]);
        put_f(&mut body, p[1]);
    }
    put_u(&mut body, g.levels.len() as u64);
    for level in g.levels {
        put_grid(&mut body, level);
    }
    put_base(&mut body, g.base);

    let mut crc = crc32fast::Hasher::new();
    crc.update(source);
    crc.update(&body);
    let mut out = Vec::with_capacity(HEADER_LEN + body.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT.to_le_bytes());
    out.extend_from_slice(&(body.len() as u64).to_le_bytes());
    out.extend_from_slice(&crc.finalize().to_le_bytes());
    out.extend_from_slice(source);
    out.extend_from_slice(&body);
    out
}

// ---------------------------------------------------------------------------------------------
// Checking

/// The header's promises.
pub(crate) struct Header {
    pub body_len: u64,
    pub crc: u32,
    pub source: [u8; 32],
}

/// Reads and checks the fixed header (magic, format) from its first [`HEADER_LEN`] bytes.
pub(crate) fn header(bytes: &[u8]) -> Result<Header, IndexFileError> {
    if bytes.len() < HEADER_LEN {
        if bytes.len() >= 8 && &bytes[..8] != MAGIC {
            return Err(IndexFileError::Magic);
        }
        return Err(IndexFileError::Length {
            expected: HEADER_LEN as u64,
            found: bytes.len() as u64,
        });
    }
    if &bytes[..8] != MAGIC {
        return Err(IndexFileError::Magic);
    }
    let word =
        |at: usize| u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]);
    let format = word(8);
    if format != FORMAT {
        return Err(IndexFileError::Format {
            found: format,
            expected: FORMAT,
        });
    }
    let mut len = [0u8; 8];
    len.copy_from_slice(&bytes[12..20]);
    let mut source = [0u8; 32];
    source.copy_from_slice(&bytes[24..56]);
    Ok(Header {
        body_len: u64::from_le_bytes(len),
        crc: word(20),
        source,
    })
}

/// Checks a file whole without keeping it: header, length, checksum and source hash, reading
/// it in pieces (a server checks every index file at start).
pub(crate) fn verify(
    mut file: impl std::io::Read,
    file_len: u64,
    source: &[u8; 32],
) -> Result<(), std::io::Error> {
    let mut head = [0u8; HEADER_LEN];
    let got = read_up_to(&mut file, &mut head)?;
    let h = header(&head[..got]).map_err(invalid)?;
    check_len(&h, file_len).map_err(invalid)?;
    let mut crc = crc32fast::Hasher::new();
    crc.update(&h.source);
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        crc.update(&buf[..n]);
    }
    check_crc(&h, crc.finalize()).map_err(invalid)?;
    check_source(&h, source).map_err(invalid)
}

fn invalid(e: IndexFileError) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, e)
}

fn read_up_to(file: &mut impl std::io::Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        let n = file.read(&mut buf[got..])?;
        if n == 0 {
            break;
        }
        got += n;
    }
    Ok(got)
}

fn check_len(h: &Header, file_len: u64) -> Result<(), IndexFileError> {
    let expected = HEADER_LEN as u64 + h.body_len;
    if expected == file_len {
        Ok(())
    } else {
        Err(IndexFileError::Length {
            expected,
            found: file_len,
        })
    }
}

fn check_crc(h: &Header, found: u32) -> Result<(), IndexFileError> {
    if found == h.crc {
        Ok(())
    } else {
        Err(IndexFileError::Checksum {
            expected: h.crc,
            found,
        })
    }
}

fn check_source(h: &Header, source: &[u8; 32]) -> Result<(), IndexFileError> {
    if &h.source == source {
        Ok(())
    } else {
        Err(IndexFileError::Stale(format!(
            "built from a boundary file with SHA-256 {}, the atlas has {}",
            hex(&h.source),
            hex(source)
        )))
    }
}

/// Lower-case hex of a hash.
pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

// ---------------------------------------------------------------------------------------------
// Reading

/// A bounds-checked cursor over the body.
struct Cursor<'a> {
    bytes: &'a [u8],
    at: usize,
}

fn short() -> IndexFileError {
    IndexFileError::Corrupt("the body ends early".into())
}

impl Cursor<'_> {
    fn byte(&mut self) -> Result<u8, IndexFileError> {
        let b = *self.bytes.get(self.at).ok_or_else(short)?;
        self.at += 1;
        Ok(b)
    }

    fn u(&mut self) -> Result<u64, IndexFileError> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            v |= u64::from(b & 0x7f) << shift;
            if b < 0x80 {
                return Ok(v);
            }
        }
        Err(IndexFileError::Corrupt("a varint runs past 64 bits".into()))
    }

    /// A count that must fit what is left of the body (each item takes at least `min` bytes),
    /// so a forged count cannot make us allocate without bound.
    fn count(&mut self, min: usize) -> Result<usize, IndexFileError> {
        let n = self.u()?;
        let left = (self.bytes.len() - self.at) as u64;
        if n.saturating_mul(min as u64) > left {
            return Err(IndexFileError::Corrupt(format!(
                "a count of {n} does not fit the {left} bytes left"
            )));
        }
        Ok(n as usize)
    }

    fn i(&mut self) -> Result<i64, IndexFileError> {
        let u = self.u()?;
        Ok((u >> 1) as i64 ^ -((u & 1) as i64))
    }

    fn i32(&mut self, base: i64) -> Result<i32, IndexFileError> {
        let v = base + self.i()?;
        i32::try_from(v).map_err(|_| IndexFileError::Corrupt(format!("{v} is off the grid")))
    }

    fn f(&mut self) -> Result<f64, IndexFileError> {
        let end = self.at + 8;
        let b = self.bytes.get(self.at..end).ok_or_else(short)?;
        self.at = end;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Ok(f64::from_bits(u64::from_le_bytes(a)))
    }

    fn part_kind(&mut self) -> Result<PartKind, IndexFileError> {
        match self.byte()? {
            0 => Ok(PartKind::Exterior),
            1 => Ok(PartKind::Interior),
            2 => Ok(PartKind::Line),
            k => Err(IndexFileError::Corrupt(format!("part kind {k}"))),
        }
    }

    fn feature_kind(&mut self) -> Result<Kind, IndexFileError> {
        match self.byte()? {
            0 => Ok(Kind::Point),
            1 => Ok(Kind::Line),
            2 => Ok(Kind::Polygon),
            k => Err(IndexFileError::Corrupt(format!("feature kind {k}"))),
        }
    }

    fn options(&mut self) -> Result<IndexOptions, IndexFileError> {
        let mut extent = [0u8; 4];
        for b in &mut extent {
            *b = self.byte()?;
        }
        Ok(IndexOptions {
            extent: u32::from_le_bytes(extent),
            max_zoom: self.byte()?,
            preserve_topology: self.byte()? != 0,
            tolerance: self.f()?,
            snap_tolerance: self.f()?,
            dense_features: usize::try_from(self.u()?).unwrap_or(usize::MAX),
            dense_tolerance: self.f()?,
        })
    }

    /// Part counts per feature, as ranges, and the vertex count (each vertex takes at least
    /// `vertex_bytes`).
    fn feature_ranges(
        &mut self,
        features: usize,
        vertex_bytes: usize,
    ) -> Result<(Vec<[u32; 2]>, usize), IndexFileError> {
        let n = self.count(1)?;
        if n != features {
            return Err(IndexFileError::Corrupt(format!(
                "a table of {n} features in a layer of {features}"
            )));
        }
        let mut ranges = Vec::with_capacity(n);
        let mut start = 0u32;
        for _ in 0..n {
            let parts = u32::try_from(self.count(1)?).map_err(|_| short())?;
            let end = start.checked_add(parts).ok_or_else(short)?;
            ranges.push([start, end]);
            start = end;
        }
        let left = self.bytes.len() - self.at;
        if start as usize > left {
            return Err(IndexFileError::Corrupt(format!(
                "{start} parts do not fit the {left} bytes left"
            )));
        }
        Ok((ranges, self.count(vertex_bytes)?))
    }

    fn grid(&mut self, features: usize) -> Result<Stored, IndexFileError> {
        let (ranges, vertices) = self.feature_ranges(features, 2)?;
        let parts_n = ranges.last().map_or(0, |r| r[1] as usize);
        let mut t = PartTable {
            coords: Vec::with_capacity(vertices),
            parts: Vec::with_capacity(parts_n),
            features: ranges,
        };
        let mut prev = [0i64; 2];
        let mut boxes = Vec::with_capacity(parts_n);
        for _ in 0..parts_n {
            let kind = self.part_kind()?;
            let len = self.count(2)?;
            let rel = [self.i()?, self.i()?, self.i()?, self.i()?];
            boxes.push(rel);
            t.parts.push(Part {
                start: t.coords.len() as u32,
                len: len as u32,
                bbox: [0; 4],
                kind,
            });
            for _ in 0..len {
                let x = self.i32(prev[0])?;
                let y = self.i32(prev[1])?;
                prev = [i64::from(x), i64::from(y)];
                t.coords.push([x, y]);
            }
        }
        for (part, rel) in t.parts.iter_mut().zip(boxes) {
            let first = t
                .coords
                .get(part.start as usize)
                .map_or([0, 0], |p| [i64::from(p[0]), i64::from(p[1])]);
            let mut b = [0i32; 4];
            for (i, v) in b.iter_mut().enumerate() {
                let abs = first[i % 2] + rel[i];
                *v = i32::try_from(abs)
                    .map_err(|_| IndexFileError::Corrupt(format!("box {abs} is off the grid")))?;
            }
            part.bbox = b;
        }
        if t.coords.len() != vertices {
            return Err(IndexFileError::Corrupt(format!(
                "{} vertices where the table promises {vertices}",
                t.coords.len()
            )));
        }
        Ok(t)
    }

    fn base(&mut self, features: usize) -> Result<Base, IndexFileError> {
        let (ranges, vertices) = self.feature_ranges(features, 16)?;
        let parts_n = ranges.last().map_or(0, |r| r[1] as usize);
        let mut t = PartTable {
            coords: Vec::with_capacity(vertices),
            parts: Vec::with_capacity(parts_n),
            features: ranges,
        };
        for _ in 0..parts_n {
            let kind = self.part_kind()?;
            let len = self.count(16)?;
            let bbox = [self.f()?, self.f()?, self.f()?, self.f()?];
            t.parts.push(Part {
                start: t.coords.len() as u32,
                len: len as u32,
                bbox,
                kind,
            });
            for _ in 0..len {
                t.coords.push([self.f()?, self.f()?]);
            }
        }
        if t.coords.len() != vertices {
            return Err(IndexFileError::Corrupt(format!(
                "{} vertices where the table promises {vertices}",
                t.coords.len()
            )));
        }
        Ok(t)
    }
}

/// Decodes a whole file read into memory: checks header, length, checksum, source hash and
/// options, then the body. The full detail is decoded only `with_base`.
pub(crate) fn decode(
    bytes: &[u8],
    source: &[u8; 32],
    opts: &IndexOptions,
    with_base: bool,
) -> Result<StoredLayer, IndexFileError> {
    let h = header(bytes)?;
    check_len(&h, bytes.len() as u64)?;
    let mut crc = crc32fast::Hasher::new();
    crc.update(&bytes[24..]);
    check_crc(&h, crc.finalize())?;
    check_source(&h, source)?;
    let mut c = Cursor {
        bytes: &bytes[HEADER_LEN..],
        at: 0,
    };
    let built_with = c.options()?;
    if &built_with != opts {
        return Err(IndexFileError::Stale(format!(
            "built with {built_with:?}, this build uses {opts:?}"
        )));
    }
    let dense_below = c.byte()?;
    let budget = match c.byte()? {
        0 => None,
        1 => {
            let mut key = [0u8; 32];
            for b in &mut key {
                *b = c.byte()?;
            }
            Some(BudgetFit {
                key,
                min_zoom: c.byte()?,
                detail_zoom: c.byte()?,
            })
        }
        b => return Err(IndexFileError::Corrupt(format!("budget flag {b}"))),
    };
    let n = c.count(3)?;
    let mut kinds = Vec::with_capacity(n);
    let mut boxes = Vec::with_capacity(n);
    let mut point_at = 0u32;
    for _ in 0..n {
        let kind = c.feature_kind()?;
        let points = u32::try_from(c.count(16)?).map_err(|_| short())?;
        let end = point_at.checked_add(points).ok_or_else(short)?;
        kinds.push((kind, [point_at, end]));
        point_at = end;
        boxes.push(match c.byte()? {
            0 => None,
            1 => Some([c.f()?, c.f()?, c.f()?, c.f()?]),
            b => return Err(IndexFileError::Corrupt(format!("box flag {b}"))),
        });
    }
    let mut points = Vec::with_capacity(point_at as usize);
    for _ in 0..point_at {
        points.push([c.f()?, c.f()?]);
    }
    let levels_n = c.count(1)?;
    if levels_n != usize::from(opts.max_zoom.min(MAX_ZOOM)) + 1 {
        return Err(IndexFileError::Corrupt(format!(
            "{levels_n} zooms for a maximum zoom of {}",
            opts.max_zoom
        )));
    }
    let mut levels = Vec::with_capacity(levels_n);
    for _ in 0..levels_n {
        levels.push(c.grid(n)?);
    }
    let base = if with_base { Some(c.base(n)?) } else { None };
    Ok(StoredLayer {
        dense_below,
        budget,
        kinds,
        boxes,
        points,
        levels,
        base,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_round_trip() {
        let mut out = Vec::new();
        let values = [
            0i64,
            1,
            -1,
            63,
            -64,
            64,
            1 << 30,
            -(1 << 31),
            i64::from(i32::MAX),
        ];
        for v in values {
            put_i(&mut out, v);
        }
        put_u(&mut out, u64::MAX);
        let mut c = Cursor { bytes: &out, at: 0 };
        for v in values {
            assert_eq!(c.i(), Ok(v));
        }
        assert_eq!(c.u(), Ok(u64::MAX));
        assert_eq!(c.byte(), Err(short()));
    }

    #[test]
    fn a_header_alone_is_refused_for_what_it_lacks() {
        assert_eq!(
            header(b"EQTI").err(),
            Some(IndexFileError::Length {
                expected: 56,
                found: 4
            })
        );
        assert_eq!(header(b"NOTANIDXFILE").err(), Some(IndexFileError::Magic));
    }
}
