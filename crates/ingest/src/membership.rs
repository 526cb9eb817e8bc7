//! Which areas belong to the requested district, and their parents, from the ONS lookups.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use equimap_atlas::Geography;

use crate::error::{IngestError, Result};
use crate::read::{SourceLog, code_map};
use crate::sources;

/// Leeds, the district whose published ward lookup and boundaries the committed atlas uses.
pub const LEEDS: &str = "E08000035";

/// The district selection: one district code, or every English district.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    /// One district, by its ONS code (E06, E07, E08 or E09).
    District(String),
    /// Every district in England.
    England,
}

impl Selection {
    /// Parse `--lad`: an English district code or `all`.
    pub fn parse(s: &str) -> Result<Self> {
        let s = s.trim();
        if s.eq_ignore_ascii_case("all") {
            return Ok(Self::England);
        }
        let ok = s.len() == 9
            && ["E06", "E07", "E08", "E09"]
                .iter()
                .any(|p| s.starts_with(p))
            && s[3..].bytes().all(|b| b.is_ascii_digit());
        if ok {
            Ok(Self::District(s.to_owned()))
        } else {
            Err(IngestError::Usage(format!(
                "--lad {s:?} is not an English district code (E06/E07/E08/E09 followed by 6 digits, e.g. E08000035 for Leeds) or `all`"
            )))
        }
    }

    /// Does a district code belong to the selection?
    pub fn contains(&self, lad: &str) -> bool {
        match self {
            Self::District(c) => c == lad,
            Self::England => lad.starts_with('E'),
        }
    }

    /// The code used in file names and the manifest.
    pub fn code(&self) -> &str {
        match self {
            Self::District(c) => c,
            Self::England => "all",
        }
    }
}

/// The areas of the selection and how they nest.
#[derive(Debug, Default)]
pub struct Membership {
    /// The district's name (or "England").
    pub name: String,
    /// District codes in the selection (one, or all English districts).
    pub districts: BTreeMap<String, String>,
    /// Every selected area's parent codes, by geography.
    pub parents: BTreeMap<Geography, BTreeMap<String, BTreeMap<Geography, String>>>,
    /// LSOA11 → LSOA21 pairs (both in the selection), from the ONS best-fit lookup.
    pub lsoa11_to_21: Vec<(String, String)>,
    /// LSOA11s whose 2019 ward no longer exists and has no listed code change: (LSOA11,
    /// 2019 ward, current ward used, from the 2021 successor).
    pub ward_fallbacks: Vec<(String, String, String)>,
}

impl Membership {
    /// The codes of a geography.
    pub fn codes(&self, g: Geography) -> BTreeSet<&str> {
        self.parents
            .get(&g)
            .map(|m| m.keys().map(String::as_str).collect())
            .unwrap_or_default()
    }

