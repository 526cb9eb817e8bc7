//! The English Indices of Deprivation: 2025 on LSOA 2021, 2019 on LSOA 2011.

use std::collections::{BTreeMap, BTreeSet};

use equimap_atlas::{Geography, Kind, Level, Polarity};

mod extras;

use extras::{ImdValues, imd_extras};

use super::{Builder, Meta, RefVal, level, weighted_mean};
use crate::error::{IngestError, Result};
use crate::membership::Membership;
use crate::read::{Csv, SourceLog};
use crate::sources::{self, MHCLG_ATTRIBUTION};

/// One index or domain: ids and the columns that hold it.
struct Domain {
    id: &'static str,
    label: &'static str,
    rank: String,
    decile: String,
    score: Option<String>,
    score_unit: &'static str,
}

impl Domain {
    /// A domain whose columns are `<col>_rank`, `<col>_decile` and, with a unit, `<col>_score`.
    fn new(
        id: &'static str,
        label: &'static str,
        col: &str,
        score_unit: Option<&'static str>,
    ) -> Self {
        Self {
            id,
            label,
            rank: format!("{col}_rank"),
            decile: format!("{col}_decile"),
            score: score_unit.map(|_| format!("{col}_score")),
            score_unit: score_unit.unwrap_or(""),
        }
    }
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
    let d = |id, label, col, unit| Domain::new(id, label, col, Some(unit));
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
    let d = |id, label, col| Domain::new(id, label, col, None);
    let mut imd = d("imd", "Index of Multiple Deprivation", "imd");
    imd.score = Some("imd_score_derived".to_owned());
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
    // Which rows the selection has, found once for every domain.
    let selected = csv
        .rows()
        .map(|row| Ok(sel.contains(row.req(code_col)?)))
        .collect::<Result<Vec<bool>>>()?;
    let found: BTreeSet<&str> = csv
        .rows()
        .zip(&selected)
        .filter(|(_, s)| **s)
        .map(|(row, _)| row.str(code_col))
        .collect();
    if let Some(missing) = sel.iter().find(|c| !found.contains(**c)) {
        return Err(IngestError::Check(format!(
            "{}: no IoD{} row for {} {missing}",
            ed.file, ed.year, ed.lsoa
        )));
    }
    for dom in &ed.domains {
        let v = read_domain(&csv, code_col, &selected, dom, national_n)?;
        define_domain(b, ed, dom);
        let id = |s: &str| format!("imd{}_{}_{s}", ed.year, dom.id).replace("_imd_", "_");
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
            add_score_reference(b, ed, &id("score"), &v.score, &v.england_score);
        }
        if dom.id == "imd" {
            let england_decile = england_deciles(&csv, code_col, ed)?;
            let values = ImdValues {
                rank: &v.rank,
                decile: &v.decile,
                score: &v.score,
                england_decile: &england_decile,
            };
            imd_extras(b, m, ed, &values);
        }
        b.set_all(ed.lsoa, &id("rank"), v.rank);
        b.set_all(ed.lsoa, &id("decile"), v.decile);
        if dom.score.is_some() {
            b.set_all(ed.lsoa, &id("score"), v.score);
        }
    }
    Ok(())
}

/// One domain's values: rank, decile and score of the selection's LSOAs, and every English
/// LSOA's score.
struct DomainValues {
    rank: BTreeMap<String, f64>,
    decile: BTreeMap<String, f64>,
    score: BTreeMap<String, f64>,
    england_score: BTreeMap<String, f64>,
}

/// Read one domain's columns, checking each selected row's rank and decile. `selected` says,
/// row by row, whether the selection has the row's LSOA.
fn read_domain(
    csv: &Csv,
    code_col: usize,
    selected: &[bool],
    dom: &Domain,
    national_n: f64,
) -> Result<DomainValues> {
    let (rank_col, decile_col) = (csv.col(&dom.rank)?, csv.col(&dom.decile)?);
    let score_col = dom.score.as_deref().map(|s| csv.col(s)).transpose()?;
    let n = selected.iter().filter(|s| **s).count();
    let (mut rank, mut decile, mut score) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    let mut england_score = Vec::with_capacity(selected.len());
    for (row, &in_sel) in csv.rows().zip(selected) {
        let code = row.str(code_col);
        if let Some(sc) = score_col {
            let v = row.req_num(sc)?;
            england_score.push((code.to_owned(), v));
            if in_sel {
                score.push((code.to_owned(), v));
            }
        }
        if in_sel {
            let r = row.req_num(rank_col)?;
            if !(1.0..=national_n).contains(&r) {
                return Err(row.bad(rank_col, format!("rank {r} is outside 1..{national_n}")));
            }
            let dv = row.req_num(decile_col)?;
            if !(1.0..=10.0).contains(&dv) {
                return Err(row.bad(decile_col, format!("decile {dv} is outside 1..10")));
            }
            rank.push((code.to_owned(), r));
            decile.push((code.to_owned(), dv));
        }
    }
    // Collected, not inserted one by one: a map built from entries in code order (as the
    // published files are) is built in one pass; a code listed twice keeps its last row.
    Ok(DomainValues {
        rank: rank.into_iter().collect(),
        decile: decile.into_iter().collect(),
        score: score.into_iter().collect(),
        england_score: england_score.into_iter().collect(),
    })
}

