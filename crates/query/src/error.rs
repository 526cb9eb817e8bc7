/// Why a question could not be answered. Each variant maps to one HTTP status in the server;
/// the message is written for the person who asked.
#[derive(Debug, thiserror::Error)]
pub enum QueryError {
    /// The question was malformed: a bad parameter, geometry or file.
    #[error("{0}")]
    BadRequest(String),
    /// The question was fine but nothing answers it (unknown code, point outside the atlas).
    #[error("{0}")]
    NotFound(String),
    /// A reference layer of the atlas could not be read.
    #[error("{path}: {message}")]
    Atlas {
        /// The file.
        path: std::path::PathBuf,
        /// What went wrong.
        message: String,
    },
}

impl QueryError {
    pub(crate) fn bad(msg: impl Into<String>) -> Self {
        Self::BadRequest(msg.into())
    }
    pub(crate) fn not_found(msg: impl Into<String>) -> Self {
        Self::NotFound(msg.into())
    }
}
