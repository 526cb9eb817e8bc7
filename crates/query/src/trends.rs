//! District trends: a district's published series beside England's, period by period.

use equimap_atlas::{ENGLAND_CODE, Geography, TrendDef};
use serde::Serialize;

use crate::{Query, QueryError};

/// One period of a series: the district, England and the publisher's comparison.
#[derive(Debug, Clone, Serialize)]
pub struct TrendPoint {
    /// The period as published.
    pub period: String,
    /// The district's value; `None` where none is published.
    pub district: Option<f64>,
    /// England's value.
    pub england: Option<f64>,
    /// The publisher's comparison of the district with England, as published.
    pub compared_to_england: Option<String>,
    /// True where the series' caveat is about this period.
    pub caveat: bool,
}

/// One series for one sex.
#[derive(Debug, Clone, Serialize)]
pub struct TrendSeries {
    /// The series definition (label, unit, source, caveat).
    #[serde(flatten)]
    pub def: TrendDef,
    /// `Male`, `Female` or `Persons`.
    pub sex: String,
    /// Every period of the series, oldest first.
    pub points: Vec<TrendPoint>,
}

/// A district's trends.
#[derive(Debug, Clone, Serialize)]
pub struct TrendsOut {
    /// The district's code.
    pub code: String,
    /// The district's name.
    pub name: String,
    /// The series, one per indicator and sex.
    pub series: Vec<TrendSeries>,
    /// How to read the comparison column.
    pub comparison: &'static str,
    /// The attribution statements.
    pub attribution: Vec<String>,
}

const SEXES: [&str; 3] = ["Male", "Female", "Persons"];

impl Query {
    /// The trends of a district of the atlas (default: the atlas's own district) beside England.
    /// An unknown district, or one the atlas holds no trends for, is a 404.
    pub fn trends(&self, district: Option<&str>) -> Result<TrendsOut, QueryError> {
        let t = &self.atlas.trends;
        if t.defs.is_empty() {
            return Err(QueryError::not_found(
                "this atlas holds no district trends; rebuild it with `equimap ingest`",
            ));
        }
        let m = &self.atlas.manifest;
        let code = district.unwrap_or(&m.district);
        if code == "all" || code == ENGLAND_CODE {
            return Err(QueryError::bad(
                "name a district with `district=` (an England atlas holds every district's trends, each beside England)",
            ));
        }
        let name = self
            .atlas
            .areas(Geography::District)
            .and_then(|s| s.get(code))
            .map(|a| a.name.clone())
            .ok_or_else(|| {
                QueryError::not_found(format!(
                    "{code} is not a district of this atlas ({})",
                    m.district_name
                ))
            })?;
        if t.of_area(code).next().is_none() {
            return Err(QueryError::not_found(format!(
                "the Fingertips files hold no trends for {name} ({code})"
            )));
        }
        let mut series = Vec::new();
        for def in &t.defs {
            for sex in SEXES {
                let rows = |area: &str| {
                    t.rows
                        .iter()
                        .filter(move |r| {
                            r.indicator == def.id && r.sex == sex && r.area_code == area
                        })
                        .collect::<Vec<_>>()
                };
                let (d, e) = (rows(code), rows(ENGLAND_CODE));
                if d.is_empty() && e.is_empty() {
                    continue;
                }
                let points = def
                    .periods
                    .iter()
                    .map(|p| {
                        let dr = d.iter().find(|r| &r.period == p);
                        TrendPoint {
                            period: p.clone(),
                            district: dr.and_then(|r| r.value),
                            england: e.iter().find(|r| &r.period == p).and_then(|r| r.value),
                            compared_to_england: dr.map(|r| r.compared_to_england.clone()),
                            caveat: def.caveat_periods.contains(p),
                        }
                    })
                    .collect();
                series.push(TrendSeries {
                    def: def.clone(),
                    sex: sex.to_owned(),
                    points,
                });
            }
        }
        let mut attribution: Vec<String> = t.defs.iter().map(|d| d.attribution.clone()).collect();
        attribution.dedup();
        Ok(TrendsOut {
            code: code.to_owned(),
            name,
            series,
            comparison: "compared_to_england is OHID's own comparison as published in Fingertips (Better, Similar or Worse than England, judged on the 95% confidence interval); the interval itself is not in these files",
            attribution,
        })
    }
}
