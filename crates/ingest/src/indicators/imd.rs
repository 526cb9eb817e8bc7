//! The English Indices of Deprivation: 2025 on LSOA 2021, 2019 on LSOA 2011.

use std::collections::{BTreeMap, BTreeSet};

use equimap_atlas::{Counts, Geography, Kind, Level, Polarity};

use super::{
    Builder, Meta, RefVal, aggregate_count, aggregate_mean, level, parent_map, weighted_mean,
};
use crate::error::{IngestError, Result};
use crate::membership::Membership;
use crate::read::{Csv, SourceLog};
use crate::sources::{self, MHCLG_ATTRIBUTION};

/// One index or domain: ids and the columns that hold it.
struct Domain {
    id: &'static str,
    label: &'static str,
    rank: &'static str,
    decile: &'static str,
    score: Option<&'static str>,
    score_unit: &'static str,
}

/// One edition of the indices.
struct Edition<'a> {
    year: &'static str,
    lsoa: Geography,
    code_col: &'static str,
    file: &'static str,
    /// The number of LSOAs in England in this edition, the denominator of percentiles. A fixed,
    /// published figure, so that an excerpt of the table gives the same percentiles.
    national_lsoas: f64,
    period: &'static str,
    source: &'static str,
    domains: Vec<Domain>,
    /// Weights (population) for the selection's LSOAs and for all English LSOAs.
    weights: (&'a BTreeMap<String, f64>, &'a BTreeMap<String, f64>),
    weights_period: (&'a str, &'a str),
    score_caveat: Option<&'static str>,
    /// Parent geographies that aggregates are made for.
    parents: [Geography; 3],
}

const DECILE_UNIT: &str = "decile (1 = most deprived 10% in England)";
const RANK_UNIT: &str = "rank (1 = most deprived in England)";
const NA_RANK: &str = "Not applicable: ranks, deciles and percentiles place single small areas in England's ordering; compare scores or the shares of residents in decile 1 instead";

/// IoD2025 on LSOA 2021.
pub fn iod2025(
    log: &mut SourceLog,
    m: &Membership,
    b: &mut Builder,
    weights: &BTreeMap<String, f64>,
    weights_period: &str,
    england_weights: &BTreeMap<String, f64>,
) -> Result<()> {
    let d = |id, label, col: &'static str, unit| Domain {
        id,
        label,
        rank: leak(format!("{col}_rank")),
        decile: leak(format!("{col}_decile")),
        score: Some(leak(format!("{col}_score"))),
        score_unit: unit,
    };
    let ed = Edition {
        year: "2025",
        lsoa: Geography::Lsoa21,
        code_col: "lsoa21_code",
        file: sources::IOD2025,
        national_lsoas: 33_755.0,
        period: "English Indices of Deprivation 2025",
        source: "MHCLG, English Indices of Deprivation 2025 (File 7 via humaniverse/IMD)",
        domains: vec![
            d(
                "imd",
                "Index of Multiple Deprivation",
                "IMD",
                "score (higher = more deprived)",
            ),
            d(
                "income",
                "Income deprivation",
                "Income",
                "rate (share of residents income-deprived)",
            ),
            d(
                "employment",
                "Employment deprivation",
                "Employment",
                "rate (share of working-age residents employment-deprived)",
            ),
            d(
                "education",
                "Education, skills and training deprivation",
                "Education",
                "score (higher = more deprived)",
            ),
            d(
                "health",
                "Health deprivation and disability",
                "Health",
                "score (higher = more deprived)",
            ),
            d("crime", "Crime", "Crime", "score (higher = more deprived)"),
            d(
                "barriers",
                "Barriers to housing and services",
                "Housing_and_Services",
                "score (higher = more deprived)",
            ),
            d(
                "living_env",
                "Living environment deprivation",
                "Environment",
                "score (higher = more deprived)",
            ),
        ],
        weights: (weights, england_weights),
        weights_period: (weights_period, "Census 2021"),
        score_caveat: None,
        parents: [Geography::Msoa21, Geography::Ward, Geography::District],
    };
    edition(log, m, b, &ed)
}

