use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::{AtlasError, Geography};

/// Which direction of an indicator is the worse one.
///
/// The map and the profile use this to colour and to word comparisons ("worse than Leeds").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Polarity {
    /// A higher value is worse (IMD score, share of residents in decile 1).
    HigherIsWorse,
    /// A higher value is better (life expectancy, decile: 10 is least deprived).
    HigherIsBetter,
    /// Neither direction is better (population).
    Neutral,
}

/// What kind of number an indicator is; it decides how it can be aggregated and drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A continuous score.
    Score,
    /// A national rank, 1 = most deprived.
    Rank,
    /// A national decile, 1 = most deprived 10% of England.
    Decile,
    /// A national percentile, 1 = most deprived 1% of England.
    Percentile,
    /// A quintile within the district, 1 = most deprived fifth of the district.
    Quintile,
    /// A count of people.
    Count,
    /// A share between 0 and 1.
    Share,
    /// A number of years.
    Years,
    /// A difference between two editions or periods, centred on zero (drawn with diverging
    /// colours); the unit says which way round.
    Change,
}

/// An indicator at one geography: its period, how it was made and whether it is an estimate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Level {
    /// The geography.
    pub geography: Geography,
    /// The reference period or date of the values at this geography.
    pub period: String,
    /// How the values at this geography were made.
    pub method: String,
    /// True where the values are modelled or apportioned rather than published for this geography.
    pub estimate: bool,
    /// The published 95% confidence limits of the values at this geography, where the publisher
    /// gives them. Limits computed from counts are not listed here: see [`IndicatorDef::counts`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval: Option<Interval>,
}

/// Published 95% confidence limits of a value, held in two companion columns of the same
/// indicator table. Companion columns are not catalogue entries: they have no ranks, layers or
/// reference rows of their own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Interval {
    /// The column holding the lower 95% limit.
    pub lower: String,
    /// The column holding the upper 95% limit.
    pub upper: String,
    /// How the publisher computed the limits.
    pub method: String,
}

/// How a 95% interval is computed for a value held as counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CountsInterval {
    /// The Wilson score interval for a proportion (OHID technical guidance; PHEindicatormethods
    /// `phe_proportion`).
    Wilson,
}

/// The numerator and denominator an indicator is made from: the value is numerator /
/// denominator at every geography it is held, and larger areas are made by summing both, never
/// by averaging the values.
///
/// Both are column ids of the indicator table of each geography where the indicator is held;
/// they may be catalogue entries themselves (a count of residents) or companion columns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    /// The column holding the numerator.
    pub numerator: String,
    /// The column holding the denominator.
    pub denominator: String,
    /// What the numerator counts, for people ("residents in bad or very bad health").
    pub numerator_label: String,
    /// What the denominator counts ("all usual residents").
    pub denominator_label: String,
    /// How a 95% interval is computed from the counts; `None` where the share has no random
    /// variation to describe (a classification such as "lives in a decile-1 LSOA").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval: Option<CountsInterval>,
}

/// One catalogue entry: everything a user needs to read an indicator correctly.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndicatorDef {
    /// Stable id, used as the CSV column, the tile property and in URLs.
    pub id: String,
    /// A label for people.
    pub label: String,
    /// What the indicator measures.
    pub description: String,
    /// The theme, for grouping in the map's layer picker.
    pub theme: String,
    /// The unit, written for people ("years", "score", "decile (1 = most deprived 10% in England)").
    pub unit: String,
    /// What kind of number it is.
    pub kind: Kind,
    /// Which direction is worse.
    pub polarity: Polarity,
    /// The geography the publisher released the indicator for.
    pub native: Geography,
    /// Every geography the atlas holds values for, with period, method and estimate flag.
    pub levels: Vec<Level>,
    /// The publisher and dataset.
    pub source: String,
    /// The licence of the source.
    pub licence: String,
    /// The attribution statement the licence asks for.
    pub attribution: String,
    /// True for figures relative to the district rather than to England; always labelled local.
    pub local: bool,
    /// Decimal places to show (and to store).
    pub decimals: u8,
    /// Whether the tiles carry this indicator for styling.
    pub in_tiles: bool,
    /// Anything a user must know to avoid misreading it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caveat: Option<String>,
    /// For a share or rate held as counts: its numerator and denominator columns.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counts: Option<Counts>,
}

impl IndicatorDef {
    /// The level of this indicator at `geography`, if the atlas holds it there.
    pub fn level(&self, geography: Geography) -> Option<&Level> {
        self.levels.iter().find(|l| l.geography == geography)
    }

    /// The published interval of this indicator at `geography`, if there is one.
    pub fn interval_at(&self, geography: Geography) -> Option<&Interval> {
        self.level(geography)?.interval.as_ref()
    }

    /// The companion columns this indicator needs in the table of `geography` (numerator,
    /// denominator, published limits), besides its own column. Empty where it is not held.
    pub fn companions(&self, geography: Geography) -> Vec<&str> {
        let Some(level) = self.level(geography) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        if let Some(c) = &self.counts {
            out.extend([c.numerator.as_str(), c.denominator.as_str()]);
        }
        if let Some(i) = &level.interval {
            out.extend([i.lower.as_str(), i.upper.as_str()]);
        }
        out
    }
}

