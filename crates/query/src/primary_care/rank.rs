//! Practices and PCNs ranked on a condition, and the practices as a map layer.

use serde::Serialize;
use serde_json::{Value, json};

use super::{PrimaryCareIndex, interval, pct, versus};
use crate::QueryError;
use crate::profile::Comparison;

/// One row of a ranking of practices or PCNs.
#[derive(Debug, Clone, Serialize)]
pub struct PrimaryCareRankRow {
    /// Position, 1 first in the requested order; ties share a position.
    pub rank: usize,
    /// Practice or PCN code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Register (summed over a PCN's practices).
    pub register: u64,
    /// List (summed).
    pub list_size: u64,
    /// Recorded prevalence, percent.
    pub value: f64,
    /// 95% Wilson interval, percent.
    pub lower: f64,
    /// Upper end.
    pub upper: f64,
    /// Compared with England's practices.
    pub vs_england: Option<Comparison>,
}

impl PrimaryCareIndex {
    fn england_rate(&self, cond: &str) -> Option<f64> {
        let (_, r, l) = self.total("england", None, cond)?;
        (l > 0).then(|| r as f64 / l as f64)
    }

    /// The district's practices (`unit = practice`) or PCNs (`unit = pcn`) ordered by recorded
    /// prevalence of a condition. `order`: `desc` (default, highest first) or `asc`.
    pub fn rank(
        &self,
        condition: &str,
        unit: &str,
        order: &str,
        limit: Option<usize>,
    ) -> Result<Vec<PrimaryCareRankRow>, QueryError> {
        let cond = self.condition(condition)?.condition.clone();
        let desc = match order {
            "" | "desc" => true,
            "asc" => false,
            other => {
                return Err(QueryError::bad(format!(
                    "order {other:?} must be desc or asc"
                )));
            }
        };
        let entries: Vec<(String, String, u64, u64)> = match unit {
            "practice" | "" => self
                .pc
                .practices
                .iter()
                .filter(|p| p.in_district)
                .filter_map(|p| {
                    let (r, l) = self.register(&p.practice_code, &cond)?;
                    Some((p.practice_code.clone(), p.name.clone(), r, l))
                })
                .collect(),
            "pcn" => self
                .pcns
                .iter()
                .filter(|(_, p)| !p.members.is_empty())
                .filter_map(|(code, p)| {
                    let (sums, _) = self.sums(&p.members);
                    let (r, l) = sums.get(&cond)?;
                    Some((code.clone(), p.name.clone(), *r, *l))
                })
                .collect(),
            other => {
                return Err(QueryError::bad(format!(
                    "unit {other:?} must be practice or pcn"
                )));
            }
        };
        let england = self.england_rate(&cond);
        let mut rows: Vec<PrimaryCareRankRow> = entries
            .into_iter()
            .filter_map(|(code, name, r, l)| {
                let (lo, hi) = interval(r, l)?;
                Some(PrimaryCareRankRow {
                    rank: 0,
                    code,
                    name,
                    register: r,
                    list_size: l,
                    value: pct(r as f64 / l as f64),
                    lower: pct(lo),
                    upper: pct(hi),
                    vs_england: england.and_then(|e| versus(r, l, e, "England practices")),
                })
            })
            .collect();
        rows.sort_by(|a, b| {
            let c = (a.register as f64 / a.list_size as f64)
                .total_cmp(&(b.register as f64 / b.list_size as f64));
            (if desc { c.reverse() } else { c }).then(a.code.cmp(&b.code))
        });
        for i in 0..rows.len() {
            rows[i].rank = match i.checked_sub(1).map(|j| &rows[j]) {
                Some(prev) if prev.value.total_cmp(&rows[i].value).is_eq() => prev.rank,
                _ => i + 1,
            };
        }
        if let Some(n) = limit {
            rows.truncate(n);
        }
        Ok(rows)
    }

    /// The district's located practices as GeoJSON points, with a condition's recorded
    /// prevalence (for the map's practices layer).
    pub fn practices_geojson(&self, condition: &str) -> Result<Value, QueryError> {
        let c = self.condition(condition)?;
        let england = self.england_rate(&c.condition);
        let district = self
            .total("district", None, &c.condition)
            .filter(|t| t.2 > 0)
            .map(|t| t.1 as f64 / t.2 as f64);
        let district_name = format!("{} practices", self.district_name);
        let features: Vec<Value> = self
            .pc
            .practices
            .iter()
            .filter(|p| p.in_district)
            .filter_map(|p| {
                let (lon, lat) = self.located.get(&p.practice_code)?;
                let (r, l) = self.register(&p.practice_code, &c.condition)?;
                let (lo, hi) = interval(r, l)?;
                Some(json!({
                    "type": "Feature",
                    "geometry": { "type": "Point", "coordinates": [lon, lat] },
                    "properties": {
                        "code": p.practice_code,
                        "name": p.name,
                        "pcn_code": p.pcn_code,
                        "pcn_name": p.pcn_name,
                        "register": r,
                        "list_size": l,
                        "value": pct(r as f64 / l as f64),
                        "lower": pct(lo),
                        "upper": pct(hi),
                        "vs_district": district.and_then(|d| versus(r, l, d, &district_name)),
                        "vs_england": england.and_then(|e| versus(r, l, e, "England practices")),
                    }
                }))
            })
            .collect();
        Ok(json!({
            "type": "FeatureCollection",
            "condition": c,
            "period": self.period,
            "membership_as_at": self.membership_as_at,
            "district": district.map(pct),
            "england": england.map(pct),
            "caveat": super::CAVEAT,
            "features": features,
        }))
    }
}
