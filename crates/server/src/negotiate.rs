//! Content negotiation for bodies we store already gzipped (tiles, web files): does the client
//! accept gzip, with q-values honoured (RFC 9110 §12.5.3)?
//!
//! Answers we compress on the fly (JSON, CSV) go through tower-http's `CompressionLayer`, which
//! negotiates the same way; this is for the stored bytes it must not compress a second time.

use axum::http::{HeaderMap, header};

/// The q-value of one `Accept-Encoding` item (`gzip;q=0.5`); 1 when absent, 0 when malformed.
fn quality(params: &str) -> f32 {
    params
        .split(';')
        .filter_map(|p| p.split_once('='))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("q"))
        .map_or(1.0, |(_, v)| {
            v.trim()
                .parse::<f32>()
                .ok()
                .filter(|q| (0.0..=1.0).contains(q))
                .unwrap_or(0.0)
        })
}

/// True when an `Accept-Encoding` value accepts gzip: `gzip` (or `x-gzip`) with a q-value above
/// 0, or `*` above 0 when gzip is not named. A missing header accepts only identity here, so the
/// stored gzip is decompressed for such a client.
///
/// ```
/// use equimap_server::negotiate::accepts_gzip_value as ok;
/// assert!(ok("gzip, deflate, br"));
/// assert!(ok("br;q=1.0, gzip;q=0.8"));
/// assert!(!ok("gzip;q=0"));
/// assert!(!ok("br, gzip; q=0.000"));
/// assert!(ok("*"));
/// assert!(!ok("*, gzip;q=0"));
/// assert!(!ok("identity"));
/// assert!(!ok("gzipped"));
/// ```
pub fn accepts_gzip_value(value: &str) -> bool {
    let mut star = None;
    for item in value.split(',') {
        let (coding, params) = item.split_once(';').unwrap_or((item, ""));
        let coding = coding.trim();
        let q = quality(params);
        if coding.eq_ignore_ascii_case("gzip") || coding.eq_ignore_ascii_case("x-gzip") {
            return q > 0.0;
        }
        if coding == "*" {
            star = Some(q);
        }
    }
    star.is_some_and(|q| q > 0.0)
}

/// True when the request's `Accept-Encoding` accepts gzip (see [`accepts_gzip_value`]). A header
/// that is not visible ASCII accepts nothing but identity.
pub fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(accepts_gzip_value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn q_values_decide() {
        assert!(accepts_gzip_value("gzip;q=0.001"));
        assert!(!accepts_gzip_value("gzip;q=0.0"));
        assert!(!accepts_gzip_value("gzip;q=abc"));
        assert!(!accepts_gzip_value("gzip;q=2"));
        assert!(accepts_gzip_value("GZIP"));
        assert!(accepts_gzip_value("identity;q=0, *;q=0.1"));
        assert!(!accepts_gzip_value(""));
    }

    #[test]
    fn several_headers_are_read() {
        let mut h = HeaderMap::new();
        h.append(header::ACCEPT_ENCODING, "br".parse().expect("value"));
        assert!(!accepts_gzip(&h));
        h.append(header::ACCEPT_ENCODING, "gzip".parse().expect("value"));
        assert!(accepts_gzip(&h));
    }
}
