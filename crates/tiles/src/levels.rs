//! Per-zoom precomputation: simplify every arc once, rebuild rings and
//! lines from the simplified arcs, quantise them to the zoom's integer grid
//! and clean them, so that serving a tile is mostly copying.

use crate::clip::{area2, bbox, clean_ring, dedup_line};
use crate::crossings::Crossings;
use crate::repair::{Repair, repair_polygon};
use crate::simplify::{Scratch, douglas_peucker};
use crate::topology::{ArcRef, Topology};
use crate::weld::weld;

/// What a stored part is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PartKind {
    /// Polygon exterior ring (positive area, clockwise on screen).
    Exterior,
    /// Polygon hole, following its exterior.
    Interior,
    /// One line of a (multi)line.
    Line,
}

/// One ring or line of a feature, a slice of its table's coordinates.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Part<B> {
    pub start: u32,
    pub len: u32,
    /// Bounding box `[min_x, min_y, max_x, max_y]`.
    pub bbox: B,
    pub kind: PartKind,
}

/// Parts of all features; `features[i]` is the range of feature `i`'s parts.
#[derive(Debug, Default)]
pub(crate) struct PartTable<C, B> {
    pub coords: Vec<C>,
    pub parts: Vec<Part<B>>,
    pub features: Vec<[u32; 2]>,
}

impl<C: Copy, B: Copy> PartTable<C, B> {
    /// The parts of feature `f`, each with its coordinates.
    pub(crate) fn feature_parts(&self, f: usize) -> impl Iterator<Item = (&Part<B>, &[C])> {
        let [a, b] = self.features[f];
        self.parts[a as usize..b as usize].iter().map(|p| {
            (
                p,
                &self.coords[p.start as usize..(p.start + p.len) as usize],
            )
        })
    }

    /// Bytes held on the heap.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.coords.capacity() * std::mem::size_of::<C>()
            + self.parts.capacity() * std::mem::size_of::<Part<B>>()
            + self.features.capacity() * std::mem::size_of::<[u32; 2]>()
    }

    fn push_part(&mut self, coords: &[C], bbox: B, kind: PartKind) {
        self.parts.push(Part {
            start: self.coords.len() as u32,
            len: coords.len() as u32,
            bbox,
            kind,
        });
        self.coords.extend_from_slice(coords);
    }
}

/// A zoom level: integer coordinates on the zoom's global grid
/// (`world * 2^z * extent`), as built (and as cut beyond the precomputed zooms,
/// where the grid outgrows `i32`).
pub(crate) type Level = PartTable<[i64; 2], [i64; 4]>;

/// A precomputed zoom level as kept: the same grid in `i32`, half the bytes. The
/// grid is `extent * 2^max_zoom` wide, which [`GRID_LIMIT`] bounds.
pub(crate) type Stored = PartTable<[i32; 2], [i32; 4]>;

/// The widest precomputed grid kept in `i32`: `2^30`, so that a unit box or a
/// rounded vertex just past the edge still fits. The default `4096 * 2^16` is `2^28`.
pub(crate) const GRID_LIMIT: u64 = 1 << 30;

/// A grid point as the tile cutter reads it, whichever width it is stored in.
pub(crate) trait GridPoint: Copy {
    fn xy(self) -> [i64; 2];
}

impl GridPoint for [i64; 2] {
    #[inline]
    fn xy(self) -> [i64; 2] {
        self
    }
}

impl GridPoint for [i32; 2] {
    #[inline]
    fn xy(self) -> [i64; 2] {
        [i64::from(self[0]), i64::from(self[1])]
    }
}

/// A grid bounding box as the tile cutter reads it.
pub(crate) trait GridBox: Copy {
    fn bounds(self) -> [i64; 4];
}

impl GridBox for [i64; 4] {
    #[inline]
    fn bounds(self) -> [i64; 4] {
        self
    }
}

impl GridBox for [i32; 4] {
    #[inline]
    fn bounds(self) -> [i64; 4] {
        self.map(i64::from)
    }
}

