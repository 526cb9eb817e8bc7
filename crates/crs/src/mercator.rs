//! Spherical Web Mercator (EPSG:3857), written out by hand.
//!
//! The projection is two lines of trigonometry on a sphere of the WGS84
//! semi-major axis, so pulling in PROJ for it would cost a C++ build for
//! nothing. The formulas are those of EPSG guidance note 7-2, method 1024
//! ("Popular Visualisation Pseudo Mercator").

use std::f64::consts::PI;

use crate::CrsError;

/// Radius of the sphere used by EPSG:3857: the WGS84 semi-major axis, metres.
pub const EARTH_RADIUS_M: f64 = 6_378_137.0;

/// Half the width of the projected world, π·R: x runs from minus this at
/// 180° W to plus this at 180° E, and the square tile pyramid makes y span
/// the same range.
pub const HALF_WORLD_M: f64 = PI * EARTH_RADIUS_M;

/// The latitude at which y reaches [`HALF_WORLD_M`] (atan(sinh π)), making
/// the projected world square. Latitudes beyond it are clamped to it.
pub const MAX_LATITUDE: f64 = 85.051_128_779_806_59;

/// How far beyond ±[`HALF_WORLD_M`] an input may stray (one millimetre) and
/// still be accepted, so that values rounded on output by other software
/// are not rejected.
const EDGE_TOLERANCE_M: f64 = 0.001;

/// Projects WGS84 (lon, lat) in degrees to Web Mercator (x, y) in metres.
///
/// Latitude is clamped to ±[`MAX_LATITUDE`], because the poles project to
/// infinity.
pub(crate) fn forward(lon: f64, lat: f64) -> Result<(f64, f64), CrsError> {
    crate::check_wgs84_range(lon, lat)?;
    Ok(lonlat_to_web_mercator(lon, lat))
}

/// WGS84 (lon, lat) in degrees to Web Mercator (x, y) in metres, with no
/// range check: latitude is clamped to ±[`MAX_LATITUDE`]. The one copy of the
/// formula; the tile grid (`equimap-tiles`) uses it too.
///
/// ```
/// let (x, y) = equimap_crs::lonlat_to_web_mercator(180.0, 90.0);
/// assert!((x - equimap_crs::HALF_WORLD_M).abs() < 1e-6);
/// assert!((y - equimap_crs::HALF_WORLD_M).abs() < 1e-3);
/// ```
pub fn lonlat_to_web_mercator(lon: f64, lat: f64) -> (f64, f64) {
    let lat = lat.clamp(-MAX_LATITUDE, MAX_LATITUDE);
    let x = EARTH_RADIUS_M * lon.to_radians();
    // asinh(tan φ) equals ln(tan(π/4 + φ/2)) but keeps full precision near
    // the equator, where the logarithm's argument is close to one.
    let y = EARTH_RADIUS_M * lat.to_radians().tan().asinh();
    (x, y)
}

/// Web Mercator (x, y) in metres to WGS84 (lon, lat) in degrees, with no
/// range check or clamping (the inverse of [`lonlat_to_web_mercator`]).
pub fn web_mercator_to_lonlat(x: f64, y: f64) -> (f64, f64) {
    let lon = (x / EARTH_RADIUS_M).to_degrees();
    let lat = (y / EARTH_RADIUS_M).sinh().atan().to_degrees();
    (lon, lat)
}

/// Unprojects Web Mercator (x, y) in metres to WGS84 (lon, lat) in degrees.
pub(crate) fn inverse(x: f64, y: f64) -> Result<(f64, f64), CrsError> {
    crate::ensure_finite(x, y)?;
    let limit = HALF_WORLD_M + EDGE_TOLERANCE_M;
    if x.abs() > limit || y.abs() > limit {
        return Err(CrsError::OutOfRange {
            crs: "EPSG:3857".to_owned(),
            x,
            y,
            expected: format!("x and y must lie within ±{HALF_WORLD_M} m"),
        });
    }
    // Clamp after the tolerance check so that a coordinate a fraction of a
    // millimetre past the edge still yields a valid longitude/latitude.
    let (lon, lat) = web_mercator_to_lonlat(x, y);
    let lon = lon.clamp(-180.0, 180.0);
    let lat = lat.clamp(-MAX_LATITUDE, MAX_LATITUDE);
    Ok((lon, lat))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_latitude_makes_the_world_square() {
        let (_, y) = forward(0.0, MAX_LATITUDE).expect("valid");
        assert!((y - HALF_WORLD_M).abs() < 0.01, "y {y}");
        // Beyond the limit is clamped, not infinite.
        let (_, y_pole) = forward(0.0, 90.0).expect("valid");
        assert!((y_pole - y).abs() < 1e-6, "pole y {y_pole}");
    }

    #[test]
    fn rejects_out_of_range() {
        assert!(matches!(
            inverse(HALF_WORLD_M * 2.0, 0.0),
            Err(CrsError::OutOfRange { .. })
        ));
        assert!(matches!(
            forward(181.0, 0.0),
            Err(CrsError::OutOfRange { .. })
        ));
        assert!(matches!(
            inverse(f64::INFINITY, 0.0),
            Err(CrsError::NonFinite { .. })
        ));
    }
}
