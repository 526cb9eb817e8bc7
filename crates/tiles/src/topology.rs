//! `TopoJSON`-style topology: snapped vertices, junctions and shared arcs.
//!
//! Each input path (a polygon ring or a line) becomes a list of arcs. An arc
//! that two polygons share (the same vertex sequence, possibly reversed) is
//! stored once, so simplifying it once per zoom keeps both neighbours'
//! borders identical.

/// Maps keyed by grid cells and vertex sequences, with a fast fixed-seed hasher; only looked up.
type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::FixedState>;

/// A reference from a path to one of its arcs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ArcRef {
    /// Index into [`Topology::arcs`].
    pub arc: u32,
    /// Walk the arc backwards.
    pub reversed: bool,
}

/// The result of [`TopologyBuilder::build`].
#[derive(Debug, Default)]
pub(crate) struct Topology {
    /// Snapped vertices, in world coordinates.
    pub vertices: Vec<[f64; 2]>,
    /// Vertex ids of each arc, both endpoints included. An arc that is a
    /// whole ring repeats its first vertex at the end.
    pub arcs: Vec<Vec<u32>>,
    /// Arcs of each path, in path order; for a ring they close it.
    pub paths: Vec<Vec<ArcRef>>,
}

/// Collects paths, merging coincident vertices as they come.
pub(crate) struct TopologyBuilder {
    snap: f64,
    cells: HashMap<(i64, i64), u32>,
    vertices: Vec<[f64; 2]>,
    paths: Vec<(Vec<u32>, bool)>,
}

/// Marks "no neighbour seen yet" in junction detection.
const NONE: u32 = u32::MAX;

impl TopologyBuilder {
    /// `snap` is the merge distance in world units (0: exact matches only).
    pub(crate) fn new(snap: f64) -> Self {
        Self {
            snap,
            cells: HashMap::default(),
            vertices: Vec::new(),
            paths: Vec::new(),
        }
    }

    fn vertex_id(&mut self, p: [f64; 2]) -> u32 {
        let snap = self.snap;
        let cell = if snap > 0.0 {
            ((p[0] / snap).floor() as i64, (p[1] / snap).floor() as i64)
        } else {
            (p[0].to_bits() as i64, p[1].to_bits() as i64)
        };
        if snap > 0.0 {
            // A vertex within `snap` on both axes lies in this cell or one of
            // its eight neighbours.
            for dx in -1..=1 {
                for dy in -1..=1 {
                    if let Some(&id) = self.cells.get(&(cell.0 + dx, cell.1 + dy)) {
                        let q = self.vertices[id as usize];
                        if (q[0] - p[0]).abs() <= snap && (q[1] - p[1]).abs() <= snap {
                            return id;
                        }
                    }
                }
            }
        } else if let Some(&id) = self.cells.get(&cell) {
            return id;
        }
        let id = self.vertices.len() as u32;
        self.vertices.push(p);
        self.cells.insert(cell, id);
        id
    }

    /// Adds a ring (`closed`, without or with its repeated closing point) or
    /// a line. Returns its path index, or `None` if snapping left fewer than
    /// three (ring) or two (line) distinct vertices.
    pub(crate) fn add_path(&mut self, coords: &[[f64; 2]], closed: bool) -> Option<u32> {
        let mut ids: Vec<u32> = Vec::with_capacity(coords.len());
        for &p in coords {
            let id = self.vertex_id(p);
            if ids.last() != Some(&id) {
                ids.push(id);
            }
        }
        if closed {
            while ids.len() > 1 && ids.first() == ids.last() {
                ids.pop();
            }
        }
        if ids.len() < if closed { 3 } else { 2 } {
            return None;
        }
        self.paths.push((ids, closed));
        Some(self.paths.len() as u32 - 1)
    }

