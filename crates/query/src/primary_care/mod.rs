//! GP practices and Primary Care Networks: recorded prevalence from QOF registers, with 95%
//! intervals and comparisons, PCN sums, rankings and the practice deprivation gradient.
//!
//! Recorded prevalence = register ÷ the list of the right age (`PATIENT_LIST_TYPE`). It counts
//! diagnosed, coded patients, crude, not age-standardised. A PCN is a list of practices, not an
//! area: nothing here draws or infers a PCN boundary.

mod gradient;
mod rank;

use std::collections::BTreeMap;

use equimap_atlas::{Condition, Polarity, PrimaryCare};
use serde::Serialize;

use crate::QueryError;
use crate::inequality::{compare, wilson};
use crate::profile::{Comparison, comparison_words};
use crate::reference::GpPractice;

pub use gradient::{PracticeGradient, PracticeGradientBand};
pub use rank::PrimaryCareRankRow;

/// The caveat every prevalence figure carries.
pub const CAVEAT: &str = "Recorded prevalence: patients on a QOF disease register (diagnosed and coded by the practice) divided by the practice's registered patients of the register's age range. It depends on case finding and coding, and is crude, not age-standardised, so practices with older or younger lists differ for that reason too.";

/// Why the map draws no PCN boundary.
pub const NO_PCN_AREA: &str = "A Primary Care Network is a group of GP practices, not an area: its patients live wherever they choose to register, across many neighbourhoods. The sources hold no record of where each practice's patients live, so no PCN boundary is drawn; a PCN is shown as its practices.";

/// A PCN as the atlas knows it.
#[derive(Debug, Clone)]
struct Pcn {
    name: String,
    as_at: String,
    /// Current members (membership dated with the newest file).
    members: Vec<String>,
    /// Practices placed in this PCN only by the older file.
    former: Vec<String>,
}

/// Practice code → (register, list) by condition, in the order of the conditions.
type Registers = BTreeMap<String, Box<[Option<(u64, u64)>]>>;

/// (scope, decile, condition) → (practices, register, list).
type Totals = BTreeMap<(String, Option<u8>, String), (u64, u64, u64)>;

/// The primary-care data of an atlas, indexed for questions.
pub struct PrimaryCareIndex {
    pc: PrimaryCare,
    practice: BTreeMap<String, usize>,
    /// Each practice's (register, list) by condition, in the order of `pc.conditions` (the
    /// rows of `gp_qof.csv` are not kept: England's 130,000 took 15 MB as rows and again as a
    /// map keyed by two `String`s).
    registers: Registers,
    pcns: BTreeMap<String, Pcn>,
    totals: Totals,
    located: BTreeMap<String, (f64, f64)>,
    /// Gradients computed so far, by (condition, scope).
    gradients: std::sync::Mutex<BTreeMap<(String, String), PracticeGradient>>,
    /// The date of the current PCN membership file.
    pub membership_as_at: String,
    /// The district's name (or England).
    pub district_name: String,
    /// QOF period, from the manifest.
    pub period: String,
}

/// A practice or PCN named in an answer.
#[derive(Debug, Clone, Serialize)]
pub struct PracticeRef {
    /// ODS code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Located in the atlas's district.
    pub in_district: bool,
    /// Where it is (main site), when the atlas locates it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lon: Option<f64>,
    /// Latitude.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lat: Option<f64>,
    /// IMD 2025 score of its registered population.
    pub imd2025_score: Option<f64>,
    /// National practice decile of that score, 1 = most deprived.
    pub imd2025_decile: Option<u8>,
}

/// A PCN membership.
#[derive(Debug, Clone, Serialize)]
pub struct PcnRef {
    /// PCN code.
    pub code: String,
    /// PCN name.
    pub name: String,
    /// The date the membership describes.
    pub as_at: String,
}

/// A benchmark and how the figure compares with it.
#[derive(Debug, Clone, Serialize)]
pub struct Benchmark {
    /// Whose figure: the district's practices or England's.
    pub name: String,
    /// Its prevalence, percent.
    pub value: f64,
    /// How the figure compares, by its 95% interval: significantly higher, similar or
    /// significantly lower (recorded prevalence has no better or worse direction).
    pub comparison: Option<Comparison>,
}

