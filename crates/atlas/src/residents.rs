//! Where residents live: the dasymetric resident layer the site report counts from.
//!
//! Two CSV files under `reference/`, both in British National Grid metres (EPSG:27700), the
//! system every site-report measurement uses:
//!
//! ```text
//! residents_oa.csv      oa21_cd, lsoa21_cd, population, placed, centroid_e, centroid_n, residential_m2
//! residents_points.csv  oa21_cd, easting, northing, area_m2
//! ```
//!
//! Each Output Area's residents are spread over its points in proportion to `area_m2` (the
//! residential land each point stands for); an Output Area placed at its centroid
//! (`placed = centroid`) has one point of area 0 holding all its residents. Every point lies
//! inside the Output Area's LSOA, so the residents of an LSOA are exactly the residents of its
//! points. How the points are made is in `docs/residents.md`.

use std::collections::BTreeMap;
use std::path::Path;

use crate::{AtlasError, format_number};

/// The Output Area file, relative to the atlas directory.
pub const RESIDENTS_OA_FILE: &str = "reference/residents_oa.csv";
/// The point file, relative to the atlas directory.
pub const RESIDENTS_POINTS_FILE: &str = "reference/residents_points.csv";

const OA_HEADER: [&str; 7] = [
    "oa21_cd",
    "lsoa21_cd",
    "population",
    "placed",
    "centroid_e",
    "centroid_n",
    "residential_m2",
];
const POINT_HEADER: [&str; 4] = ["oa21_cd", "easting", "northing", "area_m2"];

/// How an Output Area's residents were placed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// Spread over residential land near the Output Area's population-weighted centroid.
    Residential,
    /// All at the population-weighted centroid (it lies outside mapped residential land).
    Centroid,
}

impl Placement {
    /// The word used in the file.
    pub fn id(self) -> &'static str {
        match self {
            Self::Residential => "residential",
            Self::Centroid => "centroid",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        match s {
            "residential" => Some(Self::Residential),
            "centroid" => Some(Self::Centroid),
            _ => None,
        }
    }
}

/// One Output Area of the layer.
#[derive(Debug, Clone, PartialEq)]
pub struct OaResidents {
    /// OA 2021 code.
    pub code: String,
    /// The LSOA 2021 it lies in.
    pub lsoa21: String,
    /// Its residents.
    pub population: f64,
    /// How they were placed.
    pub placed: Placement,
    /// The population-weighted centroid, BNG metres.
    pub centroid: (f64, f64),
    /// Residential land its residents were spread over, m² (0 when placed at the centroid).
    pub residential_m2: f64,
}

/// One point standing for a piece of an Output Area's residential land.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ResidentPoint {
    /// Index of the Output Area in [`ResidentLayer::oas`].
    pub oa: u32,
    /// Easting, BNG metres.
    pub e: f64,
    /// Northing, BNG metres.
    pub n: f64,
    /// Residential land the point stands for, m².
    pub area_m2: f64,
}

/// The whole layer.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ResidentLayer {
    /// Output Areas, sorted by code.
    pub oas: Vec<OaResidents>,
    /// Points, grouped by Output Area in the order of `oas`.
    pub points: Vec<ResidentPoint>,
}

impl ResidentLayer {
    /// Residents at each point: the Output Area's population shared by area (equally when the
    /// Output Area's points have no area). Per Output Area they sum to its population.
    pub fn residents(&self) -> Vec<f64> {
        let mut area = vec![0.0; self.oas.len()];
        let mut count = vec![0usize; self.oas.len()];
        for p in &self.points {
            area[p.oa as usize] += p.area_m2;
            count[p.oa as usize] += 1;
        }
        self.points
            .iter()
            .map(|p| {
                let i = p.oa as usize;
                let pop = self.oas[i].population;
                if area[i] > 0.0 {
                    pop * p.area_m2 / area[i]
                } else {
                    #[allow(clippy::cast_precision_loss)]
                    let n = count[i] as f64;
                    pop / n
                }
            })
            .collect()
    }

