//! Query-string and path parameters, parsed so that every mistake is a JSON 400 naming it.

use std::collections::HashMap;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use crate::ApiError;

/// The query string as a map.
pub struct Params(pub HashMap<String, String>);

impl<S: Send + Sync> FromRequestParts<S> for Params {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let q = parts.uri.query().unwrap_or_default();
        let map: HashMap<String, String> = serde_urlencoded::from_str(q)
            .map_err(|e| ApiError::BadRequest(format!("malformed query string: {e}")))?;
        Ok(Self(map))
    }
}

/// Path parameters, like axum's `Path`, but a path that does not fit (fuzzing sent `/tiles/%FF`,
/// which percent-decodes to bytes that are not UTF-8) is our JSON 400 rather than axum's
/// plain-text one.
pub struct PathParams<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned + Send> FromRequestParts<S> for PathParams<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(v)| Self(v))
            .map_err(|e| ApiError::BadRequest(format!("malformed path: {}", e.body_text())))
    }
}

impl Params {
    /// An optional text parameter (empty counts as absent).
    pub fn opt(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(|s| s.trim()).filter(|s| !s.is_empty())
    }

    /// A required text parameter.
    pub fn req(&self, name: &str) -> Result<&str, ApiError> {
        self.opt(name)
            .ok_or_else(|| ApiError::BadRequest(format!("missing query parameter `{name}`")))
    }

    /// A required finite number.
    pub fn num(&self, name: &str) -> Result<f64, ApiError> {
        let s = self.req(name)?;
        s.parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .ok_or_else(|| ApiError::BadRequest(format!("`{name}` must be a number, not {s:?}")))
    }

    /// An optional count with a maximum.
    pub fn limit(&self, name: &str, default: usize, max: usize) -> Result<usize, ApiError> {
        match self.opt(name) {
            None => Ok(default),
            Some(s) => s
                .parse::<usize>()
                .ok()
                .filter(|n| (1..=max).contains(n))
                .ok_or_else(|| {
                    ApiError::BadRequest(format!(
                        "`{name}` must be a whole number from 1 to {max}, not {s:?}"
                    ))
                }),
        }
    }

    /// A boolean flag: true, false, 1, 0, yes, no.
    pub fn flag(&self, name: &str) -> Result<bool, ApiError> {
        match self.opt(name).map(str::to_ascii_lowercase).as_deref() {
            None | Some("false" | "0" | "no") => Ok(false),
            Some("true" | "1" | "yes") => Ok(true),
            Some(other) => Err(ApiError::BadRequest(format!(
                "`{name}` must be true or false, not {other:?}"
            ))),
        }
    }
}
