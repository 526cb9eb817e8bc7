//! Reading the sources: plain or gzipped files, GeoJSON features one at a time (so that an
//! error can name the feature), CSV rows and OpenStreetMap `other_tags`.

use std::io::Read;
use std::path::{Path, PathBuf};

use flate2::read::GzDecoder;
use geo::Geometry;
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use crate::GreenspaceError;

/// The files read so far, relative to the sources directory, in the order they were read.
#[derive(Debug)]
pub(crate) struct Sources<'a> {
    pub dir: &'a Path,
    pub read: Vec<PathBuf>,
}

impl<'a> Sources<'a> {
    pub fn new(dir: &'a Path) -> Self {
        Self {
            dir,
            read: Vec::new(),
        }
    }

    /// The path `rel` resolves to: the file itself, else the file with `.gz` added.
    pub fn locate(&self, rel: &str) -> Option<PathBuf> {
        let plain = PathBuf::from(rel);
        let gz = PathBuf::from(format!("{rel}.gz"));
        [plain, gz].into_iter().find(|p| self.dir.join(p).is_file())
    }

    /// Reads `rel` (or `rel.gz`, decompressed) to a string and records it as a source.
    pub fn read_text(&mut self, rel: &str) -> Result<(PathBuf, String), GreenspaceError> {
        let found = self
            .locate(rel)
            .ok_or_else(|| GreenspaceError::MissingFile {
                path: self.dir.join(rel),
            })?;
        let path = self.dir.join(&found);
        let io = |source| GreenspaceError::Io {
            path: path.clone(),
            source,
        };
        let file = std::fs::File::open(&path).map_err(io)?;
        let mut text = String::new();
        if found.extension().is_some_and(|e| e == "gz") {
            GzDecoder::new(file).read_to_string(&mut text).map_err(io)?;
        } else {
            std::io::BufReader::new(file)
                .read_to_string(&mut text)
                .map_err(io)?;
        }
        self.read.push(found);
        Ok((path, text))
    }
}

/// One GeoJSON feature: its position in the file, its properties and its geometry.
#[derive(Debug)]
pub(crate) struct RawFeature {
    pub index: usize,
    pub properties: Map<String, Value>,
    pub geometry: Option<Geometry<f64>>,
}

impl RawFeature {
    /// "N" or "N (id)": how error messages and the report name this feature.
    pub fn describe(&self, id_properties: &[&str]) -> String {
        describe(self.index, &self.properties, id_properties)
    }

    /// A string property, if present and a string.
    pub fn str(&self, key: &str) -> Option<&str> {
        self.properties.get(key).and_then(Value::as_str)
    }

    /// A string property that must be present.
    pub fn required_str(
        &self,
        path: &Path,
        key: &str,
        id_properties: &[&str],
    ) -> Result<&str, GreenspaceError> {
        self.str(key)
            .ok_or_else(|| GreenspaceError::MissingProperty {
                path: path.to_owned(),
                feature: self.describe(id_properties),
                property: key.to_owned(),
                expected: "a string",
            })
    }

    /// A property that may be written as a string or a number (OSM ids are both, file by file),
    /// as a string.
    pub fn id_like(&self, key: &str) -> Option<String> {
        match self.properties.get(key)? {
            Value::String(s) if !s.is_empty() => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    }
}

fn describe(index: usize, props: &Map<String, Value>, id_properties: &[&str]) -> String {
    for key in id_properties {
        match props.get(*key) {
            Some(Value::String(s)) => return format!("{index} ({key} {s})"),
            Some(Value::Number(n)) => return format!("{index} ({key} {n})"),
            _ => {}
        }
    }
    index.to_string()
}

#[derive(Deserialize)]
struct Collection<'a> {
    #[serde(borrow)]
    features: Vec<&'a RawValue>,
}

#[derive(Deserialize)]
struct FeatureBody {
    #[serde(default)]
    properties: Option<Map<String, Value>>,
    #[serde(default)]
    geometry: Option<geojson::Geometry>,
}

