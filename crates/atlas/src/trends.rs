//! District trends: published time series for whole districts and England
//! (`indicators/trends.json` for what each series is, `indicators/trends.csv` for the values).
//!
//! These are figures the publisher made for the whole district (life expectancy, its slope index
//! of inequality, preventable mortality), one row per area, sex and period. They are not small-area
//! indicators, so they have no column in the geography tables and no map layer.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::catalogue::write_json;
use crate::{AtlasError, Polarity};

/// What one trend series measures and where it comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrendDef {
    /// Stable id (`le_birth`, `le_sii`, `u75_preventable`).
    pub id: String,
    /// A label for people.
    pub label: String,
    /// What it measures and how the publisher made it.
    pub description: String,
    /// The unit, written for people.
    pub unit: String,
    /// Which direction is worse.
    pub polarity: Polarity,
    /// Decimal places to show.
    pub decimals: u8,
    /// The publisher, dataset and indicator number.
    pub source: String,
    /// The licence of the source.
    pub licence: String,
    /// The attribution statement the licence asks for.
    pub attribution: String,
    /// The periods held, oldest first.
    pub periods: Vec<String>,
    /// Anything a user must know to avoid misreading the series.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caveat: Option<String>,
    /// The periods the caveat is about (shown with a mark), if it is about some only.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub caveat_periods: Vec<String>,
}

/// One published value: an area, a sex and a period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrendRow {
    /// The series id.
    pub indicator: String,
    /// The area's code: a district, or `E92000001` for England.
    pub area_code: String,
    /// The area's name as the publisher gives it.
    pub area_name: String,
    /// `Male`, `Female` or `Persons`.
    pub sex: String,
    /// The period as published, e.g. `2015-17` or `2024`.
    pub period: String,
    /// The value; empty where the publisher gives none.
    pub value: Option<f64>,
    /// The publisher's own comparison with England (`Better`, `Similar`, `Worse`,
    /// `Not compared`), as published.
    pub compared_to_england: String,
}

/// Every district trend of an atlas.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Trends {
    /// The series, in the order profiles list them.
    pub defs: Vec<TrendDef>,
    /// The values, ordered by series, area, sex and period.
    pub rows: Vec<TrendRow>,
}

impl Trends {
    /// `indicators/trends.json` inside an atlas directory.
    pub fn defs_path(dir: &Path) -> PathBuf {
        dir.join("indicators").join("trends.json")
    }

    /// `indicators/trends.csv` inside an atlas directory.
    pub fn rows_path(dir: &Path) -> PathBuf {
        dir.join("indicators").join("trends.csv")
    }

    /// The definition of a series.
    pub fn def(&self, id: &str) -> Option<&TrendDef> {
        self.defs.iter().find(|d| d.id == id)
    }

    /// The rows of one area.
    pub fn of_area<'a>(&'a self, code: &'a str) -> impl Iterator<Item = &'a TrendRow> {
        self.rows.iter().filter(move |r| r.area_code == code)
    }

