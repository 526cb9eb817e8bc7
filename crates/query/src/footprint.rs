//! How a footprint made of whole areas is defined: the wards of a Leeds community committee,
//! each with the published text that places it there, and a plain statement where a ward was
//! placed by elimination rather than named in a published page.

use equimap_atlas::{CommitteeWardRow, Geography};
use serde::Serialize;

use crate::Query;

/// A footprint's definition, shown in its profile.
#[derive(Debug, Clone, Serialize)]
pub struct Footprint {
    /// What it is made of, in words.
    pub definition: String,
    /// Its member wards.
    pub wards: Vec<FootprintWard>,
    /// Said wherever the footprint is shown, when some membership is not published.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// One member ward and where its membership is published.
#[derive(Debug, Clone, Serialize)]
pub struct FootprintWard {
    /// Ward code.
    pub code: String,
    /// Ward name.
    pub name: String,
    /// True when a published page names the ward as the committee's.
    pub named_in_source: bool,
    /// The quoted text, where there is one.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub evidence: String,
    /// The page it was read from.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub source_url: String,
}

/// The definition of a committee from its rows, or `None` when it has none.
pub(crate) fn committee(rows: &[CommitteeWardRow], code: &str) -> Option<Footprint> {
    let mine: Vec<&CommitteeWardRow> = rows.iter().filter(|r| r.committee_code == code).collect();
    let first = mine.first()?;
    let names = |rs: &[&CommitteeWardRow]| {
        rs.iter()
            .map(|r| r.ward_name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let eliminated: Vec<&CommitteeWardRow> = mine
        .iter()
        .copied()
        .filter(|r| !r.named_in_source)
        .collect();
    let note = (!eliminated.is_empty()).then(|| {
        format!(
            "No published page naming the wards of {} was found. Its wards here ({}) are the only ones no other committee names, so they are assigned to it by elimination, not from a council source.",
            first.committee,
            names(&eliminated)
        )
    });
    Some(Footprint {
        definition: format!(
            "{} whole wards (December 2023): {}. Its figures add up the wards' counts; its boundary is theirs, dissolved. Membership from the committees' published agenda packs.",
            mine.len(),
            names(&mine)
        ),
        wards: mine
            .iter()
            .map(|r| FootprintWard {
                code: r.ward_code.clone(),
                name: r.ward_name.clone(),
                named_in_source: r.named_in_source,
                evidence: r.evidence.clone(),
                source_url: r.source_url.clone(),
            })
            .collect(),
        note,
    })
}

impl Query {
    /// The definition of an area that is a footprint of whole areas (a community committee).
    pub fn footprint(&self, g: Geography, code: &str) -> Option<Footprint> {
        (g == Geography::Committee)
            .then(|| committee(&self.committee_wards, code))
            .flatten()
    }
}
