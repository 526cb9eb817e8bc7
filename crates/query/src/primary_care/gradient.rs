//! The practice deprivation gradient: practices grouped into national deciles of their
//! registered population's IMD 2025 score, recorded prevalence by decile (registers and lists
//! summed), and the slope and relative indices of inequality with their simulated 95% limits
//! (`inequality`, as the area gradients compute them).

use serde::Serialize;

use super::{PrimaryCareIndex, interval, pct};
use crate::QueryError;
use crate::inequality;

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
    /// Its 95% limits (`phe_sii`'s simulation), percentage points.
    pub sii_interval: Option<(f64, f64)>,
    /// Relative index of inequality: the modelled prevalence at the least deprived end over
    /// that at the most deprived end.
    pub rii: Option<f64>,
    /// Its 95% limits.
    pub rii_interval: Option<(f64, f64)>,
    /// Why a figure is missing, when one is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
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
            .map(|c| self.cached_gradient(&c.condition, &c.label, &c.ages, scope, &scope_name))
            .collect())
    }

    /// One condition's gradient, computed once (its limits take 100,000 simulated regressions)
    /// and kept: the atlas is read-only.
    fn cached_gradient(
        &self,
        condition: &str,
        label: &str,
        ages: &str,
        scope: &str,
        scope_name: &str,
    ) -> PracticeGradient {
        let key = (condition.to_owned(), scope.to_owned());
        // A poisoned lock only means another request panicked mid-insert; the map is still a
        // valid cache.
        let cache = || {
            self.gradients
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
        };
        if let Some(hit) = cache().get(&key) {
            return hit.clone();
        }
        let bands: Vec<PracticeGradientBand> = (1..=10u8)
            .map(|d| {
                let (n, r, l) = self.total(scope, Some(d), condition).unwrap_or_default();
                let ci = interval(r, l);
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
        let (indices, limits, note) = inequality_of(&bands);
        let round = |v: f64| (v * 1e4).round() / 1e4;
        let pair = |(a, b): (f64, f64)| (round(a), round(b));
        let g = PracticeGradient {
            condition: condition.to_owned(),
            label: label.to_owned(),
            denominator: ages.to_owned(),
            scope: scope.to_owned(),
            scope_name: scope_name.to_owned(),
            sii: indices.map(|i| round(100.0 * i.sii)),
            sii_interval: limits.map(|l| pair((100.0 * l.sii.0, 100.0 * l.sii.1))),
            rii: indices.and_then(|i| i.rii).map(round),
            rii_interval: limits.map(|l| pair(l.rii)),
            note,
            bands,
        };
        cache().insert(key, g.clone());
        g
    }

    /// How the gradient is made, for the answer.
    pub fn gradient_method(&self) -> String {
        format!(
            "Practices are grouped by the national decile of their registered population's IMD 2025 score (OHID Fingertips indicator 94240; deciles over every English practice with a score, 1 = most deprived). Each band's recorded prevalence sums its practices' QOF {} registers and lists, with a Wilson score 95% interval. The slope index of inequality (SII) and relative index (RII) follow OHID's method (PHEindicatormethods phe_sii), as for the area gradients: each band is placed at the midpoint of its share of the cumulative list, ranked from most to least deprived, and a line is fitted by least squares weighted by those shares; the SII is the fitted prevalence at the least deprived end minus the most deprived end, in percentage points, the RII their ratio. Their 95% limits come from {} simulated draws of each band's prevalence on the logit scale (seed {}). {}",
            self.period,
            inequality::SII_REPETITIONS,
            inequality::SII_SEED,
            super::CAVEAT
        )
    }
}

/// SII and RII of the bands (proportions, weighted by list), with their simulated limits, or a
/// note saying why not.
fn inequality_of(
    bands: &[PracticeGradientBand],
) -> (
    Option<inequality::Indices>,
    Option<inequality::SimulatedLimits>,
    Option<String>,
) {
    if let Some(b) = bands.iter().find(|b| b.list_size == 0) {
        return (
            None,
            None,
            Some(format!(
                "No slope or relative index: decile {} has no practices here, and the indices need all ten (as PHEindicatormethods requires).",
                b.decile
            )),
        );
    }
    let lists: Vec<f64> = bands.iter().map(|b| b.list_size as f64).collect();
    let shares: Vec<f64> = bands
        .iter()
        .map(|b| b.register as f64 / b.list_size as f64)
        .collect();
    let groups: Option<Vec<(f64, f64, f64, f64)>> = bands
        .iter()
        .zip(&shares)
        .map(|(b, p)| {
            interval(b.register, b.list_size).map(|(lo, hi)| (b.list_size as f64, *p, lo, hi))
        })
        .collect();
    let limits = groups.and_then(|g| inequality::simulate_limits(&g));
    let note = limits.is_none().then(|| {
        "No interval for the SII and RII: a decile's prevalence is 0 or 100%, which has no logit."
            .to_owned()
    });
    (inequality::indices(&lists, &shares), limits, note)
}
