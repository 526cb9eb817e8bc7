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
    /// Registered patients, 1 April 2026.
    pub registered_patients: u32,
    /// Longitude.
    pub lon: f64,
    /// Latitude.
    pub lat: f64,
}

fn rows(path: &Path) -> Result<(csv::StringRecord, Vec<csv::StringRecord>), QueryError> {
    let err = |m: String| QueryError::Atlas {
        path: path.to_owned(),
        message: m,
    };
    let mut rdr = csv::Reader::from_path(path).map_err(|e| err(e.to_string()))?;
    let headers = rdr.headers().map_err(|e| err(e.to_string()))?.clone();
    let rows = rdr
        .records()
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| err(e.to_string()))?;
    Ok((headers, rows))
}

fn col(h: &csv::StringRecord, name: &str, path: &Path) -> Result<usize, QueryError> {
    h.iter()
        .position(|c| c == name)
        .ok_or_else(|| QueryError::Atlas {
            path: path.to_owned(),
            message: format!("missing column {name:?}"),
        })
}

fn num(r: &csv::StringRecord, i: usize, path: &Path, line: usize) -> Result<f64, QueryError> {
    r.get(i)
        .and_then(|s| s.trim().parse().ok())
        .ok_or_else(|| QueryError::Atlas {
            path: path.to_owned(),
            message: format!(
                "line {line}: {:?} is not a number",
                r.get(i).unwrap_or_default()
            ),
        })
}

/// Read `reference/postcodes.csv`; a missing file is an empty layer.
pub fn postcodes(dir: &Path) -> Result<Vec<Postcode>, QueryError> {
    let path = dir.join("reference/postcodes.csv");
    if !path.exists() {
        return Ok(Vec::new());
    }
    let (h, rs) = rows(&path)?;
    let (p, x, y) = (
        col(&h, "postcode", &path)?,
        col(&h, "lon", &path)?,
        col(&h, "lat", &path)?,
    );
    rs.iter()
        .enumerate()
        .map(|(i, r)| {
            Ok(Postcode {
                postcode: r.get(p).unwrap_or_default().to_owned(),
                lon: num(r, x, &path, i + 2)?,
                lat: num(r, y, &path, i + 2)?,
            })
        })
        .collect()
}

/// Read `reference/places.csv`.
pub fn places(dir: &Path) -> Result<Vec<Place>, QueryError> {
    let path = dir.join("reference/places.csv");
    if !path.exists() {
        return Ok(Vec::new());
    }
    let (h, rs) = rows(&path)?;
    let c = |n| col(&h, n, &path);
    let (n, k, s, x, y, l) = (
        c("name")?,
        c("type")?,
        c("subtype")?,
        c("lon")?,
        c("lat")?,
        c("licence")?,
    );
    rs.iter()
        .enumerate()
        .map(|(i, r)| {
            Ok(Place {
                name: r.get(n).unwrap_or_default().to_owned(),
                kind: r.get(k).unwrap_or_default().to_owned(),
                subtype: r.get(s).unwrap_or_default().to_owned(),
                lon: num(r, x, &path, i + 2)?,
                lat: num(r, y, &path, i + 2)?,
                licence: r.get(l).unwrap_or_default().to_owned(),
            })
        })
        .collect()
}

/// Read `reference/gp_practices.csv`.
pub fn gp_practices(dir: &Path) -> Result<Vec<GpPractice>, QueryError> {
    let path = dir.join("reference/gp_practices.csv");
    if !path.exists() {
        return Ok(Vec::new());
    }
    let (h, rs) = rows(&path)?;
    let c = |n| col(&h, n, &path);
    let (o, n, a, p, rp, x, y) = (
        c("org_code")?,
        c("name")?,
        c("address")?,
        c("postcode")?,
        c("registered_patients")?,
        c("lon")?,
        c("lat")?,
    );
    rs.iter()
        .enumerate()
        .map(|(i, r)| {
            Ok(GpPractice {
                org_code: r.get(o).unwrap_or_default().to_owned(),
                name: r.get(n).unwrap_or_default().to_owned(),
                address: r.get(a).unwrap_or_default().to_owned(),
                postcode: r.get(p).unwrap_or_default().to_owned(),
                registered_patients: num(r, rp, &path, i + 2)? as u32,
                lon: num(r, x, &path, i + 2)?,
                lat: num(r, y, &path, i + 2)?,
            })
        })
        .collect()
}