/// Parses a FeatureCollection feature by feature, converting geometries to `geo` types.
///
/// A feature that is not valid GeoJSON fails with its index; its geometry is converted here,
/// so a geometry that `geojson` cannot turn into `geo` types (for example a ring of one point)
/// fails naming the feature too.
pub(crate) fn features(
    path: &Path,
    text: &str,
    id_properties: &[&str],
) -> Result<Vec<RawFeature>, GreenspaceError> {
    let collection: Collection =
        serde_json::from_str(text).map_err(|source| GreenspaceError::Json {
            path: path.to_owned(),
            context: "the FeatureCollection".to_owned(),
            source,
        })?;
    let mut out = Vec::with_capacity(collection.features.len());
    for (index, raw) in collection.features.into_iter().enumerate() {
        let body: FeatureBody =
            serde_json::from_str(raw.get()).map_err(|source| GreenspaceError::Json {
                path: path.to_owned(),
                context: format!("feature {index}"),
                source,
            })?;
        let properties = body.properties.unwrap_or_default();
        let geometry = match body.geometry {
            None => None,
            Some(g) => Some(Geometry::<f64>::try_from(&g.value).map_err(|e| {
                GreenspaceError::BrokenGeometry {
                    path: path.to_owned(),
                    feature: describe(index, &properties, id_properties),
                    problem: e.to_string(),
                }
            })?),
        };
        out.push(RawFeature {
            index,
            properties,
            geometry,
        });
    }
    Ok(out)
}

/// CSV rows as header-keyed records, with the file's headers.
pub(crate) struct CsvRows {
    pub path: PathBuf,
    pub headers: csv::StringRecord,
    pub rows: Vec<csv::StringRecord>,
}

impl CsvRows {
    /// Parses a whole file. Each row's position is set to the line it starts on, as counted
    /// by the reader before the row is read.
    pub fn parse(path: &Path, text: &str) -> Result<Self, GreenspaceError> {
        // Lines are counted here from byte offsets: csv 1.4's own line count falls behind on
        // CRLF files such as the ONS tables.
        let mut rdr = csv::ReaderBuilder::new()
            .flexible(true)
            .has_headers(false)
            .from_reader(text.as_bytes());
        let mut headers = None;
        let mut rows = Vec::new();
        let (mut counted_to, mut line) = (0_usize, 1_u64);
        loop {
            let mut start = rdr.position().clone();
            // The reader stops at the `\r` of a CRLF: the row starts after the line break.
            let mut byte = (start.byte() as usize).min(text.len());
            while text
                .as_bytes()
                .get(byte)
                .is_some_and(|b| matches!(b, b'\r' | b'\n'))
            {
                byte += 1;
            }
            line += text
                .get(counted_to..byte)
                .map_or(0, |t| t.matches('\n').count()) as u64;
            counted_to = byte;
            start.set_line(line);
            let mut rec = csv::StringRecord::new();
            match rdr.read_record(&mut rec) {
                Ok(false) => break,
                Ok(true) if headers.is_none() => headers = Some(rec),
                Ok(true) => {
                    rec.set_position(Some(start));
                    rows.push(rec);
                }
                Err(e) => {
                    return Err(GreenspaceError::Csv {
                        path: path.to_owned(),
                        row: format!("row {line}"),
                        problem: e.to_string(),
                    });
                }
            }
        }
        let headers = headers.ok_or_else(|| GreenspaceError::Csv {
            path: path.to_owned(),
            row: "header".to_owned(),
            problem: "the file is empty".to_owned(),
        })?;
        Ok(Self {
            path: path.to_owned(),
            headers,
            rows,
        })
    }

    /// The index of a column, or an error naming it.
    pub fn column(&self, name: &str) -> Result<usize, GreenspaceError> {
        self.headers
            .iter()
            .position(|h| h.trim() == name)
            .ok_or_else(|| GreenspaceError::Csv {
                path: self.path.clone(),
                row: "header".to_owned(),
                problem: format!("no column {name:?}"),
            })
    }