/// The indicator catalogue (`indicators/catalogue.json`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Catalogue {
    /// The indicators, in the order the map and profiles list them.
    pub indicators: Vec<IndicatorDef>,
}

impl Catalogue {
    /// Look an indicator up by id.
    pub fn get(&self, id: &str) -> Option<&IndicatorDef> {
        self.indicators.iter().find(|d| d.id == id)
    }

    /// The indicators held at `geography`, in catalogue order.
    pub fn at(&self, geography: Geography) -> impl Iterator<Item = &IndicatorDef> {
        self.indicators
            .iter()
            .filter(move |d| d.level(geography).is_some())
    }

    /// Read a catalogue and check that ids are unique.
    pub fn read(path: &Path) -> Result<Self, AtlasError> {
        let bytes = std::fs::read(path).map_err(|e| AtlasError::io(path, e))?;
        let cat: Catalogue = serde_json::from_slice(&bytes).map_err(|source| AtlasError::Json {
            path: path.to_owned(),
            source,
        })?;
        let mut seen = BTreeMap::new();
        for (i, d) in cat.indicators.iter().enumerate() {
            if let Some(prev) = seen.insert(d.id.as_str(), i) {
                return Err(AtlasError::invalid(
                    path,
                    format!(
                        "indicator id {:?} appears twice (entries {prev} and {i})",
                        d.id
                    ),
                ));
            }
            if d.levels.is_empty() {
                return Err(AtlasError::invalid(
                    path,
                    format!("indicator {:?} has no levels", d.id),
                ));
            }
        }
        Ok(cat)
    }

    /// Decimal places to store a table column with: an indicator's own, the owner's for its
    /// published limits, and 6 (trimmed) for anything else, such as counts.
    pub fn column_decimals(&self, column: &str) -> u8 {
        if let Some(d) = self.get(column) {
            return d.decimals;
        }
        self.indicators
            .iter()
            .find(|d| {
                d.levels.iter().any(|l| {
                    l.interval
                        .as_ref()
                        .is_some_and(|i| i.lower == column || i.upper == column)
                })
            })
            .map_or(6, |d| d.decimals)
    }

    /// Write the catalogue as pretty JSON with a trailing newline.
    pub fn write(&self, path: &Path) -> Result<(), AtlasError> {
        write_json(path, self)
    }
}

pub(crate) fn write_json<T: Serialize>(path: &Path, value: &T) -> Result<(), AtlasError> {
    let mut bytes = serde_json::to_vec_pretty(value).map_err(|source| AtlasError::Json {
        path: path.to_owned(),
        source,
    })?;
    bytes.push(b'\n');
    std::fs::write(path, bytes).map_err(|e| AtlasError::io(path, e))
}

/// A reference value for one indicator over a whole district or England.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReferenceValue {
    /// The indicator id.
    pub indicator: String,
    /// The code of the reference area (the district code, or `E92000001` for England).
    pub scope: String,
    /// The name of the reference area.
    pub scope_name: String,
    /// The value; empty where a reference makes no sense (ranks) or the data do not exist.
    pub value: Option<f64>,
    /// The period of the value.
    pub period: String,
    /// How the value was made, or why there is none.
    pub method: String,
    /// For an indicator held as counts: the numerator summed over the reference area.
    #[serde(default)]
    pub numerator: Option<f64>,
    /// For an indicator held as counts: the denominator summed over the reference area.
    #[serde(default)]
    pub denominator: Option<f64>,
}

/// All reference values (`indicators/reference.csv`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct References {
    /// The rows, ordered by indicator then scope.
    pub rows: Vec<ReferenceValue>,
}

impl References {
    /// The reference row for an indicator and scope code.
    pub fn get(&self, indicator: &str, scope: &str) -> Option<&ReferenceValue> {
        self.rows
            .iter()
            .find(|r| r.indicator == indicator && r.scope == scope)
    }

    /// Read `reference.csv`.
    pub fn read(path: &Path) -> Result<Self, AtlasError> {
        let mut rdr = csv::Reader::from_path(path).map_err(|source| AtlasError::Csv {
            path: path.to_owned(),
            source,
        })?;
        let mut rows = Vec::new();
        for rec in rdr.deserialize() {
            let row: ReferenceValue = rec.map_err(|source| AtlasError::Csv {
                path: path.to_owned(),
                source,
            })?;
            rows.push(row);
        }
        Ok(Self { rows })
    }

    /// Write `reference.csv`.
    pub fn write(&self, path: &Path) -> Result<(), AtlasError> {
        let csv_err = |source| AtlasError::Csv {
            path: path.to_owned(),
            source,
        };
        let mut w = csv::Writer::from_path(path).map_err(csv_err)?;
        for r in &self.rows {
            w.serialize(r).map_err(csv_err)?;
        }
        w.flush().map_err(|e| AtlasError::io(path, e))
    }
}