    /// Read the layer from an atlas directory; `Ok(None)` when the atlas has none.
    ///
    /// # Errors
    /// A file that does not parse, a number that is not one, an unknown `placed` word, a point
    /// naming an Output Area not in `residents_oa.csv`, or an Output Area without points; each
    /// names the file, line and column.
    pub fn read(dir: &Path) -> Result<Option<Self>, AtlasError> {
        let oa_path = dir.join(RESIDENTS_OA_FILE);
        if !oa_path.exists() {
            return Ok(None);
        }
        let oas = read_oas(&oa_path)?;
        let index: BTreeMap<&str, u32> = oas
            .iter()
            .enumerate()
            .filter_map(|(i, o)| Some((o.code.as_str(), u32::try_from(i).ok()?)))
            .collect();
        let pt_path = dir.join(RESIDENTS_POINTS_FILE);
        let points = read_points(&pt_path, &index)?;
        let mut seen = vec![false; oas.len()];
        for p in &points {
            seen[p.oa as usize] = true;
        }
        if let Some(i) = seen.iter().position(|s| !s) {
            return Err(AtlasError::invalid(
                &pt_path,
                format!("Output Area {} has no point", oas[i].code),
            ));
        }
        Ok(Some(Self { oas, points }))
    }

    /// Write both files into an atlas directory (its `reference/` must exist).
    ///
    /// # Errors
    /// The files could not be written.
    pub fn write(&self, dir: &Path) -> Result<(), AtlasError> {
        let oa_rows = self.oas.iter().map(|o| {
            vec![
                o.code.clone(),
                o.lsoa21.clone(),
                format_number(o.population, 0),
                o.placed.id().to_owned(),
                format_number(o.centroid.0, 1),
                format_number(o.centroid.1, 1),
                format_number(o.residential_m2, 1),
            ]
        });
        write_csv(&dir.join(RESIDENTS_OA_FILE), &OA_HEADER, oa_rows)?;
        let pt_rows = self.points.iter().map(|p| {
            vec![
                self.oas[p.oa as usize].code.clone(),
                format_number(p.e, 1),
                format_number(p.n, 1),
                format_number(p.area_m2, 1),
            ]
        });
        write_csv(&dir.join(RESIDENTS_POINTS_FILE), &POINT_HEADER, pt_rows)
    }
}

fn write_csv(
    path: &Path,
    header: &[&str],
    rows: impl Iterator<Item = Vec<String>>,
) -> Result<(), AtlasError> {
    let csv_err = |source| AtlasError::Csv {
        path: path.to_owned(),
        source,
    };
    let mut w = csv::Writer::from_path(path).map_err(csv_err)?;
    w.write_record(header).map_err(csv_err)?;
    for r in rows {
        w.write_record(&r).map_err(csv_err)?;
    }
    w.flush().map_err(|e| AtlasError::io(path, e))
}

/// The rows of a CSV whose header must be exactly `header`, each with its line number.
fn records(path: &Path, header: &[&str]) -> Result<Vec<(usize, csv::StringRecord)>, AtlasError> {
    let csv_err = |source| AtlasError::Csv {
        path: path.to_owned(),
        source,
    };
    let mut rdr = csv::Reader::from_path(path).map_err(csv_err)?;
    let got: Vec<String> = rdr
        .headers()
        .map_err(csv_err)?
        .iter()
        .map(str::to_owned)
        .collect();
    if got != header {
        return Err(AtlasError::invalid(
            path,
            format!(
                "line 1: expected the columns {}, found {}",
                header.join(","),
                got.join(",")
            ),
        ));
    }
    rdr.records()
        .enumerate()
        .map(|(i, r)| Ok((i + 2, r.map_err(csv_err)?)))
        .collect()
}

fn number(
    path: &Path,
    line: usize,
    rec: &csv::StringRecord,
    col: usize,
    name: &str,
) -> Result<f64, AtlasError> {
    let cell = rec.get(col).unwrap_or_default();
    cell.parse::<f64>()
        .ok()
        .filter(|v| v.is_finite() && *v >= 0.0)
        .ok_or_else(|| {
            AtlasError::invalid(
                path,
                format!("line {line}, column {name}: {cell:?} is not a number ≥ 0"),
            )
        })
}

