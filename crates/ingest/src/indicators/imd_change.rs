//! IMD 2019 → 2025: the 2019 index brought onto 2021 LSOAs, and each LSOA's change in national
//! decile and rank.
//!
//! IoD2019 ranks 2011 LSOAs and IoD2025 ranks 2021 LSOAs. The ONS LSOA (2011) to LSOA (2021)
//! lookup says how each 2021 LSOA was made (`change_code`):
//!
//! * `U` unchanged, and `S` split (one 2011 LSOA became several): the 2021 LSOA takes its 2011
//!   LSOA's published rank and decile. For a split this assumes each part was as deprived as the
//!   whole, so those values are estimates.
//! * `M` merged (several 2011 LSOAs became one) and `X` irregular (boundaries redrawn): the 2021
//!   LSOA takes the population-weighted mean of its 2011 LSOAs' ranks (ONS mid-2020 population;
//!   a 2011 LSOA with several 2021 successors counts its population shared equally among them),
//!   rounded, and the decile that rank falls in nationally (ceil(rank × 10 / 32,844), which
//!   reproduces every published IoD2019 decile). This is MHCLG's "average rank" summary applied
//!   to the merged area; an estimate.

use std::collections::BTreeMap;

use equimap_atlas::{Geography, Kind, Polarity};

use super::{Builder, Meta, RefVal, level};
use crate::error::{IngestError, Result};
use crate::membership::Membership;
use crate::read::SourceLog;
use crate::sources::{self, MHCLG_ATTRIBUTION};

/// LSOAs ranked by IoD2019 (2011 LSOAs) and by IoD2025 (2021 LSOAs).
const N2019: f64 = 32_844.0;

const PERIOD: &str = "English Indices of Deprivation 2019 and 2025";
const THEME: &str = "Deprivation change 2019–2025";
const SOURCE: &str =
    "MHCLG, English Indices of Deprivation 2019 and 2025; ONS LSOA (2011) to LSOA (2021) lookup";

/// The caveat every change indicator carries.
pub const CAVEAT: &str = "The IMD is a relative ranking of small areas, not an absolute measure: an area can move to a less deprived decile while its own conditions stay the same or worsen, if other areas changed more. The 2019 and 2025 editions also differ in method (indicators, data years and the 2021 LSOA boundaries), so MHCLG advises care in comparing them. The 2025 index ranks 33,755 LSOAs and the 2019 index 32,844, so ranks are not on quite the same scale: compare deciles first.";

/// How the 2019 values reach each 2021 LSOA.
const METHOD: &str = "IoD2019 on 2021 LSOAs through the ONS LSOA11→LSOA21 lookup: unchanged and split LSOAs take their 2011 LSOA's published rank and decile (a split part is assumed as deprived as the whole); merged and redrawn LSOAs take the population-weighted mean rank of their 2011 LSOAs (ONS mid-2020 populations), and that rank's national decile. Estimates wherever a boundary changed.";

/// How one LSOA21 was made from LSOA11s.
struct Origin {
    /// (LSOA11, its number of LSOA21 successors in England).
    preds: Vec<(String, f64)>,
}