/// Recorded prevalence of one condition.
#[derive(Debug, Clone, Serialize)]
pub struct Prevalence {
    /// QOF group code.
    pub condition: String,
    /// What the register counts.
    pub label: String,
    /// The denominator in words.
    pub denominator: String,
    /// Patients on the register.
    pub register: u64,
    /// Patients on the list it is a share of.
    pub list_size: u64,
    /// Percent.
    pub value: Option<f64>,
    /// 95% Wilson interval, percent.
    pub lower: Option<f64>,
    /// Upper end.
    pub upper: Option<f64>,
    /// The district's practices (absent in an England atlas).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub district: Option<Benchmark>,
    /// England's practices.
    pub england: Option<Benchmark>,
}

/// A practice's profile.
#[derive(Debug, Clone, Serialize)]
pub struct PracticeProfile {
    /// The practice.
    #[serde(flatten)]
    pub practice: PracticeRef,
    /// Its PCN, if any, with the membership date.
    pub pcn: Option<PcnRef>,
    /// What the PCN field means when empty.
    pub pcn_note: String,
    /// Recorded prevalence of every condition.
    pub prevalence: Vec<Prevalence>,
    /// QOF period.
    pub period: String,
    /// The caveat.
    pub caveat: String,
    /// How intervals and comparisons are made.
    pub method: String,
}

/// A PCN's profile: the sums of its practices.
#[derive(Debug, Clone, Serialize)]
pub struct PcnProfile {
    /// The PCN.
    #[serde(flatten)]
    pub pcn: PcnRef,
    /// Its practices (as at the membership date).
    pub practices: Vec<PracticeRef>,
    /// Practices placed in it only by the February 2023 file (not summed).
    pub former_practices: Vec<PracticeRef>,
    /// Members without QOF registers (not summed).
    pub practices_without_registers: Vec<String>,
    /// Recorded prevalence of every condition over its practices.
    pub prevalence: Vec<Prevalence>,
    /// Why no boundary.
    pub no_boundary: String,
    /// QOF period.
    pub period: String,
    /// The caveat.
    pub caveat: String,
    /// How the figures are made.
    pub method: String,
}

/// A practice's registers where it is listed among others (the nearest practices of a site).
#[derive(Debug, Clone, Serialize)]
pub struct PracticeRegisters {
    /// Its PCN, if any, with the membership date.
    pub pcn: Option<PcnRef>,
    /// Recorded prevalence of every condition, compared with the district's and England's
    /// practices.
    pub prevalence: Vec<Prevalence>,
    /// QOF period.
    pub period: String,
    /// The caveat, short.
    pub caveat: String,
}

/// The conditions, caveats and dates, for a client to build its menus.
#[derive(Debug, Clone, Serialize)]
pub struct PrimaryCareCatalogue {
    /// The QOF registers.
    pub conditions: Vec<ConditionSummary>,
    /// QOF period.
    pub period: String,
    /// PCN membership date.
    pub membership_as_at: String,
    /// The caveat.
    pub caveat: String,
    /// Why no PCN boundary.
    pub no_pcn_boundary: String,
    /// Practices in the district.
    pub district_practices: usize,
    /// PCNs with a practice in the district.
    pub pcns: usize,
}

/// A condition with the district's and England's recorded prevalence.
#[derive(Debug, Clone, Serialize)]
pub struct ConditionSummary {
    /// The register.
    #[serde(flatten)]
    pub condition: Condition,
    /// The district's practices.
    pub district: Option<Prevalence>,
    /// England's practices.
    pub england: Option<Prevalence>,
}

/// Each practice's (register, list) by condition, in the order of `conditions`; a row for a
/// condition not listed is never asked for and is left out; a repeated row replaces the one
/// before, as the map keyed by practice and condition did.
fn index_registers(conditions: &[Condition], qof: Vec<equimap_atlas::QofRow>) -> Registers {
    let mut out = Registers::new();
    for r in qof {
        let Some(i) = conditions.iter().position(|c| c.condition == r.condition) else {
            continue;
        };
        out.entry(r.practice_code)
            .or_insert_with(|| vec![None; conditions.len()].into_boxed_slice())[i] =
            Some((r.register, r.list_size));
    }
    out
}

