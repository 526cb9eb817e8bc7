//! GP practices and Primary Care Networks: QOF 2024-25 registers and lists of the district's
//! practices (and of the other members of their PCNs), their PCN, the IMD 2025 score of their
//! registered population with its national practice decile, and England and district sums.
//!
//! Which practices: those of the GP practice reference layer located in the selection (for
//! `--lad all`, every practice in the QOF file). A PCN is a list of practices, not an area, so
//! the members of a district practice's PCN are kept even where they lie outside the district
//! (`in_district = false`), and no PCN boundary is made.

mod read;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use equimap_atlas::{Condition, LayerRecord, PracticeInfo, PrimaryCare, QofRow, QofTotal};

use crate::error::Result;
use crate::read::SourceLog;
use crate::sources;

use read::{Membership, Registers};

/// What the ingest writes and tells.
pub struct Built {
    /// Manifest records of the files written.
    pub layers: BTreeMap<String, LayerRecord>,
    /// Things the person running the ingest must know.
    pub notes: Vec<String>,
}

/// True when the sources hold the QOF file (an excerpt without it builds no primary care).
pub fn available(log: &SourceLog) -> bool {
    log.exists(sources::QOF) && log.exists(sources::PRACTICE_IMD) && log.exists(sources::PCN_MAP)
}

/// Build and write the primary-care files. `located`: the district's practices from the GP
/// reference layer (code → name); `None` for England, where every QOF practice is taken.
pub fn build(
    log: &mut SourceLog,
    located: Option<&BTreeMap<String, String>>,
    dir: &Path,
) -> Result<Built> {
    let (qof, above) = read::qof(log)?;
    let imd = read::practice_imd(log)?;
    let map = read::pcn_map(log)?;
    let old = read::epcn_leeds(log)?;
    let deciles = national_deciles(&imd);
    let mut notes = Vec::new();
    if !above.is_empty() {
        notes.push(format!(
            "QOF registers above their list, kept as NHS England publishes them: {}",
            above.join(", ")
        ));
    }

    let in_district: BTreeSet<String> = match located {
        Some(l) => l.keys().cloned().collect(),
        None => qof.keys().cloned().collect(),
    };
    let membership = |code: &str| -> Option<Membership> {
        map.get(code)
            .map(|(_, m)| m.clone())
            .or_else(|| old.get(code).cloned())
    };
    // The PCNs of the district's practices, and every member of them (current file only).
    let pcns: BTreeSet<String> = in_district
        .iter()
        .filter_map(|c| map.get(c))
        .map(|(_, m)| m.pcn_code.clone())
        .filter(|p| !p.is_empty())
        .collect();
    let mut held = in_district.clone();
    held.extend(
        map.iter()
            .filter(|(_, (_, m))| pcns.contains(&m.pcn_code))
            .map(|(c, _)| c.clone()),
    );

    let mut practices = Vec::new();
    for code in &held {
        let m = membership(code);
        if m.is_none() && in_district.contains(code) {
            notes.push(format!(
                "GP practice {code} is in neither PCN membership file; its PCN is shown as unknown"
            ));
        }
        let name = located
            .and_then(|l| l.get(code).cloned())
            .or_else(|| map.get(code).map(|(n, _)| n.clone()))
            .or_else(|| imd.get(code).map(|(n, _)| n.clone()))
            .unwrap_or_default();
        let m = m.unwrap_or(Membership {
            pcn_code: String::new(),
            pcn_name: String::new(),
            as_at: String::new(),
        });
        practices.push(PracticeInfo {
            practice_code: code.clone(),
            name,
            in_district: in_district.contains(code),
            pcn_code: m.pcn_code,
            pcn_name: m.pcn_name,
            pcn_as_at: m.as_at,
            imd2025_score: imd.get(code).map(|(_, s)| *s),
            imd2025_decile: deciles.get(code).copied(),
        });
    }
    notes.extend(coverage_notes(&in_district, &qof, &practices));

    let qof_rows = qof_rows(&qof, &held);
    let totals = totals(&qof, &in_district, &deciles);
    let pc = PrimaryCare {
        conditions: conditions(&qof),
        qof: qof_rows,
        practices,
        totals,
    };
    pc.write(dir)?;
    Ok(Built {
        layers: records(&pc, &map),
        notes,
    })
}

