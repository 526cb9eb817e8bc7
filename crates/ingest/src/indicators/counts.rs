//! Indicators published as counts for every LSOA 2021: read the numerator and denominator
//! columns by their published names, check them, and make every other geography by summing
//! both (never by averaging shares).

use std::collections::BTreeMap;

use equimap_atlas::{Counts, CountsInterval, Geography};

use super::{Builder, CodeSet, Meta, level, parent_map, ratio, sum_to};
use crate::error::{IngestError, Result};
use crate::membership::Membership;
use crate::read::SourceLog;

/// One share read from a source table: its id, numerator columns (summed) and labels.
pub struct Share<'a> {
    /// The catalogue entry.
    pub meta: Meta<'a>,
    /// The companion column holding the numerator.
    pub numerator_id: &'a str,
    /// The published columns that add up to the numerator.
    pub numerator_cols: &'a [&'a str],
    /// What the numerator counts.
    pub numerator_label: &'a str,
}

/// A source table of counts by LSOA 2021.
pub struct Table<'a> {
    /// The file under the sources directory.
    pub file: &'a str,
    /// What it is used for (for the manifest).
    pub used_for: &'a str,
    /// The column of LSOA 2021 codes.
    pub code_col: &'a str,
    /// The published total used as the denominator of every share.
    pub denominator_col: &'a str,
    /// The companion column holding the denominator.
    pub denominator_id: &'a str,
    /// What the denominator counts.
    pub denominator_label: &'a str,
    /// The reference period.
    pub period: &'a str,
    /// How the LSOA values are made, as published.
    pub published: &'a str,
    /// The shares made from the table.
    pub shares: Vec<Share<'a>>,
}

/// Counts of one table for every English LSOA 2021 in it: the denominator, then each
/// share's numerator.
struct Read {
    denominator: BTreeMap<String, f64>,
    numerators: Vec<BTreeMap<String, f64>>,
}

/// Read a table: every row must be a known English LSOA 2021 (Welsh `W01` rows are left out,
/// as the atlas covers England), appear once, and have numeric counts with each numerator
/// at most the total. Anything else stops the ingest naming the file, line, column and code.
fn read(log: &mut SourceLog, t: &Table<'_>, known: &CodeSet<'_>) -> Result<Read> {
    let csv = log.csv(t.file, t.used_for)?;
    let code_col = csv.col(t.code_col)?;
    let den_col = csv.col(t.denominator_col)?;
    let num_cols: Vec<Vec<usize>> = t
        .shares
        .iter()
        .map(|s| s.numerator_cols.iter().map(|c| csv.col(c)).collect())
        .collect::<Result<_>>()?;
    let (mut denominator, mut numerators) = (Vec::new(), vec![Vec::new(); t.shares.len()]);
    let mut seen = CodeSet::default();
    for row in csv.rows() {
        let code = row.req(code_col)?;
        if code.starts_with("W01") {
            continue;
        }
        if !known.contains(code) {
            return Err(row.bad(
                code_col,
                format!("{code} is not an English LSOA 2021 code (Census 2021 LSOA list)"),
            ));
        }
        let den = row.req_num(den_col)?;
        if den < 0.0 {
            return Err(row.bad(den_col, format!("{code}: negative count {den}")));
        }
        for (i, cols) in num_cols.iter().enumerate() {
            let mut num = 0.0;
            for c in cols {
                let v = row.req_num(*c)?;
                if v < 0.0 {
                    return Err(row.bad(*c, format!("{code}: negative count {v}")));
                }
                num += v;
            }
            if num > den {
                return Err(row.bad(
                    cols[0],
                    format!(
                        "{code}: numerator {num} ({}) is above the total {den} ({})",
                        t.shares[i].numerator_cols.join(" + "),
                        t.denominator_col
                    ),
                ));
            }
            numerators[i].push((code.to_owned(), num));
        }
        if !seen.insert(code) {
            return Err(row.bad(code_col, format!("{code} appears twice")));
        }
        denominator.push((code.to_owned(), den));
    }
    // Collected, not inserted one by one: entries in code order make a map in one pass.
    let out = Read {
        denominator: denominator.into_iter().collect(),
        numerators: numerators
            .into_iter()
            .map(|n| n.into_iter().collect())
            .collect(),
    };
    Ok(out)
}

