//! Leeds community committees: geographies made of whole wards. The wards are dissolved
//! ([`crate::dissolve`]) into each committee's boundary, every ward and LSOA records its
//! committee as a parent, and every indicator held for wards is aggregated to committees from the
//! wards' counts ([`crate::indicators::Builder::aggregate_level`]).

use std::collections::{BTreeMap, BTreeSet};

use equimap_atlas::{Area, AreaSet, CommitteeWardRow, Geography, LayerRecord};

use crate::boundaries::BuiltGeography;
use crate::error::{IngestError, Result};
use crate::membership::Membership;
use crate::read::SourceLog;
use crate::sources;

/// The committees of the selection: each ward's committee, as published.
pub struct Committees {
    /// One row per ward, in the file's order.
    pub rows: Vec<CommitteeWardRow>,
}

/// A committee's code: `cc-` and its name in lower case with dashes ("cc-inner-north-west").
/// The council publishes no codes for its committees; this one is made from the name alone.
///
/// ```text
/// "Inner North West" → "cc-inner-north-west"
/// ```
fn code_of(name: &str) -> String {
    let slug: Vec<String> = name
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    format!("cc-{}", slug.join("-"))
}

impl Committees {
    /// Read the committee file when the sources have it and its wards are in the selection.
    /// `None` for a selection with none of its wards; an error naming the line for a ward that
    /// is not in the selection, a ward listed twice, or an `explicit_text` other than yes/no.
    pub fn read(log: &mut SourceLog, m: &Membership) -> Result<Option<Self>> {
        if !log.exists(sources::COMMITTEES) {
            return Ok(None);
        }
        let wards = m.codes(Geography::Ward);
        let csv = log.csv(sources::COMMITTEES, "community committees (wards of each)")?;
        let (c_name, c_ward, c_wname, c_url, c_ev, c_exp) = (
            csv.col("community_committee")?,
            csv.col("wd23cd")?,
            csv.col("wd23nm")?,
            csv.col("source_url")?,
            csv.col("evidence")?,
            csv.col("explicit_text")?,
        );
        let mut rows = Vec::new();
        let mut seen = BTreeSet::new();
        for row in csv.rows() {
            let ward = row.req(c_ward)?;
            if !seen.insert(ward.to_owned()) {
                return Err(row.bad(c_ward, format!("ward {ward} is listed twice")));
            }
            let explicit = match row.req(c_exp)? {
                "yes" => true,
                "no" => false,
                other => {
                    return Err(row.bad(c_exp, format!("{other:?} should be yes or no")));
                }
            };
            let name = row.req(c_name)?;
            rows.push((
                row.line,
                CommitteeWardRow {
                    committee_code: code_of(name),
                    committee: format!("{name} Community Committee"),
                    ward_code: ward.to_owned(),
                    ward_name: row.req(c_wname)?.to_owned(),
                    named_in_source: explicit,
                    evidence: row.str(c_ev).to_owned(),
                    source_url: row.str(c_url).to_owned(),
                },
            ));
        }
        if !rows
            .iter()
            .any(|(_, r)| wards.contains(r.ward_code.as_str()))
        {
            return Ok(None);
        }
        if let Some((line, r)) = rows
            .iter()
            .find(|(_, r)| !wards.contains(r.ward_code.as_str()))
        {
            return Err(IngestError::Check(format!(
                "{}, line {line}: ward {} ({}) is not a ward of {}",
                sources::COMMITTEES,
                r.ward_code,
                r.ward_name,
                m.name
            )));
        }
        Ok(Some(Self {
            rows: rows.into_iter().map(|(_, r)| r).collect(),
        }))
    }

    /// Ward code → committee code.
    pub fn of_ward(&self) -> BTreeMap<String, String> {
        self.rows
            .iter()
            .map(|r| (r.ward_code.clone(), r.committee_code.clone()))
            .collect()
    }

