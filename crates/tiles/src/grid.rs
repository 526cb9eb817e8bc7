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

/// Items by grid cell in hashed buckets: a bucket holds the items of every cell that hashes to
/// it, so a cell's lookup gives its items and perhaps some of another cell's (an exact test
/// follows every lookup). Built by counting, in two passes and without sorting: the sort of a
/// [`CellGrid`] was a tenth of building England's layers where no exact cell is needed.
pub(crate) struct BucketGrid<T> {
    /// `starts[b]..starts[b + 1]` is bucket `b`'s range of `items`.
    starts: Vec<u32>,
    items: Vec<T>,
    mask: u64,
}

/// The bucket of cell `c` among `mask + 1` (a power of two).
#[inline]
fn bucket(c: Cell, mask: u64) -> usize {
    let h = (c.0 as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)
        ^ (c.1 as u64).wrapping_mul(0xC2B2_AE3D_27D4_EB4F);
    ((h ^ (h >> 29)) & mask) as usize
}

impl<T: Copy + Default> BucketGrid<T> {
    /// The grid of the entries `each` gives: `each(f)` must call `f(cell, item)` for every
    /// entry, the same entries in the same order each time (it is called twice: to count, then
    /// to place). `expected` is about how many entries there are (it sets the bucket count).
    /// Items keep that order within their bucket.
    pub(crate) fn build(expected: usize, mut each: impl FnMut(&mut dyn FnMut(Cell, T))) -> Self {
        let buckets = expected.max(1).next_power_of_two();
        let mask = buckets as u64 - 1;
        let mut starts = vec![0u32; buckets + 1];
        each(&mut |c, _| starts[bucket(c, mask) + 1] += 1);
        for b in 0..buckets {
            starts[b + 1] += starts[b];
        }
        let mut next = starts[..buckets].to_vec();
        let mut items = vec![T::default(); starts[buckets] as usize];
        each(&mut |c, t| {
            let b = bucket(c, mask);
            items[next[b] as usize] = t;
            next[b] += 1;
        });
        Self {
            starts,
            items,
            mask,
        }
    }

    /// The items of the bucket cell `c` falls in: all of the cell's, in order, and perhaps
    /// others.
    pub(crate) fn bucket_of(&self, c: Cell) -> &[T] {
        let b = bucket(c, self.mask);
        &self.items[self.starts[b] as usize..self.starts[b + 1] as usize]
    }

    /// Every non-empty bucket's items.
    pub(crate) fn buckets(&self) -> impl Iterator<Item = &[T]> + '_ {
        self.starts
            .windows(2)
            .filter(|w| w[1] > w[0])
            .map(|w| &self.items[w[0] as usize..w[1] as usize])
    }
}

#[cfg(test)]
mod tests {
    use super::{BucketGrid, CellGrid};

    #[test]
    fn buckets_hold_every_cells_items_in_order() {
        let entries = [
            ((1, 2), 7u32),
            ((0, 0), 3),
            ((1, 2), 1),
            ((-1, 5), 9),
            ((1, 2), 4),
        ];
        for expected in [1, 4, 64] {
            let g = BucketGrid::build(expected, |f| {
                for &(c, t) in &entries {
                    f(c, t);
                }
            });
            let in_12: Vec<u32> = g.bucket_of((1, 2)).to_vec();
            assert!(in_12.iter().filter(|&&t| t != 3 && t != 9).eq(&[7, 1, 4]));
            assert!(g.bucket_of((0, 0)).contains(&3));
            assert_eq!(g.buckets().map(<[_]>::len).sum::<usize>(), entries.len());
        }
    }

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