/// Add the 2019 rank and decile on 2021 LSOAs and the change to 2025. Runs after IoD2019,
/// IoD2025 and population have been added to `b`.
pub fn imd_change(
    log: &mut SourceLog,
    m: &Membership,
    b: &mut Builder,
    lsoa11_population: &BTreeMap<String, f64>,
) -> Result<()> {
    let origins = origins(log, m)?;
    let value = |b: &Builder, g, id: &str| -> Result<BTreeMap<String, f64>> {
        b.values(g, id).cloned().ok_or_else(|| {
            IngestError::Check(format!("IMD change: {id} at {g} has not been built"))
        })
    };
    let (r19, d19) = (
        value(b, Geography::Lsoa11, "imd2019_rank")?,
        value(b, Geography::Lsoa11, "imd2019_decile")?,
    );
    let (r25, d25) = (
        value(b, Geography::Lsoa21, "imd2025_rank")?,
        value(b, Geography::Lsoa21, "imd2025_decile")?,
    );
    let mut out: [BTreeMap<String, f64>; 4] = Default::default();
    for (code, o) in &origins {
        let (rank, decile) = rank_2019(code, o, &r19, &d19, lsoa11_population)?;
        let (Some(nr), Some(nd)) = (r25.get(code), d25.get(code)) else {
            return Err(IngestError::Check(format!(
                "IMD change: LSOA21 {code} has no IoD2025 rank"
            )));
        };
        out[0].insert(code.clone(), rank);
        out[1].insert(code.clone(), decile);
        out[2].insert(code.clone(), nd - decile);
        out[3].insert(code.clone(), nr - rank);
    }
    define(b);
    let [rank, decile, dchange, rchange] = out;
    b.set_all(Geography::Lsoa21, "imd2019_rank_lsoa21", rank);
    b.set_all(Geography::Lsoa21, "imd2019_decile_lsoa21", decile);
    b.set_all(Geography::Lsoa21, "imd_decile_change", dchange);
    b.set_all(Geography::Lsoa21, "imd_rank_change", rchange);
    Ok(())
}

/// Each selected LSOA21's 2011 predecessors, from the national lookup (so that a 2011 LSOA's
/// successors in other districts are counted too).
fn origins(log: &mut SourceLog, m: &Membership) -> Result<BTreeMap<String, Origin>> {
    let csv = log.csv(
        sources::LSOA11_LSOA21,
        "LSOA11 to LSOA21 (IMD 2019 on 2021 LSOAs)",
    )?;
    let (c11, c21, cc) = (
        csv.col("lsoa11_code")?,
        csv.col("lsoa21_code")?,
        csv.col("change_code")?,
    );
    let sel = m.codes(Geography::Lsoa21);
    let mut successors: BTreeMap<String, f64> = BTreeMap::new();
    let mut out: BTreeMap<String, Origin> = BTreeMap::new();
    for row in csv.rows() {
        let (a, b) = (row.req(c11)?, row.req(c21)?);
        let change = row.req(cc)?;
        if !["U", "S", "M", "X"].contains(&change) {
            return Err(row.bad(cc, format!("change code {change:?} is not U, S, M or X")));
        }
        *successors.entry(a.to_owned()).or_default() += 1.0;
        if sel.contains(b) {
            let o = out
                .entry(b.to_owned())
                .or_insert_with(|| Origin { preds: Vec::new() });
            o.preds.push((a.to_owned(), 0.0));
        }
    }
    for o in out.values_mut() {
        for (a, n) in &mut o.preds {
            *n = successors.get(a).copied().unwrap_or(1.0);
        }
    }
    if let Some(missing) = sel.iter().find(|c| !out.contains_key(**c)) {
        return Err(IngestError::Check(format!(
            "{}: LSOA21 {missing} has no 2011 predecessor",
            sources::LSOA11_LSOA21
        )));
    }
    Ok(out)
}

/// The 2019 rank and decile of one LSOA21, by the rule in the module documentation.
fn rank_2019(
    code: &str,
    o: &Origin,
    r19: &BTreeMap<String, f64>,
    d19: &BTreeMap<String, f64>,
    pop: &BTreeMap<String, f64>,
) -> Result<(f64, f64)> {
    let missing = |what: &str, a: &str| {
        IngestError::Check(format!(
            "IMD change: LSOA21 {code} comes from LSOA11 {a}, which has no IoD2019 {what}"
        ))
    };
    if let [(a, _)] = o.preds.as_slice() {
        let r = *r19.get(a).ok_or_else(|| missing("rank", a))?;
        let d = *d19.get(a).ok_or_else(|| missing("decile", a))?;
        return Ok((r, d));
    }
    let (mut sum, mut w) = (0.0, 0.0);
    for (a, successors) in &o.preds {
        let r = *r19.get(a).ok_or_else(|| missing("rank", a))?;
        let weight = pop.get(a).ok_or_else(|| missing("population", a))? / successors;
        sum += r * weight;
        w += weight;
    }
    if w <= 0.0 {
        return Err(IngestError::Check(format!(
            "IMD change: the 2011 LSOAs of {code} have no population to weight by"
        )));
    }
    let rank = (sum / w).round();
    Ok((rank, decile_of(rank)))
}

