//! The [`Crs`] type and parsing of EPSG codes and CRS names.

use std::fmt;
use std::str::FromStr;

use crate::CrsError;

/// A coordinate reference system that equimap can convert to and from WGS84.
///
/// Coordinates are always handled in "visualisation" order: longitude then
/// latitude for geographic systems, easting then northing for projected ones,
/// whatever axis order the EPSG registry declares (this matches `GeoJSON`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Crs {
    /// WGS84 longitude/latitude in degrees (EPSG:4326).
    ///
    /// ETRS89 (EPSG:4258) and OGC CRS84 are mapped here too: they differ from
    /// WGS84 by well under a metre in Great Britain, far below the accuracy
    /// of the postcode and boundary data this project maps.
    Wgs84,
    /// Ordnance Survey British National Grid (EPSG:27700) easting/northing in
    /// metres, converted with the OSTN15 transformation.
    BritishNationalGrid,
    /// Spherical Web Mercator (EPSG:3857) x/y in metres, as used by web map
    /// tiles.
    WebMercator,
    /// Any other EPSG code, transformed through PROJ.
    #[cfg(feature = "proj")]
    Epsg(u32),
}

impl Crs {
    /// Returns the CRS for an EPSG code.
    ///
    /// 4326 and 4258 give [`Crs::Wgs84`], 27700 [`Crs::BritishNationalGrid`],
    /// and 3857 (plus its historic aliases 900913, 3785 and Esri's 102100)
    /// [`Crs::WebMercator`]. Any other code is [`CrsError::Unsupported`]
    /// without the `proj` feature and `Crs::Epsg` with it; in the latter case
    /// the code is not checked against the PROJ database until it is used, so
    /// that naming a CRS stays cheap.
    pub fn from_epsg(code: u32) -> Result<Crs, CrsError> {
        match code {
            4326 | 4258 => Ok(Crs::Wgs84),
            27700 => Ok(Crs::BritishNationalGrid),
            // 900913 ("google" in leetspeak) and 3785 predate the official
            // 3857; 102100 is what Esri software writes. All are the same
            // spherical projection.
            3857 | 900_913 | 3785 | 102_100 => Ok(Crs::WebMercator),
            #[cfg(feature = "proj")]
            other => Ok(Crs::Epsg(other)),
            #[cfg(not(feature = "proj"))]
            other => Err(CrsError::Unsupported { code: other }),
        }
    }

    /// Parses a CRS name such as a `GeoJSON` `crs` member's `properties.name`.
    ///
    /// Accepted forms (case-insensitive, surrounding whitespace ignored):
    /// - `EPSG:27700` (and a bare `27700`)
    /// - `urn:ogc:def:crs:EPSG::27700`, `urn:ogc:def:crs:EPSG:6.6:27700`,
    ///   `urn:x-ogc:def:crs:EPSG:27700`
    /// - `urn:ogc:def:crs:OGC:1.3:CRS84`, `urn:ogc:def:crs:OGC::CRS84`,
    ///   `OGC:CRS84`, `CRS:84`, `CRS84`
    /// - `http://www.opengis.net/def/crs/EPSG/0/27700` (or `https://`), and
    ///   `http://www.opengis.net/def/crs/OGC/1.3/CRS84`
    ///
    /// The official axis order of `urn:ogc:def:crs:EPSG::4326` is lat/lon, but
    /// `GeoJSON` files in the wild that name it still store lon/lat, so it is
    /// treated as plain [`Crs::Wgs84`].
    pub fn from_name(name: &str) -> Result<Crs, CrsError> {
        let unrecognised = || CrsError::UnrecognisedName {
            name: name.to_owned(),
        };
        let lower = name.trim().to_ascii_lowercase();
        let (authority, code) = split_authority_code(&lower).ok_or_else(unrecognised)?;
        match authority {
            "epsg" => {
                let code: u32 = code.parse().map_err(|_| unrecognised())?;
                Crs::from_epsg(code)
            }
            // OGC's CRS84 is WGS84 with explicit lon/lat order; "CRS:84" is
            // the older WMS 1.1 spelling of the same thing.
            "ogc" | "" if code == "crs84" => Ok(Crs::Wgs84),
            "crs" if code == "84" => Ok(Crs::Wgs84),
            _ => Err(unrecognised()),
        }
    }

