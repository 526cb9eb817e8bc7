//! A uniform grid of items held as one sorted vector: looking up a cell is a binary search, and
//! building it allocates once (a hash map of vectors allocated and freed one vector per cell,
//! which was a fifth of building England's LSOA layer).

/// A grid cell: column and row.
pub(crate) type Cell = (i64, i64);

/// Items by grid cell, sorted by cell then item.
pub(crate) struct CellGrid<T> {
    entries: Vec<(Cell, T)>,
    /// Where each non-empty cell's items are, for a grid looked up cell by cell many times
    /// (two binary searches over a few million entries per lookup were most of welding
    /// England's LSOA levels); `None` where lookups are few.
    lookup: Option<std::collections::HashMap<Cell, [u32; 2], foldhash::fast::FixedState>>,
}

impl<T: Copy + Ord> CellGrid<T> {
    /// The grid of these `(cell, item)` pairs.
    pub(crate) fn new(mut entries: Vec<(Cell, T)>) -> Self {
        entries.sort_unstable();
        Self {
            entries,
            lookup: None,
        }
    }

    /// The grid of these `(cell, item)` pairs, already sorted, with a map from each cell to
    /// its items for many lookups.
    pub(crate) fn sorted_with_lookup(entries: Vec<(Cell, T)>) -> Self {
        debug_assert!(entries.is_sorted());
        let mut lookup = std::collections::HashMap::default();
        let mut start = 0;
        for run in entries.chunk_by(|a, b| a.0 == b.0) {
            let end = start + run.len();
            lookup.insert(run[0].0, [start as u32, end as u32]);
            start = end;
        }
        Self {
            entries,
            lookup: Some(lookup),
        }
    }

    /// The items in one cell, in order.
    pub(crate) fn cell(&self, c: Cell) -> impl Iterator<Item = T> + '_ {
        let [lo, hi] = if let Some(map) = &self.lookup {
            map.get(&c).map_or([0, 0], |r| r.map(|i| i as usize))
        } else {
            let lo = self.entries.partition_point(|e| e.0 < c);
            [lo, lo + self.entries[lo..].partition_point(|e| e.0 == c)]
        };
        self.entries[lo..hi].iter().map(|e| e.1)
    }

    /// Every item with its cell, in order.
    pub(crate) fn entries(&self) -> impl Iterator<Item = &(Cell, T)> + '_ {
        self.entries.iter()
    }

    /// Every non-empty cell's items, cell by cell.
    pub(crate) fn cells(&self) -> impl Iterator<Item = &[(Cell, T)]> + '_ {
        self.entries.chunk_by(|a, b| a.0 == b.0)
    }
}

#[cfg(test)]
mod tests {
    use super::CellGrid;

    #[test]
    fn cells_hold_their_items_in_order() {
        let g = CellGrid::new(vec![((1, 2), 7u32), ((0, 0), 3), ((1, 2), 1), ((-1, 5), 9)]);
        assert_eq!(g.cell((1, 2)).collect::<Vec<_>>(), [1, 7]);
        assert_eq!(g.cell((0, 0)).collect::<Vec<_>>(), [3]);
        assert_eq!(g.cell((4, 4)).count(), 0);
        let sizes: Vec<usize> = g.cells().map(<[_]>::len).collect();
        assert_eq!(sizes, [1, 1, 2]);
        let looked_up = CellGrid::sorted_with_lookup(g.entries().copied().collect());
        for c in [(1, 2), (0, 0), (4, 4), (-1, 5)] {
            assert!(looked_up.cell(c).eq(g.cell(c)));
        }
    }
}
