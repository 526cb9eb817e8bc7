//! Uniform grids of items: one sorted vector walked cell by cell (building it allocates once: a
//! hash map of vectors allocated and freed one vector per cell, which was a fifth of building
//! England's LSOA layer), or hashed buckets built by counting for lookups.

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

/// The bits of `v`'s low half spread to the even bits.
#[inline]
fn spread(v: u64) -> u64 {
    let mut x = v & 0xFFFF_FFFF;
    x = (x | (x << 16)) & 0x0000_FFFF_0000_FFFF;
    x = (x | (x << 8)) & 0x00FF_00FF_00FF_00FF;
    x = (x | (x << 4)) & 0x0F0F_0F0F_0F0F_0F0F;
    x = (x | (x << 2)) & 0x3333_3333_3333_3333;
    (x | (x << 1)) & 0x5555_5555_5555_5555
}

/// The bucket of cell `c` among `mask + 1` (a power of two): the grid wraps around a square of
/// buckets in Z order, so that nearby cells have nearby buckets (a ring's edges and an arc's
/// segments then read and write memory close to the last, where a hash sent each cell anywhere).
/// Cells a whole square apart share a bucket.
#[inline]
fn bucket(c: Cell, mask: u64) -> usize {
    ((spread(c.0 as u64) | (spread(c.1 as u64) << 1)) & mask) as usize
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

    /// How many items there are.
    pub(crate) fn len(&self) -> usize {
        self.items.len()
    }

    /// Every non-empty bucket's items.
    pub(crate) fn buckets(&self) -> impl Iterator<Item = &[T]> + '_ {
        self.starts
            .windows(2)
            .filter(|w| w[1] > w[0])
            .map(|w| &self.items[w[0] as usize..w[1] as usize])
    }
}

impl<T: Copy + Default + Ord> BucketGrid<T> {
    /// Sorts each bucket and keeps one of each item in it, so that an item added more than
    /// once (under one cell) is found once.
    pub(crate) fn dedup(&mut self) {
        let mut kept = 0;
        for b in 0..self.starts.len() - 1 {
            let (start, end) = (self.starts[b] as usize, self.starts[b + 1] as usize);
            self.items[start..end].sort_unstable();
            self.starts[b] = kept as u32;
            let first = kept;
            for i in start..end {
                let t = self.items[i];
                if kept == first || self.items[kept - 1] != t {
                    self.items[kept] = t;
                    kept += 1;
                }
            }
        }
        if let Some(last) = self.starts.last_mut() {
            *last = kept as u32;
        }
        self.items.truncate(kept);
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
    fn dedup_keeps_one_of_each_item_per_bucket() {
        let entries = [
            ((1, 2), 7u32),
            ((0, 0), 3),
            ((1, 2), 1),
            ((0, 0), 3),
            ((1, 2), 7),
            ((-1, 5), 9),
        ];
        for expected in [1, 4, 64] {
            let mut g = BucketGrid::build(expected, |f| {
                for &(c, t) in &entries {
                    f(c, t);
                }
            });
            g.dedup();
            assert_eq!(g.len(), 4);
            for (c, t) in entries {
                assert_eq!(g.bucket_of(c).iter().filter(|&&u| u == t).count(), 1);
                assert!(g.bucket_of(c).is_sorted());
            }
            assert_eq!(g.buckets().map(<[_]>::len).sum::<usize>(), 4);
        }
    }

    #[test]
    fn cells_hold_their_items_in_order() {
        let g = CellGrid::new(vec![((1, 2), 7u32), ((0, 0), 3), ((1, 2), 1), ((-1, 5), 9)]);
        let items: Vec<((i64, i64), u32)> = g.entries().copied().collect();
        assert_eq!(items, [((-1, 5), 9), ((0, 0), 3), ((1, 2), 1), ((1, 2), 7)]);
        let sizes: Vec<usize> = g.cells().map(<[_]>::len).collect();
        assert_eq!(sizes, [1, 1, 2]);
    }
}
