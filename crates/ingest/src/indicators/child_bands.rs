//! Children aged 0-4 and 5-15 per LSOA 2021: an estimate from two sources.
//!
//! Census 2021 gives residents aged 0-15 per LSOA 2021 but no finer band. ONS's mid-2020 small
//! area population estimates give single years of age, on 2011 LSOAs. Each LSOA 2021's Census
//! 0-15 count is split in the proportions (0-4 : 5-15) of its 2011 predecessors' mid-2020
//! estimates, linked by the ONS LSOA11→LSOA21 lookup: an LSOA11 split into n LSOA21s lends
//! each 1/n of its counts, so merged and redrawn LSOAs pool their predecessors. The 0-4 count is
//! rounded to whole people and 5-15 is the rest, so the two bands sum to the Census 0-15 count.
//! Only proportions come from mid-2020: Census and mid-2020 counts of 0-15 year-olds differ by
//! more than 10% in one LSOA in five (docs/residents.md).

use std::collections::BTreeMap;

use equimap_atlas::{Geography, Kind, Polarity};

use super::{Builder, Meta, RefVal, set_summed_from_lsoa21, summed_levels, with_matching};
use crate::error::{IngestError, Result};
use crate::membership::Membership;
use crate::read::SourceLog;
use crate::sources::{self, OGL_ATTRIBUTION};

/// The child bands: id and label.
pub const CHILD_BANDS: [(&str, &str); 2] = [
    ("age_0_4", "Residents aged 0-4"),
    ("age_5_15", "Residents aged 5-15"),
];

const PERIOD: &str = "Census 2021 (21 March 2021), split by mid-2020 single years of age";

/// Mid-2020 residents aged 0-4 and 5-15 of each 2011 LSOA (all of England and Wales).
fn sape_children(log: &mut SourceLog) -> Result<BTreeMap<String, (f64, f64)>> {
    let csv = log.csv(
        sources::SAPE_LSOA11,
        "mid-2020 single years of age (split of Census 0-15)",
    )?;
    let code = csv.col("lsoa11_code")?;
    let ages = (0..=15)
        .map(|a| csv.col(&a.to_string()))
        .collect::<Result<Vec<usize>>>()?;
    let mut out = Vec::with_capacity(csv.len());
    for row in csv.rows() {
        let (mut young, mut older) = (0.0, 0.0);
        for (age, col) in ages.iter().enumerate() {
            let v = row.req_num(*col)?;
            if v < 0.0 {
                return Err(row.bad(*col, format!("negative count {v}")));
            }
            if age < 5 {
                young += v;
            } else {
                older += v;
            }
        }
        out.push((row.req(code)?.to_owned(), (young, older)));
    }
    // Collected, not inserted one by one: entries in code order make a map in one pass.
    Ok(out.into_iter().collect())
}

/// Each English LSOA 2021's mid-2020 children aged 0-4 and 5-15, pooled from its 2011
/// predecessors (a predecessor with n successors lends 1/n of its counts).
fn pooled(
    log: &mut SourceLog,
    sape: &BTreeMap<String, (f64, f64)>,
) -> Result<BTreeMap<String, (f64, f64)>> {
    let csv = log.csv(sources::LSOA11_LSOA21, "LSOA11 to LSOA21 (child age split)")?;
    let (c11, c21) = (csv.col("lsoa11_code")?, csv.col("lsoa21_code")?);
    let mut pairs = Vec::new();
    let mut successors: BTreeMap<String, f64> = BTreeMap::new();
    for row in csv.rows() {
        let (a, b) = (row.req(c11)?, row.req(c21)?);
        if !b.starts_with("E01") {
            continue;
        }
        *successors.entry(a.to_owned()).or_default() += 1.0;
        let counts = sape.get(a).ok_or_else(|| {
            row.bad(
                c11,
                format!(
                    "LSOA11 {a} has no mid-2020 estimate in {}",
                    sources::SAPE_LSOA11
                ),
            )
        })?;
        pairs.push((a.to_owned(), b.to_owned(), *counts));
    }
    let mut out: BTreeMap<String, (f64, f64)> = BTreeMap::new();
    for (a, b, (young, older)) in pairs {
        let n = successors.get(&a).copied().unwrap_or(1.0);
        let e = out.entry(b).or_default();
        e.0 += young / n;
        e.1 += older / n;
    }
    Ok(out)
}

/// The 0-4 and 5-15 estimates of one LSOA 2021 from its Census 0-15 count and its pooled
/// mid-2020 counts; `None` when mid-2020 has no children but the Census has some.
pub fn split(census_0_15: f64, mid2020: (f64, f64)) -> Option<(f64, f64)> {
    let total = mid2020.0 + mid2020.1;
    if total <= 0.0 {
        return (census_0_15 == 0.0).then_some((0.0, 0.0));
    }
    let young = (census_0_15 * mid2020.0 / total).round();
    Some((young, census_0_15 - young))
}

