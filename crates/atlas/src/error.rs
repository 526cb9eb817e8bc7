use std::path::PathBuf;

/// Everything that can go wrong while reading or writing an atlas.
///
/// Every variant names the file involved, because the usual fix is to rebuild or restore that
/// one file.
#[derive(Debug, thiserror::Error)]
pub enum AtlasError {
    /// A file could not be opened, read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A JSON file (manifest, catalogue) did not parse.
    #[error("{path}: invalid JSON: {source}")]
    Json {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: serde_json::Error,
    },
    /// A CSV file did not parse.
    #[error("{path}: invalid CSV: {source}")]
    Csv {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: csv::Error,
    },
    /// A FlatGeobuf file was truncated or corrupt.
    #[error("{path}: invalid FlatGeobuf: {message}")]
    Fgb {
        /// The file.
        path: PathBuf,
        /// What the reader reported.
        message: String,
    },
    /// A file parsed but its content breaks the atlas's rules.
    #[error("{path}: {message}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong, naming rows and codes.
        message: String,
    },
    /// A geography name that is not one of ours.
    #[error(
        "unknown geography {0:?}; expected one of lsoa21, lsoa11, msoa21, msoa11, ward, district"
    )]
    UnknownGeography(String),
}

impl AtlasError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::Io {
            path: path.into(),
            source,
        }
    }

    pub(crate) fn invalid(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Self::Invalid {
            path: path.into(),
            message: message.into(),
        }
    }
}