/// IoD2019 on LSOA 2011.
pub fn iod2019(log: &mut SourceLog, m: &Membership, b: &mut Builder) -> Result<()> {
    // IoD2019's own mid-2015 denominators are in the merged table; MHCLG weighted its district
    // summaries with them, so using them reproduces the official Leeds average score (27.301).
    let csv = log.csv(
        sources::IOD2019,
        "IoD2019 population denominators (mid-2015)",
    )?;
    let (c, p) = (csv.col("lsoa11cd")?, csv.col("pop_total_mid2015")?);
    let sel = m.codes(Geography::Lsoa11);
    let (mut local, mut england) = (BTreeMap::new(), BTreeMap::new());
    for row in csv.rows() {
        let code = row.req(c)?;
        let v = row.req_num(p)?;
        if sel.contains(code) {
            local.insert(code.to_owned(), v);
        }
        england.insert(code.to_owned(), v);
    }
    let d = |id, label, col: &'static str| Domain {
        id,
        label,
        rank: leak(format!("{col}_rank")),
        decile: leak(format!("{col}_decile")),
        score: None,
        score_unit: "",
    };
    let mut imd = d("imd", "Index of Multiple Deprivation", "imd");
    imd.score = Some("imd_score_derived");
    imd.score_unit = "score (higher = more deprived)";
    let ed = Edition {
        year: "2019",
        lsoa: Geography::Lsoa11,
        code_col: "lsoa11cd",
        file: sources::IOD2019,
        national_lsoas: 32_844.0,
        period: "English Indices of Deprivation 2019",
        source: "MHCLG, English Indices of Deprivation 2019 (Files 1, 2, 3, 6 and 9)",
        domains: vec![
            imd,
            d("income", "Income deprivation", "income"),
            d("employment", "Employment deprivation", "employment"),
            d(
                "education",
                "Education, skills and training deprivation",
                "education",
            ),
            d("health", "Health deprivation and disability", "health"),
            d("crime", "Crime", "crime"),
            d("barriers", "Barriers to housing and services", "barriers"),
            d("living_env", "Living environment deprivation", "living_env"),
            d(
                "idaci",
                "Income deprivation affecting children (IDACI)",
                "idaci",
            ),
            d(
                "idaopi",
                "Income deprivation affecting older people (IDAOPI)",
                "idaopi",
            ),
        ],
        weights: (&local, &england),
        weights_period: ("mid-2015", "mid-2015"),
        score_caveat: Some(
            "The published 2019 IMD score is not in the sources; this score is rebuilt from File 9's transformed domain scores with the published weights. It reproduces the official ordering within ±6 ranks; use the official rank and decile to classify areas.",
        ),
        parents: [Geography::Msoa11, Geography::Ward, Geography::District],
    };
    edition(log, m, b, &ed)
}

/// Column names are built once per ingest; leaking these few short strings keeps the domain
/// table `'static` and simple.
fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

fn edition(log: &mut SourceLog, m: &Membership, b: &mut Builder, ed: &Edition<'_>) -> Result<()> {
    let csv = log.csv(
        ed.file,
        &format!("IoD{} ranks, deciles and scores", ed.year),
    )?;
    let code_col = csv.col(ed.code_col)?;
    let sel = m.codes(ed.lsoa);
    let national_n = ed.national_lsoas;
    if csv.len() as f64 > national_n {
        return Err(IngestError::Check(format!(
            "{}: {} rows, but IoD{} ranks {national_n} LSOAs in England",
            ed.file,
            csv.len(),
            ed.year
        )));
    }
    let mut seen = BTreeSet::new();
    for dom in &ed.domains {
        let cols = (
            csv.col(dom.rank)?,
            csv.col(dom.decile)?,
            dom.score.map(|s| csv.col(s)).transpose()?,
        );
        let mut rank = BTreeMap::new();
        let mut decile = BTreeMap::new();
        let mut score = BTreeMap::new();
        let mut england_score = BTreeMap::new();
        for row in csv.rows() {
            let code = row.req(code_col)?;
            let in_sel = sel.contains(code);
            if let Some(sc) = cols.2 {
                let v = row.req_num(sc)?;
                england_score.insert(code.to_owned(), v);
                if in_sel {
                    score.insert(code.to_owned(), v);
                }
            }
            if in_sel {
                let r = row.req_num(cols.0)?;
                if !(1.0..=national_n).contains(&r) {
                    return Err(row.bad(cols.0, format!("rank {r} is outside 1..{national_n}")));
                }
                let dv = row.req_num(cols.1)?;
                if !(1.0..=10.0).contains(&dv) {
                    return Err(row.bad(cols.1, format!("decile {dv} is outside 1..10")));
                }
                rank.insert(code.to_owned(), r);
                decile.insert(code.to_owned(), dv);
                seen.insert(code.to_owned());
            }
        }
        if let Some(missing) = sel.iter().find(|c| !rank.contains_key(**c)) {
            return Err(IngestError::Check(format!(
                "{}: no IoD{} row for {} {missing}",
                ed.file, ed.year, ed.lsoa
            )));
        }
        define_domain(b, ed, dom);
        let id = |s: &str| format!("imd{}_{}_{s}", ed.year, dom.id).replace("_imd_", "_");
        b.set_all(ed.lsoa, &id("rank"), rank.clone());
        b.set_all(ed.lsoa, &id("decile"), decile.clone());
        b.reference(
            &id("rank"),
            &RefVal(None, NA_RANK, ed.period),
            &RefVal(None, NA_RANK, ed.period),
        );
        b.reference(
            &id("decile"),
            &RefVal(None, NA_RANK, ed.period),
            &RefVal(None, NA_RANK, ed.period),
        );
        if dom.score.is_some() {
            b.set_all(ed.lsoa, &id("score"), score.clone());
            add_score_reference(b, ed, &id("score"), &score, &england_score);
        }
        if dom.id == "imd" {
            imd_extras(
                b,
                m,
                ed,
                &rank,
                &decile,
                &score,
                national_n,
                &england_score,
                &csv,
                code_col,
            )?;
        }
    }
    Ok(())
}