    /// Cuts paths into arcs. With `shared`, arcs are cut at junctions and
    /// deduplicated; without, every path is one arc of its own.
    pub(crate) fn build(self, shared: bool) -> Topology {
        let junction = if shared { self.junctions() } else { Vec::new() };
        let mut topo = Topology {
            vertices: self.vertices,
            arcs: Vec::new(),
            paths: Vec::with_capacity(self.paths.len()),
        };
        let mut seen: HashMap<Vec<u32>, u32> = HashMap::default();
        for (ids, closed) in &self.paths {
            let mut refs = Vec::new();
            if !shared {
                let mut arc = ids.clone();
                if *closed {
                    arc.push(ids[0]);
                }
                refs.push(ArcRef {
                    arc: topo.arcs.len() as u32,
                    reversed: false,
                });
                topo.arcs.push(arc);
            } else if *closed {
                match ids.iter().position(|&v| junction[v as usize]) {
                    None => {
                        let arc = canonical_loop(ids);
                        refs.push(intern(&mut topo.arcs, &mut seen, arc.0, arc.1));
                    }
                    Some(first) => {
                        // Rotate so the ring starts (and ends) at a junction.
                        let n = ids.len();
                        let mut piece = vec![ids[first]];
                        for k in 1..=n {
                            let v = ids[(first + k) % n];
                            piece.push(v);
                            if junction[v as usize] {
                                let seq = std::mem::replace(&mut piece, vec![v]);
                                refs.push(intern_open(&mut topo.arcs, &mut seen, seq));
                            }
                        }
                    }
                }
            } else {
                let mut piece = vec![ids[0]];
                for &v in &ids[1..] {
                    piece.push(v);
                    if junction[v as usize] {
                        let seq = std::mem::replace(&mut piece, vec![v]);
                        refs.push(intern_open(&mut topo.arcs, &mut seen, seq));
                    }
                }
            }
            topo.paths.push(refs);
        }
        topo
    }

    /// A vertex is a junction where paths meet with different neighbours:
    /// where three or more rings meet, where a shared border ends, or at a
    /// line's ends.
    fn junctions(&self) -> Vec<bool> {
        let n = self.vertices.len();
        let mut neighbours = vec![(NONE, NONE); n];
        let mut junction = vec![false; n];
        let mut visit = |v: u32, a: u32, b: u32| {
            let pair = if a < b { (a, b) } else { (b, a) };
            let slot = &mut neighbours[v as usize];
            if slot.0 == NONE {
                *slot = pair;
            } else if *slot != pair {
                junction[v as usize] = true;
            }
        };
        for (ids, closed) in &self.paths {
            let len = ids.len();
            if *closed {
                for i in 0..len {
                    visit(ids[i], ids[(i + len - 1) % len], ids[(i + 1) % len]);
                }
            } else {
                for i in 1..len - 1 {
                    visit(ids[i], ids[i - 1], ids[i + 1]);
                }
            }
        }
        for (ids, closed) in &self.paths {
            if !*closed {
                junction[ids[0] as usize] = true;
                junction[ids[ids.len() - 1] as usize] = true;
            }
        }
        junction
    }
}

/// A junction-free ring as one closed arc, rotated to start at its smallest
/// vertex id and walked in the direction that reads smaller, so that the
/// same ring seen from both sides (an enclave and the hole around it) maps
/// to one arc. Returns the arc and whether the ring walks it backwards.
fn canonical_loop(ids: &[u32]) -> (Vec<u32>, bool) {
    let n = ids.len();
    let (start, _) = ids
        .iter()
        .enumerate()
        .min_by_key(|&(_, v)| *v)
        .unwrap_or((0, &0));
    let forward: Vec<u32> = (0..=n).map(|k| ids[(start + k) % n]).collect();
    let backward: Vec<u32> = forward.iter().rev().copied().collect();
    if backward < forward {
        (backward, true)
    } else {
        (forward, false)
    }
}

/// Interns an open arc under the smaller of its two reading directions.
fn intern_open(
    arcs: &mut Vec<Vec<u32>>,
    seen: &mut HashMap<Vec<u32>, u32>,
    seq: Vec<u32>,
) -> ArcRef {
    let rev: Vec<u32> = seq.iter().rev().copied().collect();
    if rev < seq {
        intern(arcs, seen, rev, true)
    } else {
        intern(arcs, seen, seq, false)
    }
}

