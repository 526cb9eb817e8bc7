//! The atlas's reference layers read for queries: postcodes, places and GP practices.

use std::path::Path;

use serde::Serialize;

use crate::QueryError;

/// A live postcode and its centroid.
#[derive(Debug, Clone, Serialize)]
pub struct Postcode {
    /// As written by Royal Mail, e.g. `LS6 1AN`.
    pub postcode: String,
    /// Longitude (WGS84).
    pub lon: f64,
    /// Latitude (WGS84).
    pub lat: f64,
}

/// A named place from the gazetteer.
#[derive(Debug, Clone, Serialize)]
pub struct Place {
    /// The name.
    pub name: String,
    /// `populated_place`, `ward`, `neighbourhood`, `postcode_district`, `postcode_sector`, `osm_feature`.
    pub kind: String,
    /// A finer type, e.g. `leisure=park`.
    pub subtype: String,
    /// Longitude.
    pub lon: f64,
    /// Latitude.
    pub lat: f64,
    /// The source's licence for this row.
    pub licence: String,
}

/// A GP practice with its registered patients.
#[derive(Debug, Clone, Serialize)]
pub struct GpPractice {
    /// NHS ODS code.
    pub org_code: String,
    /// Practice name as registered.
    pub name: String,
    /// Address.
    pub address: String,
    /// Postcode.
    pub postcode: String,
    /// Registered patients, at the date in the layer's manifest record.
    pub registered_patients: u32,
    /// Longitude.
    pub lon: f64,
    /// Latitude.
    pub lat: f64,
}

impl From<equimap_atlas::PostcodeRow> for Postcode {
    fn from(r: equimap_atlas::PostcodeRow) -> Self {
        Self {
            postcode: r.postcode,
            lon: r.lon,
            lat: r.lat,
        }
    }
}

impl From<equimap_atlas::PlaceRow> for Place {
    fn from(r: equimap_atlas::PlaceRow) -> Self {
        Self {
            name: r.name,
            kind: r.kind,
            subtype: r.subtype,
            lon: r.lon,
            lat: r.lat,
            licence: r.licence,
        }
    }
}

impl From<equimap_atlas::GpPracticeRow> for GpPractice {
    fn from(r: equimap_atlas::GpPracticeRow) -> Self {
        Self {
            org_code: r.org_code,
            name: r.name,
            address: r.address,
            postcode: r.postcode,
            registered_patients: r.registered_patients,
            lon: r.lon,
            lat: r.lat,
        }
    }
}

/// A layer read through the atlas's own format; a missing file is an empty layer.
fn layer<R: serde::de::DeserializeOwned, T: From<R>>(
    dir: &Path,
    file: &str,
) -> Result<Vec<T>, QueryError> {
    let rows: Vec<R> = equimap_atlas::read_layer(dir, file).map_err(|e| QueryError::Atlas {
        path: dir.join(file),
        message: e.to_string(),
    })?;
    Ok(rows.into_iter().map(T::from).collect())
}

/// Read `reference/postcodes.csv`; a missing file is an empty layer.
pub fn postcodes(dir: &Path) -> Result<Vec<Postcode>, QueryError> {
    layer::<equimap_atlas::PostcodeRow, _>(dir, equimap_atlas::POSTCODES_FILE)
}

/// Read `reference/places.csv`.
pub fn places(dir: &Path) -> Result<Vec<Place>, QueryError> {
    layer::<equimap_atlas::PlaceRow, _>(dir, equimap_atlas::PLACES_FILE)
}

/// Read `reference/gp_practices.csv`.
pub fn gp_practices(dir: &Path) -> Result<Vec<GpPractice>, QueryError> {
    layer::<equimap_atlas::GpPracticeRow, _>(dir, equimap_atlas::GP_PRACTICES_FILE)
}
