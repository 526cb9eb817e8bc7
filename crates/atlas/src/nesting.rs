//! Which areas lie in which: the inverse of each area's parent codes, held as indices into the
//! geographies' area lists rather than as copies of the codes (England's 220,000 child links
//! took 9 MB as `String`s, under 1 MB so).

use std::collections::BTreeMap;

use crate::{AreaSet, Geography};

/// The children of every area, by (parent geography, child geography).
#[derive(Debug, Clone, Default)]
pub(crate) struct Children {
    /// Children of the parents the atlas holds, by their index.
    nested: BTreeMap<(Geography, Geography), Nesting>,
    /// Children of parent codes whose geography the atlas does not hold (kept as codes, as
    /// before: the lookup answers for them too).
    elsewhere: BTreeMap<(Geography, String), BTreeMap<Geography, Vec<String>>>,
}

/// The children of each area of one geography at another, in compressed rows: the children
/// of parent `p` are `children[starts[p]..starts[p + 1]]`, in the child geography's order.
#[derive(Debug, Clone, Default)]
struct Nesting {
    starts: Box<[u32]>,
    children: Box<[u32]>,
}

impl Children {
    /// Invert every area's parent codes. A parent code that its geography does not hold is
    /// left out (`Atlas::load` refuses such an atlas before this is used).
    pub fn new(geos: &BTreeMap<Geography, AreaSet>) -> Self {
        let mut out = Self::default();
        // (parent geography, child geography) → (parent index, child index), child order.
        let mut links: BTreeMap<(Geography, Geography), Vec<(u32, u32)>> = BTreeMap::new();
        for (g, set) in geos {
            for (ci, area) in set.areas.iter().enumerate() {
                for (pg, pcode) in &area.parents {
                    match geos.get(pg) {
                        Some(parents) => {
                            if let (Some(p), Ok(c)) = (parents.index_of(pcode), u32::try_from(ci))
                                && let Ok(p) = u32::try_from(p)
                            {
                                links.entry((*pg, *g)).or_default().push((p, c));
                            }
                        }
                        None => out
                            .elsewhere
                            .entry((*pg, pcode.clone()))
                            .or_default()
                            .entry(*g)
                            .or_default()
                            .push(area.code.clone()),
                    }
                }
            }
        }
        for (key, pairs) in links {
            let parents = geos.get(&key.0).map_or(0, AreaSet::len);
            out.nested.insert(key, Nesting::new(parents, pairs));
        }
        out
    }

    /// The codes of the areas of `child` whose parent at `g` is `code`.
    pub fn of<'a>(
        &'a self,
        geos: &'a BTreeMap<Geography, AreaSet>,
        g: Geography,
        code: &str,
        child: Geography,
    ) -> ChildCodes<'a> {
        let Some(parents) = geos.get(&g) else {
            return ChildCodes(
                self.elsewhere
                    .get(&(g, code.to_owned()))
                    .and_then(|m| m.get(&child))
                    .map_or_else(Vec::new, |v| v.iter().map(String::as_str).collect()),
            );
        };
        let (Some(kids), Some(nesting), Some(p)) = (
            geos.get(&child),
            self.nested.get(&(g, child)),
            parents.index_of(code),
        ) else {
            return ChildCodes(Vec::new());
        };
        ChildCodes(
            nesting
                .of(p)
                .iter()
                .map(|&c| kids.areas[c as usize].code.as_str())
                .collect(),
        )
    }
}

impl Nesting {
    /// `pairs`: (parent, child) in child order.
    fn new(parents: usize, pairs: Vec<(u32, u32)>) -> Self {
        let mut starts = vec![0u32; parents + 1];
        for (p, _) in &pairs {
            starts[*p as usize + 1] += 1;
        }
        for i in 1..starts.len() {
            starts[i] += starts[i - 1];
        }
        let mut next = starts.clone();
        let mut children = vec![0u32; pairs.len()];
        for (p, c) in pairs {
            let slot = &mut next[p as usize];
            children[*slot as usize] = c;
            *slot += 1;
        }
        Self {
            starts: starts.into(),
            children: children.into(),
        }
    }

    /// The children of parent `p`.
    fn of(&self, p: usize) -> &[u32] {
        match (self.starts.get(p), self.starts.get(p + 1)) {
            (Some(&a), Some(&b)) => &self.children[a as usize..b as usize],
            _ => &[],
        }
    }
}

/// The codes of an area's children, borrowed from the atlas (see [`crate::Atlas::children`]).
///
/// ```
/// # let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../boundaries");
/// # let atlas = equimap_atlas::Atlas::load(&dir)?;
/// use equimap_atlas::Geography;
/// let kids = atlas.children(Geography::Msoa21, "E02002373", Geography::Lsoa21);
/// assert_eq!(kids.len(), 5);
/// assert!(kids.iter().all(|c| c.starts_with("E01")));
/// let owned: Vec<String> = kids.to_vec();
/// assert_eq!(owned[0], kids.iter().next().unwrap_or_default());
/// # Ok::<(), equimap_atlas::AtlasError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChildCodes<'a>(Vec<&'a str>);

impl<'a> ChildCodes<'a> {
    /// The codes, in the child geography's order.
    pub fn iter(&self) -> impl Iterator<Item = &'a str> + '_ {
        self.0.iter().copied()
    }

    /// Number of children.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True when the area has no children at that geography.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The codes as owned strings.
    pub fn to_vec(&self) -> Vec<String> {
        self.0.iter().map(|c| (*c).to_owned()).collect()
    }
}

impl<'a> IntoIterator for ChildCodes<'a> {
    type Item = &'a str;
    type IntoIter = std::vec::IntoIter<&'a str>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<const N: usize> PartialEq<[&str; N]> for ChildCodes<'_> {
    fn eq(&self, other: &[&str; N]) -> bool {
        self.0 == other
    }
}