/// Narrows a built level to `i32`. Coordinates lie within `0..=GRID_LIMIT` (the
/// options are checked before building), so nothing is clamped in practice.
pub(crate) fn narrow(level: Level) -> Stored {
    let n = |v: i64| i32::try_from(v).unwrap_or(if v < 0 { i32::MIN } else { i32::MAX });
    Stored {
        coords: level.coords.iter().map(|p| [n(p[0]), n(p[1])]).collect(),
        parts: level
            .parts
            .iter()
            .map(|p| Part {
                start: p.start,
                len: p.len,
                bbox: p.bbox.map(n),
                kind: p.kind,
            })
            .collect(),
        features: level.features,
    }
}

/// Unsimplified geometry in world coordinates, for zooms deeper than the
/// precomputed ones.
pub(crate) type Base = PartTable<[f64; 2], [f64; 4]>;

/// How a topology path is used by its feature.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PathRole {
    pub path: u32,
    pub kind: PartKind,
}

/// Features as lists of topology paths.
pub(crate) struct Shapes {
    pub topo: Topology,
    pub roles: Vec<PathRole>,
    /// Range of `roles` per feature.
    pub features: Vec<[u32; 2]>,
}

/// Twice the signed area of a closed ring in world coordinates.
pub(crate) fn area2_f(ring: &[[f64; 2]]) -> f64 {
    let Some(&last) = ring.last() else {
        return 0.0;
    };
    let mut prev = last;
    let mut sum = 0.0;
    for &p in ring {
        sum += prev[0] * p[1] - p[0] * prev[1];
        prev = p;
    }
    sum
}

/// Concatenates the (possibly simplified) arcs of a path into `out`.
/// Consecutive arcs share their joining vertex, which is written once; a
/// ring's closing vertex is dropped.
fn assemble(path: &[ArcRef], arcs: &[Vec<[f64; 2]>], ring: bool, out: &mut Vec<[f64; 2]>) {
    out.clear();
    for (i, r) in path.iter().enumerate() {
        let arc = &arcs[r.arc as usize];
        let skip = usize::from(i > 0);
        if r.reversed {
            out.extend(arc.iter().rev().skip(skip));
        } else {
            out.extend(arc.iter().skip(skip));
        }
    }
    if ring && out.len() > 1 && out.first() == out.last() {
        out.pop();
    }
}

#[inline]
fn quantize(p: [f64; 2], scale: f64) -> [i64; 2] {
    [(p[0] * scale).round() as i64, (p[1] * scale).round() as i64]
}

/// What became of a ring after quantisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RingOutcome {
    Kept,
    /// An exterior ring too small for the grid, replaced by a minimal box so
    /// the area stays visible.
    Replaced,
    Dropped,
}

/// Quantises a ring to the grid and cleans it. A degenerate exterior ring
/// becomes its bounding box, at least one unit wide and high; a degenerate
/// hole is dropped.
pub(crate) fn quantize_ring(
    src: &[[f64; 2]],
    scale: f64,
    exterior: bool,
    out: &mut Vec<[i64; 2]>,
) -> RingOutcome {
    out.clear();
    out.extend(src.iter().map(|&p| quantize(p, scale)));
    let raw = bbox(out);
    clean_ring(out);
    let a = if out.len() >= 3 { area2(out) } else { 0 };
    if !exterior {
        return if a < 0 {
            RingOutcome::Kept
        } else {
            out.clear();
            RingOutcome::Dropped
        };
    }
    if a > 0 {
        return RingOutcome::Kept;
    }
    if a < 0 && raw[2] - raw[0] > 2 && raw[3] - raw[1] > 2 {
        // Simplification twisted a sizeable ring; its larger lobe is the
        // better approximation.
        out.reverse();
        return RingOutcome::Kept;
    }
    let (x0, y0) = (raw[0], raw[1]);
    let (x1, y1) = (raw[2].max(x0 + 1), raw[3].max(y0 + 1));
    out.clear();
    out.extend_from_slice(&[[x0, y0], [x1, y0], [x1, y1], [x0, y1]]);
    RingOutcome::Replaced
}