fn pct(v: f64) -> f64 {
    (v * 1e6).round() / 1e4
}

/// The 95% Wilson interval of `register` out of `list_size` (`inequality::wilson`), as
/// proportions; `None` for an empty list or a register above its list (one practice's, as
/// published).
fn interval(register: u64, list_size: u64) -> Option<(f64, f64)> {
    wilson(register as f64, list_size as f64)
}

/// `register`/`list_size` compared with a benchmark proportion by its 95% interval, as the
/// area profiles compare (neutral polarity: higher or lower, never better or worse).
fn versus(register: u64, list_size: u64, benchmark: f64, name: &str) -> Option<Comparison> {
    let significance = compare(
        interval(register, list_size),
        Some(benchmark),
        Polarity::Neutral,
    )?;
    Some(Comparison {
        benchmark: name.to_owned(),
        significance,
        words: comparison_words(significance, name),
    })
}

impl PrimaryCareIndex {
    /// Index the atlas's primary-care files; GP locations come from the GP practice layer.
    pub fn new(mut pc: PrimaryCare, gps: &[GpPractice], district_name: &str, period: &str) -> Self {
        let practice = pc
            .practices
            .iter()
            .enumerate()
            .map(|(i, p)| (p.practice_code.clone(), i))
            .collect();
        let registers = index_registers(&pc.conditions, std::mem::take(&mut pc.qof));
        let membership_as_at = pc
            .practices
            .iter()
            .map(|p| p.pcn_as_at.clone())
            .max()
            .unwrap_or_default();
        let mut pcns: BTreeMap<String, Pcn> = BTreeMap::new();
        for p in pc.practices.iter().filter(|p| !p.pcn_code.is_empty()) {
            let e = pcns.entry(p.pcn_code.clone()).or_insert_with(|| Pcn {
                name: p.pcn_name.clone(),
                as_at: p.pcn_as_at.clone(),
                members: Vec::new(),
                former: Vec::new(),
            });
            if p.pcn_as_at == membership_as_at {
                e.name.clone_from(&p.pcn_name);
                e.as_at.clone_from(&p.pcn_as_at);
                e.members.push(p.practice_code.clone());
            } else {
                e.former.push(p.practice_code.clone());
            }
        }
        let totals = pc
            .totals
            .iter()
            .map(|t| {
                (
                    (t.scope.clone(), t.decile, t.condition.clone()),
                    (t.practices, t.register, t.list_size),
                )
            })
            .collect();
        let located = gps
            .iter()
            .map(|g| (g.org_code.clone(), (g.lon, g.lat)))
            .collect();
        Self {
            pc,
            practice,
            registers,
            pcns,
            totals,
            located,
            gradients: std::sync::Mutex::default(),
            membership_as_at,
            district_name: district_name.to_owned(),
            period: period.to_owned(),
        }
    }

    /// A practice's (register, list) for a condition, by their codes.
    fn register(&self, practice: &str, condition: &str) -> Option<(u64, u64)> {
        let i = self
            .pc
            .conditions
            .iter()
            .position(|c| c.condition == condition)?;
        self.registers.get(practice)?.get(i).copied().flatten()
    }

    /// The QOF registers.
    pub fn conditions(&self) -> &[Condition] {
        &self.pc.conditions
    }

