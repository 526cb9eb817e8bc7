//! Search over postcodes, places and areas: case- and accent-insensitive, prefix and in-word
//! matches, tolerant of a missing or extra space in postcodes.

use equimap_atlas::{Atlas, Geography};
use serde::Serialize;
use unicode_normalization::UnicodeNormalization;

use crate::reference::{Place, Postcode};

/// Lowercase, strip accents and collapse whitespace.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s
        .nfkd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
    {
        if c.is_whitespace() {
            space = !out.is_empty();
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        out.extend(c.to_lowercase());
    }
    out
}

/// A postcode without spaces, upper case: `ls6 1an` → `LS61AN`.
pub fn postcode_key(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_uppercase)
        .collect()
}

/// What a search result is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HitKind {
    /// A live postcode.
    Postcode,
    /// A named place.
    Place,
    /// An area of one of the atlas's geographies.
    Area,
    /// A GP practice.
    Practice,
    /// A Primary Care Network (a list of practices, not an area).
    Pcn,
}

/// An entry of the name index: the folded text searched and what it finds. The label shown is
/// made from the area, place or practice when the entry matches, not held: England's atlas has
/// about 230,000 entries, which held 30 MB with a copy of each code and label.
pub(crate) struct NameEntry {
    pub key: Box<str>,
    pub target: Target,
    pub priority: u8,
}

/// What a name entry finds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Target {
    /// An area: its geography, its index in the geography's areas, and which of its names
    /// the key is.
    Area(Geography, u32, AreaName),
    /// A gazetteer place, by its index in `places`.
    Place(u32),
    /// A practice or PCN, by its index in `SearchIndex::gp`.
    Gp(u32),
}

/// Which of an area's names an entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AreaName {
    /// The ONS name, shown as it is.
    Name,
    /// The friendlier name, shown as `alt (name)`.
    Alt,
    /// The code, shown as `code name`.
    Code,
}

/// A label in pieces, to be joined: made without allocating, compared piece by piece.
pub(crate) type Label<'a> = [&'a str; 4];

/// The search index: postcodes sorted by key for prefix ranges, names scanned.
pub(crate) struct SearchIndex {
    pub postcodes: Vec<(String, usize)>,
    /// Postcode districts and sectors of the gazetteer by postcode key (`LS6`, `LS61`).
    pub postcode_places: std::collections::HashMap<String, usize>,
    pub names: Vec<NameEntry>,
    /// Practices and PCNs: (is PCN, code, label `name (code)`).
    pub gp: Vec<(bool, Box<str>, Box<str>)>,
}

impl SearchIndex {
    /// `gp`: practices and PCNs as (is PCN, code, name).
    pub fn new(
        atlas: &Atlas,
        postcodes: &[Postcode],
        places: &[Place],
        gp: &[(bool, String, String)],
    ) -> Self {
        let mut pcs: Vec<(String, usize)> = postcodes
            .iter()
            .enumerate()
            .map(|(i, p)| (postcode_key(&p.postcode), i))
            .collect();
        pcs.sort();
        let mut names = Vec::new();
        for (g, set) in &atlas.geographies {
            let priority = match g {
                Geography::Ward | Geography::Committee => 1,
                Geography::Msoa21 | Geography::Msoa11 => 3,
                Geography::District => 0,
                Geography::Lsoa21 | Geography::Lsoa11 => 4,
            };
            for (i, a) in set.areas.iter().enumerate() {
                let Ok(i) = u32::try_from(i) else { continue };
                for (key, which) in [
                    Some((fold(&a.name), AreaName::Name)),
                    a.alt_name.as_ref().map(|n| (fold(n), AreaName::Alt)),
                    Some((fold(&a.code), AreaName::Code)),
                ]
                .into_iter()
                .flatten()
                {
                    names.push(NameEntry {
                        key: key.into(),
                        target: Target::Area(*g, i, which),
                        priority,
                    });
                }
            }
        }
        for (i, p) in places.iter().enumerate() {
            let priority = match p.kind.as_str() {
                "populated_place" => 0,
                "ward" | "neighbourhood" => 2,
                "postcode_district" | "postcode_sector" => 1,
                _ => 5,
            };
            names.push(NameEntry {
                key: fold(&p.name).into(),
                target: Target::Place(i as u32),
                priority,
            });
        }
        let mut gps = Vec::with_capacity(gp.len());
        for (i, (is_pcn, code, name)) in gp.iter().enumerate() {
            for key in [fold(name), fold(code)] {
                names.push(NameEntry {
                    key: key.into(),
                    target: Target::Gp(i as u32),
                    priority: if *is_pcn { 1 } else { 2 },
                });
            }
            gps.push((
                *is_pcn,
                code.as_str().into(),
                format!("{name} ({code})").into(),
            ));
        }
        let postcode_places = places
            .iter()
            .enumerate()
            .filter(|(_, p)| p.kind.starts_with("postcode_"))
            .map(|(i, p)| (postcode_key(&p.name), i))
            .collect();
        names.shrink_to_fit();
        Self {
            postcodes: pcs,
            postcode_places,
            names,
            gp: gps,
        }
    }

    /// Postcode indices whose key starts with `prefix`, in order.
    pub fn postcode_prefix(&self, prefix: &str) -> &[(String, usize)] {
        let start = self.postcodes.partition_point(|(k, _)| k.as_str() < prefix);
        let end = start + self.postcodes[start..].partition_point(|(k, _)| k.starts_with(prefix));
        &self.postcodes[start..end]
    }