/// The national IoD2019 decile of a rank.
fn decile_of(rank: f64) -> f64 {
    (rank * 10.0 / N2019).ceil().clamp(1.0, 10.0)
}

fn define(b: &mut Builder) {
    let meta = |id, label, description, unit, kind, polarity, in_tiles| Meta {
        id,
        label,
        description,
        theme: THEME,
        unit,
        kind,
        polarity,
        native: Geography::Lsoa21,
        source: SOURCE,
        attribution: MHCLG_ATTRIBUTION,
        decimals: 0,
        in_tiles,
        local: false,
        caveat: Some(CAVEAT),
    };
    let entries = [
        meta(
            "imd_decile_change",
            "Change in IMD decile, 2019 to 2025",
            "The LSOA's national IMD 2025 decile minus its IMD 2019 decile (brought onto 2021 LSOAs): +1 means one decile less deprived relative to the rest of England, −1 one decile more deprived.",
            "change in national decile (2025 minus 2019; + = relatively less deprived)",
            Kind::Change,
            Polarity::HigherIsBetter,
            true,
        ),
        meta(
            "imd_rank_change",
            "Change in IMD rank, 2019 to 2025",
            "The LSOA's national IMD 2025 rank minus its IMD 2019 rank (brought onto 2021 LSOAs); rank 1 is the most deprived, so a positive change means relatively less deprived.",
            "change in national rank (2025 minus 2019; + = relatively less deprived)",
            Kind::Change,
            Polarity::HigherIsBetter,
            false,
        ),
        meta(
            "imd2019_decile_lsoa21",
            "IMD 2019 decile on 2021 LSOAs",
            "The IMD 2019 national decile of the LSOA, brought onto 2021 LSOAs for comparison with IMD 2025.",
            "decile (1 = most deprived 10% in England)",
            Kind::Decile,
            Polarity::HigherIsBetter,
            false,
        ),
        meta(
            "imd2019_rank_lsoa21",
            "IMD 2019 rank on 2021 LSOAs",
            "The IMD 2019 national rank of the LSOA, brought onto 2021 LSOAs for comparison with IMD 2025.",
            "rank (1 = most deprived in England)",
            Kind::Rank,
            Polarity::HigherIsBetter,
            false,
        ),
    ];
    let na = "Not applicable: a position of a single small area in England's ordering";
    for e in &entries {
        b.define(e, vec![level(Geography::Lsoa21, PERIOD, METHOD, true)]);
        b.reference(e.id, &RefVal(None, na, PERIOD), &RefVal(None, na, PERIOD));
    }
}

#[cfg(test)]
#[allow(clippy::float_cmp)] // ranks and deciles are whole numbers, compared exactly
mod tests {
    use super::*;

    #[test]
    fn deciles_follow_the_published_cut_points() {
        // IoD2019: ranks 1..=3284 are decile 1, 3285 is decile 2, 32844 is decile 10.
        assert_eq!(decile_of(1.0), 1.0);
        assert_eq!(decile_of(3284.0), 1.0);
        assert_eq!(decile_of(3285.0), 2.0);
        assert_eq!(decile_of(16_129.0), 5.0);
        assert_eq!(decile_of(32_844.0), 10.0);
    }

    #[test]
    fn a_merged_lsoa_takes_the_population_weighted_mean_rank() {
        let o = Origin {
            preds: vec![("a".to_owned(), 1.0), ("b".to_owned(), 1.0)],
        };
        let m = |v: [(&str, f64); 2]| v.iter().map(|(k, x)| ((*k).to_owned(), *x)).collect();
        let (r, d) = rank_2019(
            "x",
            &o,
            &m([("a", 3000.0), ("b", 4000.0)]),
            &m([("a", 1.0), ("b", 2.0)]),
            &m([("a", 1000.0), ("b", 3000.0)]),
        )
        .expect("computable");
        // (3000 × 1000 + 4000 × 3000) / 4000 = 3750, in decile 2.
        assert_eq!((r, d), (3750.0, 2.0));
    }
}
