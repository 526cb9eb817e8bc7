//! Primary care in the atlas: GP practices' QOF disease registers and list sizes, their Primary
//! Care Network and the deprivation of their registered population.
//!
//! Four CSV files under `reference/`, each read and written here and nowhere else:
//!
//! ```text
//! gp_conditions.csv   condition, label, list_type, ages          one row per QOF register
//! gp_qof.csv          practice_code, condition, register, list_type, list_size
//! gp_practice_info.csv practice_code, name, in_district, pcn_code, pcn_name, pcn_as_at,
//!                      imd2025_score, imd2025_decile
//! gp_qof_totals.csv   scope, decile, condition, practices, register, list_size
//! ```
//!
//! A PCN is a list of practices, not an area: the atlas holds membership, never a PCN boundary.
//! Recorded prevalence (register ÷ list) counts diagnosed, coded patients and is crude.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::AtlasError;
use crate::reference::{read_rows, write_rows};

/// One QOF register: its code, label and the list it is a share of.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Condition {
    /// QOF group code, e.g. `DEP`.
    pub condition: String,
    /// What the register counts, e.g. `Depression`.
    pub label: String,
    /// The published `PATIENT_LIST_TYPE`: `TOTAL`, `18OV`, `17OV`, `16OV`, `06OV` or `50OV`.
    pub list_type: String,
    /// The denominator in words, e.g. `patients aged 18 and over`.
    pub ages: String,
}

/// One practice's register for one condition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QofRow {
    /// NHS ODS practice code.
    pub practice_code: String,
    /// QOF group code.
    pub condition: String,
    /// Patients on the register.
    pub register: u64,
    /// The list the register is a share of (see [`Condition::list_type`]).
    pub list_type: String,
    /// Patients on that list.
    pub list_size: u64,
}

/// A practice's name, PCN and deprivation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PracticeInfo {
    /// NHS ODS practice code.
    pub practice_code: String,
    /// Practice name.
    pub name: String,
    /// True when the practice is located in the atlas's district (false for a practice held
    /// only because it shares a PCN with one that is).
    pub in_district: bool,
    /// PCN code (empty when the practice is in no PCN).
    pub pcn_code: String,
    /// PCN name (empty when in no PCN).
    pub pcn_name: String,
    /// The date the membership describes, e.g. `2026-07-01` or `2023-02`.
    pub pcn_as_at: String,
    /// IMD 2025 score of the practice's registered population (OHID), where published.
    pub imd2025_score: Option<f64>,
    /// National decile of that score over every English practice with one, 1 = most deprived.
    pub imd2025_decile: Option<u8>,
}

/// Sums of registers and lists over a set of practices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QofTotal {
    /// `england` (every practice in the file) or `district` (practices in the district).
    pub scope: String,
    /// A national practice IMD 2025 decile, or `None` for all practices of the scope.
    pub decile: Option<u8>,
    /// QOF group code.
    pub condition: String,
    /// Practices summed.
    pub practices: u64,
    /// Sum of registers.
    pub register: u64,
    /// Sum of lists.
    pub list_size: u64,
}

/// The primary-care files of an atlas, as written by the ingest.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PrimaryCare {
    /// The QOF registers, in the file's order.
    pub conditions: Vec<Condition>,
    /// Registers per practice and condition.
    pub qof: Vec<QofRow>,
    /// Practices with their PCN and deprivation.
    pub practices: Vec<PracticeInfo>,
    /// England and district sums, overall and by decile.
    pub totals: Vec<QofTotal>,
}

impl PrimaryCare {
    /// The file names, relative to the atlas directory.
    pub const CONDITIONS: &'static str = "reference/gp_conditions.csv";
    /// Registers per practice.
    pub const QOF: &'static str = "reference/gp_qof.csv";
    /// Practice names, PCNs and deprivation.
    pub const PRACTICES: &'static str = "reference/gp_practice_info.csv";
    /// England and district sums.
    pub const TOTALS: &'static str = "reference/gp_qof_totals.csv";

    /// Read the four files; `Ok(None)` when the atlas has none of them.
    pub fn read(dir: &Path) -> Result<Option<Self>, AtlasError> {
        if !dir.join(Self::QOF).exists() {
            return Ok(None);
        }
        Ok(Some(Self {
            conditions: read_rows(&dir.join(Self::CONDITIONS))?,
            qof: read_rows(&dir.join(Self::QOF))?,
            practices: read_rows(&dir.join(Self::PRACTICES))?,
            totals: read_rows(&dir.join(Self::TOTALS))?,
        }))
    }

    /// Write the four files (the directory `reference/` must exist).
    pub fn write(&self, dir: &Path) -> Result<(), AtlasError> {
        write_rows(&dir.join(Self::CONDITIONS), &self.conditions)?;
        write_rows(&dir.join(Self::QOF), &self.qof)?;
        write_rows(&dir.join(Self::PRACTICES), &self.practices)?;
        write_rows(&dir.join(Self::TOTALS), &self.totals)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_round_trip() {
        let dir = tempfile_dir();
        std::fs::create_dir_all(dir.join("reference")).expect("mkdir");
        let pc = PrimaryCare {
            conditions: vec![Condition {
                condition: "DEP".into(),
                label: "Depression".into(),
                list_type: "18OV".into(),
                ages: "patients aged 18 and over".into(),
            }],
            qof: vec![QofRow {
                practice_code: "B86086".into(),
                condition: "DEP".into(),
                register: 1234,
                list_type: "18OV".into(),
                list_size: 9876,
            }],
            practices: vec![PracticeInfo {
                practice_code: "B86086".into(),
                name: "LAUREL BANK SURGERY".into(),
                in_district: true,
                pcn_code: String::new(),
                pcn_name: String::new(),
                pcn_as_at: "2026-07-01".into(),
                imd2025_score: None,
                imd2025_decile: Some(3),
            }],
            totals: vec![QofTotal {
                scope: "england".into(),
                decile: None,
                condition: "DEP".into(),
                practices: 1,
                register: 1234,
                list_size: 9876,
            }],
        };
        pc.write(&dir).expect("write");
        assert_eq!(PrimaryCare::read(&dir).expect("read"), Some(pc));
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn a_bad_count_names_the_file() {
        let dir = tempfile_dir();
        std::fs::create_dir_all(dir.join("reference")).expect("mkdir");
        PrimaryCare::default().write(&dir).expect("write");
        std::fs::write(
            dir.join(PrimaryCare::QOF),
            "practice_code,condition,register,list_type,list_size\nB86086,DEP,lots,18OV,9876\n",
        )
        .expect("write");
        let err = PrimaryCare::read(&dir).expect_err("bad count");
        assert!(err.to_string().contains("gp_qof.csv"), "{err}");
        std::fs::remove_dir_all(&dir).ok();
    }

    fn tempfile_dir() -> std::path::PathBuf {
        let n = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        std::env::temp_dir().join(format!("equimap-pc-{}-{n}", std::process::id()))
    }
}