    /// The EPSG code of this CRS (4326 for [`Crs::Wgs84`], 27700 for
    /// [`Crs::BritishNationalGrid`], 3857 for [`Crs::WebMercator`]).
    pub fn epsg(&self) -> u32 {
        match self {
            Crs::Wgs84 => 4326,
            Crs::BritishNationalGrid => 27700,
            Crs::WebMercator => 3857,
            #[cfg(feature = "proj")]
            Crs::Epsg(code) => *code,
        }
    }

    /// True for CRSs whose coordinates are longitude/latitude in degrees.
    ///
    /// Only the built-in systems are known; a PROJ-backed `Crs::Epsg` code
    /// reports false even when it is geographic, because finding out would
    /// need a PROJ database lookup.
    pub fn is_geographic(&self) -> bool {
        matches!(self, Crs::Wgs84)
    }
}

impl fmt::Display for Crs {
    /// Formats as `EPSG:<code>`, followed by a human name for the built-in
    /// systems, e.g. `EPSG:27700 (British National Grid)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Crs::Wgs84 => write!(f, "EPSG:4326 (WGS84)"),
            Crs::BritishNationalGrid => write!(f, "EPSG:27700 (British National Grid)"),
            Crs::WebMercator => write!(f, "EPSG:3857 (Web Mercator)"),
            #[cfg(feature = "proj")]
            Crs::Epsg(code) => write!(f, "EPSG:{code}"),
        }
    }
}

impl FromStr for Crs {
    type Err = CrsError;

    /// Same as [`Crs::from_name`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Crs::from_name(s)
    }
}

/// Splits a lower-cased CRS name into (authority, code), or `None` if it has
/// no recognisable shape. A bare number gets the authority "epsg" and a bare
/// "crs84" an empty authority.
fn split_authority_code(lower: &str) -> Option<(&str, &str)> {
    const URL_PREFIXES: [&str; 2] = [
        "http://www.opengis.net/def/crs/",
        "https://www.opengis.net/def/crs/",
    ];
    const URN_PREFIXES: [&str; 2] = ["urn:ogc:def:crs:", "urn:x-ogc:def:crs:"];

    for prefix in URL_PREFIXES {
        if let Some(rest) = lower.strip_prefix(prefix) {
            // AUTHORITY/VERSION/CODE; the version ("0", "1.3") carries no
            // information we need.
            let mut parts = rest.trim_end_matches('/').split('/');
            let authority = parts.next()?;
            let _version = parts.next()?;
            let code = parts.next()?;
            return parts.next().is_none().then_some((authority, code));
        }
    }
    for prefix in URN_PREFIXES {
        if let Some(rest) = lower.strip_prefix(prefix) {
            // AUTHORITY:[VERSION]:CODE, or AUTHORITY:CODE in the older
            // x-ogc form; the version may be empty ("EPSG::27700").
            let parts: Vec<&str> = rest.split(':').collect();
            return match parts.as_slice() {
                [authority, code] | [authority, _, code] => Some((authority, code)),
                _ => None,
            };
        }
    }
    if lower == "crs84" {
        return Some(("", "crs84"));
    }
    if !lower.is_empty() && lower.bytes().all(|b| b.is_ascii_digit()) {
        return Some(("epsg", lower));
    }
    lower.split_once(':')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_handles_each_shape() {
        assert_eq!(split_authority_code("epsg:27700"), Some(("epsg", "27700")));
        assert_eq!(
            split_authority_code("urn:ogc:def:crs:epsg::27700"),
            Some(("epsg", "27700"))
        );
        assert_eq!(
            split_authority_code("urn:ogc:def:crs:ogc:1.3:crs84"),
            Some(("ogc", "crs84"))
        );
        assert_eq!(
            split_authority_code("http://www.opengis.net/def/crs/epsg/0/27700"),
            Some(("epsg", "27700"))
        );
        assert_eq!(split_authority_code("27700"), Some(("epsg", "27700")));
        assert_eq!(split_authority_code("urn:ogc:def:crs:a:b:c:d"), None);
        assert_eq!(split_authority_code("nonsense"), None);
    }
}