// A split into named steps (and without Box::leak) is prepared but waits: the counts data
// model landed here in parallel (issue #13 report).
#[allow(clippy::too_many_lines)]
fn define_domain(b: &mut Builder, ed: &Edition<'_>, dom: &Domain) {
    let id = |s: &str| format!("imd{}_{}_{s}", ed.year, dom.id).replace("_imd_", "_");
    let lsoa_level = |what: &str| vec![level(ed.lsoa, ed.period, what, false)];
    let theme = format!("Deprivation {}", ed.year);
    let top = dom.id == "imd";
    let base = |suffix: &'static str,
                label: String,
                unit: &'static str,
                kind,
                polarity,
                decimals,
                tiles,
                desc: String| {
        (
            id(suffix),
            label,
            unit,
            kind,
            polarity,
            decimals,
            tiles,
            desc,
        )
    };
    let mut entries = vec![
        base(
            "decile",
            format!("{} {} decile", dom.label, ed.year),
            DECILE_UNIT,
            Kind::Decile,
            Polarity::HigherIsBetter,
            0,
            true,
            format!(
                "National decile of the LSOA's {} rank among all LSOAs in England.",
                dom.label
            ),
        ),
        base(
            "rank",
            format!("{} {} rank", dom.label, ed.year),
            RANK_UNIT,
            Kind::Rank,
            Polarity::HigherIsBetter,
            0,
            top,
            format!(
                "National rank of the LSOA on {} among all LSOAs in England.",
                dom.label
            ),
        ),
    ];
    if dom.score.is_some() {
        entries.push(base(
            "score",
            format!("{} {} score", dom.label, ed.year),
            dom.score_unit,
            Kind::Score,
            Polarity::HigherIsWorse,
            3,
            top,
            format!(
                "The {} score as published; higher means more deprived.",
                dom.label
            ),
        ));
    }
    for (idv, label, unit, kind, polarity, decimals, tiles, desc) in entries {
        let mut levels: Vec<Level> = lsoa_level("As published by MHCLG");
        if top && kind == Kind::Score {
            for g in ed.parents {
                levels.push(level(
                    g,
                    ed.period,
                    &format!(
                        "Population-weighted mean of LSOA scores ({} population denominators){}",
                        ed.weights_period.0,
                        if g == Geography::Ward {
                            "; LSOAs assigned to wards best-fit by the ONS lookup"
                        } else {
                            ""
                        }
                    ),
                    g == Geography::Ward,
                ));
            }
        }
        b.define(
            &Meta {
                id: &idv,
                label: &label,
                description: &desc,
                theme: &theme,
                unit,
                kind,
                polarity,
                native: ed.lsoa,
                source: ed.source,
                attribution: MHCLG_ATTRIBUTION,
                decimals,
                in_tiles: tiles,
                local: false,
                caveat: if kind == Kind::Score && top {
                    ed.score_caveat
                } else {
                    None
                },
            },
            levels,
        );
    }
}

