//! A uniform grid of items held as one sorted vector: looking up a cell is a binary search, and
//! building it allocates once (a hash map of vectors allocated and freed one vector per cell,
//! which was a fifth of building England's LSOA layer).

/// A grid cell: column and row.
pub(crate) type Cell = (i64, i64);

/// Items by grid cell, sorted by cell then item.
pub(crate) struct CellGrid<T> {
    entries: Vec<(Cell, T)>,
}

impl<T: Copy + Ord> CellGrid<T> {
    /// The grid of these `(cell, item)` pairs.
    pub(crate) fn new(mut entries: Vec<(Cell, T)>) -> Self {
        entries.sort_unstable();
        Self { entries }
    }

    /// The items in one cell, in order.
    pub(crate) fn cell(&self, c: Cell) -> impl Iterator<Item = T> + '_ {
        let lo = self.entries.partition_point(|e| e.0 < c);
        let hi = lo + self.entries[lo..].partition_point(|e| e.0 == c);
        self.entries[lo..hi].iter().map(|e| e.1)
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
    }
}
