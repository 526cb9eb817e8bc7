//! Rankings and inequality gradients.

use equimap_atlas::{CountsInterval, Geography, IndicatorDef, Polarity};
use serde::Serialize;

use crate::inequality::{self, newcombe_difference, ratio_interval, wilson};
use crate::{Query, QueryError};

/// One row of a ranking.
#[derive(Debug, Clone, Serialize)]
pub struct RankRow {
    /// Position, 1 first in the requested order; ties share a position.
    pub rank: usize,
    /// Area code.
    pub code: String,
    /// Area name.
    pub name: String,
    /// Friendlier name where one exists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alt_name: Option<String>,
    /// The value.
    pub value: f64,
    /// Its 95% interval, counts and comparisons with the district and England.
    #[serde(flatten)]
    pub stats: crate::ValueStats,
}

/// One decile band of a gradient.
#[derive(Debug, Clone, Serialize)]
pub struct GradientBand {
    /// The national IMD decile, 1 = most deprived 10% in England.
    pub decile: u8,
    /// Areas in the band (with a value).
    pub areas: usize,
    /// Residents of those areas.
    pub population: f64,
    /// The band's value: numerator over denominator summed over its areas for an indicator held
    /// as counts, else the population-weighted mean; `null` for a band with no areas.
    pub value: Option<f64>,
    /// The summed numerator, for an indicator held as counts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub numerator: Option<f64>,
    /// The summed denominator, for an indicator held as counts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub denominator: Option<f64>,
    /// Lower 95% limit (Wilson score), for an indicator held as counts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lower: Option<f64>,
    /// Upper 95% limit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub upper: Option<f64>,
}

