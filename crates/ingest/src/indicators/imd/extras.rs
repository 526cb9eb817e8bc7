//! Indicators made from the IMD itself: the national percentile, a quintile within the
//! district, the score aggregated to parent geographies, and residents in the most deprived
//! national bands.

use std::collections::BTreeMap;

use equimap_atlas::{Counts, Geography, Kind, Polarity};

use super::{Edition, NA_RANK};
use crate::indicators::{
    Builder, Meta, RefVal, aggregate_count, aggregate_mean, level, parent_map,
};
use crate::membership::Membership;
use crate::sources::MHCLG_ATTRIBUTION;

/// The selection's IMD values, LSOA code → value.
pub(super) struct ImdValues<'a> {
    pub rank: &'a BTreeMap<String, f64>,
    pub decile: &'a BTreeMap<String, f64>,
    pub score: &'a BTreeMap<String, f64>,
    /// Every English LSOA's national IMD decile.
    pub england_decile: &'a BTreeMap<String, f64>,
}

/// A national band of the IMD: id suffix, highest decile in it, label.
struct Band {
    suffix: &'static str,
    max_decile: f64,
    label: &'static str,
}

const BANDS: [Band; 2] = [
    Band {
        suffix: "d1",
        max_decile: 1.0,
        label: "national decile 1 (most deprived 10%)",
    },
    Band {
        suffix: "d12",
        max_decile: 2.0,
        label: "national deciles 1–2 (most deprived 20%, Core20)",
    },
];

/// Every IMD extra, in catalogue order.
pub(super) fn imd_extras(b: &mut Builder, m: &Membership, ed: &Edition<'_>, v: &ImdValues<'_>) {
    let theme = format!("Deprivation {}", ed.year);
    percentile(b, ed, v.rank, &theme);
    local_quintile(b, ed, v.rank, &theme);
    let score_id = format!("imd{}_score", ed.year);
    for g in ed.parents {
        let pm = parent_map(m, ed.lsoa, g);
        b.set_all(g, &score_id, aggregate_mean(v.score, ed.weights.0, &pm));
    }
    for band in &BANDS {
        residents_in_band(b, m, ed, v, band, &theme);
    }
}

/// The catalogue fields every extra shares; callers fill in the rest.
fn base<'a>(ed: &'a Edition<'_>, theme: &'a str) -> Meta<'a> {
    Meta {
        id: "",
        label: "",
        description: "",
        theme,
        unit: "",
        kind: Kind::Share,
        polarity: Polarity::HigherIsBetter,
        native: ed.lsoa,
        source: ed.source,
        attribution: MHCLG_ATTRIBUTION,
        decimals: 0,
        in_tiles: true,
        local: false,
        caveat: None,
    }
}

/// National percentile of the rank: the "most deprived 1%" band matters locally.
fn percentile(b: &mut Builder, ed: &Edition<'_>, rank: &BTreeMap<String, f64>, theme: &str) {
    let national_n = ed.national_lsoas;
    let y = ed.year;
    let pct: BTreeMap<String, f64> = rank
        .iter()
        .map(|(c, r)| (c.clone(), (r * 100.0 / national_n).ceil().clamp(1.0, 100.0)))
        .collect();
    let id = format!("imd{y}_percentile");
    let label = format!("IMD {y} national percentile");
    let meta = Meta {
        id: &id,
        label: &label,
        description: "National percentile of the IMD rank: 1 = most deprived 1% of LSOAs in England.",
        unit: "percentile (1 = most deprived 1% in England)",
        kind: Kind::Percentile,
        ..base(ed, theme)
    };
    b.define(
        &meta,
        vec![level(
            ed.lsoa,
            ed.period,
            &format!("ceil(rank × 100 / {national_n}) from the official IMD rank"),
            false,
        )],
    );
    b.set_all(ed.lsoa, &id, pct);
    b.reference(
        &id,
        &RefVal(None, NA_RANK, ed.period),
        &RefVal(None, NA_RANK, ed.period),
    );
}

/// A quintile relative to the district ("deprived Leeds"): rank the district's LSOAs by their
/// national rank and cut them into five equal groups; ties broken by code.
fn local_quintile(b: &mut Builder, ed: &Edition<'_>, rank: &BTreeMap<String, f64>, theme: &str) {
    let y = ed.year;
    let mut ordered: Vec<(&String, f64)> = rank.iter().map(|(c, r)| (c, *r)).collect();
    ordered.sort_by(|a, b| a.1.total_cmp(&b.1).then_with(|| a.0.cmp(b.0)));
    let n = ordered.len();
    let quint: BTreeMap<String, f64> = ordered
        .iter()
        .enumerate()
        .map(|(i, (c, _))| ((*c).clone(), (i * 5 / n + 1) as f64))
        .collect();
    let id = format!("imd{y}_local_quintile");
    let label = format!("IMD {y} quintile within {} (local)", b.scope.1);
    let meta = Meta {
        id: &id,
        label: &label,
        description: "LOCAL measure: the area's fifth of the district's LSOAs ordered by national IMD rank (1 = the most deprived 20% of the district, as the Leeds Observatory's \"deprived Leeds\"). Not comparable between districts.",
        unit: "local quintile (1 = most deprived 20% of the district)",
        kind: Kind::Quintile,
        local: true,
        ..base(ed, theme)
    };
    b.define(&meta, vec![level(ed.lsoa, ed.period, "District LSOAs ordered by national IMD rank (ties by code), cut into five equal-count groups", false)]);
    b.set_all(ed.lsoa, &id, quint);
    let na = RefVal(
        None,
        "Not applicable: a position within the district",
        ed.period,
    );
    b.reference(&id, &na, &na);
}