fn add_score_reference(
    b: &mut Builder,
    ed: &Edition<'_>,
    id: &str,
    local: &BTreeMap<String, f64>,
    england: &BTreeMap<String, f64>,
) {
    let wm = |vals: &BTreeMap<String, f64>, w: &BTreeMap<String, f64>| {
        weighted_mean(
            vals.iter()
                .map(|(c, v)| (Some(*v), w.get(c).copied().unwrap_or(0.0))),
        )
    };
    let lm = format!(
        "Population-weighted mean of the LSOA scores ({} population)",
        ed.weights_period.0
    );
    let em = format!(
        "Population-weighted mean of all English LSOA scores ({} population)",
        ed.weights_period.1
    );
    b.reference(
        id,
        &RefVal(wm(local, ed.weights.0), &lm, ed.period),
        &RefVal(wm(england, ed.weights.1), &em, ed.period),
    );
}

// A split into named steps (and without Box::leak) is prepared but waits: the counts data
// model landed here in parallel (issue #13 report).
#[allow(clippy::too_many_lines)]
#[allow(clippy::too_many_arguments)]
fn imd_extras(
    b: &mut Builder,
    m: &Membership,
    ed: &Edition<'_>,
    rank: &BTreeMap<String, f64>,
    decile: &BTreeMap<String, f64>,
    score: &BTreeMap<String, f64>,
    national_n: f64,
    england_score: &BTreeMap<String, f64>,
    csv: &Csv,
    code_col: usize,
) -> Result<()> {
    let y = ed.year;
    let theme = format!("Deprivation {y}");
    // Percentile: the "most deprived 1%" band matters locally.
    let pct: BTreeMap<String, f64> = rank
        .iter()
        .map(|(c, r)| (c.clone(), (r * 100.0 / national_n).ceil().clamp(1.0, 100.0)))
        .collect();
    let meta = |id: &'static str,
                label: &'static str,
                desc: &'static str,
                unit: &'static str,
                kind,
                polarity,
                decimals,
                tiles,
                local| Meta {
        id,
        label,
        description: desc,
        theme: "",
        unit,
        kind,
        polarity,
        native: ed.lsoa,
        source: ed.source,
        attribution: MHCLG_ATTRIBUTION,
        decimals,
        in_tiles: tiles,
        local,
        caveat: None,
    };
    let pid = leak(format!("imd{y}_percentile"));
    let mut mt = meta(
        pid,
        leak(format!("IMD {y} national percentile")),
        "National percentile of the IMD rank: 1 = most deprived 1% of LSOAs in England.",
        "percentile (1 = most deprived 1% in England)",
        Kind::Percentile,
        Polarity::HigherIsBetter,
        0,
        true,
        false,
    );
    mt.theme = &theme;
    b.define(
        &mt,
        vec![level(
            ed.lsoa,
            ed.period,
            &format!("ceil(rank × 100 / {national_n}) from the official IMD rank"),
            false,
        )],
    );
    b.set_all(ed.lsoa, pid, pct);
    b.reference(
        pid,
        &RefVal(None, NA_RANK, ed.period),
        &RefVal(None, NA_RANK, ed.period),
    );

    // A quintile relative to the district ("deprived Leeds"): rank the district's LSOAs by
    // their national rank and cut them into five equal groups; ties broken by code.
    let qid = leak(format!("imd{y}_local_quintile"));
    let mut ordered: Vec<(&String, f64)> = rank.iter().map(|(c, r)| (c, *r)).collect();
    ordered.sort_by(|a, b| a.1.total_cmp(&b.1).then_with(|| a.0.cmp(b.0)));
    let n = ordered.len();
    let quint: BTreeMap<String, f64> = ordered
        .iter()
        .enumerate()
        .map(|(i, (c, _))| ((*c).clone(), (i * 5 / n + 1) as f64))
        .collect();
    let mut mq = meta(
        qid,
        leak(format!("IMD {y} quintile within {} (local)", b.scope.1)),
        "LOCAL measure: the area's fifth of the district's LSOAs ordered by national IMD rank (1 = the most deprived 20% of the district, as the Leeds Observatory's \"deprived Leeds\"). Not comparable between districts.",
        "local quintile (1 = most deprived 20% of the district)",
        Kind::Quintile,
        Polarity::HigherIsBetter,
        0,
        true,
        true,
    );
    mq.theme = &theme;
    b.define(&mq, vec![level(ed.lsoa, ed.period, "District LSOAs ordered by national IMD rank (ties by code), cut into five equal-count groups", false)]);
    b.set_all(ed.lsoa, qid, quint);
    b.reference(
        qid,
        &RefVal(
            None,
            "Not applicable: a position within the district",
            ed.period,
        ),
        &RefVal(
            None,
            "Not applicable: a position within the district",
            ed.period,
        ),
    );

    // Aggregates to every higher geography.
    let w = ed.weights.0;
    let score_id = leak(format!("imd{y}_score"));
    for g in ed.parents {
        let pm = parent_map(m, ed.lsoa, g);
        b.set_all(g, score_id, aggregate_mean(score, w, &pm));
    }
    let england_decile = england_deciles(csv, code_col, ed)?;
    let denominator = share_denominator(ed);
    for (suffix, max, label) in [
        ("d1", 1.0, "national decile 1 (most deprived 10%)"),
        (
            "d12",
            2.0,
            "national deciles 1–2 (most deprived 20%, Core20)",
        ),
    ] {
        let share_id = leak(format!("imd{y}_{suffix}_share"));
        let count_id = leak(format!("imd{y}_{suffix}_count"));
        let in_band = |c: &str| decile.get(c).is_some_and(|d| *d <= max);
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
            b.set_all(g, count_id, counts);
            b.set_all(g, share_id, shares);
            if let Some(col) = denominator.companion {
                b.set_all(g, col, totals);
            }
            let how = format!(
                "Residents ({} population denominators) of LSOAs in {label}{}",
                ed.weights_period.0,
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
        let share_label = leak(format!("Residents in {label}, IMD {y} (share)"));
        let count_label = leak(format!("Residents in {label}, IMD {y} (count)"));
        let mut ms = meta(
            share_id,
            share_label,
            "Share of the area's residents living in LSOAs in this band of England's IMD.",
            "share of residents (0–1)",
            Kind::Share,
            Polarity::HigherIsWorse,
            4,
            true,
            false,
        );
        ms.theme = &theme;
        b.define_counts(
            &ms,
            share_levels,
            Some(Counts {
                numerator: count_id.to_owned(),
                denominator: denominator.column.to_owned(),
                numerator_label: format!("residents of LSOAs in {label}"),
                denominator_label: denominator.label.clone(),
                interval: None,
            }),
        );
        let mut mc = meta(
            count_id,
            count_label,
            "Residents living in LSOAs in this band of England's IMD.",
            "persons",
            Kind::Count,
            Polarity::HigherIsWorse,
            0,
            false,
            false,
        );
        mc.theme = &theme;
        b.define(&mc, count_levels);
        let local_total: f64 = w.values().sum();
        let local_in: f64 = w.iter().filter(|(c, _)| in_band(c)).map(|(_, v)| v).sum();
        let ew = ed.weights.1;
        let e_total: f64 = ew
            .iter()
            .filter(|(c, _)| england_decile.contains_key(*c))
            .map(|(_, v)| v)
            .sum();
        let e_in: f64 = ew
            .iter()
            .filter(|(c, _)| england_decile.get(*c).is_some_and(|d| *d <= max))
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
    let _ = england_score;
    Ok(())
}

/// The denominator column of the decile-band shares: residents by the edition's population
/// denominators, summed over the area.
struct Denominator {
    /// The column id.
    column: &'static str,
    /// Set when the column is written here (a companion column, not a catalogue entry).
    companion: Option<&'static str>,
    /// What it counts.
    label: String,
}

/// IoD2025 is weighted by the atlas's own LSOA 2021 population, so its band shares divide by
/// the `population` indicator; IoD2019's mid-2015 denominators have a companion column.
fn share_denominator(ed: &Edition<'_>) -> Denominator {
    if ed.lsoa == Geography::Lsoa21 {
        Denominator {
            column: "population",
            companion: None,
            label: format!("residents ({})", ed.weights_period.0),
        }
    } else {
        let col = leak(format!("imd{}_denominator", ed.year));
        Denominator {
            column: col,
            companion: Some(col),
            label: format!(
                "residents (IoD{} {} population denominators)",
                ed.year, ed.weights_period.0
            ),
        }
    }
}

fn england_deciles(csv: &Csv, code_col: usize, ed: &Edition<'_>) -> Result<BTreeMap<String, f64>> {
    let dc = csv.col(ed.domains[0].decile)?;
    let mut out = BTreeMap::new();
    for row in csv.rows() {
        out.insert(row.req(code_col)?.to_owned(), row.req_num(dc)?);
    }
    Ok(out)
}