    /// Build the membership from the lookups.
    // Not yet split into named steps (issue #13 left it; the lint is on for new code).
    #[allow(clippy::too_many_lines)]
    pub fn build(log: &mut SourceLog, sel: &Selection) -> Result<Self> {
        let mut m = Membership::default();
        let ward_lookup = log.csv(sources::LSOA21_WARD, "LSOA21 to ward and district")?;
        let (c_l, c_w, c_d, c_dn) = (
            ward_lookup.col("lsoa21_code")?,
            ward_lookup.col("ward24_code")?,
            ward_lookup.col("ltla24_code")?,
            ward_lookup.col("ltla24_name")?,
        );
        let census = log.csv(sources::CENSUS_LSOA21, "LSOA21 to MSOA21")?;
        let msoa_of = code_map(&census, "lsoa21_code", "msoa21_code")?;
        let mut lsoa21 = BTreeMap::new();
        for row in ward_lookup.rows() {
            let lad = row.req(c_d)?;
            if !sel.contains(lad) {
                continue;
            }
            m.districts
                .insert(lad.to_owned(), row.req(c_dn)?.to_owned());
            let code = row.req(c_l)?;
            let msoa = msoa_of.get(code).ok_or_else(|| {
                IngestError::Check(format!(
                    "{}: LSOA21 {code} has no MSOA21 in {}",
                    sources::LSOA21_WARD,
                    sources::CENSUS_LSOA21
                ))
            })?;
            let parents = BTreeMap::from([
                (Geography::Msoa21, msoa.clone()),
                (Geography::Ward, row.req(c_w)?.to_owned()),
                (Geography::District, lad.to_owned()),
            ]);
            if lsoa21.insert(code.to_owned(), parents).is_some() {
                return Err(row.bad(c_l, format!("LSOA21 {code} appears twice")));
            }
        }
        if lsoa21.is_empty() {
            return Err(IngestError::Usage(format!(
                "no LSOA21 in {} belongs to district {}; check the --lad code",
                sources::LSOA21_WARD,
                sel.code()
            )));
        }
        m.name = match sel {
            Selection::England => "England".to_owned(),
            Selection::District(c) => m.districts.get(c).cloned().unwrap_or_else(|| c.clone()),
        };
        let wards: BTreeSet<String> = lsoa21
            .values()
            .map(|p| p[&Geography::Ward].clone())
            .collect();

        // LSOA11s: those whose successor LSOA21 is in the selection. Using the 2021 successors
        // rather than the 2019 district lookup keeps districts that were merged since 2019 whole.
        let pairs = log.csv(sources::LSOA11_LSOA21, "LSOA11 to LSOA21")?;
        let (p11, p21) = (pairs.col("lsoa11_code")?, pairs.col("lsoa21_code")?);
        let mut lsoa11_set = BTreeSet::new();
        for row in pairs.rows() {
            let (a, b) = (row.req(p11)?, row.req(p21)?);
            if lsoa21.contains_key(b) {
                lsoa11_set.insert(a.to_owned());
                m.lsoa11_to_21.push((a.to_owned(), b.to_owned()));
            }
        }
        m.lsoa11_to_21.sort();
        m.lsoa11_to_21.dedup();

        let msoa11_lookup = log.csv(sources::LSOA11_MSOA11, "LSOA11 to MSOA11")?;
        let msoa11_of = code_map(&msoa11_lookup, "lsoa11_code", "msoa11_code")?;
        let wd19 = log.csv(sources::LSOA11_WARD, "LSOA11 to ward (2019)")?;
        let wd19_of = code_map(&wd19, "LSOA11CD", "WD19CD")?;
        let crosswalk = if log.exists(sources::WARD_CODES) {
            let cw = log.csv(sources::WARD_CODES, "ward codes 2019 to 2023")?;
            code_map(&cw, "WD19CD", "WD23CD")?
        } else {
            HashMap::new()
        };
        let lad_of_lsoa11: HashMap<&str, String> = m
            .lsoa11_to_21
            .iter()
            .filter_map(|(a, b)| Some((a.as_str(), lsoa21.get(b)?[&Geography::District].clone())))
            .collect();
        // The first (by code) 2021 successor's current ward, for 2019 wards that are gone.
        let mut successor_ward: HashMap<&str, String> = HashMap::new();
        for (a, b21) in &m.lsoa11_to_21 {
            if let Some(p) = lsoa21.get(b21) {
                successor_ward
                    .entry(a.as_str())
                    .or_insert_with(|| p[&Geography::Ward].clone());
            }
        }
        let mut lsoa11 = BTreeMap::new();
        let mut ward_fallbacks = Vec::new();
        for code in &lsoa11_set {
            let msoa = msoa11_of.get(code).ok_or_else(|| {
                IngestError::Check(format!(
                    "{}: LSOA11 {code} has no MSOA11",
                    sources::LSOA11_MSOA11
                ))
            })?;
            let w19 = wd19_of.get(code).ok_or_else(|| {
                IngestError::Check(format!(
                    "{}: LSOA11 {code} has no ward",
                    sources::LSOA11_WARD
                ))
            })?;
            let mut w23 = crosswalk.get(w19).unwrap_or(w19);
            if !wards.contains(w23) {
                // The 2019 ward no longer exists and no code change is listed (the crosswalk
                // covers Leeds only): use the current ward of the LSOA's 2021 successor, and
                // report every such case.
                let Some(succ) = successor_ward.get(code.as_str()) else {
                    return Err(IngestError::Check(format!(
                        "{}: LSOA11 {code} is in 2019 ward {w19}, which maps to {w23}, not one of the selection's current wards, and it has no 2021 successor; add the code change to {}",
                        sources::LSOA11_WARD,
                        sources::WARD_CODES
                    )));
                };
                ward_fallbacks.push((code.clone(), w19.clone(), succ.clone()));
                w23 = succ;
            }
            let lad = lad_of_lsoa11
                .get(code.as_str())
                .cloned()
                .unwrap_or_default();
            lsoa11.insert(
                code.clone(),
                BTreeMap::from([
                    (Geography::Msoa11, msoa.clone()),
                    (Geography::Ward, w23.clone()),
                    (Geography::District, lad),
                ]),
            );
        }
        let lad_of = |child: &BTreeMap<String, BTreeMap<Geography, String>>, g: Geography| {
            let mut out: BTreeMap<String, BTreeMap<Geography, String>> = BTreeMap::new();
            for p in child.values() {
                out.entry(p[&g].clone()).or_insert_with(|| {
                    BTreeMap::from([(Geography::District, p[&Geography::District].clone())])
                });
            }
            out
        };
        m.parents
            .insert(Geography::Msoa21, lad_of(&lsoa21, Geography::Msoa21));
        m.parents
            .insert(Geography::Msoa11, lad_of(&lsoa11, Geography::Msoa11));
        m.parents
            .insert(Geography::Ward, lad_of(&lsoa21, Geography::Ward));
        m.parents.insert(
            Geography::District,
            m.districts
                .keys()
                .map(|c| (c.clone(), BTreeMap::new()))
                .collect(),
        );
        m.ward_fallbacks = ward_fallbacks;
        m.parents.insert(Geography::Lsoa21, lsoa21);
        m.parents.insert(Geography::Lsoa11, lsoa11);
        Ok(m)
    }

    /// Check the published Leeds counts, when the selection is Leeds.
    pub fn check_known_counts(&self, sel: &Selection) -> Result<()> {
        if *sel != Selection::District(LEEDS.to_owned()) {
            return Ok(());
        }
        for (g, want) in [
            (Geography::Lsoa11, 482),
            (Geography::Lsoa21, 488),
            (Geography::Msoa11, 107),
            (Geography::Msoa21, 107),
            (Geography::Ward, 33),
        ] {
            let got = self.codes(g).len();
            if got != want {
                return Err(IngestError::Check(format!(
                    "Leeds should have {want} {g} areas (ONS), the lookups give {got}"
                )));
            }
        }
        Ok(())
    }
}
