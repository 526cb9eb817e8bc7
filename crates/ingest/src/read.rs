//! Reading the published files exactly as they are: CSV or GeoJSON, plain or gzip.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use flate2::read::MultiGzDecoder;
use sha2::{Digest, Sha256};

use crate::error::{IngestError, Result};

/// The bytes of a source file, decompressed if its name ends in `.gz`, with its hash.
pub struct SourceBytes {
    /// The path as given.
    pub path: PathBuf,
    /// The decompressed content.
    pub data: Vec<u8>,
    /// SHA-256 of the file on disk (compressed form), for the manifest.
    pub sha256: String,
    /// Size on disk.
    pub bytes: u64,
}

/// Read a file, transparently gunzipping `*.gz`. A truncated gzip stream is an error.
pub fn read_source(path: &Path) -> Result<SourceBytes> {
    let raw = std::fs::read(path).map_err(|e| IngestError::io(path, e))?;
    let sha256 = hex(&Sha256::digest(&raw));
    let bytes = raw.len() as u64;
    let is_gz = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("gz"));
    let data = if is_gz {
        let mut out = Vec::with_capacity(raw.len() * 4);
        MultiGzDecoder::new(raw.as_slice())
            .read_to_end(&mut out)
            .map_err(|e| IngestError::Gzip {
                path: path.to_owned(),
                message: e.to_string(),
            })?;
        out
    } else {
        raw
    };
    Ok(SourceBytes {
        path: path.to_owned(),
        data,
        sha256,
        bytes,
    })
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(64), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// A whole CSV file in memory, with its header, so that columns can be looked up by name
/// and every error can name the file, line and column.
pub struct Csv {
    /// The file.
    pub path: PathBuf,
    headers: Vec<String>,
    rows: Vec<csv::StringRecord>,
}

impl Csv {
    /// Parse a CSV (plain or gzip). Strips a UTF-8 byte-order mark from the header.
    pub fn read(src: &SourceBytes) -> Result<Self> {
        let mut rdr = csv::ReaderBuilder::new()
            .flexible(false)
            .from_reader(src.data.as_slice());
        let headers = rdr
            .headers()
            .map_err(|e| csv_error(&src.path, &e))?
            .iter()
            .map(|h| h.trim_start_matches('\u{feff}').trim().to_owned())
            .collect();
        let mut rows = Vec::new();
        for rec in rdr.records() {
            rows.push(rec.map_err(|e| csv_error(&src.path, &e))?);
        }
        Ok(Self {
            path: src.path.clone(),
            headers,
            rows,
        })
    }

    /// The index of a required column.
    pub fn col(&self, name: &str) -> Result<usize> {
        self.headers
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| IngestError::MissingColumn {
                path: self.path.clone(),
                column: name.to_owned(),
                found: self.headers.join(", "),
            })
    }

    /// Rows with their 1-based line numbers (the header is line 1).
    pub fn rows(&self) -> impl Iterator<Item = Row<'_>> {
        self.rows.iter().enumerate().map(move |(i, r)| Row {
            csv: self,
            line: i + 2,
            rec: r,
        })
    }

    /// Number of data rows.
    pub fn len(&self) -> usize {
        self.rows.len()
    }
}

fn csv_error(path: &Path, e: &csv::Error) -> IngestError {
    let message = match e.position() {
        Some(p) => format!("CSV error at line {}: {e}", p.line()),
        None => format!("CSV error: {e}"),
    };
    IngestError::Csv {
        path: path.to_owned(),
        message,
    }
}

/// One CSV row, able to explain its own errors.
#[derive(Clone, Copy)]
pub struct Row<'a> {
    csv: &'a Csv,
    /// The 1-based line number.
    pub line: usize,
    rec: &'a csv::StringRecord,
}

impl<'a> Row<'a> {
    /// The trimmed text of a column.
    pub fn str(&self, col: usize) -> &'a str {
        self.rec.get(col).unwrap_or_default().trim()
    }

    /// A required, non-empty text value.
    pub fn req(&self, col: usize) -> Result<&'a str> {
        let s = self.str(col);
        if s.is_empty() || s.eq_ignore_ascii_case("NA") {
            return Err(self.bad(col, "empty value where one is required".to_owned()));
        }
        Ok(s)
    }

    /// A number; empty or `NA` cells are `None`, anything else must parse and be finite.
    pub fn num(&self, col: usize) -> Result<Option<f64>> {
        let s = self.str(col);
        if s.is_empty() || s.eq_ignore_ascii_case("NA") {
            return Ok(None);
        }
        // Thousands separators ("1,234") are dropped; most cells have none, so no copy then.
        let parsed = if s.contains(',') {
            s.replace(',', "").parse::<f64>()
        } else {
            s.parse::<f64>()
        };
        match parsed {
            Ok(v) if v.is_finite() => Ok(Some(v)),
            _ => Err(self.bad(col, format!("{s:?} is not a number"))),
        }
    }

    /// A required number.
    pub fn req_num(&self, col: usize) -> Result<f64> {
        self.num(col)?
            .ok_or_else(|| self.bad(col, "empty value where a number is required".to_owned()))
    }

    /// An error about a cell of this row.
    pub fn bad(&self, col: usize, message: String) -> IngestError {
        IngestError::BadValue {
            path: self.csv.path.clone(),
            line: self.line,
            column: self.csv.headers.get(col).cloned().unwrap_or_default(),
            message,
        }
    }
}