/// An indicator by national IMD decile, with the gap and the slope index of inequality.
#[derive(Debug, Clone, Serialize)]
pub struct Gradient {
    /// Indicator id.
    pub indicator: String,
    /// Its label.
    pub label: String,
    /// Its unit.
    pub unit: String,
    /// Its period at this geography.
    pub period: String,
    /// True when the values used are estimates.
    pub estimate: bool,
    /// The decile indicator used to group areas.
    pub by: String,
    /// The geography of the areas grouped.
    pub geography: Geography,
    /// The ten bands, decile 1 first.
    pub bands: Vec<GradientBand>,
    /// Decile 10 minus decile 1, in the indicator's unit.
    pub gap_absolute: Option<f64>,
    /// The 95% interval of `gap_absolute` (Newcombe's hybrid score method), for counts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gap_absolute_interval: Option<(f64, f64)>,
    /// Decile 10 divided by decile 1.
    pub gap_relative: Option<f64>,
    /// The 95% interval of `gap_relative` (log method), for counts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gap_relative_interval: Option<(f64, f64)>,
    /// Slope index of inequality: the modelled value at the least deprived end of the
    /// population minus the most deprived end, in the indicator's unit.
    pub sii: Option<f64>,
    /// The 95% interval of the SII (simulation, `phe_sii`), for counts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sii_interval: Option<(f64, f64)>,
    /// Relative index of inequality: the modelled value at the least deprived end divided by
    /// the most deprived end.
    pub rii: Option<f64>,
    /// The 95% interval of the RII, for counts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rii_interval: Option<(f64, f64)>,
    /// How the figures were made.
    pub method: String,
    /// Why a figure is missing, when one is.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

impl Query {
    /// Areas ordered by an indicator. `order`: `worst` (default), `best`, `asc` or `desc`.
    pub fn rank(
        &self,
        indicator: &str,
        g: Geography,
        order: &str,
        limit: Option<usize>,
    ) -> Result<Vec<RankRow>, QueryError> {
        let def = self.atlas.catalogue.get(indicator).ok_or_else(|| {
            QueryError::not_found(format!(
                "unknown indicator {indicator:?}; see /api/indicators"
            ))
        })?;
        if def.level(g).is_none() {
            return Err(QueryError::bad(format!(
                "{indicator} is not held at {g}; it is at {}",
                def.levels
                    .iter()
                    .map(|l| l.geography.id())
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        let desc = match order {
            "" | "worst" => def.polarity != Polarity::HigherIsBetter,
            "best" => def.polarity == Polarity::HigherIsBetter,
            "desc" => true,
            "asc" => false,
            other => {
                return Err(QueryError::bad(format!(
                    "order {other:?} must be worst, best, asc or desc"
                )));
            }
        };
        let set = &self.atlas.geographies[&g];
        let mut rows: Vec<(f64, &equimap_atlas::Area)> = set
            .areas
            .iter()
            .filter_map(|a| Some((self.atlas.value(g, &a.code, indicator)?, a)))
            .collect();
        rows.sort_by(|a, b| {
            let c = a.0.total_cmp(&b.0);
            (if desc { c.reverse() } else { c }).then(a.1.code.cmp(&b.1.code))
        });
        let mut out = Vec::with_capacity(rows.len());
        for (i, (v, a)) in rows.iter().enumerate() {
            let rank = match out.last() {
                Some(RankRow { value, rank, .. }) if value.total_cmp(v).is_eq() => *rank,
                _ => i + 1,
            };
            out.push(RankRow {
                rank,
                code: a.code.clone(),
                name: a.name.clone(),
                alt_name: a.alt_name.clone(),
                value: *v,
                stats: self.value_stats(def, g, &a.code),
            });
        }
        if let Some(n) = limit {
            out.truncate(n);
        }
        Ok(out)
    }

    /// An indicator by national IMD decile over LSOAs, population-weighted.
    pub fn gradient(
        &self,
        indicator: &str,
        by: &str,
        geography: Option<Geography>,
    ) -> Result<Gradient, QueryError> {
        let def = self.atlas.catalogue.get(indicator).ok_or_else(|| {
            QueryError::not_found(format!(
                "unknown indicator {indicator:?}; see /api/indicators"
            ))
        })?;
        let by_def = self.atlas.catalogue.get(by).filter(|d| d.kind == equimap_atlas::Kind::Decile && !d.local)
            .ok_or_else(|| QueryError::bad(format!("`by` must be a national decile indicator such as imd2025_decile or imd2019_decile, not {by:?}")))?;
        let g = by_def.native;
        if let Some(asked) = geography
            && asked != g
        {
            return Err(QueryError::bad(format!(
                "{by} is held for {g}; a gradient by it is computed over {g} areas, so geography must be {g}"
            )));
        }
        let level = def.level(g).ok_or_else(|| {
            QueryError::bad(format!(
                "{indicator} is not held at {g}, so it cannot be grouped by {by}"
            ))
        })?;
        let key = (def.id.clone(), by.to_owned());
        if let Some(hit) = self.gradient_cache().get(&key) {
            return Ok(hit.clone());
        }
        // The atlas is read-only, so a gradient (whose SII interval takes 100,000 simulated
        // regressions) is computed once per indicator and kept.
        let gr = summarise(def, level, by, g, self.bands(def, by, g));
        self.gradient_cache().insert(key, gr.clone());
        Ok(gr)
    }

    /// Compute and keep the gradient of every indicator held as counts, by each national
    /// decile indicator, so that no request pays for the 100,000 simulated regressions of its
    /// SII interval. Returns how many gradients were computed; an indicator not held at the
    /// decile's geography is skipped, as a request for it would be refused.
    pub fn warm_gradients(&self) -> usize {
        let cat = &self.atlas.catalogue.indicators;
        let bys: Vec<&str> = cat
            .iter()
            .filter(|d| d.kind == equimap_atlas::Kind::Decile && !d.local)
            .map(|d| d.id.as_str())
            .collect();
        let mut n = 0;
        for def in cat.iter().filter(|d| d.counts.is_some()) {
            for by in &bys {
                if self.gradient(&def.id, by, None).is_ok() {
                    n += 1;
                }
            }
        }
        n
    }

    fn gradient_cache(
        &self,
    ) -> std::sync::MutexGuard<'_, std::collections::HashMap<(String, String), Gradient>> {
        // A poisoned lock only means another request panicked mid-insert; the map is still a
        // valid cache.
        self.gradients
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Group the areas of `g` by their decile and add up each band.
    fn bands(&self, def: &IndicatorDef, by: &str, g: Geography) -> Vec<GradientBand> {
        let set = &self.atlas.geographies[&g];
        // (areas, residents, weighted sum or numerator, denominator)
        let mut sums = [(0usize, 0.0f64, 0.0f64, 0.0f64); 10];
        for a in &set.areas {
            let Some(d) = self.atlas.value(g, &a.code, by) else {
                continue;
            };
            let Some(slot) = sums.get_mut((d as usize).wrapping_sub(1)) else {
                continue;
            };
            let w = self.atlas.value(g, &a.code, "population").unwrap_or(0.0);
            if def.counts.is_some() {
                let Some((n, den)) = self.atlas.counts(g, &a.code, def) else {
                    continue;
                };
                slot.2 += n;
                slot.3 += den;
            } else {
                let Some(v) = self.atlas.value(g, &a.code, &def.id) else {
                    continue;
                };
                slot.2 += w * v;
                slot.3 += w;
            }
            slot.0 += 1;
            slot.1 += w;
        }
        let wilson_ci = def
            .counts
            .as_ref()
            .is_some_and(|c| c.interval == Some(CountsInterval::Wilson));
        sums.iter()
            .enumerate()
            .map(|(i, &(n, pop, s, den))| {
                let ci = if wilson_ci { wilson(s, den) } else { None };
                let counts = def.counts.is_some() && n > 0;
                GradientBand {
                    decile: (i + 1) as u8,
                    areas: n,
                    population: pop,
                    value: (den > 0.0).then(|| s / den),
                    numerator: counts.then_some(s),
                    denominator: counts.then_some(den),
                    lower: ci.map(|c| c.0),
                    upper: ci.map(|c| c.1),
                }
            })
            .collect()
    }
}

/// Gaps, SII and RII over the bands, with intervals for counts.
fn summarise(
    def: &IndicatorDef,
    level: &equimap_atlas::Level,
    by: &str,
    g: Geography,
    bands: Vec<GradientBand>,
) -> Gradient {
    let mut notes = Vec::new();
    let (first, last) = (&bands[0], &bands[9]);
    let gap_absolute = first.value.zip(last.value).map(|(a, b)| b - a);
    let gap_relative = first
        .value
        .zip(last.value)
        .filter(|(a, _)| *a != 0.0)
        .map(|(a, b)| b / a);
    let ci = |b: &GradientBand| b.value.zip(b.lower.zip(b.upper));
    let gap_absolute_interval = ci(last)
        .zip(ci(first))
        .map(|((p10, c10), (p1, c1))| newcombe_difference(p10, c10, p1, c1));
    let gap_relative_interval = match (
        first.numerator,
        first.denominator,
        last.numerator,
        last.denominator,
    ) {
        (Some(x1), Some(n1), Some(x10), Some(n10)) if first.lower.is_some() => {
            ratio_interval(x10, n10, x1, n1)
        }
        _ => None,
    };
    let complete = bands.iter().all(|b| b.value.is_some());
    let weights: Vec<f64> = bands
        .iter()
        .map(|b| b.denominator.unwrap_or(b.population))
        .collect();
    let values: Vec<f64> = bands.iter().map(|b| b.value.unwrap_or(0.0)).collect();
    let indices = if complete {
        inequality::indices(&weights, &values)
    } else {
        notes.push(format!(
            "The slope and relative indices of inequality need a value in all ten deciles (as PHEindicatormethods requires); this atlas has no {g} areas with a value in decile(s) {}.",
            missing_deciles(&bands)
        ));
        None
    };
    let limits = if complete && bands.iter().all(|b| b.lower.is_some()) {
        let groups: Vec<(f64, f64, f64, f64)> = bands
            .iter()
            .map(|b| {
                (
                    b.denominator.unwrap_or(0.0),
                    b.value.unwrap_or(0.0),
                    b.lower.unwrap_or(0.0),
                    b.upper.unwrap_or(1.0),
                )
            })
            .collect();
        let l = inequality::simulate_limits(&groups);
        if l.is_none() {
            notes.push(
                "No interval for the SII and RII: a decile's share is 0 or 1, which has no logit."
                    .to_owned(),
            );
        }
        l
    } else {
        None
    };
    Gradient {
        indicator: def.id.clone(),
        label: def.label.clone(),
        unit: def.unit.clone(),
        period: level.period.clone(),
        estimate: level.estimate,
        by: by.to_owned(),
        geography: g,
        bands,
        gap_absolute,
        gap_absolute_interval,
        gap_relative,
        gap_relative_interval,
        sii: indices.map(|i| i.sii),
        sii_interval: limits.map(|l| l.sii),
        rii: indices.and_then(|i| i.rii),
        rii_interval: limits.map(|l| l.rii),
        method: method_text(def, level, by, g),
        notes,
    }
}

fn missing_deciles(bands: &[GradientBand]) -> String {
    bands
        .iter()
        .filter(|b| b.value.is_none())
        .map(|b| b.decile.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

fn method_text(def: &IndicatorDef, level: &equimap_atlas::Level, by: &str, g: Geography) -> String {
    let grouping = format!(
        "Each {g} area is grouped by its national {by} (1 = most deprived 10% in England)."
    );
    let bands = if def.counts.is_some() {
        "A band's value is the sum of its areas' numerators over the sum of their denominators, with a Wilson score 95% interval."
    } else {
        "A band's value is the mean of its areas' values weighted by the population indicator; no interval is computed."
    };
    let gaps = if def.counts.as_ref().is_some_and(|c| c.interval.is_some()) {
        "The gap is decile 10 minus decile 1 (95% interval by Newcombe's hybrid score method) and decile 10 over decile 1 (95% interval by the log method)."
    } else {
        "The gap is decile 10 minus decile 1, and decile 10 over decile 1."
    };
    let sii = format!(
        "The slope index of inequality (SII) and relative index (RII) follow OHID's method (PHEindicatormethods phe_sii): each decile is placed at the midpoint of its share of the cumulative {} ranked from most to least deprived, and a line is fitted by least squares weighted by those shares; the SII is the fitted value at the least deprived end minus the most deprived end, the RII their ratio (least over most deprived).",
        if def.counts.is_some() {
            "denominator"
        } else {
            "population"
        }
    );
    let ci = if def.counts.as_ref().is_some_and(|c| c.interval.is_some()) {
        format!(
            " Their 95% intervals are simulated as phe_sii does for proportions: {} draws of each decile's share from a normal distribution on the logit scale with the standard error implied by its Wilson interval, each regressed; the limits are the 2.5th and 97.5th of the sorted results. The generator is seeded ({}), so the limits are the same on every run.",
            inequality::SII_REPETITIONS,
            inequality::SII_SEED
        )
    } else {
        String::new()
    };
    let estimate = if level.estimate {
        format!(
            " The {g} values of this indicator are estimates: {}",
            level.method
        )
    } else {
        String::new()
    };
    format!("{grouping} {bands} {gaps} {sii}{ci}{estimate}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn band(d: u8, value: f64) -> GradientBand {
        GradientBand {
            decile: d,
            areas: 1,
            population: 100.0,
            value: Some(value),
            numerator: None,
            denominator: None,
            lower: None,
            upper: None,
        }
    }

    #[test]
    fn missing_deciles_are_listed() {
        let mut bands: Vec<GradientBand> = (1..=10).map(|d| band(d, f64::from(d))).collect();
        bands[0].value = None;
        bands[4].value = None;
        assert_eq!(missing_deciles(&bands), "1, 5");
    }
}