/// Notes on district practices without registers, and on those whose PCN comes from the
/// February 2023 file.
fn coverage_notes(
    in_district: &BTreeSet<String>,
    qof: &BTreeMap<String, Registers>,
    practices: &[PracticeInfo],
) -> Vec<String> {
    let mut notes = Vec::new();
    let missing: Vec<&String> = in_district
        .iter()
        .filter(|c| !qof.contains_key(*c))
        .collect();
    if !missing.is_empty() {
        notes.push(format!(
            "{} district GP practice(s) have no QOF 2024-25 registers: {}",
            missing.len(),
            missing
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let fallback: Vec<&str> = practices
        .iter()
        .filter(|p| p.in_district && p.pcn_as_at == sources::PCN_EPCN_AS_AT)
        .map(|p| p.practice_code.as_str())
        .collect();
    if !fallback.is_empty() {
        notes.push(format!(
            "PCN membership of {} from the February 2023 ePCN file (not in the July 2026 file): {}",
            if fallback.len() == 1 {
                "one practice"
            } else {
                "practices"
            },
            fallback.join(", ")
        ));
    }
    notes
}

/// Deciles of the practices' IMD 2025 scores over every practice in the file, 1 = the most
/// deprived tenth (highest scores). Practices are ranked by score, highest first; the i-th of n
/// (from 0) is in decile 1 + ⌊10 i / n⌋, and tied scores share the decile of the first of them.
fn national_deciles(imd: &BTreeMap<String, (String, f64)>) -> BTreeMap<String, u8> {
    let mut ranked: Vec<(&String, f64)> = imd.iter().map(|(c, (_, s))| (c, *s)).collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(b.0)));
    let n = ranked.len();
    let mut out = BTreeMap::new();
    let mut prev: Option<(f64, u8)> = None;
    for (i, (code, score)) in ranked.into_iter().enumerate() {
        let d = match prev {
            Some((s, d)) if s.total_cmp(&score).is_eq() => d,
            _ => (1 + i * 10 / n) as u8,
        };
        prev = Some((score, d));
        out.insert(code.clone(), d);
    }
    out
}

fn conditions(qof: &BTreeMap<String, Registers>) -> Vec<Condition> {
    sources::QOF_REGISTERS
        .iter()
        .filter_map(|(code, label)| {
            let list_type = qof
                .values()
                .find_map(|r| r.get(*code).map(|(_, lt, _)| lt.clone()))?;
            Some(Condition {
                condition: (*code).to_owned(),
                label: (*label).to_owned(),
                ages: ages(&list_type),
                list_type,
            })
        })
        .collect()
}

/// The published list type in words.
fn ages(list_type: &str) -> String {
    match list_type
        .strip_suffix("OV")
        .and_then(|a| a.parse::<u8>().ok())
    {
        Some(age) => format!("registered patients aged {age} and over"),
        None => "all registered patients".to_owned(),
    }
}

fn qof_rows(qof: &BTreeMap<String, Registers>, held: &BTreeSet<String>) -> Vec<QofRow> {
    held.iter()
        .filter_map(|c| Some((c, qof.get(c)?)))
        .flat_map(|(code, regs)| {
            regs.iter().map(|(cond, (r, lt, l))| QofRow {
                practice_code: code.clone(),
                condition: cond.clone(),
                register: *r,
                list_type: lt.clone(),
                list_size: *l,
            })
        })
        .collect()
}

/// Sums of registers and lists: England (every practice in the file) and the district, each
/// overall and by national practice decile.
fn totals(
    qof: &BTreeMap<String, Registers>,
    in_district: &BTreeSet<String>,
    deciles: &BTreeMap<String, u8>,
) -> Vec<QofTotal> {
    type Key = (u8, Option<u8>, String);
    let mut sums: BTreeMap<Key, (u64, u64, u64)> = BTreeMap::new();
    for (code, regs) in qof {
        let d = deciles.get(code).copied();
        let scopes = [Some(0u8), in_district.contains(code).then_some(1)];
        for scope in scopes.into_iter().flatten() {
            for (cond, (r, _, l)) in regs {
                for dec in [Some(None), d.map(Some)].into_iter().flatten() {
                    let s = sums.entry((scope, dec, cond.clone())).or_default();
                    s.0 += 1;
                    s.1 += r;
                    s.2 += l;
                }
            }
        }
    }
    sums.into_iter()
        .map(|((scope, decile, condition), (n, r, l))| QofTotal {
            scope: if scope == 0 { "england" } else { "district" }.to_owned(),
            decile,
            condition,
            practices: n,
            register: r,
            list_size: l,
        })
        .collect()
}

fn records(
    pc: &PrimaryCare,
    map: &BTreeMap<String, (String, Membership)>,
) -> BTreeMap<String, LayerRecord> {
    const LICENCE: &str = "Open Government Licence v3.0";
    const NHS: &str = "Contains public sector information licensed under the Open Government Licence v3.0 (NHS England; Office for Health Improvement and Disparities)";
    let as_at = map
        .values()
        .map(|(_, m)| m.as_at.as_str())
        .max()
        .unwrap_or_default();
    let period = sources::QOF_PERIOD;
    let qof = |file: &str, count: usize, what: &str| LayerRecord {
        file: file.to_owned(),
        count,
        source: format!("NHS England, Quality and Outcomes Framework {period}: {what}"),
        vintage: period.to_owned(),
        licence: LICENCE.to_owned(),
        attribution: NHS.to_owned(),
    };
    BTreeMap::from([
        (
            "gp_conditions".to_owned(),
            qof(
                PrimaryCare::CONDITIONS,
                pc.conditions.len(),
                "the registers and the list each is a share of",
            ),
        ),
        (
            "gp_qof".to_owned(),
            qof(
                PrimaryCare::QOF,
                pc.qof.len(),
                "register and list size per practice and condition",
            ),
        ),
        (
            "gp_qof_totals".to_owned(),
            qof(
                PrimaryCare::TOTALS,
                pc.totals.len(),
                "registers and lists summed over England's and the district's practices, overall and by national practice IMD 2025 decile",
            ),
        ),
        (
            "gp_practice_info".to_owned(),
            LayerRecord {
                file: PrimaryCare::PRACTICES.to_owned(),
                count: pc.practices.len(),
                source: format!(
                    "NHS England Patients Registered at a GP Practice mapping file (PCN membership, extract {as_at}); NHS ODS ePCN February 2023 for practices not in it; OHID Fingertips indicator 94240, IMD 2025 score of each practice's registered population"
                ),
                vintage: format!(
                    "PCN membership as at {as_at} (as at {} where marked); IMD 2025",
                    sources::PCN_EPCN_AS_AT
                ),
                licence: LICENCE.to_owned(),
                attribution: NHS.to_owned(),
            },
        ),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deciles_split_ranked_scores_into_tenths_most_deprived_first() {
        let imd: BTreeMap<String, (String, f64)> = (0..20)
            .map(|i| (format!("A{i:05}"), (String::new(), f64::from(i))))
            .collect();
        let d = national_deciles(&imd);
        assert_eq!(d["A00019"], 1, "highest score is most deprived");
        assert_eq!(d["A00018"], 1);
        assert_eq!(d["A00017"], 2);
        assert_eq!(d["A00000"], 10);
    }

    #[test]
    fn tied_scores_share_a_decile() {
        let imd: BTreeMap<String, (String, f64)> = (0..10)
            .map(|i| {
                (
                    format!("A{i:05}"),
                    (String::new(), if i < 3 { 5.0 } else { 1.0 }),
                )
            })
            .collect();
        let d = national_deciles(&imd);
        assert!(d.values().filter(|v| **v == 1).count() == 3);
        assert!(d.values().filter(|v| **v == 4).count() == 7);
    }

    #[test]
    fn ages_in_words() {
        assert_eq!(ages("18OV"), "registered patients aged 18 and over");
        assert_eq!(ages("06OV"), "registered patients aged 6 and over");
        assert_eq!(ages("TOTAL"), "all registered patients");
    }
}
