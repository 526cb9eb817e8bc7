//! The single error type of the crate.

use std::path::PathBuf;

/// Everything that can stop the green-space computation.
///
/// Every message names the file (as a full path), and where it applies the feature or row and
/// what was wrong with it, because these messages end up in the ingest summary and somebody has
/// to find the bad input from them alone.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GreenspaceError {
    /// A source file is neither at its expected path nor at that path with `.gz` added.
    #[error("{path}: file not found (nor {path}.gz)")]
    MissingFile {
        /// The path that was expected.
        path: PathBuf,
    },

    /// A file exists but could not be read (or un-gzipped).
    #[error("{path}: cannot read: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },

    /// A file is not a GeoJSON FeatureCollection, or one of its features is not valid JSON.
    #[error("{path}: {context}: not valid GeoJSON: {source}")]
    Json {
        /// The file.
        path: PathBuf,
        /// Which part of the file: "the FeatureCollection" or "feature N (id)".
        context: String,
        /// The parser's message, with line and column.
        #[source]
        source: serde_json::Error,
    },

    /// A feature lacks a property the computation needs, or has it with the wrong type.
    #[error("{path}: feature {feature}: property {property:?} is missing or not {expected}")]
    MissingProperty {
        /// The file.
        path: PathBuf,
        /// The feature: its index in the file and its id where it has one.
        feature: String,
        /// The property name.
        property: String,
        /// What was expected ("a string", "a number").
        expected: &'static str,
    },

    /// A feature's geometry is absent where one is required, of the wrong type, or cannot be
    /// converted or projected.
    #[error("{path}: feature {feature}: broken geometry: {problem}")]
    BrokenGeometry {
        /// The file.
        path: PathBuf,
        /// The feature: its index in the file and its id where it has one.
        feature: String,
        /// What was wrong.
        problem: String,
    },

    /// A feature is well formed but contradicts the rest of its file (a repeated id).
    #[error("{path}: feature {feature}: {problem}")]
    InvalidFeature {
        /// The file.
        path: PathBuf,
        /// The feature: its index in the file and its id where it has one.
        feature: String,
        /// What was wrong.
        problem: String,
    },

    /// A CSV file could not be parsed, or a row lacks a value or has one that is not a number.
    #[error("{path}: {row}: {problem}")]
    Csv {
        /// The file.
        path: PathBuf,
        /// "row N" (1-based line number) or "header".
        row: String,
        /// What was wrong.
        problem: String,
    },

    /// The caller's inputs (areas, populations) do not fit the sources: a geography is missing,
    /// or an LSOA has no population.
    #[error("green-space inputs: {0}")]
    Input(String),
}