    /// The 1-based line of a row, for messages.
    pub fn line(row: &csv::StringRecord) -> String {
        format!("row {}", row.position().map_or(0, csv::Position::line))
    }

    /// A non-empty text cell.
    pub fn text<'r>(
        &self,
        row: &'r csv::StringRecord,
        col: usize,
        name: &str,
    ) -> Result<&'r str, GreenspaceError> {
        match row.get(col).map(str::trim) {
            Some(v) if !v.is_empty() => Ok(v),
            _ => Err(GreenspaceError::Csv {
                path: self.path.clone(),
                row: Self::line(row),
                problem: format!("{name} is empty"),
            }),
        }
    }

    /// A finite number.
    pub fn number(
        &self,
        row: &csv::StringRecord,
        col: usize,
        name: &str,
    ) -> Result<f64, GreenspaceError> {
        let v = self.text(row, col, name)?;
        v.parse::<f64>()
            .ok()
            .filter(|x| x.is_finite())
            .ok_or_else(|| GreenspaceError::Csv {
                path: self.path.clone(),
                row: Self::line(row),
                problem: format!("{name} {v:?} is not a number"),
            })
    }
}

/// The value of `key` in an OSM hstore string (`"k"=>"v","k2"=>"v2"`), as ogr2ogr writes
/// tags that have no column of their own.
pub(crate) fn hstore_get(hstore: &str, key: &str) -> Option<String> {
    let mut chars = hstore.chars().peekable();
    loop {
        let k = quoted(&mut chars)?;
        // Skip `=>`.
        while chars.peek().is_some_and(|c| *c != '"') {
            chars.next();
        }
        let v = quoted(&mut chars)?;
        if k == key {
            return Some(v);
        }
        // Skip the comma (and any spaces) before the next pair.
        while chars.peek().is_some_and(|c| *c != '"') {
            chars.next();
        }
    }
}

/// Reads one `"…"` token with backslash escapes; None at the end of the input.
fn quoted(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) -> Option<String> {
    while chars.next_if(|c| *c != '"').is_some() {}
    chars.next()?;
    let mut s = String::new();
    while let Some(c) = chars.next() {
        match c {
            '\\' => s.push(chars.next()?),
            '"' => return Some(s),
            c => s.push(c),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hstore_values_are_found_with_escapes() {
        // Tag strings copied from leeds-leisure-garden.geojson and leeds-landusage-meadow.geojson.
        let tags = r#""access"=>"yes","garden:type"=>"community","leisure"=>"garden""#;
        assert_eq!(hstore_get(tags, "access").as_deref(), Some("yes"));
        assert_eq!(
            hstore_get(tags, "garden:type").as_deref(),
            Some("community")
        );
        assert_eq!(hstore_get(tags, "name"), None);
        let escaped = r#""farmland"=>"field","note:"=>"This really is \"Mapple\" not \"Maple\" in at least two rent surveys","old_name"=>"Mapple Bank""#;
        assert_eq!(
            hstore_get(escaped, "old_name").as_deref(),
            Some("Mapple Bank")
        );
        assert_eq!(
            hstore_get(escaped, "note:").as_deref(),
            Some(r#"This really is "Mapple" not "Maple" in at least two rent surveys"#)
        );
        assert_eq!(hstore_get("", "access"), None);
    }
}

#[cfg(test)]
mod csv_tests {
    #[test]
    fn rows_are_numbered_by_their_line_in_the_file() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/fixtures/greenspace/greenspace_ons_gardens_msoa/",
            "ons_private_outdoor_space_msoa_leeds_apr2020.csv"
        );
        let text = std::fs::read_to_string(path).expect("fixture");
        let c = super::CsvRows::parse(std::path::Path::new(path), &text).expect("parses");
        let lines: Vec<String> = c.rows.iter().map(super::CsvRows::line).collect();
        assert_eq!(lines, ["row 2", "row 3", "row 4"]);
    }
}
