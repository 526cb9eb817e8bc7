use axum::Json;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use equimap_query::QueryError;
use serde_json::json;

/// Seconds a client told it is busy should wait before trying again.
const RETRY_AFTER_SECONDS: &str = "2";

/// An error answered to an HTTP client, always as a JSON body naming the problem.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The request was malformed or out of range.
    #[error("{0}")]
    BadRequest(String),
    /// Nothing exists at that path or with that code.
    #[error("{0}")]
    NotFound(String),
    /// Something failed on our side.
    #[error("{0}")]
    Internal(String),
    /// Too many expensive requests at once, or one took too long: try again later.
    #[error("{0}")]
    Busy(String),
}

impl ApiError {
    fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            ApiError::Busy(_) => StatusCode::SERVICE_UNAVAILABLE,
        }
    }
}

impl From<QueryError> for ApiError {
    fn from(e: QueryError) -> Self {
        match e {
            QueryError::BadRequest(m) => ApiError::BadRequest(m),
            QueryError::NotFound(m) => ApiError::NotFound(m),
            QueryError::Atlas { .. } => ApiError::Internal(e.to_string()),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let body = Json(json!({ "error": self.to_string(), "status": status.as_u16() }));
        match self {
            ApiError::Busy(_) => {
                (status, [(header::RETRY_AFTER, RETRY_AFTER_SECONDS)], body).into_response()
            }
            ApiError::Internal(ref why) => {
                tracing::error!("internal error: {why}");
                (status, body).into_response()
            }
            _ => (status, body).into_response(),
        }
    }
}
