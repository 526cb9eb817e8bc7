//! The reference layers' CSV files (`reference/postcodes.csv`, `places.csv`,
//! `gp_practices.csv`): one struct per row, written by the ingest and read by
//! query and tiles through the functions here, so the format lives in one
//! place.
//!
//! ```
//! use equimap_atlas::{PostcodeRow, read_rows, write_rows};
//! let dir = tempfile::tempdir()?;
//! let path = dir.path().join("postcodes.csv");
//! let rows = [PostcodeRow {
//!     postcode: "LS1 1UR".into(), lon: -1.547_54, lat: 53.801_98,
//!     easting: 429_844, northing: 433_845, positional_quality: 10,
//! }];
//! write_rows(&path, &rows)?;
//! assert_eq!(read_rows::<PostcodeRow>(&path)?[0].postcode, "LS1 1UR");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::path::Path;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize, Serializer};

use crate::AtlasError;
use crate::table::format_number;

/// Where each layer lives in an atlas directory.
pub const POSTCODES_FILE: &str = "reference/postcodes.csv";
/// See [`POSTCODES_FILE`].
pub const PLACES_FILE: &str = "reference/places.csv";
/// See [`POSTCODES_FILE`].
pub const GP_PRACTICES_FILE: &str = "reference/gp_practices.csv";
/// See [`POSTCODES_FILE`].
pub const COMMITTEE_WARDS_FILE: &str = "reference/community_committees.csv";

/// A live postcode and its centroid.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PostcodeRow {
    /// As written by Royal Mail, e.g. `LS6 1AN`.
    pub postcode: String,
    /// Longitude (WGS84).
    #[serde(serialize_with = "coord")]
    pub lon: f64,
    /// Latitude (WGS84).
    #[serde(serialize_with = "coord")]
    pub lat: f64,
    /// British National Grid easting, metres.
    pub easting: u32,
    /// British National Grid northing, metres.
    pub northing: u32,
    /// Code-Point Open positional quality (10 = within the building).
    pub positional_quality: u8,
}

/// A named place from the gazetteer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlaceRow {
    /// The name.
    pub name: String,
    /// `populated_place`, `ward`, `neighbourhood`, `postcode_district`, `postcode_sector`, `osm_feature`.
    #[serde(rename = "type")]
    pub kind: String,
    /// A finer type, e.g. `leisure=park`.
    pub subtype: String,
    /// Longitude.
    #[serde(serialize_with = "coord")]
    pub lon: f64,
    /// Latitude.
    #[serde(serialize_with = "coord")]
    pub lat: f64,
    /// The source's code for the place, e.g. `osm:11258140`.
    pub code: String,
    /// Population where the source gives one.
    pub population: Option<u64>,
    /// Where the row comes from.
    pub source: String,
    /// The source's licence for this row.
    pub licence: String,
}

/// A GP practice with its registered patients (at the date in the layer's
/// manifest record).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GpPracticeRow {
    /// NHS ODS code.
    pub org_code: String,
    /// Practice name as registered.
    pub name: String,
    /// Address.
    pub address: String,
    /// Postcode.
    pub postcode: String,
    /// Registered patients.
    pub registered_patients: u32,
    /// Longitude.
    #[serde(serialize_with = "coord")]
    pub lon: f64,
    /// Latitude.
    #[serde(serialize_with = "coord")]
    pub lat: f64,
}

/// One ward of a community committee, with the published text that places it there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommitteeWardRow {
    /// The committee's code in the atlas (`cc-` and its name; the council publishes none).
    pub committee_code: String,
    /// The committee's name, e.g. `Inner East Community Committee`.
    pub committee: String,
    /// The ward's code (December 2023).
    pub ward_code: String,
    /// The ward's name.
    pub ward_name: String,
    /// True when a published page names the ward as the committee's; false when the ward was
    /// assigned by elimination (the only wards no other committee names).
    pub named_in_source: bool,
    /// The quoted text naming the wards, where there is one.
    pub evidence: String,
    /// The page it was read from.
    pub source_url: String,
}

