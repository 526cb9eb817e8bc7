//! Cutting one tile: candidate selection, clipping and protobuf output.
//! This is the hot path; everything it can avoid was done at build time.

use crate::clip::{ClipBox, clip_line};
use crate::index::{FeatureRec, Kind, LayerIndex, validate_options};
use crate::levels::{GridBox, GridPoint, Level, PartKind, PartTable, Quantizer};
use crate::pbf::{
    CLOSE_PATH, LEN, LINE_TO, MOVE_TO, command, packed_len, varint_len, write_bytes_field,
    write_key, write_packed, write_varint, write_varint_field, zigzag32,
};
use crate::rectclip::PolygonClipper;
use crate::{TileError, TileOptions};

/// Geometry command stream of the features of one tile.
#[derive(Default)]
struct GeomWriter {
    cmds: Vec<u32>,
    cursor: [i64; 2],
}

impl GeomWriter {
    #[inline]
    fn delta(&mut self, p: [i64; 2]) {
        // Tile coordinates stay within the buffered extent (< 2^21), so the
        // deltas fit the i32 the spec asks for.
        self.cmds.push(zigzag32((p[0] - self.cursor[0]) as i32));
        self.cmds.push(zigzag32((p[1] - self.cursor[1]) as i32));
        self.cursor = p;
    }

    /// A line or ring whose points are `pts` shifted by `-offset`.
    fn path<C: GridPoint>(&mut self, pts: &[C], offset: [i64; 2], close: bool) {
        let shift = |p: C| {
            let p = p.xy();
            [p[0] - offset[0], p[1] - offset[1]]
        };
        self.cmds.push(command(MOVE_TO, 1));
        self.delta(shift(pts[0]));
        self.cmds.push(command(LINE_TO, pts.len() as u32 - 1));
        for &p in &pts[1..] {
            self.delta(shift(p));
        }
        if close {
            self.cmds.push(command(CLOSE_PATH, 1));
        }
    }
}

/// Reusable buffers for one tile.
#[derive(Default)]
struct Scratch {
    shifted: Vec<Vec<[i64; 2]>>,
    part: Vec<[i64; 2]>,
    clipper: PolygonClipper,
    quantizer: Quantizer,
    deep: Level,
}

/// Where the tile sits on the zoom's global grid.
#[derive(Clone, Copy)]
struct Frame {
    offset: [i64; 2],
    clip: ClipBox,
    scale: f64,
}

impl Frame {
    /// Whether a global-grid box is outside / inside the buffered tile.
    fn classify(&self, b: [i64; 4]) -> (bool, bool) {
        let (x0, y0) = (b[0] - self.offset[0], b[1] - self.offset[1]);
        let (x1, y1) = (b[2] - self.offset[0], b[3] - self.offset[1]);
        let (lo, hi) = (self.clip.min, self.clip.max);
        let outside = x1 <= lo || y1 <= lo || x0 >= hi || y0 >= hi;
        let inside = x0 >= lo && y0 >= lo && x1 <= hi && y1 <= hi;
        (outside, inside)
    }
}

/// Emits the parts of one feature of `table` (global grid coordinates):
/// lines clipped into pieces, polygons (an exterior and the holes after it)
/// whole when inside the buffered tile, else clipped as one polygon.
fn emit_feature<C: GridPoint, B: GridBox>(
    w: &mut GeomWriter,
    s: &mut Scratch,
    frame: Frame,
    table: &PartTable<C, B>,
    f: usize,
) {
    let [first, last] = table.features[f];
    let parts = &table.parts[first as usize..last as usize];
    let coords = |i: usize| {
        let p = &parts[i];
        &table.coords[p.start as usize..(p.start + p.len) as usize]
    };
    let mut i = 0;
    while i < parts.len() {
        let part = &parts[i];
        let (outside, inside) = frame.classify(part.bbox.bounds());
        if part.kind == PartKind::Line {
            i += 1;
            if outside {
                continue;
            }
            if inside {
                w.path(coords(i - 1), frame.offset, false);
            } else {
                s.shifted.resize_with(s.shifted.len().max(1), Vec::new);
                let line = &mut s.shifted[0];
                line.clear();
                line.extend(coords(i - 1).iter().map(|p| {
                    let p = p.xy();
                    [p[0] - frame.offset[0], p[1] - frame.offset[1]]
                }));
                clip_line(&s.shifted[0], frame.clip, &mut s.part, |piece| {
                    w.path(piece, [0, 0], false);
                });
            }
            continue;
        }
        // An exterior (or an orphan hole, which is skipped) and its holes.
        let end = i
            + 1
            + parts[i + 1..]
                .iter()
                .take_while(|p| p.kind == PartKind::Interior)
                .count();
        if part.kind != PartKind::Exterior || outside {
            i = end;
            continue;
        }
        let group = i..end;
        i = end;
        if inside {
            for k in group {
                w.path(coords(k), frame.offset, true);
            }
            continue;
        }
        let count = group.len();
        s.shifted.resize_with(count.max(s.shifted.len()), Vec::new);
        for (dst, k) in s.shifted.iter_mut().zip(group) {
            dst.clear();
            dst.extend(coords(k).iter().map(|p| {
                let p = p.xy();
                [p[0] - frame.offset[0], p[1] - frame.offset[1]]
            }));
        }
        let shifted = &s.shifted[..count];
        s.clipper
            .clip(shifted.iter().map(Vec::as_slice), frame.clip, |ring, _| {
                w.path(ring, [0, 0], true);
            });
    }
}