fn read_oas(path: &Path) -> Result<Vec<OaResidents>, AtlasError> {
    let mut out = Vec::new();
    for (line, rec) in records(path, &OA_HEADER)? {
        let placed = rec.get(3).unwrap_or_default();
        out.push(OaResidents {
            code: rec.get(0).unwrap_or_default().to_owned(),
            lsoa21: rec.get(1).unwrap_or_default().to_owned(),
            population: number(path, line, &rec, 2, "population")?,
            placed: Placement::parse(placed).ok_or_else(|| {
                AtlasError::invalid(
                    path,
                    format!(
                        "line {line}, column placed: {placed:?} is neither residential nor centroid"
                    ),
                )
            })?,
            centroid: (
                number(path, line, &rec, 4, "centroid_e")?,
                number(path, line, &rec, 5, "centroid_n")?,
            ),
            residential_m2: number(path, line, &rec, 6, "residential_m2")?,
        });
    }
    Ok(out)
}

fn read_points(path: &Path, index: &BTreeMap<&str, u32>) -> Result<Vec<ResidentPoint>, AtlasError> {
    let mut out = Vec::new();
    for (line, rec) in records(path, &POINT_HEADER)? {
        let code = rec.get(0).unwrap_or_default();
        let oa = *index.get(code).ok_or_else(|| {
            AtlasError::invalid(
                path,
                format!("line {line}, column oa21_cd: {code} is not in {RESIDENTS_OA_FILE}"),
            )
        })?;
        out.push(ResidentPoint {
            oa,
            e: number(path, line, &rec, 1, "easting")?,
            n: number(path, line, &rec, 2, "northing")?,
            area_m2: number(path, line, &rec, 3, "area_m2")?,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layer() -> ResidentLayer {
        // Two real Leeds OAs (mid-2022 populations 276 and 288) with made-up geometry only
        // for the round trip; the ingest tests check real placements.
        ResidentLayer {
            oas: vec![
                OaResidents {
                    code: "E00056750".into(),
                    lsoa21: "E01011269".into(),
                    population: 276.0,
                    placed: Placement::Residential,
                    centroid: (420_595.4, 441_356.0),
                    residential_m2: 3000.0,
                },
                OaResidents {
                    code: "E00056751".into(),
                    lsoa21: "E01011272".into(),
                    population: 288.0,
                    placed: Placement::Centroid,
                    centroid: (419_589.2, 441_169.0),
                    residential_m2: 0.0,
                },
            ],
            points: vec![
                ResidentPoint {
                    oa: 0,
                    e: 420_590.0,
                    n: 441_350.0,
                    area_m2: 2500.0,
                },
                ResidentPoint {
                    oa: 0,
                    e: 420_640.0,
                    n: 441_350.0,
                    area_m2: 500.0,
                },
                ResidentPoint {
                    oa: 1,
                    e: 419_589.2,
                    n: 441_169.0,
                    area_m2: 0.0,
                },
            ],
        }
    }

    #[test]
    fn residents_share_each_oa_by_area_and_keep_its_total() {
        let r = layer().residents();
        assert!((r[0] - 230.0).abs() < 1e-9 && (r[1] - 46.0).abs() < 1e-9);
        assert!((r[2] - 288.0).abs() < 1e-9);
    }

    #[test]
    fn round_trip_and_errors_name_line_and_column() {
        let dir = tempdir();
        std::fs::create_dir_all(dir.join("reference")).expect("mkdir");
        assert_eq!(ResidentLayer::read(&dir).expect("none"), None);
        layer().write(&dir).expect("write");
        assert_eq!(ResidentLayer::read(&dir).expect("read"), Some(layer()));
        let pts = dir.join(RESIDENTS_POINTS_FILE);
        let text = std::fs::read_to_string(&pts).expect("text");
        std::fs::write(&pts, text.replace("E00056751,", "E00099999,")).expect("w");
        let e = ResidentLayer::read(&dir)
            .expect_err("unknown OA")
            .to_string();
        assert!(e.contains("line 4, column oa21_cd: E00099999"), "{e}");
        std::fs::write(&pts, text.replace("2500", "x")).expect("w");
        let e = ResidentLayer::read(&dir)
            .expect_err("bad number")
            .to_string();
        assert!(e.contains("line 2, column area_m2"), "{e}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    fn tempdir() -> std::path::PathBuf {
        let d = std::env::temp_dir().join(format!("equimap-residents-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        d
    }
}
