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
}

impl IndicatorDef {
    /// The level of this indicator at `geography`, if the atlas holds it there.
    pub fn level(&self, geography: Geography) -> Option<&Level> {
        self.levels.iter().find(|l| l.geography == geography)
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