/// A parsed CSV kept for reuse, with what the manifest records of its file.
#[derive(Clone)]
struct Parsed {
    csv: Arc<Csv>,
    sha256: String,
    bytes: u64,
}

/// Parsed CSVs by path, shared by a log and its forks (steps on other threads). Each file's
/// slot is filled once: a second reader of a file being parsed waits for it rather than
/// parsing it again. A failed
/// parse leaves `None`, and the reader that needs the file reads it again for its error.
type CsvCache = Arc<Mutex<HashMap<String, Arc<OnceLock<Option<Parsed>>>>>>;

/// Records every source file read, for the manifest, and keeps parsed CSVs for reuse (several
/// steps read the same national files).
#[derive(Default)]
pub struct SourceLog {
    root: PathBuf,
    /// path relative to root → (sha256, bytes, uses)
    pub entries: std::collections::BTreeMap<String, (String, u64, Vec<String>)>,
    cache: CsvCache,
}

impl SourceLog {
    /// A log for files under `root`.
    pub fn new(root: &Path) -> Self {
        Self {
            root: root.to_owned(),
            entries: std::collections::BTreeMap::new(),
            cache: CsvCache::default(),
        }
    }

    /// Read a file under the sources root and note what it is used for.
    pub fn read(&mut self, rel: &str, used_for: &str) -> Result<SourceBytes> {
        let src = read_source(&self.root.join(rel))?;
        self.note(rel, &src.sha256, src.bytes, used_for);
        Ok(src)
    }

    fn note(&mut self, rel: &str, sha256: &str, bytes: u64, used_for: &str) {
        let e = self
            .entries
            .entry(rel.to_owned())
            .or_insert_with(|| (sha256.to_owned(), bytes, Vec::new()));
        if !e.2.iter().any(|u| u == used_for) {
            e.2.push(used_for.to_owned());
        }
    }

    /// An empty log for the same root, sharing the parsed CSVs, for steps run on another
    /// thread; [`SourceLog::merge`] adds what they read back.
    pub fn fork(&self) -> Self {
        Self {
            root: self.root.clone(),
            entries: std::collections::BTreeMap::new(),
            cache: Arc::clone(&self.cache),
        }
    }

    /// Add the entries of a forked log, its uses of a file after this log's own.
    pub fn merge(&mut self, other: Self) {
        for (rel, (sha256, bytes, uses)) in other.entries {
            let e = self
                .entries
                .entry(rel)
                .or_insert_with(|| (sha256, bytes, Vec::new()));
            for u in uses {
                if !e.2.contains(&u) {
                    e.2.push(u);
                }
            }
        }
    }

    /// Drop the parsed CSVs (their memory), once the steps that share them are done.
    pub fn clear_cache(&self) {
        if let Ok(mut c) = self.cache.lock() {
            c.clear();
        }
    }

    fn parsed(&self, rel: &str) -> Option<Parsed> {
        let slot = {
            let Ok(mut c) = self.cache.lock() else {
                return None;
            };
            Arc::clone(c.entry(rel.to_owned()).or_default())
        };
        slot.get_or_init(|| {
            let src = read_source(&self.root.join(rel)).ok()?;
            let csv = Csv::read(&src).ok()?;
            Some(Parsed {
                csv: Arc::new(csv),
                sha256: src.sha256,
                bytes: src.bytes,
            })
        })
        .clone()
    }

    /// Read and parse a CSV under the sources root; one of [`crate::sources::SHARED_CSVS`] is
    /// parsed once and kept for the other steps that read it (others are not kept: England's
    /// national files would hold hundreds of MB).
    pub fn csv(&mut self, rel: &str, used_for: &str) -> Result<Arc<Csv>> {
        if !crate::sources::SHARED_CSVS.contains(&rel) {
            return Ok(Arc::new(Csv::read(&self.read(rel, used_for)?)?));
        }
        if let Some(p) = self.parsed(rel) {
            self.note(rel, &p.sha256, p.bytes, used_for);
            return Ok(p.csv);
        }
        // Not parsable: read it again for the error that names the file, line and column.
        Ok(Arc::new(Csv::read(&self.read(rel, used_for)?)?))
    }

    /// The sources directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// True if the file exists under the root.
    pub fn exists(&self, rel: &str) -> bool {
        self.root.join(rel).is_file()
    }
}

/// A lookup from one code to another, built from two columns of a CSV, refusing conflicts.
pub fn code_map(csv: &Csv, from: &str, to: &str) -> Result<HashMap<String, String>> {
    let (f, t) = (csv.col(from)?, csv.col(to)?);
    let mut map = HashMap::with_capacity(csv.len());
    for row in csv.rows() {
        let k = row.req(f)?;
        let v = row.req(t)?;
        if let Some(prev) = map.insert(k.to_owned(), v.to_owned())
            && prev != v
        {
            return Err(row.bad(t, format!("{k} maps to both {prev} and {v}")));
        }
    }
    Ok(map)
}
