//! Coordinate reference systems for equimap.
//!
//! Everything equimap shows is stored and served in WGS84 longitude/latitude,
//! but its sources arrive in other systems: Ordnance Survey and ONS files in
//! British National Grid (EPSG:27700), tile-derived data in Web Mercator
//! (EPSG:3857), and, with the `proj` feature, anything PROJ knows. This crate
//! names those systems ([`Crs`]), guesses them when a file does not say
//! ([`detect_crs`]), and converts coordinates and `geo` geometries to and from
//! WGS84 ([`to_wgs84`], [`from_wgs84`], [`Transformer`],
//! [`transform_geometry_to_wgs84`]).
//!
//! British National Grid always goes through Ordnance Survey's OSTN15
//! transformation (via the `lonlat_bng` crate), accurate to about 0.1 m, never
//! a Helmert approximation, which can be several metres off: enough to put a
//! postcode in the neighbouring small area. Points outside the OSTN15 grid
//! give [`CrsError::OutsideGrid`], never NaN.
//!
//! Coordinates are always (x, y) = (longitude, latitude) or (easting,
//! northing), as in `GeoJSON`.
//!
//! ```
//! use equimap_crs::{Crs, to_wgs84};
//! // OS Code-Point Open grid reference of postcode LS11 8LH.
//! let (lon, lat) = to_wgs84(&Crs::BritishNationalGrid, 429_365.0, 431_422.0)?;
//! assert!((lon - -1.55587).abs() < 1e-4 && (lat - 53.77832).abs() < 1e-4);
//! # Ok::<(), equimap_crs::CrsError>(())
//! ```

mod bng;
mod crs;
mod detect;
mod error;
mod geometry;
mod mercator;
#[cfg(feature = "proj")]
mod proj_backend;
mod transform;

pub use crate::crs::Crs;
pub use crate::detect::{BNG_MAX_EASTING, BNG_MAX_NORTHING, Detected, detect_crs};
pub use crate::error::CrsError;
pub use crate::geometry::{
    area_m2_wgs84, distance_m_bng, geometry_to_bng, transform_geometry_to_wgs84,
};
pub use crate::mercator::{
    EARTH_RADIUS_M, HALF_WORLD_M, MAX_LATITUDE as WEB_MERCATOR_MAX_LATITUDE,
    lonlat_to_web_mercator, web_mercator_to_lonlat,
};
pub use crate::transform::{Direction, Transformer, from_wgs84, to_wgs84};

/// Rejects NaN and infinite inputs up front, so no conversion ever has to
/// reason about them and none can return them.
pub(crate) fn ensure_finite(x: f64, y: f64) -> Result<(), CrsError> {
    if x.is_finite() && y.is_finite() {
        Ok(())
    } else {
        Err(CrsError::NonFinite { x, y })
    }
}

/// Checks that (lon, lat) are finite degrees within [-180, 180] × [-90, 90].
pub(crate) fn check_wgs84_range(lon: f64, lat: f64) -> Result<(), CrsError> {
    ensure_finite(lon, lat)?;
    if (-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat) {
        Ok(())
    } else {
        Err(CrsError::OutOfRange {
            crs: "EPSG:4326".to_owned(),
            x: lon,
            y: lat,
            expected: "longitude must lie within [-180, 180] and latitude within [-90, 90]"
                .to_owned(),
        })
    }
}
