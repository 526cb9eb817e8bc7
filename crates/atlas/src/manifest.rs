use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::catalogue::write_json;
use crate::{AtlasError, Geography};

/// A source file the atlas was built from, with enough to trace and cite it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceRecord {
    /// The path relative to the sources directory.
    pub path: String,
    /// SHA-256 of the file as read.
    pub sha256: String,
    /// Size in bytes.
    pub bytes: u64,
    /// What the atlas used it for.
    pub used_for: String,
}

/// One stored layer (geography or reference layer): its file, count, licence and vintage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LayerRecord {
    /// The file, relative to the atlas directory.
    pub file: String,
    /// Number of features or rows.
    pub count: usize,
    /// The dataset it came from.
    pub source: String,
    /// The date or period the data describe.
    pub vintage: String,
    /// The licence.
    pub licence: String,
    /// The attribution statement required by the licence.
    pub attribution: String,
}

/// `manifest.json`: what an atlas holds and where it came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// The atlas format version; bumped on incompatible changes.
    pub format: u32,
    /// The district code the atlas covers (`all` for England).
    pub district: String,
    /// The district's name.
    pub district_name: String,
    /// A content version: a hash of every source's hash, so it changes only when inputs do.
    pub version: String,
    /// The geographies and their files.
    pub geographies: BTreeMap<Geography, LayerRecord>,
    /// Reference layers (postcodes, places, GP practices, basemap) by id.
    pub reference_layers: BTreeMap<String, LayerRecord>,
    /// Every source file read.
    pub sources: Vec<SourceRecord>,
    /// The attribution statements to show wherever the atlas's data are shown.
    pub attribution: Vec<String>,
}

impl Manifest {
    /// The atlas format this build writes and reads.
    pub const FORMAT: u32 = 1;

    /// Read `manifest.json`.
    pub fn read(path: &Path) -> Result<Self, AtlasError> {
        let bytes = std::fs::read(path).map_err(|e| AtlasError::io(path, e))?;
        let m: Manifest = serde_json::from_slice(&bytes).map_err(|source| AtlasError::Json {
            path: path.to_owned(),
            source,
        })?;
        if m.format != Self::FORMAT {
            return Err(AtlasError::invalid(
                path,
                format!(
                    "atlas format {} is not supported (this build reads format {}); rebuild it with `equimap ingest`",
                    m.format,
                    Self::FORMAT
                ),
            ));
        }
        Ok(m)
    }

    /// Write `manifest.json`.
    pub fn write(&self, path: &Path) -> Result<(), AtlasError> {
        write_json(path, self)
    }
}