impl LayerIndex {
    /// The uncompressed MVT bytes of this layer in tile `z/x/y`, or an empty
    /// vector if no feature reaches into the buffered tile.
    pub fn tile(&self, z: u8, x: u32, y: u32, opts: &TileOptions) -> Result<Vec<u8>, TileError> {
        let mut out = Vec::new();
        self.tile_into(z, x, y, opts, &mut out)?;
        Ok(out)
    }

    /// Appends this layer's `Tile.layers` entry for `z/x/y` to `out`, which
    /// may already hold other layers. Returns whether anything was appended.
    pub fn tile_into(
        &self,
        z: u8,
        x: u32,
        y: u32,
        opts: &TileOptions,
        out: &mut Vec<u8>,
    ) -> Result<bool, TileError> {
        check_tile(z, x, y)?;
        validate_options(self.extent(), Some(opts))?;
        let extent = i64::from(self.extent());
        let buffer = i64::from(opts.buffer);
        let frame = Frame {
            offset: [i64::from(x) * extent, i64::from(y) * extent],
            clip: ClipBox {
                min: -buffer,
                max: extent + buffer,
            },
            scale: f64::from(1u32 << z) * extent as f64,
        };
        // Two extra units: a ring too small for the grid is drawn as a unit
        // box that can poke out of its feature's bounding box.
        let m = buffer + 2;
        let world = [
            (frame.offset[0] - m) as f64 / frame.scale,
            (frame.offset[1] - m) as f64 / frame.scale,
            (frame.offset[0] + extent + m) as f64 / frame.scale,
            (frame.offset[1] + extent + m) as f64 / frame.scale,
        ];
        if z > self.max_zoom() && !self.has_base {
            return Err(TileError::InvalidOptions(format!(
                "zoom {z} is beyond the precomputed zooms (to {}) and this layer was loaded without its full-detail geometry",
                self.max_zoom()
            )));
        }
        let mut candidates = Vec::new();
        self.candidates(world, &mut candidates);
        if candidates.is_empty() {
            return Ok(false);
        }

        let mut w = GeomWriter::default();
        let mut s = Scratch::default();
        let mut emitted: Vec<(u32, [u32; 2])> = Vec::with_capacity(candidates.len());
        for &f in &candidates {
            let rec = &self.features[f as usize];
            let start = w.cmds.len() as u32;
            w.cursor = [0, 0];
            match rec.kind {
                Kind::Point => self.points_geometry(rec, frame, &mut w),
                _ if z <= self.max_zoom() => {
                    emit_feature(
                        &mut w,
                        &mut s,
                        frame,
                        &self.levels[usize::from(z)],
                        f as usize,
                    );
                }
                _ => {
                    // Beyond the precomputed zooms: quantise the full-detail
                    // geometry on the fly, exactly as a level would.
                    let mut deep = std::mem::take(&mut s.deep);
                    deep.coords.clear();
                    deep.parts.clear();
                    deep.features.clear();
                    for (part, pts) in self.base.feature_parts(f as usize) {
                        s.quantizer.part(pts, part.kind, frame.scale, &mut deep);
                    }
                    s.quantizer.flush(&mut deep);
                    deep.features.push([0, deep.parts.len() as u32]);
                    emit_feature(&mut w, &mut s, frame, &deep, 0);
                    s.deep = deep;
                }
            }
            if w.cmds.len() as u32 > start {
                emitted.push((f, [start, w.cmds.len() as u32]));
            }
        }
        if emitted.is_empty() {
            return Ok(false);
        }
        self.write_layer(z, &emitted, &w.cmds, out);
        Ok(true)
    }

