use std::path::PathBuf;

/// Why an ingest stopped. Every variant names the file, and where it can, the row and the code,
/// so that the person running the ingest can go straight to the problem.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A gzip file ended early or is not gzip.
    #[error("{path}: gzip stream is corrupt or truncated: {message}")]
    Gzip {
        /// The file.
        path: PathBuf,
        /// What the decoder reported.
        message: String,
    },
    /// A CSV file could not be parsed.
    #[error("{path}: {message}")]
    Csv {
        /// The file.
        path: PathBuf,
        /// What went wrong, with the line where known.
        message: String,
    },
    /// A required column is missing.
    #[error("{path}: missing column {column:?} (found: {found})")]
    MissingColumn {
        /// The file.
        path: PathBuf,
        /// The column looked for.
        column: String,
        /// The columns that are there.
        found: String,
    },
    /// A cell could not be used.
    #[error("{path}, line {line}, column {column:?}: {message}")]
    BadValue {
        /// The file.
        path: PathBuf,
        /// 1-based line number, counting the header as line 1.
        line: usize,
        /// The column.
        column: String,
        /// What is wrong with the value.
        message: String,
    },
    /// A GeoJSON file could not be parsed.
    #[error("{path}: invalid GeoJSON: {message}")]
    GeoJson {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// A geometry is broken beyond repair, or of the wrong type.
    #[error("{path}: feature {code}: {message}")]
    Geometry {
        /// The file.
        path: PathBuf,
        /// The feature's code (or index).
        code: String,
        /// What is wrong.
        message: String,
    },
    /// A file declares a coordinate reference system we cannot read.
    #[error(
        "{path}: unknown or unsupported CRS {crs:?}; sources must be WGS84 (EPSG:4326/CRS84) or British National Grid (EPSG:27700)"
    )]
    UnknownCrs {
        /// The file.
        path: PathBuf,
        /// The CRS as declared.
        crs: String,
    },
    /// Sources disagree: counts, codes or parents do not match.
    #[error("data check failed: {0}")]
    Check(String),
    /// The command line asked for something impossible.
    #[error("{0}")]
    Usage(String),
    /// Writing the atlas failed.
    #[error(transparent)]
    Atlas(#[from] equimap_atlas::AtlasError),
    /// A tile index file could not be built or written.
    #[error("tile index: {0}")]
    TileIndex(#[from] equimap_tiles::TileError),
}

impl IngestError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::Io {
            path: path.into(),
            source,
        }
    }
}

/// Result alias for the ingest.
pub type Result<T, E = IngestError> = std::result::Result<T, E>;