/// Quantises a line; `false` if less than two distinct points are left.
pub(crate) fn quantize_line(src: &[[f64; 2]], scale: f64, out: &mut Vec<[i64; 2]>) -> bool {
    out.clear();
    out.extend(src.iter().map(|&p| quantize(p, scale)));
    dedup_line(out);
    out.len() >= 2
}

/// Size and area of every ring at full detail, to detect collapses.
struct RingInfo {
    area: f64,
    size: f64,
}

/// Arc coordinates at full detail.
fn full_arcs(topo: &Topology) -> Vec<Vec<[f64; 2]>> {
    topo.arcs
        .iter()
        .map(|ids| ids.iter().map(|&v| topo.vertices[v as usize]).collect())
        .collect()
}

/// The unsimplified geometry of all features.
pub(crate) fn build_base(shapes: &Shapes) -> Base {
    let arcs = full_arcs(&shapes.topo);
    let mut base = Base::default();
    let mut buf = Vec::new();
    for range in &shapes.features {
        let first = base.parts.len() as u32;
        for role in &shapes.roles[range[0] as usize..range[1] as usize] {
            let ring = role.kind != PartKind::Line;
            assemble(
                &shapes.topo.paths[role.path as usize],
                &arcs,
                ring,
                &mut buf,
            );
            let mut b = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
            for p in &buf {
                b = [
                    b[0].min(p[0]),
                    b[1].min(p[1]),
                    b[2].max(p[0]),
                    b[3].max(p[1]),
                ];
            }
            base.push_part(&buf, b, role.kind);
        }
        base.features.push([first, base.parts.len() as u32]);
    }
    base
}

/// Simplification settings shared by all levels.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LevelOptions {
    pub extent: u32,
    pub tolerance: f64,
    /// Zooms below this use `dense_tolerance`.
    pub dense_below: u8,
    pub dense_tolerance: f64,
    pub max_zoom: u8,
    /// Arcs are shared between neighbours: re-simplify arcs that cross and
    /// weld vertices onto neighbouring edges.
    pub topology: bool,
}

/// Builds levels `0..=max_zoom`.
pub(crate) fn build_levels(shapes: &Shapes, opts: LevelOptions) -> Vec<Stored> {
    let arcs = full_arcs(&shapes.topo);
    let mut buf = Vec::new();
    let infos: Vec<Option<RingInfo>> = shapes
        .roles
        .iter()
        .map(|role| {
            if role.kind == PartKind::Line {
                return None;
            }
            assemble(
                &shapes.topo.paths[role.path as usize],
                &arcs,
                true,
                &mut buf,
            );
            let (mut lo, mut hi) = ([f64::MAX; 2], [f64::MIN; 2]);
            for p in &buf {
                lo = [lo[0].min(p[0]), lo[1].min(p[1])];
                hi = [hi[0].max(p[0]), hi[1].max(p[1])];
            }
            Some(RingInfo {
                area: area2_f(&buf),
                size: (hi[0] - lo[0]).max(hi[1] - lo[1]),
            })
        })
        .collect();
    // Each zoom is independent: the machine's cores take them deepest (heaviest) first. A set
    // built on its first request waits for its own levels only, so this is most of that wait.
    let zooms: Vec<u8> = (0..=opts.max_zoom).rev().collect();
    let mut built = crate::parallel::in_parallel(&zooms, |&z| {
        narrow(build_level(shapes, &arcs, &infos, opts, z))
    });
    built.reverse();
    built
}

/// A ring has collapsed if fewer than three vertices are left or it lost
/// most of its area (or flipped) through simplification.
fn collapsed(ring: &[[f64; 2]], full_area: f64) -> bool {
    ring.len() < 3 || area2_f(ring) / full_area < 0.25
}