/// Coordinates at six decimals (about 0.1 m), trailing zeros trimmed.
#[allow(clippy::trivially_copy_pass_by_ref)] // serde's serialize_with signature
fn coord<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&format_number(*v, 6))
}

/// Write rows with a header line.
pub fn write_rows<T: Serialize>(path: &Path, rows: &[T]) -> Result<(), AtlasError> {
    let err = |source| AtlasError::Csv {
        path: path.to_owned(),
        source,
    };
    let mut w = csv::Writer::from_path(path).map_err(err)?;
    for r in rows {
        w.serialize(r).map_err(err)?;
    }
    w.flush().map_err(|e| AtlasError::io(path, e))
}

/// Read every row; an error names the file, line and column.
pub fn read_rows<T: DeserializeOwned>(path: &Path) -> Result<Vec<T>, AtlasError> {
    let mut rdr = csv::Reader::from_path(path).map_err(|source| AtlasError::Csv {
        path: path.to_owned(),
        source,
    })?;
    let headers = rdr
        .headers()
        .map_err(|source| AtlasError::Csv {
            path: path.to_owned(),
            source,
        })?
        .clone();
    rdr.deserialize()
        .map(|r| r.map_err(|e| located(path, &headers, &e)))
        .collect()
}

/// Read a layer from an atlas directory; an atlas without it has an empty layer.
pub fn read_layer<T: DeserializeOwned>(dir: &Path, file: &str) -> Result<Vec<T>, AtlasError> {
    let path = dir.join(file);
    if path.exists() {
        read_rows(&path)
    } else {
        Ok(Vec::new())
    }
}

/// "line 4, column lat: invalid float literal" from a csv error.
fn located(path: &Path, headers: &csv::StringRecord, e: &csv::Error) -> AtlasError {
    let line = e.position().map_or(0, csv::Position::line);
    let message = match e.kind() {
        csv::ErrorKind::Deserialize { err, .. } => {
            let column = err
                .field()
                .and_then(|i| headers.get(i as usize))
                .map_or_else(String::new, |c| format!(", column {c}"));
            format!("line {line}{column}: {}", err.kind())
        }
        _ => format!("line {line}: {e}"),
    };
    AtlasError::Invalid {
        path: path.to_owned(),
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_cells_name_file_line_and_column() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("gp_practices.csv");
        std::fs::write(
            &path,
            "org_code,name,address,postcode,registered_patients,lon,lat\n\
             B86002,CITY VIEW MEDICAL PRACTICE,x,LS11 8LH,14696,-1.55587,53.77832\n\
             B86003,DR G LEES & PARTNERS,x,LS12 3HD,16800,-1.5932,north\n",
        )
        .expect("write");
        let e = read_rows::<GpPracticeRow>(&path).expect_err("bad latitude");
        let m = e.to_string();
        assert!(m.contains("gp_practices.csv"), "{m}");
        assert!(m.contains("line 3, column lat"), "{m}");
    }

    #[test]
    fn committed_layers_read_and_write_back_byte_for_byte() {
        fn same<T: Serialize + DeserializeOwned>(atlas: &Path, out: &Path, file: &str) -> usize {
            let rows: Vec<T> = read_layer(atlas, file).expect("reads");
            let copy = out.join("copy.csv");
            write_rows(&copy, &rows).expect("writes");
            assert_eq!(
                std::fs::read(atlas.join(file)).expect("original"),
                std::fs::read(&copy).expect("copy"),
                "{file}"
            );
            rows.len()
        }
        let atlas = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../boundaries");
        let dir = tempfile::tempdir().expect("tempdir");
        assert_eq!(
            same::<PostcodeRow>(&atlas, dir.path(), POSTCODES_FILE),
            20_799
        );
        assert_eq!(same::<PlaceRow>(&atlas, dir.path(), PLACES_FILE), 975);
        assert_eq!(
            same::<GpPracticeRow>(&atlas, dir.path(), GP_PRACTICES_FILE),
            87
        );
    }
}