    fn points_geometry(&self, rec: &FeatureRec, frame: Frame, w: &mut GeomWriter) {
        let header = w.cmds.len();
        w.cmds.push(0);
        let mut count = 0;
        for p in &self.points[rec.points[0] as usize..rec.points[1] as usize] {
            let q = [
                (p[0] * frame.scale).round() as i64 - frame.offset[0],
                (p[1] * frame.scale).round() as i64 - frame.offset[1],
            ];
            let (lo, hi) = (frame.clip.min, frame.clip.max);
            if (lo..=hi).contains(&q[0]) && (lo..=hi).contains(&q[1]) {
                w.delta(q);
                count += 1;
            }
        }
        if count == 0 {
            w.cmds.truncate(header);
        } else {
            w.cmds[header] = command(MOVE_TO, count);
        }
    }

    /// Writes the `Tile.layers` entry: features with tags renumbered into
    /// key and value tables holding only what this tile uses. Properties whose
    /// minimum zoom is above `z` are left out.
    fn write_layer(&self, z: u8, emitted: &[(u32, [u32; 2])], cmds: &[u32], out: &mut Vec<u8>) {
        let shown = |t: &&[u32; 2]| self.key_min_zoom[t[0] as usize] <= z;
        let mut used_keys = Vec::new();
        let mut used_values = Vec::new();
        for &(f, _) in emitted {
            let rec = &self.features[f as usize];
            for t in self.tags[rec.tags[0] as usize..rec.tags[1] as usize]
                .iter()
                .filter(shown)
            {
                used_keys.push(t[0]);
                used_values.push(t[1]);
            }
        }
        used_keys.sort_unstable();
        used_keys.dedup();
        used_values.sort_unstable();
        used_values.dedup();
        let local = |table: &[u32], id: u32| table.binary_search(&id).unwrap_or_default() as u32;

        let mut body = Vec::with_capacity(64 + cmds.len() * 2 + emitted.len() * 16);
        write_varint_field(&mut body, 15, 2);
        write_bytes_field(&mut body, 1, self.name().as_bytes());
        let mut tag_buf = Vec::new();
        for &(f, [g0, g1]) in emitted {
            let rec = &self.features[f as usize];
            tag_buf.clear();
            for t in self.tags[rec.tags[0] as usize..rec.tags[1] as usize]
                .iter()
                .filter(shown)
            {
                tag_buf.push(local(&used_keys, t[0]));
                tag_buf.push(local(&used_values, t[1]));
            }
            let geom = &cmds[g0 as usize..g1 as usize];
            let (glen, tlen) = (packed_len(geom), packed_len(&tag_buf));
            let mut flen = 1 + varint_len(rec.id) + 2 + 1 + varint_len(glen as u64) + glen;
            if !tag_buf.is_empty() {
                flen += 1 + varint_len(tlen as u64) + tlen;
            }
            write_key(&mut body, 2, LEN);
            write_varint(&mut body, flen as u64);
            write_varint_field(&mut body, 1, rec.id);
            if !tag_buf.is_empty() {
                write_packed(&mut body, 2, &tag_buf, tlen);
            }
            write_varint_field(&mut body, 3, u64::from(rec.kind.mvt_type()));
            write_packed(&mut body, 4, geom, glen);
        }
        for &k in &used_keys {
            write_bytes_field(&mut body, 3, self.keys[k as usize].as_bytes());
        }
        for &v in &used_values {
            write_bytes_field(&mut body, 4, self.values.get(v));
        }
        write_varint_field(&mut body, 5, u64::from(self.extent()));
        out.reserve(body.len() + 6);
        write_bytes_field(out, 3, &body);
    }
}

fn check_tile(z: u8, x: u32, y: u32) -> Result<(), TileError> {
    crate::projection::check_tile(u32::from(z), x, y).map(|_| ())
}

/// One tile holding several layers, in the order given. Layers with nothing
/// in the tile are left out; an empty vector means an empty tile.
pub fn render_tile(
    layers: &[&LayerIndex],
    z: u8,
    x: u32,
    y: u32,
    opts: &TileOptions,
) -> Result<Vec<u8>, TileError> {
    for (i, layer) in layers.iter().enumerate() {
        if layers[..i].iter().any(|l| l.name() == layer.name()) {
            return Err(TileError::DuplicateLayerName(layer.name().to_owned()));
        }
    }
    let mut out = Vec::new();
    for layer in layers {
        layer.tile_into(z, x, y, opts, &mut out)?;
    }
    Ok(out)
}

/// Joins single-layer tiles into one tile. A tile is a sequence of
/// `layers` fields, so concatenating the bytes is enough; the caller must
/// make sure the layer names differ.
pub fn concat_tiles<T: AsRef<[u8]>>(tiles: &[T]) -> Vec<u8> {
    let mut out = Vec::with_capacity(tiles.iter().map(|t| t.as_ref().len()).sum());
    for t in tiles {
        out.extend_from_slice(t.as_ref());
    }
    out
}