    /// The label of an entry, in pieces.
    pub fn label<'a>(&'a self, e: &NameEntry, atlas: &'a Atlas, places: &'a [Place]) -> Label<'a> {
        match e.target {
            Target::Area(g, i, which) => {
                let Some(a) = atlas.areas(g).and_then(|s| s.areas.get(i as usize)) else {
                    return [""; 4];
                };
                match (which, &a.alt_name) {
                    (AreaName::Alt, Some(alt)) => [alt, " (", &a.name, ")"],
                    (AreaName::Code, _) => [&a.code, " ", &a.name, ""],
                    (AreaName::Name | AreaName::Alt, _) => [&a.name, "", "", ""],
                }
            }
            Target::Place(i) => [places.get(i as usize).map_or("", |p| &p.name), "", "", ""],
            Target::Gp(i) => [self.gp.get(i as usize).map_or("", |g| &g.2), "", "", ""],
        }
    }

    /// Name matches, best first, with their labels: exact 100, prefix 80, word prefix 60,
    /// in-word 40 (less the entry's priority), then shorter keys, then labels in order, then
    /// the index's order.
    ///
    /// Sorted as they are taken: matches of equal score and key length (the 67,000 LSOA codes
    /// for `e0` in England) are ordered by label a few at a time, as the caller reads them.
    pub fn names<'a>(
        &'a self,
        q: &str,
        atlas: &'a Atlas,
        places: &'a [Place],
    ) -> impl Iterator<Item = (&'a NameEntry, Label<'a>)> + 'a {
        let mut found: Vec<(u32, usize, usize)> = self
            .names
            .iter()
            .enumerate()
            .filter_map(|(i, e)| Some((score(&e.key, q)? * 10 - u32::from(e.priority), i)))
            .map(|(score, i)| (score, self.names[i].key.len(), i))
            .collect();
        found.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
        let mut next = 0;
        // The group of equal score and key length being read, with labels; its first
        // `ordered` entries are in order.
        let mut group: Vec<(Label<'a>, usize)> = Vec::new();
        let mut taken = 0;
        let mut ordered = 0;
        std::iter::from_fn(move || {
            if taken == group.len() {
                let start = next;
                let (s, l, _) = *found.get(start)?;
                next += found[start..].partition_point(|f| f.0 == s && f.1 == l);
                group = found[start..next]
                    .iter()
                    .map(|&(_, _, i)| (self.label(&self.names[i], atlas, places), i))
                    .collect();
                (taken, ordered) = (0, 0);
            }
            if taken == ordered {
                // The next few in order: those that sort first of the rest, then sorted.
                let rest = &mut group[taken..];
                let n = rest.len().min(CHUNK);
                let by = |a: &(Label, usize), b: &(Label, usize)| {
                    cmp_label(&a.0, &b.0).then(a.1.cmp(&b.1))
                };
                if n < rest.len() {
                    rest.select_nth_unstable_by(n, by);
                }
                rest[..n].sort_unstable_by(by);
                ordered += n;
            }
            let (label, i) = group[taken];
            taken += 1;
            Some((&self.names[i], label))
        })
    }
}

/// How many matches of one group are put in order at a time (a search shows at most 50).
const CHUNK: usize = 64;

/// A name's match score: exact 100, prefix 80, word prefix 60, in-word 40; `None` when the
/// key does not contain the query.
fn score(key: &str, q: &str) -> Option<u32> {
    // Every kind of match contains the query; this test is cheap and rules out nearly every
    // entry before the finer scoring.
    if !key.contains(q) {
        return None;
    }
    Some(if key == q {
        100
    } else if key.starts_with(q) {
        80
    } else if key
        .split([' ', '-', '&', ',', '('])
        .any(|w| w.starts_with(q))
    {
        60
    } else {
        40
    })
}

/// Labels in pieces compared as their joined strings compare (byte by byte).
fn cmp_label(a: &Label, b: &Label) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    let mut ai = a.iter().map(|p| p.as_bytes());
    let mut bi = b.iter().map(|p| p.as_bytes());
    let (mut x, mut y): (&[u8], &[u8]) = (&[], &[]);
    loop {
        while x.is_empty() {
            match ai.next() {
                Some(p) => x = p,
                None => break,
            }
        }
        while y.is_empty() {
            match bi.next() {
                Some(p) => y = p,
                None => break,
            }
        }
        match (x.is_empty(), y.is_empty()) {
            (true, true) => return Ordering::Equal,
            (true, false) => return Ordering::Less,
            (false, true) => return Ordering::Greater,
            (false, false) => {}
        }
        let n = x.len().min(y.len());
        match x[..n].cmp(&y[..n]) {
            Ordering::Equal => (x, y) = (&x[n..], &y[n..]),
            other => return other,
        }
    }
}

/// Does the query look like the start of a postcode (letters then a digit)?
pub fn looks_like_postcode(key: &str) -> bool {
    let letters = key.chars().take_while(char::is_ascii_alphabetic).count();
    (1..=2).contains(&letters)
        && key[letters..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit())
        && key.chars().all(|c| c.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    #[test]
    fn labels_in_pieces_compare_as_joined() {
        let labels: [super::Label; 6] = [
            ["E01000001", " ", "City of London 001A", ""],
            ["E01000001 City", "", "", ""],
            ["Leeds", " (", "Leeds 011A", ")"],
            ["Leeds (", "Leeds", " 011A)", ""],
            ["", "", "", ""],
            ["Leeds", "", "", ""],
        ];
        for a in &labels {
            for b in &labels {
                assert_eq!(
                    super::cmp_label(a, b),
                    a.concat().cmp(&b.concat()),
                    "{a:?} {b:?}"
                );
            }
        }
    }
}