    /// Read both files of an atlas. An atlas without them (built before trends existed) has
    /// none; one file without the other is an error.
    ///
    /// Checks: every row names a defined series and one of its periods, no area, sex and period
    /// appears twice, and every value is finite.
    pub fn read(dir: &Path) -> Result<Self, AtlasError> {
        let (dp, rp) = (Self::defs_path(dir), Self::rows_path(dir));
        match (dp.is_file(), rp.is_file()) {
            (false, false) => return Ok(Self::default()),
            (true, false) => {
                return Err(AtlasError::invalid(
                    &rp,
                    "missing, but trends.json is present",
                ));
            }
            (false, true) => {
                return Err(AtlasError::invalid(
                    &dp,
                    "missing, but trends.csv is present",
                ));
            }
            (true, true) => {}
        }
        let bytes = std::fs::read(&dp).map_err(|e| AtlasError::io(&dp, e))?;
        let defs: Vec<TrendDef> =
            serde_json::from_slice(&bytes).map_err(|source| AtlasError::Json {
                path: dp.clone(),
                source,
            })?;
        let csv_err = |source| AtlasError::Csv {
            path: rp.clone(),
            source,
        };
        let mut rdr = csv::Reader::from_path(&rp).map_err(csv_err)?;
        let mut rows = Vec::new();
        let mut seen = BTreeSet::new();
        for (i, rec) in rdr.deserialize().enumerate() {
            let row: TrendRow = rec.map_err(csv_err)?;
            let line = i + 2;
            let def = defs.iter().find(|d| d.id == row.indicator).ok_or_else(|| {
                AtlasError::invalid(
                    &rp,
                    format!("line {line}: unknown series {:?}", row.indicator),
                )
            })?;
            if !def.periods.contains(&row.period) {
                return Err(AtlasError::invalid(
                    &rp,
                    format!(
                        "line {line}: period {:?} is not one of {}'s periods",
                        row.period, def.id
                    ),
                ));
            }
            if row.value.is_some_and(|v| !v.is_finite()) {
                return Err(AtlasError::invalid(
                    &rp,
                    format!("line {line}: value is not finite"),
                ));
            }
            let key = (
                row.indicator.clone(),
                row.area_code.clone(),
                row.sex.clone(),
                row.period.clone(),
            );
            if !seen.insert(key) {
                return Err(AtlasError::invalid(
                    &rp,
                    format!(
                        "line {line}: {} {} {} {} appears twice",
                        row.indicator, row.area_code, row.sex, row.period
                    ),
                ));
            }
            rows.push(row);
        }
        Ok(Self { defs, rows })
    }

    /// Write both files into an atlas directory.
    pub fn write(&self, dir: &Path) -> Result<(), AtlasError> {
        write_json(&Self::defs_path(dir), &self.defs)?;
        let rp = Self::rows_path(dir);
        let csv_err = |source| AtlasError::Csv {
            path: rp.clone(),
            source,
        };
        let mut w = csv::Writer::from_path(&rp).map_err(csv_err)?;
        for r in &self.rows {
            w.serialize(r).map_err(csv_err)?;
        }
        w.flush().map_err(|e| AtlasError::io(&rp, e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn def() -> TrendDef {
        TrendDef {
            id: "le_birth".to_owned(),
            label: "Life expectancy at birth".to_owned(),
            description: String::new(),
            unit: "years".to_owned(),
            polarity: Polarity::HigherIsBetter,
            decimals: 1,
            source: "OHID Fingertips 90366".to_owned(),
            licence: "Open Government Licence v3.0".to_owned(),
            attribution: String::new(),
            periods: vec!["2020-22".to_owned()],
            caveat: None,
            caveat_periods: Vec::new(),
        }
    }

    fn row(period: &str) -> TrendRow {
        TrendRow {
            indicator: "le_birth".to_owned(),
            area_code: "E08000035".to_owned(),
            area_name: "Leeds".to_owned(),
            sex: "Male".to_owned(),
            period: period.to_owned(),
            value: Some(78.0),
            compared_to_england: "Worse".to_owned(),
        }
    }

    #[test]
    fn round_trips_and_refuses_duplicates_and_unknown_periods() {
        let dir = tempfile_dir();
        let t = Trends {
            defs: vec![def()],
            rows: vec![row("2020-22")],
        };
        t.write(&dir).expect("write");
        assert_eq!(Trends::read(&dir).expect("read"), t);

        let dup = Trends {
            defs: vec![def()],
            rows: vec![row("2020-22"), row("2020-22")],
        };
        dup.write(&dir).expect("write");
        let e = Trends::read(&dir).expect_err("duplicate").to_string();
        assert!(
            e.contains("trends.csv") && e.contains("line 3") && e.contains("twice"),
            "{e}"
        );

        let odd = Trends {
            defs: vec![def()],
            rows: vec![row("2019-21")],
        };
        odd.write(&dir).expect("write");
        let e = Trends::read(&dir).expect_err("period").to_string();
        assert!(e.contains("line 2") && e.contains("2019-21"), "{e}");
        std::fs::remove_file(Trends::defs_path(&dir)).expect("rm");
        let e = Trends::read(&dir).expect_err("half").to_string();
        assert!(e.contains("trends.json"), "{e}");
        std::fs::remove_dir_all(&dir).ok();
    }

    fn tempfile_dir() -> PathBuf {
        let d = std::env::temp_dir().join(format!("equimap-trends-{}", std::process::id()));
        std::fs::create_dir_all(d.join("indicators")).expect("mkdir");
        d
    }
}
