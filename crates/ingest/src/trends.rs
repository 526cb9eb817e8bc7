//! District trends from OHID Fingertips (`district_trends/`): life expectancy at birth, the slope
//! index of inequality in life expectancy within each area, and under-75 mortality from causes
//! considered preventable, for the selected district (every district for `--lad all`) and England.
//!
//! The files are Trafford Data Lab's caches of the Fingertips API, one row per area, period and
//! sex. They carry no confidence intervals, so none are shown; the publisher's own comparison
//! with England is kept as published.

use std::collections::{BTreeMap, BTreeSet};

use equimap_atlas::{ENGLAND_CODE, Polarity, TrendDef, TrendRow, Trends};

use crate::error::{IngestError, Result};
use crate::read::SourceLog;

/// Life expectancy at birth (Fingertips 90366).
pub const LIFE_EXPECTANCY: &str = "district_trends/fingertips_life_expectancy_la_england.csv.gz";
/// Inequality in life expectancy at birth, slope index (Fingertips 92901).
pub const LE_INEQUALITY: &str =
    "district_trends/fingertips_inequality_life_expectancy_la_england.csv.gz";
/// Under-75 mortality from causes considered preventable (Fingertips 93721).
pub const U75_PREVENTABLE: &str = "district_trends/fingertips_mortality_rate_la_england.csv.gz";

const ATTRIBUTION: &str = "Office for Health Improvement and Disparities, Fingertips (fingertips.phe.org.uk), licensed under the Open Government Licence v3.0; data cached by Trafford Data Lab (trafford_themes)";

/// One source file and how to read it.
struct Series {
    id: &'static str,
    file: &'static str,
    /// The column that holds the sex: the cache puts it in `inequality` for life expectancy and
    /// in `unit` for mortality.
    sex_col: &'static str,
    label: &'static str,
    description: &'static str,
    unit: &'static str,
    polarity: Polarity,
    source: &'static str,
    caveat: Option<&'static str>,
}

const SERIES: [Series; 3] = [
    Series {
        id: "le_birth",
        file: LIFE_EXPECTANCY,
        sex_col: "inequality",
        label: "Life expectancy at birth",
        description: "Period life expectancy at birth over three calendar years of deaths and mid-year populations (ONS method), as published by OHID.",
        unit: "years",
        polarity: Polarity::HigherIsBetter,
        source: "OHID Fingertips indicator 90366, Life expectancy at birth (Public Health Outcomes Framework A01b; ONS data)",
        caveat: Some(
            "The latest period, 2023-25, is shown as the Fingertips API labelled it, but treat it as unconfirmed: it came from a later download of the API than the two other series here (whose latest periods are 2022-24 and 2024), and a three-year period ending in 2025 needs the 2025 death registrations and mid-2025 population estimates, which ONS publishes late in 2026. Its values differ from 2022-24 for most areas, as a new rolling period should; check Fingertips before quoting it.",
        ),
    },
    Series {
        id: "le_sii",
        file: LE_INEQUALITY,
        sex_col: "inequality",
        label: "Inequality in life expectancy at birth (slope index of inequality)",
        description: "The slope index of inequality: the modelled gap in life expectancy, in years, between the most and least deprived ends of the area's own population, from life expectancy in each of its national IMD deciles of LSOAs, computed by OHID.",
        unit: "years (gap between most and least deprived)",
        polarity: Polarity::HigherIsWorse,
        source: "OHID Fingertips indicator 92901, Inequality in life expectancy at birth (Public Health Outcomes Framework A02a)",
        caveat: Some(
            "A within-area measure: each district's gap is across its own deprivation deciles, and England's is across England's. A small district's slope is less certain than a large one's; Fingertips publishes intervals that these files do not carry.",
        ),
    },
    Series {
        id: "u75_preventable",
        file: U75_PREVENTABLE,
        sex_col: "unit",
        label: "Under-75 mortality from causes considered preventable",
        description: "Deaths under 75 from causes considered preventable (OHID/ONS avoidable mortality definition), directly age-standardised to the 2013 European Standard Population, per 100,000 population, one calendar year.",
        unit: "deaths per 100,000 (age-standardised)",
        polarity: Polarity::HigherIsWorse,
        source: "OHID Fingertips indicator 93721, Under 75 mortality rate from causes considered preventable (Public Health Outcomes Framework E01; ONS deaths)",
        caveat: Some(
            "Single years: the rise in 2020 and 2021 coincides with the COVID-19 pandemic. Confidence intervals are published by Fingertips but not carried in these files.",
        ),
    },
];

const SEXES: [&str; 3] = ["Male", "Female", "Persons"];