/// Add `age_0_4` and `age_5_15` at LSOA 2021, summed to MSOA 2021, ward and district, from
/// the Census 0-15 counts of every English LSOA 2021.
pub fn child_bands(
    log: &mut SourceLog,
    m: &Membership,
    b: &mut Builder,
    census_0_15: &BTreeMap<String, f64>,
) -> Result<()> {
    let sape = sape_children(log)?;
    let pooled = pooled(log, &sape)?;
    let sel = m.codes(Geography::Lsoa21);
    let mut local = [Vec::new(), Vec::new()];
    let mut england = [0.0, 0.0];
    for (code, c, mid) in with_matching(census_0_15, &pooled) {
        let mid = mid.ok_or_else(|| {
            IngestError::Check(format!(
                "{}: LSOA21 {code} has no 2011 predecessor, so its 0-15 count cannot be split",
                sources::LSOA11_LSOA21
            ))
        })?;
        let (young, older) = split(*c, *mid).ok_or_else(|| {
            IngestError::Check(format!(
                "{}: the 2011 predecessors of LSOA21 {code} have no residents aged 0-15 in mid-2020, but the Census counts {c}",
                sources::SAPE_LSOA11
            ))
        })?;
        england[0] += young;
        england[1] += older;
        if sel.contains(code.as_str()) {
            local[0].push((code.clone(), young));
            local[1].push((code.clone(), older));
        }
    }
    let local: [BTreeMap<String, f64>; 2] = local.map(|l| l.into_iter().collect());
    let sum = "Sum of the LSOA 2021 estimates";
    for (k, (id, label)) in CHILD_BANDS.iter().enumerate() {
        let lsoa_method = if k == 0 {
            "Estimate: the Census 2021 count of residents aged 0-15 times the share aged 0-4 among the 0-15 year-olds of ONS's mid-2020 small area population estimates (single years of age) for the LSOA's 2011 predecessor(s), linked by the ONS LSOA11→LSOA21 lookup (a 2011 LSOA split in n lends each part 1/n of its counts); rounded to whole people"
        } else {
            "Estimate: the Census 2021 count of residents aged 0-15 minus the estimate of those aged 0-4 (the share aged 0-4 from ONS's mid-2020 single years of age for the LSOA's 2011 predecessor(s))"
        };
        b.define(
            &Meta {
                id,
                label,
                description: "Children in this band, estimated: the Census 2021 count of 0-15 year-olds split in the proportions of ONS's mid-2020 single-year estimates for the 2011 LSOAs that became the LSOA 2021. The two bands sum to the Census 0-15 count.",
                theme: "Population",
                unit: "persons",
                kind: Kind::Count,
                polarity: Polarity::Neutral,
                native: Geography::Lsoa21,
                source: "ONS Census 2021 (residents aged 0-15 by LSOA 2021) split by ONS mid-2020 small area population estimates (SAPE23DT2, single years of age, LSOA 2011) through the ONS LSOA11→LSOA21 lookup",
                attribution: OGL_ATTRIBUTION,
                decimals: 0,
                in_tiles: false,
                local: false,
                caveat: Some("An estimate from two sources and two dates: the count is Census 2021 (March 2021), the split between under-5s and 5-15 year-olds is ONS's mid-2020 estimate for 2011 LSOAs, nine months earlier and on older boundaries. Between ONS's mid-2019 and mid-2020 estimates the share aged 0-4 of a Leeds LSOA's children changed by a median of 1.6 percentage points (docs/residents.md)."),
            },
            summed_levels(PERIOD, lsoa_method, sum, true),
        );
        let total = set_summed_from_lsoa21(b, m, id, local[k].clone());
        b.reference(
            id,
            &RefVal(Some(total), sum, PERIOD),
            &RefVal(
                Some(england[k]),
                "Sum of the estimates of English LSOAs",
                PERIOD,
            ),
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::split;

    #[test]
    fn the_split_keeps_the_census_total() {
        // Leeds 011A (E01011264): Census 2021 0-15 = 179; mid-2020 single years 0-4 sum to 44
        // (8 + 7 + 12 + 11 + 6) and 5-15 to 137: 179 × 44/181 = 43.5 → 44, and 135.
        assert_eq!(split(179.0, (44.0, 137.0)), Some((44.0, 135.0)));
        assert_eq!(split(0.0, (0.0, 0.0)), Some((0.0, 0.0)));
        assert_eq!(split(3.0, (0.0, 0.0)), None);
    }
}
