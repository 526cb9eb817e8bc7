//! The web map's static files, loaded into memory at start-up.
//!
//! Only files found under the web directory when the server starts can ever be served, so no
//! request path (`..`, `%2e%2e`, absolute paths, symlinks) can reach anything else. Text assets
//! are gzipped once. Hashed assets (`chunks/`, names with a content hash) are cached for a year;
//! everything else is revalidated.

use std::collections::HashMap;
use std::path::Path;

use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// One file ready to send.
struct Asset {
    body: Bytes,
    gz: Option<Bytes>,
    content_type: &'static str,
    immutable: bool,
}

/// Every file of the web directory, by URL path.
#[derive(Default)]
pub struct WebAssets {
    files: HashMap<String, Asset>,
}

/// The Content-Security-Policy of the web page: our own origin only. MapLibre runs its worker
/// from a blob URL and draws tiles into canvases, hence `blob:` for workers and images.
pub const CSP: &str = "default-src 'self'; script-src 'self'; worker-src 'self' blob:; child-src 'self' blob:; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or_default() {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "pbf" => "application/x-protobuf",
        "txt" => "text/plain; charset=utf-8",
        "pmtiles" => "application/vnd.pmtiles",
        _ => "application/octet-stream",
    }
}

impl WebAssets {
    /// Load every regular file under `dir`. A missing directory gives an empty set.
    pub fn load(dir: &Path) -> std::io::Result<Self> {
        let mut files = HashMap::new();
        if dir.is_dir() {
            walk(dir, dir, &mut files)?;
        }
        Ok(Self { files })
    }

    /// Number of files.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// True when no file was loaded.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The response for a request path, or `None` when there is no such file.
    pub fn respond(&self, path: &str, headers: &HeaderMap) -> Option<Response> {
        let key = if path == "/" || path.is_empty() {
            "/index.html"
        } else {
            path
        };
        let a = self.files.get(key)?;
        let mut h = HeaderMap::new();
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(a.content_type),
        );
        h.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static(if a.immutable {
                "public, max-age=31536000, immutable"
            } else {
                "no-cache"
            }),
        );
        h.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
        Some(match (&a.gz, crate::negotiate::accepts_gzip(headers)) {
            (Some(gz), true) => {
                h.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
                (StatusCode::OK, h, gz.clone()).into_response()
            }
            _ => (StatusCode::OK, h, a.body.clone()).into_response(),
        })
    }
}

fn compressible(content_type: &str) -> bool {
    content_type.starts_with("text/")
        || content_type == "application/json"
        || content_type == "image/svg+xml"
}

fn walk(root: &Path, dir: &Path, out: &mut HashMap<String, Asset>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let ft = entry.file_type()?;
        let path = entry.path();
        if ft.is_dir() {
            walk(root, &path, out)?;
        } else if ft.is_file() {
            let rel = path.strip_prefix(root).map_err(std::io::Error::other)?;
            let key = format!("/{}", rel.to_string_lossy().replace('\\', "/"));
            let body = Bytes::from(std::fs::read(&path)?);
            let ct = content_type(&key);
            let gz = if compressible(ct) {
                Some(Bytes::from(crate::tiles::gzip(&body, 9).map_err(|e| {
                    std::io::Error::other(format!("{}: {e}", path.display()))
                })?))
            } else {
                None
            };
            let immutable = key.starts_with("/chunks/");
            out.insert(
                key,
                Asset {
                    body,
                    gz,
                    content_type: ct,
                    immutable,
                },
            );
        }
    }
    Ok(())
}

/// Serve a byte range of a file (`Range: bytes=a-b`), as PMTiles readers ask.
pub fn ranged(bytes: &Bytes, content_type: &'static str, headers: &HeaderMap) -> Response {
    let len = bytes.len();
    let mut h = HeaderMap::new();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    let Some(range) = headers.get(header::RANGE).and_then(|v| v.to_str().ok()) else {
        return (StatusCode::OK, h, bytes.clone()).into_response();
    };
    let parsed = range.strip_prefix("bytes=").and_then(|r| {
        let (a, b) = r.split_once('-')?;
        let (start, end) = match (a.trim(), b.trim()) {
            ("", suffix) => {
                let n: usize = suffix.parse().ok()?;
                (len.saturating_sub(n), len.checked_sub(1)?)
            }
            (a, "") => (a.parse().ok()?, len.checked_sub(1)?),
            (a, b) => (
                a.parse().ok()?,
                b.parse::<usize>().ok()?.min(len.checked_sub(1)?),
            ),
        };
        (start <= end && end < len).then_some((start, end))
    });
    if let Some((start, end)) = parsed {
        if let Ok(v) = HeaderValue::from_str(&format!("bytes {start}-{end}/{len}")) {
            h.insert(header::CONTENT_RANGE, v);
        }
        let slice = bytes.slice(start..=end);
        (StatusCode::PARTIAL_CONTENT, h, slice).into_response()
    } else {
        if let Ok(v) = HeaderValue::from_str(&format!("bytes */{len}")) {
            h.insert(header::CONTENT_RANGE, v);
        }
        (StatusCode::RANGE_NOT_SATISFIABLE, h).into_response()
    }
}