/// Read the three series for England and `districts` (every other area in the files is left
/// out, as not selected). Returns the trends and the selected districts the files have no rows
/// for.
pub fn build(log: &mut SourceLog, districts: &BTreeSet<String>) -> Result<(Trends, Vec<String>)> {
    let mut out = Trends::default();
    let mut found = BTreeSet::new();
    for s in &SERIES {
        let (def, rows) = read_series(log, s, districts)?;
        found.extend(rows.iter().map(|r| r.area_code.clone()));
        out.defs.push(def);
        out.rows.extend(rows);
    }
    if !found.contains(ENGLAND_CODE) {
        return Err(IngestError::Check(format!(
            "district_trends: no rows for England ({ENGLAND_CODE})"
        )));
    }
    let missing = districts
        .iter()
        .filter(|d| !found.contains(*d))
        .cloned()
        .collect();
    Ok((out, missing))
}

fn read_series(
    log: &mut SourceLog,
    s: &Series,
    districts: &BTreeSet<String>,
) -> Result<(TrendDef, Vec<TrendRow>)> {
    let csv = log.csv(s.file, &format!("district trends: {}", s.label))?;
    let cols = [
        csv.col("area_code")?,
        csv.col("area_name")?,
        csv.col("period")?,
        csv.col("value")?,
        csv.col("compared_to_England")?,
        csv.col(s.sex_col)?,
    ];
    let mut rows: BTreeMap<(String, String, String), TrendRow> = BTreeMap::new();
    let mut periods = BTreeSet::new();
    for row in csv.rows() {
        let code = row.req(cols[0])?;
        let period = normalise_period(row.req(cols[2])?);
        // Every row is checked, selected or not, so a broken file stops every ingest alike.
        let value = row.num(cols[3])?;
        let sex = row.req(cols[5])?;
        if !SEXES.contains(&sex) {
            return Err(row.bad(cols[5], format!("{sex:?} is not Male, Female or Persons")));
        }
        periods.insert(period.clone());
        if code != ENGLAND_CODE && !districts.contains(code) {
            continue;
        }
        let key = (code.to_owned(), sex.to_owned(), period.clone());
        let tr = TrendRow {
            indicator: s.id.to_owned(),
            area_code: code.to_owned(),
            area_name: row.req(cols[1])?.to_owned(),
            sex: sex.to_owned(),
            period,
            value,
            compared_to_england: row.str(cols[4]).to_owned(),
        };
        if rows.insert(key, tr).is_some() {
            return Err(row.bad(
                cols[2],
                format!("{code} {sex} appears twice for this period"),
            ));
        }
    }
    let mut periods: Vec<String> = periods.into_iter().collect();
    periods.sort_by_key(|p| period_start(p));
    let caveat_periods = match s.id {
        "le_birth" => periods
            .iter()
            .filter(|p| *p == "2023-25")
            .cloned()
            .collect(),
        _ => Vec::new(),
    };
    let def = TrendDef {
        id: s.id.to_owned(),
        label: s.label.to_owned(),
        description: s.description.to_owned(),
        unit: s.unit.to_owned(),
        polarity: s.polarity,
        decimals: 1,
        source: s.source.to_owned(),
        licence: "Open Government Licence v3.0".to_owned(),
        attribution: ATTRIBUTION.to_owned(),
        caveat: s.caveat.map(str::to_owned),
        caveat_periods,
        periods,
    };
    // Ordered by area (England last, as a benchmark), sex, then period.
    let mut rows: Vec<TrendRow> = rows.into_values().collect();
    rows.sort_by(|a, b| {
        (
            a.area_code == ENGLAND_CODE,
            &a.area_code,
            sex_order(&a.sex),
            period_start(&a.period),
        )
            .cmp(&(
                b.area_code == ENGLAND_CODE,
                &b.area_code,
                sex_order(&b.sex),
                period_start(&b.period),
            ))
    });
    Ok((def, rows))
}

/// `2015 - 17` as `2015-17`; single years unchanged.
fn normalise_period(p: &str) -> String {
    p.split_whitespace().collect()
}

fn period_start(p: &str) -> u32 {
    p.get(..4).and_then(|y| y.parse().ok()).unwrap_or(u32::MAX)
}

fn sex_order(s: &str) -> usize {
    SEXES.iter().position(|x| *x == s).unwrap_or(SEXES.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_are_normalised_and_ordered() {
        assert_eq!(normalise_period("2015 - 17"), "2015-17");
        assert_eq!(normalise_period("2024"), "2024");
        assert!(period_start("2015-17") < period_start("2016-18"));
    }
}
