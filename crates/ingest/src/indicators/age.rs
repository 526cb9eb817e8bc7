//! Residents by broad age band: Census 2021 usual residents per LSOA 2021 in six bands, the
//! age profile of the planner's site report.

use std::collections::BTreeMap;

use equimap_atlas::{Geography, Kind, Polarity};

use super::{Builder, Meta, RefVal, set_summed_from_lsoa21, summed_levels};
use crate::error::Result;
use crate::membership::Membership;
use crate::read::SourceLog;
use crate::sources::{self, OGL_ATTRIBUTION};

/// The bands: indicator id (also the source column) and label.
pub const AGE_BANDS: [(&str, &str); 6] = [
    ("age_0_15", "Residents aged 0-15"),
    ("age_16_24", "Residents aged 16-24"),
    ("age_25_34", "Residents aged 25-34"),
    ("age_35_49", "Residents aged 35-49"),
    ("age_50_64", "Residents aged 50-64"),
    ("age_65_plus", "Residents aged 65 and over"),
];

const CENSUS: &str = "Census 2021 (21 March 2021)";

/// Add the six age-band counts at LSOA 2021, summed to MSOA 2021, ward and district, and the
/// 0-4 / 5-15 split of the 0-15 band (`child_bands`).
pub fn age_bands(log: &mut SourceLog, m: &Membership, b: &mut Builder) -> Result<()> {
    let sel = m.codes(Geography::Lsoa21);
    let csv = log.csv(
        sources::CENSUS_LSOA21,
        "residents by age band (Census 2021)",
    )?;
    let code = csv.col("lsoa21_code")?;
    let cols = AGE_BANDS
        .iter()
        .map(|(id, _)| csv.col(id))
        .collect::<Result<Vec<usize>>>()?;
    let mut local: Vec<Vec<(String, f64)>> = vec![Vec::new(); AGE_BANDS.len()];
    let mut england = [0.0; AGE_BANDS.len()];
    // Every English LSOA's 0-15 count, split into 0-4 and 5-15 below.
    let mut england_0_15 = Vec::new();
    for row in csv.rows() {
        let c = row.req(code)?;
        if !c.starts_with("E01") {
            continue;
        }
        let in_sel = sel.contains(c);
        for (k, col) in cols.iter().enumerate() {
            let v = row.req_num(*col)?;
            england[k] += v;
            if k == 0 {
                england_0_15.push((c.to_owned(), v));
            }
            if in_sel {
                local[k].push((c.to_owned(), v));
            }
        }
    }
    // Collected, not inserted one by one: entries in code order make a map in one pass.
    let local: Vec<BTreeMap<String, f64>> =
        local.into_iter().map(|l| l.into_iter().collect()).collect();
    let england_0_15: BTreeMap<String, f64> = england_0_15.into_iter().collect();
    let sum = "Sum of the LSOA 2021 Census counts";
    for (k, (id, label)) in AGE_BANDS.iter().enumerate() {
        b.define(
            &Meta {
                id,
                label,
                description: "Usual residents in this age band at the 2021 Census. Census 2021 counts carry disclosure-control noise of a few people per LSOA, so the six bands sum to within a few people of the Census total, and they are a year older than the mid-2022 population.",
                theme: "Population",
                unit: "persons",
                kind: Kind::Count,
                polarity: Polarity::Neutral,
                native: Geography::Lsoa21,
                source: "ONS Census 2021, usual residents by age (custom dataset by LSOA 2021)",
                attribution: OGL_ATTRIBUTION,
                decimals: 0,
                in_tiles: false,
                local: false,
                caveat: None,
            },
            summed_levels(CENSUS, "ONS Census 2021 usual residents by age", sum, false),
        );
        let total = set_summed_from_lsoa21(b, m, id, local[k].clone());
        b.reference(
            id,
            &RefVal(Some(total), sum, CENSUS),
            &RefVal(
                Some(england[k]),
                "Sum of the Census 2021 counts of English LSOAs",
                CENSUS,
            ),
        );
    }
    super::child_bands::child_bands(log, m, b, &england_0_15)
}
