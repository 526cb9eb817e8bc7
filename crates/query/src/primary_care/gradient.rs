//! The practice deprivation gradient: practices grouped into national deciles of their
//! registered population's IMD 2025 score, recorded prevalence by decile (registers and lists
//! summed), and the slope index of inequality.

use serde::Serialize;

use super::{PrimaryCareIndex, pct, wilson};
use crate::QueryError;
use crate::stats::{GradientBand, sii};

/// One decile of practices.
#[derive(Debug, Clone, Serialize)]
pub struct PracticeGradientBand {
    /// National practice decile, 1 = the most deprived tenth of English practices.
    pub decile: u8,
    /// Practices in the band.
    pub practices: u64,
    /// Sum of their registers.
    pub register: u64,
    /// Sum of their lists.
    pub list_size: u64,
    /// Recorded prevalence, percent; `null` for a band with no practices.
    pub value: Option<f64>,
    /// 95% Wilson interval, percent.
    pub lower: Option<f64>,
    /// Upper end.
    pub upper: Option<f64>,
}

/// One condition's gradient over one set of practices.
#[derive(Debug, Clone, Serialize)]
pub struct PracticeGradient {
    /// QOF group code.
    pub condition: String,
    /// What the register counts.
    pub label: String,
    /// The denominator in words.
    pub denominator: String,
    /// `district` or `england`.
    pub scope: String,
    /// Whose practices: the district's name or England.
    pub scope_name: String,
    /// Ten bands, decile 1 first.
    pub bands: Vec<PracticeGradientBand>,
    /// Slope index of inequality in percentage points: the modelled prevalence at the least
    /// deprived end of the patients minus that at the most deprived end (negative when
    /// prevalence is higher among patients of more deprived practices).
    pub sii: Option<f64>,
}

impl PrimaryCareIndex {
    /// The gradient of one condition, or of every condition when `condition` is `None`, over
    /// the district's practices (`scope = district`) or England's (`scope = england`).
    pub fn gradient(
        &self,
        condition: Option<&str>,
        scope: &str,
    ) -> Result<Vec<PracticeGradient>, QueryError> {
        let scope = match scope {
            "" | "district" => "district",
            "england" => "england",
            other => {
                return Err(QueryError::bad(format!(
                    "scope {other:?} must be district or england"
                )));
            }
        };
        let conditions = match condition {
            Some(c) => vec![self.condition(c)?.clone()],
            None => self.pc.conditions.clone(),
        };
        let scope_name = if scope == "england" {
            "England".to_owned()
        } else {
            self.district_name.clone()
        };
        Ok(conditions
            .iter()
            .map(|c| {
                let bands: Vec<PracticeGradientBand> = (1..=10u8)
                    .map(|d| {
                        let (n, r, l) =
                            self.total(scope, Some(d), &c.condition).unwrap_or_default();
                        let ci = wilson(r, l);
                        PracticeGradientBand {
                            decile: d,
                            practices: n,
                            register: r,
                            list_size: l,
                            value: (l > 0).then(|| pct(r as f64 / l as f64)),
                            lower: ci.map(|x| pct(x.0)),
                            upper: ci.map(|x| pct(x.1)),
                        }
                    })
                    .collect();
                let for_sii: Vec<GradientBand> = bands
                    .iter()
                    .map(|b| GradientBand {
                        decile: b.decile,
                        areas: b.practices as usize,
                        population: b.list_size as f64,
                        value: (b.list_size > 0)
                            .then(|| 100.0 * b.register as f64 / b.list_size as f64),
                    })
                    .collect();
                PracticeGradient {
                    condition: c.condition.clone(),
                    label: c.label.clone(),
                    denominator: c.ages.clone(),
                    scope: scope.to_owned(),
                    scope_name: scope_name.clone(),
                    sii: sii(&for_sii).map(|s| (s * 1e4).round() / 1e4),
                    bands,
                }
            })
            .collect())
    }

    /// How the gradient is made, for the answer.
    pub fn gradient_method(&self) -> String {
        format!(
            "Practices are grouped by the national decile of their registered population's IMD 2025 score (OHID Fingertips indicator 94240; deciles over every English practice with a score, 1 = most deprived). Each band's recorded prevalence sums its practices' QOF {} registers and lists. The slope index of inequality is the slope of a list-weighted least-squares line through the band values placed at the midpoint of each band's cumulative share of the patients, ranked from most to least deprived; it is in percentage points. {}",
            self.period,
            super::CAVEAT
        )
    }
}
