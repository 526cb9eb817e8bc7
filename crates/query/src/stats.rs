//! Rankings and inequality gradients.

use equimap_atlas::{Geography, Polarity};
use serde::Serialize;

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
    /// The population-weighted value; `null` for a band with no areas.
    pub value: Option<f64>,
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
    /// Decile 10 divided by decile 1.
    pub gap_relative: Option<f64>,
    /// Slope index of inequality: the modelled difference between the least and the most
    /// deprived ends of the population, in the indicator's unit.
    pub sii: Option<f64>,
    /// How the figures were made.
    pub method: String,
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
        let set = &self.atlas.geographies[&g];
        let mut sums = [(0usize, 0.0f64, 0.0f64); 10];
        for a in &set.areas {
            let (Some(d), Some(v)) = (
                self.atlas.value(g, &a.code, by),
                self.atlas.value(g, &a.code, indicator),
            ) else {
                continue;
            };
            let w = self.atlas.value(g, &a.code, "population").unwrap_or(0.0);
            let Some(slot) = sums.get_mut((d as usize).wrapping_sub(1)) else {
                continue;
            };
            slot.0 += 1;
            slot.1 += w;
            slot.2 += w * v;
        }
        let bands: Vec<GradientBand> = sums
            .iter()
            .enumerate()
            .map(|(i, (n, w, s))| GradientBand {
                decile: (i + 1) as u8,
                areas: *n,
                population: *w,
                value: (*w > 0.0).then(|| s / w),
            })
            .collect();
        let (first, last) = (bands[0].value, bands[9].value);
        let gap_absolute = first.zip(last).map(|(a, b)| b - a);
        let gap_relative = first
            .zip(last)
            .filter(|(a, _)| *a != 0.0)
            .map(|(a, b)| b / a);
        Ok(Gradient {
            indicator: def.id.clone(),
            label: def.label.clone(),
            unit: def.unit.clone(),
            period: level.period.clone(),
            estimate: level.estimate,
            by: by.to_owned(),
            geography: g,
            sii: sii(&bands),
            bands,
            gap_absolute,
            gap_relative,
            method: format!(
                "Each {g} area is grouped by its national {by} (1 = most deprived 10% in England). Band values are means weighted by the population indicator. Gaps compare decile 10 with decile 1. The slope index of inequality is the slope of a population-weighted least-squares line through the band values, placed at the midpoint of each band's cumulative share of the district's population ranked from most to least deprived; it estimates the difference between the least and most deprived ends.{}",
                if level.estimate {
                    format!(
                        " The {g} values of this indicator are estimates: {}",
                        level.method
                    )
                } else {
                    String::new()
                }
            ),
        })
    }
}

/// The slope index of inequality over decile bands (most deprived first).
pub(crate) fn sii(bands: &[GradientBand]) -> Option<f64> {
    let total: f64 = bands
        .iter()
        .filter(|b| b.value.is_some())
        .map(|b| b.population)
        .sum();
    if total <= 0.0 {
        return None;
    }
    let mut cum = 0.0;
    let mut pts = Vec::new();
    for b in bands {
        let Some(v) = b.value else { continue };
        let share = b.population / total;
        pts.push((cum + share / 2.0, v, share));
        cum += share;
    }
    if pts.len() < 2 {
        return None;
    }
    let mx: f64 = pts.iter().map(|(x, _, w)| x * w).sum();
    let my: f64 = pts.iter().map(|(_, y, w)| y * w).sum();
    let sxy: f64 = pts.iter().map(|(x, y, w)| w * (x - mx) * (y - my)).sum();
    let sxx: f64 = pts.iter().map(|(x, _, w)| w * (x - mx) * (x - mx)).sum();
    (sxx > 0.0).then(|| sxy / sxx)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sii_of_a_straight_line_is_its_slope() {
        // Equal populations, values rising by 1 per decile: x spans 0.05..0.95, so the slope
        // over the whole population (x from 0 to 1) is 10.
        let bands: Vec<GradientBand> = (1..=10)
            .map(|d| GradientBand {
                decile: d,
                areas: 1,
                population: 100.0,
                value: Some(f64::from(d)),
            })
            .collect();
        let s = sii(&bands).expect("sii");
        assert!((s - 10.0).abs() < 1e-9, "{s}");
    }
}