/// Read a table and add its shares at LSOA 2021 and, by summing counts, at MSOA 2021, ward
/// and district, with the district's and England's sums as reference values.
pub fn add(
    log: &mut SourceLog,
    m: &Membership,
    b: &mut Builder,
    t: &Table<'_>,
    england_lsoas: &CodeSet<'_>,
) -> Result<()> {
    let r = read(log, t, england_lsoas)?;
    let sel = m.codes(Geography::Lsoa21);
    if let Some(missing) = sel.iter().find(|c| !r.denominator.contains_key(**c)) {
        return Err(IngestError::Check(format!(
            "{}: no row for LSOA 2021 {missing}, which the lookups place in the selection",
            t.file
        )));
    }
    let pick = |all: &BTreeMap<String, f64>| -> BTreeMap<String, f64> {
        sel.iter()
            .filter_map(|c| Some(((*c).to_owned(), *all.get(*c)?)))
            .collect()
    };
    let den = pick(&r.denominator);
    let parents: Vec<(Geography, BTreeMap<String, String>)> =
        [Geography::Msoa21, Geography::Ward, Geography::District]
            .into_iter()
            .map(|g| (g, parent_map(m, Geography::Lsoa21, g)))
            .collect();
    b.set_all(Geography::Lsoa21, t.denominator_id, den.clone());
    for (g, pm) in &parents {
        b.set_all(*g, t.denominator_id, sum_to(&den, pm));
    }
    let england_den: f64 = r.denominator.values().sum();
    let local_den: f64 = den.values().sum();
    for (share, all_num) in t.shares.iter().zip(&r.numerators) {
        let num = pick(all_num);
        let id = share.meta.id;
        b.set_all(Geography::Lsoa21, share.numerator_id, num.clone());
        b.set_all(Geography::Lsoa21, id, ratio(&num, &den));
        for (g, pm) in &parents {
            let (n, d) = (sum_to(&num, pm), sum_to(&den, pm));
            b.set_all(*g, id, ratio(&n, &d));
            b.set_all(*g, share.numerator_id, n);
        }
        b.define_counts(
            &share.meta,
            levels(t),
            Some(Counts {
                numerator: share.numerator_id.to_owned(),
                denominator: t.denominator_id.to_owned(),
                numerator_label: share.numerator_label.to_owned(),
                denominator_label: t.denominator_label.to_owned(),
                interval: Some(CountsInterval::Wilson),
            }),
        );
        let local_num: f64 = num.values().sum();
        let england_num: f64 = all_num.values().sum();
        b.reference_counts(
            id,
            (local_num, local_den),
            (england_num, england_den),
            (
                "Sum of the district's LSOA 2021 numerators over the sum of their denominators",
                "Sum of every English LSOA 2021 numerator over the sum of their denominators",
            ),
            t.period,
        );
    }
    Ok(())
}

fn levels(t: &Table<'_>) -> Vec<equimap_atlas::Level> {
    let sum = "Sum of the LSOA 2021 numerators over the sum of their denominators";
    vec![
        level(Geography::Lsoa21, t.period, t.published, false),
        level(
            Geography::Msoa21,
            t.period,
            &format!("{sum}; LSOAs nest exactly in MSOAs"),
            false,
        ),
        level(
            Geography::Ward,
            t.period,
            &format!(
                "{sum}, each LSOA assigned to one ward best-fit by the ONS LSOA21→ward lookup; LSOAs do not nest in wards exactly"
            ),
            true,
        ),
        level(Geography::District, t.period, sum, false),
    ]
}