    fn condition(&self, code: &str) -> Result<&Condition, QueryError> {
        self.pc
            .conditions
            .iter()
            .find(|c| c.condition.eq_ignore_ascii_case(code))
            .ok_or_else(|| {
                QueryError::not_found(format!(
                    "unknown condition {code:?}; QOF registers are {}",
                    self.pc
                        .conditions
                        .iter()
                        .map(|c| c.condition.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            })
    }

    fn total(&self, scope: &str, decile: Option<u8>, cond: &str) -> Option<(u64, u64, u64)> {
        self.totals
            .get(&(scope.to_owned(), decile, cond.to_owned()))
            .copied()
    }

    fn england_atlas(&self) -> bool {
        self.district_name == "England"
    }

    /// Prevalence of `register`/`list` for a condition, with its benchmarks.
    fn prevalence(&self, c: &Condition, register: u64, list_size: u64) -> Prevalence {
        let value = (list_size > 0).then(|| pct(register as f64 / list_size as f64));
        let ci = interval(register, list_size);
        let bench = |scope: &str, name: &str| {
            let (_, r, l) = self.total(scope, None, &c.condition)?;
            (l > 0).then(|| {
                let p = r as f64 / l as f64;
                Benchmark {
                    name: name.to_owned(),
                    value: pct(p),
                    comparison: versus(register, list_size, p, name),
                }
            })
        };
        Prevalence {
            condition: c.condition.clone(),
            label: c.label.clone(),
            denominator: c.ages.clone(),
            register,
            list_size,
            value,
            lower: ci.map(|(lo, _)| pct(lo)),
            upper: ci.map(|(_, hi)| pct(hi)),
            district: if self.england_atlas() {
                None
            } else {
                bench("district", &format!("{} practices", self.district_name))
            },
            england: bench("england", "England practices"),
        }
    }

    fn practice_ref(&self, code: &str) -> Option<PracticeRef> {
        let p = &self.pc.practices[*self.practice.get(code)?];
        let loc = self.located.get(code);
        Some(PracticeRef {
            code: p.practice_code.clone(),
            name: p.name.clone(),
            in_district: p.in_district,
            lon: loc.map(|l| l.0),
            lat: loc.map(|l| l.1),
            imd2025_score: p.imd2025_score,
            imd2025_decile: p.imd2025_decile,
        })
    }

    fn method(&self) -> String {
        format!(
            "Recorded prevalence = QOF {} register ÷ the practice list of the register's age range, as a percentage. 95% confidence intervals by the Wilson score method. 'Significantly higher/lower' means the benchmark lies outside the 95% interval (OHID's method); benchmarks are the sums of registers and lists over the {} practices and over all practices in England.",
            self.period, self.district_name
        )
    }

    /// A practice's profile; 404 for a code the atlas does not hold.
    pub fn practice(&self, code: &str) -> Result<PracticeProfile, QueryError> {
        let code = code.trim().to_ascii_uppercase();
        let practice = self.practice_ref(&code).ok_or_else(|| {
            QueryError::not_found(format!(
                "no GP practice {code:?} in this atlas (it holds the {} practices and the other members of their PCNs)",
                self.district_name
            ))
        })?;
        let p = &self.pc.practices[self.practice[&code]];
        let pcn = (!p.pcn_code.is_empty()).then(|| PcnRef {
            code: p.pcn_code.clone(),
            name: p.pcn_name.clone(),
            as_at: p.pcn_as_at.clone(),
        });
        let pcn_note = match &pcn {
            Some(r) => format!("PCN membership as at {}.", r.as_at),
            None if p.pcn_as_at.is_empty() => {
                "This practice is in neither PCN membership file held (July 2026, February 2023)."
                    .to_owned()
            }
            None => format!(
                "Not in a PCN as at {} ('Unallocated' in NHS England's file).",
                p.pcn_as_at
            ),
        };
        let prevalence = self
            .pc
            .conditions
            .iter()
            .filter_map(|c| {
                let (r, l) = self.register(&code, &c.condition)?;
                Some(self.prevalence(c, r, l))
            })
            .collect();
        Ok(PracticeProfile {
            practice,
            pcn,
            pcn_note,
            prevalence,
            period: self.period.clone(),
            caveat: CAVEAT.to_owned(),
            method: self.method(),
        })
    }

    /// A practice's registers and PCN, for a list of practices; `None` for a practice the atlas
    /// has no registers for.
    pub fn registers(&self, code: &str) -> Option<PracticeRegisters> {
        let p = self.practice(code).ok()?;
        (!p.prevalence.is_empty()).then(|| PracticeRegisters {
            pcn: p.pcn,
            prevalence: p.prevalence,
            caveat: format!(
                "Recorded prevalence, QOF {}: diagnosed, coded patients over the practice's list of the register's ages; crude, not age-standardised.",
                self.period
            ),
            period: p.period,
        })
    }

    /// Sums of registers and lists over practices, per condition, with the practices that had
    /// none.
    fn sums(&self, codes: &[String]) -> (BTreeMap<String, (u64, u64)>, Vec<String>) {
        let mut sums: BTreeMap<String, (u64, u64)> = BTreeMap::new();
        let mut without = Vec::new();
        for code in codes {
            let mut any = false;
            for c in &self.pc.conditions {
                if let Some((r, l)) = self.register(code, &c.condition) {
                    let s = sums.entry(c.condition.clone()).or_default();
                    s.0 += r;
                    s.1 += l;
                    any = true;
                }
            }
            if !any {
                without.push(code.clone());
            }
        }
        (sums, without)
    }

    /// A PCN's profile; 404 for a code the atlas does not hold.
    pub fn pcn(&self, code: &str) -> Result<PcnProfile, QueryError> {
        let code = code.trim().to_ascii_uppercase();
        let pcn = self.pcns.get(&code).ok_or_else(|| {
            QueryError::not_found(format!(
                "no PCN {code:?} in this atlas (it holds the PCNs of the {} practices)",
                self.district_name
            ))
        })?;
        let (sums, without) = self.sums(&pcn.members);
        let prevalence = self
            .pc
            .conditions
            .iter()
            .filter_map(|c| {
                let (r, l) = sums.get(&c.condition)?;
                Some(self.prevalence(c, *r, *l))
            })
            .collect();
        let refs = |codes: &[String]| -> Vec<PracticeRef> {
            codes.iter().filter_map(|c| self.practice_ref(c)).collect()
        };
        Ok(PcnProfile {
            pcn: PcnRef {
                code: code.clone(),
                name: pcn.name.clone(),
                as_at: pcn.as_at.clone(),
            },
            practices: refs(&pcn.members),
            former_practices: refs(&pcn.former),
            practices_without_registers: without,
            prevalence,
            no_boundary: NO_PCN_AREA.to_owned(),
            period: self.period.clone(),
            caveat: CAVEAT.to_owned(),
            method: format!(
                "{} A PCN's figure sums the registers and the lists of its practices as at {} (practices without QOF registers are left out and listed).",
                self.method(),
                pcn.as_at
            ),
        })
    }

    /// The conditions with district and England figures, dates and caveats.
    pub fn catalogue(&self) -> PrimaryCareCatalogue {
        let summary = |scope: &str, c: &Condition| {
            let (_, r, l) = self.total(scope, None, &c.condition)?;
            let mut p = self.prevalence(c, r, l);
            p.district = None;
            p.england = None;
            Some(p)
        };
        PrimaryCareCatalogue {
            conditions: self
                .pc
                .conditions
                .iter()
                .map(|c| ConditionSummary {
                    condition: c.clone(),
                    district: summary("district", c),
                    england: summary("england", c),
                })
                .collect(),
            period: self.period.clone(),
            membership_as_at: self.membership_as_at.clone(),
            caveat: CAVEAT.to_owned(),
            no_pcn_boundary: NO_PCN_AREA.to_owned(),
            district_practices: self.pc.practices.iter().filter(|p| p.in_district).count(),
            pcns: self.pcns.len(),
        }
    }

    /// Practices and PCNs for the search index: (is PCN, code, name).
    pub(crate) fn names(&self) -> Vec<(bool, String, String)> {
        let practices = self
            .pc
            .practices
            .iter()
            .filter(|p| p.in_district)
            .map(|p| (false, p.practice_code.clone(), p.name.clone()));
        let pcns = self
            .pcns
            .iter()
            .filter(|(_, p)| !p.members.is_empty())
            .map(|(c, p)| (true, c.clone(), p.name.clone()));
        practices.chain(pcns).collect()
    }

    /// A point for a practice (its site) or a PCN (the mean of its located practices).
    pub(crate) fn point(&self, is_pcn: bool, code: &str) -> Option<(f64, f64)> {
        if !is_pcn {
            return self.located.get(code).copied();
        }
        let pts: Vec<(f64, f64)> = self
            .pcns
            .get(code)?
            .members
            .iter()
            .filter_map(|m| self.located.get(m).copied())
            .collect();
        (!pts.is_empty()).then(|| {
            let n = pts.len() as f64;
            (
                pts.iter().map(|p| p.0).sum::<f64>() / n,
                pts.iter().map(|p| p.1).sum::<f64>() / n,
            )
        })
    }
}
