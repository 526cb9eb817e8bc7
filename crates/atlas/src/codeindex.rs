//! Finding an area's position by its code, without a second copy of every code.
//!
//! Every file of an atlas lists its areas in code order, so the position of a code is found by
//! binary search over the codes already held; a map from code to position (a copy of each code
//! and a hash table: 2.6 MB for England's LSOAs, in each of the boundaries and the indicator
//! table) is made only for codes given in another order.

use std::collections::HashMap;

/// A lookup from code to position.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) enum CodeIndex {
    /// The codes are in strictly increasing order: found by binary search.
    #[default]
    Sorted,
    /// Codes in any other order.
    Map(HashMap<String, usize>),
}

impl CodeIndex {
    /// Index `codes`; `Err` names a code that appears twice.
    pub fn new<'a>(codes: &[&'a str]) -> Result<Self, &'a str> {
        if codes.windows(2).all(|w| w[0] < w[1]) {
            return Ok(Self::Sorted);
        }
        let mut map = HashMap::with_capacity(codes.len());
        for (i, c) in codes.iter().enumerate() {
            if map.insert((*c).to_owned(), i).is_some() {
                return Err(c);
            }
        }
        Ok(Self::Map(map))
    }

    /// The position of `code` among `len` codes, `at(i)` giving the code at position `i`.
    pub fn find<'a>(&self, len: usize, at: impl Fn(usize) -> &'a str, code: &str) -> Option<usize> {
        match self {
            Self::Sorted => {
                let (mut lo, mut hi) = (0, len);
                while lo < hi {
                    let mid = lo + (hi - lo) / 2;
                    match at(mid).cmp(code) {
                        std::cmp::Ordering::Less => lo = mid + 1,
                        std::cmp::Ordering::Greater => hi = mid,
                        std::cmp::Ordering::Equal => return Some(mid),
                    }
                }
                None
            }
            Self::Map(m) => m.get(code).copied(),
        }
    }

    /// Note `code` appended after `before` (the codes held so far, which must not contain
    /// it): sorted order is kept while each code follows the last, else a map is made.
    pub fn push(&mut self, before: &[String], code: &str) {
        if let Self::Sorted = self {
            if before.last().is_none_or(|last| last.as_str() < code) {
                return;
            }
            *self = Self::Map(
                before
                    .iter()
                    .enumerate()
                    .map(|(i, c)| (c.clone(), i))
                    .collect(),
            );
        }
        if let Self::Map(m) = self {
            m.insert(code.to_owned(), before.len());
        }
    }

    /// Bytes held (at capacity; the codes' own bytes for a map).
    pub fn heap_bytes(&self) -> usize {
        match self {
            Self::Sorted => 0,
            Self::Map(m) => {
                m.capacity() * (size_of::<(String, usize)>() + 1)
                    + m.keys().map(String::capacity).sum::<usize>()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorted_codes_are_searched_and_others_mapped() {
        let sorted = ["E01000001", "E01000002", "E01000005"];
        let idx = CodeIndex::new(&sorted).expect("unique");
        assert_eq!(idx, CodeIndex::Sorted);
        for (i, c) in sorted.iter().enumerate() {
            assert_eq!(idx.find(3, |j| sorted[j], c), Some(i));
        }
        assert_eq!(idx.find(3, |j| sorted[j], "E01000003"), None);
        assert_eq!(idx.find(3, |j| sorted[j], "E00"), None);
        assert_eq!(idx.find(3, |j| sorted[j], "E02"), None);
        let shuffled = ["E01000005", "E01000001", "E01000002"];
        let idx = CodeIndex::new(&shuffled).expect("unique");
        assert!(matches!(idx, CodeIndex::Map(_)));
        assert_eq!(idx.find(3, |j| shuffled[j], "E01000001"), Some(1));
        assert_eq!(CodeIndex::new(&["a", "b", "a"]), Err("a"));
        assert_eq!(CodeIndex::new(&["a", "a"]), Err("a"));
    }

    #[test]
    fn pushing_out_of_order_makes_a_map() {
        let mut codes: Vec<String> = Vec::new();
        let mut idx = CodeIndex::default();
        for c in ["b", "c", "a"] {
            idx.push(&codes, c);
            codes.push(c.to_owned());
        }
        assert!(matches!(idx, CodeIndex::Map(_)));
        for (i, c) in codes.iter().enumerate() {
            assert_eq!(idx.find(codes.len(), |j| &codes[j], c), Some(i));
        }
    }
}