/// One catalogue entry of a domain: its rank, decile or score.
struct Entry {
    suffix: &'static str,
    label: String,
    unit: &'static str,
    kind: Kind,
    polarity: Polarity,
    decimals: u8,
    in_tiles: bool,
    description: String,
}

/// A domain's entries in catalogue order: decile, rank and (where published) score. Ranks and
/// scores go into tiles for the IMD itself only.
fn domain_entries(ed: &Edition<'_>, dom: &Domain) -> Vec<Entry> {
    let top = dom.id == "imd";
    let mut entries = vec![
        Entry {
            suffix: "decile",
            label: format!("{} {} decile", dom.label, ed.year),
            unit: DECILE_UNIT,
            kind: Kind::Decile,
            polarity: Polarity::HigherIsBetter,
            decimals: 0,
            in_tiles: true,
            description: format!(
                "National decile of the LSOA's {} rank among all LSOAs in England.",
                dom.label
            ),
        },
        Entry {
            suffix: "rank",
            label: format!("{} {} rank", dom.label, ed.year),
            unit: RANK_UNIT,
            kind: Kind::Rank,
            polarity: Polarity::HigherIsBetter,
            decimals: 0,
            in_tiles: top,
            description: format!(
                "National rank of the LSOA on {} among all LSOAs in England.",
                dom.label
            ),
        },
    ];
    if dom.score.is_some() {
        entries.push(Entry {
            suffix: "score",
            label: format!("{} {} score", dom.label, ed.year),
            unit: dom.score_unit,
            kind: Kind::Score,
            polarity: Polarity::HigherIsWorse,
            decimals: 3,
            in_tiles: top,
            description: format!(
                "The {} score as published; higher means more deprived.",
                dom.label
            ),
        });
    }
    entries
}

/// The levels an entry is held at: the LSOA as published, and for the IMD score the
/// population-weighted means of the parent geographies.
fn entry_levels(ed: &Edition<'_>, top: bool, kind: Kind) -> Vec<Level> {
    let mut levels = vec![level(ed.lsoa, ed.period, "As published by MHCLG", false)];
    if top && kind == Kind::Score {
        for g in ed.parents {
            let ward = g == Geography::Ward;
            let how = format!(
                "Population-weighted mean of LSOA scores ({} population denominators){}",
                ed.weights_period.0,
                if ward {
                    "; LSOAs assigned to wards best-fit by the ONS lookup"
                } else {
                    ""
                }
            );
            levels.push(level(g, ed.period, &how, ward));
        }
    }
    levels
}

fn define_domain(b: &mut Builder, ed: &Edition<'_>, dom: &Domain) {
    let theme = format!("Deprivation {}", ed.year);
    let top = dom.id == "imd";
    for e in domain_entries(ed, dom) {
        let id = format!("imd{}_{}_{}", ed.year, dom.id, e.suffix).replace("_imd_", "_");
        b.define(
            &Meta {
                id: &id,
                label: &e.label,
                description: &e.description,
                theme: &theme,
                unit: e.unit,
                kind: e.kind,
                polarity: e.polarity,
                native: ed.lsoa,
                source: ed.source,
                attribution: MHCLG_ATTRIBUTION,
                decimals: e.decimals,
                in_tiles: e.in_tiles,
                local: false,
                caveat: if e.kind == Kind::Score && top {
                    ed.score_caveat
                } else {
                    None
                },
            },
            entry_levels(ed, top, e.kind),
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

fn england_deciles(csv: &Csv, code_col: usize, ed: &Edition<'_>) -> Result<BTreeMap<String, f64>> {
    let dc = csv.col(&ed.domains[0].decile)?;
    let mut out = BTreeMap::new();
    for row in csv.rows() {
        out.insert(row.req(code_col)?.to_owned(), row.req_num(dc)?);
    }
    Ok(out)
}
