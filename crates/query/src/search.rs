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

/// An entry of the name index.
/// Strings are boxed (16 bytes, no spare capacity, where a `String` is 24 and its `format!`
/// buffer often larger): England's atlas holds about 230,000 entries.
pub(crate) struct NameEntry {
    pub key: Box<str>,
    /// For areas: the geography and code; for places: the index into `places`.
    pub geography: Option<Geography>,
    pub code: Option<Box<str>>,
    pub place: Option<u32>,
    /// For practices and PCNs: whether a PCN, and the code.
    pub gp: Option<(bool, Box<str>)>,
    pub label: Box<str>,
    pub priority: u8,
}

/// The search index: postcodes sorted by key for prefix ranges, names scanned.
pub(crate) struct SearchIndex {
    pub postcodes: Vec<(String, usize)>,
    /// Postcode districts and sectors of the gazetteer by postcode key (`LS6`, `LS61`).
    pub postcode_places: std::collections::HashMap<String, usize>,
    pub names: Vec<NameEntry>,
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
            for a in &set.areas {
                for (key, label) in [
                    Some((fold(&a.name), a.name.clone())),
                    a.alt_name
                        .as_ref()
                        .map(|n| (fold(n), format!("{n} ({})", a.name))),
                    Some((fold(&a.code), format!("{} {}", a.code, a.name))),
                ]
                .into_iter()
                .flatten()
                {
                    names.push(NameEntry {
                        key: key.into(),
                        geography: Some(*g),
                        code: Some(a.code.as_str().into()),
                        place: None,
                        gp: None,
                        label: label.into(),
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
                geography: None,
                code: None,
                place: Some(i as u32),
                gp: None,
                label: p.name.as_str().into(),
                priority,
            });
        }
        for (is_pcn, code, name) in gp {
            for key in [fold(name), fold(code)] {
                names.push(NameEntry {
                    key: key.into(),
                    geography: None,
                    code: None,
                    place: None,
                    gp: Some((*is_pcn, code.as_str().into())),
                    label: format!("{name} ({code})").into(),
                    priority: if *is_pcn { 1 } else { 2 },
                });
            }
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
        }
    }

    /// Postcode indices whose key starts with `prefix`, in order.
    pub fn postcode_prefix(&self, prefix: &str) -> &[(String, usize)] {
        let start = self.postcodes.partition_point(|(k, _)| k.as_str() < prefix);
        let end = start + self.postcodes[start..].partition_point(|(k, _)| k.starts_with(prefix));
        &self.postcodes[start..end]
    }

    /// Name matches with a score: exact 100, prefix 80, word prefix 60, in-word 40.
    pub fn names(&self, q: &str) -> Vec<(u32, &NameEntry)> {
        let mut out: Vec<(u32, &NameEntry)> = self
            .names
            .iter()
            .filter_map(|e| {
                // Every kind of match contains the query; this test is cheap and rules out
                // nearly every entry before the finer scoring.
                if !e.key.contains(q) {
                    return None;
                }
                let base = if &*e.key == q {
                    100
                } else if e.key.starts_with(q) {
                    80
                } else if e
                    .key
                    .split([' ', '-', '&', ',', '('])
                    .any(|w| w.starts_with(q))
                {
                    60
                } else if e.key.contains(q) {
                    40
                } else {
                    return None;
                };
                Some((base * 10 - u32::from(e.priority), e))
            })
            .collect();
        out.sort_by(|a, b| {
            b.0.cmp(&a.0)
                .then(a.1.key.len().cmp(&b.1.key.len()))
                .then(a.1.label.cmp(&b.1.label))
        });
        out
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