/// Arcs simplified for one level, each with its own tolerance.
struct Simplified<'a> {
    full: &'a [Vec<[f64; 2]>],
    arcs: Vec<Vec<[f64; 2]>>,
    tol: Vec<f64>,
    base_tol: f64,
    scratch: Scratch,
}

impl Simplified<'_> {
    /// Simplifies arc `a` again with a quarter of its tolerance (none once
    /// it is negligible). Returns `false` if it was already unsimplified.
    fn refine(&mut self, a: usize) -> bool {
        if self.tol[a] <= 0.0 {
            return false;
        }
        self.tol[a] = if self.tol[a] < self.base_tol * 1e-4 {
            0.0
        } else {
            self.tol[a] / 4.0
        };
        self.arcs[a].clear();
        douglas_peucker(
            &self.full[a],
            self.tol[a],
            &mut self.scratch,
            &mut self.arcs[a],
        );
        true
    }
}

fn build_level(
    shapes: &Shapes,
    arcs: &[Vec<[f64; 2]>],
    infos: &[Option<RingInfo>],
    opts: LevelOptions,
    z: u8,
) -> Level {
    let scale = f64::from(1u32 << z) * f64::from(opts.extent);
    let tolerance = if z < opts.dense_below {
        opts.dense_tolerance
    } else {
        opts.tolerance
    };
    let tol = tolerance / scale;
    let mut scratch = Scratch::default();
    let simplified = arcs
        .iter()
        .map(|a| {
            let mut out = Vec::new();
            douglas_peucker(a, tol, &mut scratch, &mut out);
            out
        })
        .collect();
    let mut s = Simplified {
        full: arcs,
        arcs: simplified,
        tol: vec![tol; arcs.len()],
        base_tol: tol,
        scratch,
    };
    let mut buf = Vec::new();
    // Rings a few units across or more must keep their shape: if
    // simplification collapsed one, simplify its arcs again, less. Arcs are
    // shared, so the neighbours get the same finer arcs and stay gap-free.
    // Rings smaller than that become minimal boxes when quantised anyway.
    let min_size = 3.0 / scale;
    for _ in 0..24 {
        let mut changed = false;
        for (role, info) in shapes.roles.iter().zip(infos) {
            let Some(info) = info else { continue };
            if info.size < min_size || info.area == 0.0 {
                continue;
            }
            let path = &shapes.topo.paths[role.path as usize];
            assemble(path, &s.arcs, true, &mut buf);
            if collapsed(&buf, info.area) {
                for r in path {
                    changed |= s.refine(r.arc as usize);
                }
            }
        }
        if !changed {
            break;
        }
    }
    // Then undo simplification where polygon borders now cross.
    let mut ring_arc = vec![false; arcs.len()];
    for role in shapes.roles.iter().filter(|r| r.kind != PartKind::Line) {
        for r in &shapes.topo.paths[role.path as usize] {
            ring_arc[r.arc as usize] = true;
        }
    }
    let mut flagged = Vec::new();
    let mut crossings = Crossings::default();
    for _ in 0..24 {
        if !opts.topology || !crossings.check(&s.arcs, &ring_arc, &mut flagged) {
            break;
        }
        let mut changed = false;
        for (a, &f) in flagged.iter().enumerate() {
            if f && s.refine(a) {
                crossings.changed(a);
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    let simplified = s.arcs;
    let mut level = Level::default();
    reserve_for(&mut level, shapes, &simplified);
    let mut quantizer = Quantizer::default();
    for range in &shapes.features {
        let first = level.parts.len() as u32;
        for role in &shapes.roles[range[0] as usize..range[1] as usize] {
            let path = &shapes.topo.paths[role.path as usize];
            assemble(path, &simplified, role.kind != PartKind::Line, &mut buf);
            quantizer.part(&buf, role.kind, scale, &mut level);
        }
        quantizer.flush(&mut level);
        level.features.push([first, level.parts.len() as u32]);
    }
    if opts.topology {
        weld(&mut level);
    }
    level
}

/// Reserves room in `level` for the parts of `shapes` assembled from `arcs`, with a little to
/// spare for what repairs add: growing these vectors copied them again and again, and every copy
/// touched fresh pages (a tenth of the kernel's page faults building England's layers).
fn reserve_for(level: &mut Level, shapes: &Shapes, arcs: &[Vec<[f64; 2]>]) {
    let vertices: usize = shapes
        .roles
        .iter()
        .map(|role| {
            let path = &shapes.topo.paths[role.path as usize];
            1 + path
                .iter()
                .map(|r| arcs[r.arc as usize].len().saturating_sub(1))
                .sum::<usize>()
        })
        .sum();
    level.coords.reserve(vertices + vertices / 16);
    level
        .parts
        .reserve(shapes.roles.len() + shapes.roles.len() / 16);
    level.features.reserve(shapes.features.len());
}

/// Turns world-coordinate parts into grid parts, polygon by polygon: rings
/// are quantised and cleaned, then each polygon is made valid as a whole.
#[derive(Default)]
pub(crate) struct Quantizer {
    polygon: Vec<Vec<[i64; 2]>>,
    grid: Vec<[i64; 2]>,
    skip_holes: bool,
    repair: Repair,
}

impl Quantizer {
    /// Adds the next part of the current feature.
    pub(crate) fn part(&mut self, pts: &[[f64; 2]], kind: PartKind, scale: f64, level: &mut Level) {
        match kind {
            PartKind::Line => {
                if quantize_line(pts, scale, &mut self.grid) {
                    level.push_part(&self.grid, bbox(&self.grid), PartKind::Line);
                }
            }
            PartKind::Exterior => {
                self.flush(level);
                let outcome = quantize_ring(pts, scale, true, &mut self.grid);
                self.skip_holes = outcome == RingOutcome::Replaced;
                if self.skip_holes {
                    // A minimal box is valid as it is and has no holes.
                    level.push_part(&self.grid, bbox(&self.grid), PartKind::Exterior);
                } else {
                    self.polygon.push(self.grid.clone());
                }
            }
            PartKind::Interior => {
                let keep = !self.skip_holes
                    && !self.polygon.is_empty()
                    && quantize_ring(pts, scale, false, &mut self.grid) == RingOutcome::Kept;
                if keep {
                    self.polygon.push(self.grid.clone());
                }
            }
        }
    }

    /// Finishes the current polygon (call at the end of every feature).
    pub(crate) fn flush(&mut self, level: &mut Level) {
        if self.polygon.is_empty() {
            return;
        }
        repair_polygon(&self.polygon, &mut self.repair, |ring, exterior| {
            let kind = if exterior {
                PartKind::Exterior
            } else {
                PartKind::Interior
            };
            level.push_part(ring, bbox(ring), kind);
        });
        self.polygon.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiny_exterior_becomes_unit_box() {
        let ring = [[0.1, 0.1], [0.2, 0.1], [0.2, 0.2]];
        let mut out = Vec::new();
        assert_eq!(
            quantize_ring(&ring, 1.0, true, &mut out),
            RingOutcome::Replaced
        );
        assert_eq!(out, vec![[0, 0], [1, 0], [1, 1], [0, 1]]);
        assert!(area2(&out) > 0);
        assert_eq!(
            quantize_ring(&ring, 1.0, false, &mut out),
            RingOutcome::Dropped
        );
    }

    #[test]
    fn assemble_joins_arcs() {
        let arcs = vec![
            vec![[0.0, 0.0], [1.0, 0.0]],
            vec![[1.0, 1.0], [1.0, 0.0]],
            vec![[1.0, 1.0], [0.0, 0.0]],
        ];
        let path = [
            ArcRef {
                arc: 0,
                reversed: false,
            },
            ArcRef {
                arc: 1,
                reversed: true,
            },
            ArcRef {
                arc: 2,
                reversed: false,
            },
        ];
        let mut out = Vec::new();
        assemble(&path, &arcs, true, &mut out);
        assert_eq!(out, vec![[0.0, 0.0], [1.0, 0.0], [1.0, 1.0]]);
    }
}