    /// Record each committee, and each ward's and LSOA's committee, in the membership.
    pub fn attach(&self, m: &mut Membership) {
        let of_ward = self.of_ward();
        let mut committees: BTreeMap<String, BTreeMap<Geography, String>> = BTreeMap::new();
        if let Some(wards) = m.parents.get_mut(&Geography::Ward) {
            for (ward, parents) in wards.iter_mut() {
                if let Some(c) = of_ward.get(ward) {
                    parents.insert(Geography::Committee, c.clone());
                    if let Some(lad) = parents.get(&Geography::District) {
                        committees
                            .entry(c.clone())
                            .or_default()
                            .insert(Geography::District, lad.clone());
                    }
                }
            }
        }
        for g in [Geography::Lsoa21, Geography::Lsoa11] {
            if let Some(areas) = m.parents.get_mut(&g) {
                for parents in areas.values_mut() {
                    if let Some(c) = parents.get(&Geography::Ward).and_then(|w| of_ward.get(w)) {
                        parents.insert(Geography::Committee, c.clone());
                    }
                }
            }
        }
        m.parents.insert(Geography::Committee, committees);
    }

    /// Each committee's boundary: its wards dissolved.
    pub fn build(&self, wards: &AreaSet, m: &Membership) -> Result<BuiltGeography> {
        let mut members: BTreeMap<(&str, &str), Vec<&geo::MultiPolygon<f64>>> = BTreeMap::new();
        for r in &self.rows {
            let ward = wards.get(&r.ward_code).ok_or_else(|| {
                IngestError::Check(format!(
                    "{}: ward {} has no boundary in the ward layer",
                    sources::COMMITTEES,
                    r.ward_code
                ))
            })?;
            members
                .entry((r.committee_code.as_str(), r.committee.as_str()))
                .or_default()
                .push(&ward.geometry);
        }
        let mut areas = Vec::new();
        for ((code, name), parts) in members {
            let geometry = crate::dissolve::dissolve(&parts).map_err(|e| {
                IngestError::Check(format!("{name}: dissolving its wards failed: {e}"))
            })?;
            areas.push(Area {
                code: code.to_owned(),
                name: name.to_owned(),
                alt_name: None,
                parents: m.parents[&Geography::Committee][code].clone().into(),
                geometry: crate::geom::canonical(&geometry),
            });
        }
        Ok(BuiltGeography {
            areas: AreaSet::new(areas).map_err(IngestError::Check)?,
            file: sources::COMMITTEE_BOUNDARIES,
            repaired: Vec::new(),
        })
    }

    /// The committee layer's rows, and its manifest record.
    pub fn write(&self, dir: &std::path::Path) -> Result<LayerRecord> {
        equimap_atlas::write_rows(&dir.join(equimap_atlas::COMMITTEE_WARDS_FILE), &self.rows)?;
        Ok(LayerRecord {
            file: equimap_atlas::COMMITTEE_WARDS_FILE.to_owned(),
            count: self.rows.len(),
            source: format!(
                "Leeds City Council community committee agenda packs, as listed in {}",
                sources::COMMITTEES
            ),
            vintage: "wards of December 2023; agenda packs 2017-2021".to_owned(),
            licence: "Council documents; open public information".to_owned(),
            attribution: "Leeds City Council".to_owned(),
        })
    }

    /// The summary line, naming committees whose wards the source assigned by elimination.
    pub fn note(&self) -> String {
        let n: BTreeSet<&str> = self.rows.iter().map(|r| r.committee.as_str()).collect();
        let eliminated: BTreeSet<&str> = self
            .rows
            .iter()
            .filter(|r| !r.named_in_source)
            .map(|r| r.committee.as_str())
            .collect();
        let by_elimination = if eliminated.is_empty() {
            String::new()
        } else {
            format!(
                "; wards assigned by elimination, not named in a published page: {}",
                eliminated.into_iter().collect::<Vec<_>>().join(", ")
            )
        };
        format!(
            "community committees: {} built from {} whole wards (dissolved){by_elimination}",
            n.len(),
            self.rows.len()
        )
    }
}