fn intern(
    arcs: &mut Vec<Vec<u32>>,
    seen: &mut HashMap<Vec<u32>, u32>,
    canonical: Vec<u32>,
    reversed: bool,
) -> ArcRef {
    let next = arcs.len() as u32;
    let arc = *seen.entry(canonical.clone()).or_insert_with(|| {
        arcs.push(canonical);
        next
    });
    ArcRef { arc, reversed }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two unit squares sharing the edge x = 1.
    fn two_squares(builder: &mut TopologyBuilder) -> (u32, u32) {
        let a = [[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]];
        let b = [[1.0, 0.0], [2.0, 0.0], [2.0, 1.0], [1.0, 1.0 + 1e-13]];
        (
            builder.add_path(&a, true).expect("ring a"),
            builder.add_path(&b, true).expect("ring b"),
        )
    }

    #[test]
    fn shared_edge_is_one_arc() {
        let mut builder = TopologyBuilder::new(1e-9);
        let (a, b) = two_squares(&mut builder);
        let topo = builder.build(true);
        assert_eq!(topo.vertices.len(), 6, "near-coincident vertex snapped");
        let arcs_a: Vec<_> = topo.paths[a as usize].iter().map(|r| r.arc).collect();
        let arcs_b: Vec<_> = topo.paths[b as usize].iter().map(|r| r.arc).collect();
        let shared: Vec<_> = arcs_a.iter().filter(|x| arcs_b.contains(x)).collect();
        assert_eq!(shared.len(), 1);
        let arc = &topo.arcs[*shared[0] as usize];
        assert_eq!(arc.len(), 2);
        // Walked in opposite directions by the two rings.
        let dir_a = topo.paths[a as usize]
            .iter()
            .find(|r| r.arc == *shared[0])
            .map(|r| r.reversed);
        let dir_b = topo.paths[b as usize]
            .iter()
            .find(|r| r.arc == *shared[0])
            .map(|r| r.reversed);
        assert_ne!(dir_a, dir_b);
        assert_eq!(topo.arcs.len(), 3);
    }

    #[test]
    fn enclave_ring_is_shared_loop() {
        let mut builder = TopologyBuilder::new(0.0);
        let outer = [[0.0, 0.0], [4.0, 0.0], [4.0, 4.0], [0.0, 4.0]];
        let hole = [[1.0, 1.0], [1.0, 2.0], [2.0, 2.0], [2.0, 1.0]];
        let island = [[2.0, 2.0], [1.0, 2.0], [1.0, 1.0], [2.0, 1.0], [2.0, 2.0]];
        builder.add_path(&outer, true);
        let h = builder.add_path(&hole, true).expect("hole");
        let i = builder.add_path(&island, true).expect("island");
        let topo = builder.build(true);
        let (rh, ri) = (topo.paths[h as usize][0], topo.paths[i as usize][0]);
        assert_eq!(rh.arc, ri.arc);
        assert_ne!(rh.reversed, ri.reversed);
        assert_eq!(topo.arcs.len(), 2);
    }

    #[test]
    fn unshared_mode_keeps_paths_apart() {
        let mut builder = TopologyBuilder::new(1e-9);
        two_squares(&mut builder);
        let topo = builder.build(false);
        assert_eq!(topo.arcs.len(), 2);
        assert!(topo.arcs.iter().all(|a| a.len() == 5));
    }

    #[test]
    fn degenerate_paths_are_refused() {
        let mut builder = TopologyBuilder::new(1e-9);
        assert!(
            builder
                .add_path(&[[0.0, 0.0], [1.0, 0.0], [0.0, 0.0]], true)
                .is_none()
        );
        assert!(
            builder
                .add_path(&[[0.0, 0.0], [1e-12, 0.0]], false)
                .is_none()
        );
    }
}