/// Residents (count and share) of LSOAs in a national band, for every parent geography, with
/// district and England references.
fn residents_in_band(
    b: &mut Builder,
    m: &Membership,
    ed: &Edition<'_>,
    v: &ImdValues<'_>,
    band: &Band,
    theme: &str,
) {
    let y = ed.year;
    let share_id = format!("imd{y}_{}_share", band.suffix);
    let count_id = format!("imd{y}_{}_count", band.suffix);
    let in_band = |c: &str| v.decile.get(c).is_some_and(|d| *d <= band.max_decile);
    let w = ed.weights.0;
    let denominator = share_denominator(ed);
    let mut share_levels = Vec::new();
    let mut count_levels = Vec::new();
    for g in ed.parents {
        let pm = parent_map(m, ed.lsoa, g);
        let counts = aggregate_count(w, &pm, in_band);
        let totals = aggregate_count(w, &pm, |_| true);
        let shares = counts
            .iter()
            .filter_map(|(p, c)| Some((p.clone(), c / totals.get(p).filter(|t| **t > 0.0)?)))
            .collect();
        b.set_all(g, &count_id, counts);
        b.set_all(g, &share_id, shares);
        if let Some(col) = &denominator.companion {
            b.set_all(g, col, totals);
        }
        let how = format!(
            "Residents ({} population denominators) of LSOAs in {}{}",
            ed.weights_period.0,
            band.label,
            if g == Geography::Ward {
                "; LSOAs assigned to wards best-fit"
            } else {
                ""
            }
        );
        share_levels.push(level(
            g,
            ed.period,
            &format!("Share of {how}"),
            g == Geography::Ward,
        ));
        count_levels.push(level(g, ed.period, &how, g == Geography::Ward));
    }
    let share_label = format!("Residents in {}, IMD {y} (share)", band.label);
    let count_label = format!("Residents in {}, IMD {y} (count)", band.label);
    b.define_counts(
        &Meta {
            id: &share_id,
            label: &share_label,
            description: "Share of the area's residents living in LSOAs in this band of England's IMD.",
            unit: "share of residents (0–1)",
            kind: Kind::Share,
            polarity: Polarity::HigherIsWorse,
            decimals: 4,
            ..base(ed, theme)
        },
        share_levels,
        Some(Counts {
            numerator: count_id.clone(),
            denominator: denominator.column.clone(),
            numerator_label: format!("residents of LSOAs in {}", band.label),
            denominator_label: denominator.label.clone(),
            interval: None,
        }),
    );
    b.define(
        &Meta {
            id: &count_id,
            label: &count_label,
            description: "Residents living in LSOAs in this band of England's IMD.",
            unit: "persons",
            kind: Kind::Count,
            polarity: Polarity::HigherIsWorse,
            in_tiles: false,
            ..base(ed, theme)
        },
        count_levels,
    );
    band_references(b, ed, v, band, (&share_id, &count_id));
}

/// District and England references for a band: residents in it, and their share.
fn band_references(
    b: &mut Builder,
    ed: &Edition<'_>,
    v: &ImdValues<'_>,
    band: &Band,
    (share_id, count_id): (&str, &str),
) {
    let in_band = |c: &str| v.decile.get(c).is_some_and(|d| *d <= band.max_decile);
    let w = ed.weights.0;
    let local_total: f64 = w.values().sum();
    let local_in: f64 = w.iter().filter(|(c, _)| in_band(c)).map(|(_, v)| v).sum();
    let ew = ed.weights.1;
    let e_total: f64 = ew
        .iter()
        .filter(|(c, _)| v.england_decile.contains_key(*c))
        .map(|(_, v)| v)
        .sum();
    let e_in: f64 = ew
        .iter()
        .filter(|(c, _)| {
            v.england_decile
                .get(*c)
                .is_some_and(|d| *d <= band.max_decile)
        })
        .map(|(_, v)| v)
        .sum();
    let lm = format!("{} population denominators", ed.weights_period.0);
    let em = format!("{} population of English LSOAs", ed.weights_period.1);
    b.reference_counts(
        share_id,
        (local_in, local_total),
        (e_in, e_total),
        (&lm, &em),
        ed.period,
    );
    b.reference(
        count_id,
        &RefVal(Some(local_in), &lm, ed.period),
        &RefVal(Some(e_in), &em, ed.period),
    );
}

/// The denominator column of the decile-band shares: residents by the edition's population
/// denominators, summed over the area.
struct Denominator {
    /// The column id.
    column: String,
    /// Set when the column is written here (a companion column, not a catalogue entry).
    companion: Option<String>,
    /// What it counts.
    label: String,
}

/// IoD2025 is weighted by the atlas's own LSOA 2021 population, so its band shares divide by
/// the `population` indicator; IoD2019's mid-2015 denominators have a companion column.
fn share_denominator(ed: &Edition<'_>) -> Denominator {
    if ed.lsoa == Geography::Lsoa21 {
        Denominator {
            column: "population".to_owned(),
            companion: None,
            label: format!("residents ({})", ed.weights_period.0),
        }
    } else {
        let col = format!("imd{}_denominator", ed.year);
        Denominator {
            column: col.clone(),
            companion: Some(col),
            label: format!(
                "residents (IoD{} {} population denominators)",
                ed.year, ed.weights_period.0
            ),
        }
    }
}
