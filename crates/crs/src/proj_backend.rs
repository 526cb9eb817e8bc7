//! Arbitrary EPSG codes through PROJ (feature `proj`).
//!
//! PROJ is built from source by `proj-sys` (`bundled_proj`), without network
//! access and without the optional transformation grids. For EPSG:27700 that
//! means PROJ falls back to a Helmert shift, a few metres from OSTN15, which is
//! why [`crate::Crs::BritishNationalGrid`] never goes through this module.

use proj::Proj;

use crate::{CrsError, Direction};

/// Creates a PROJ transformation between `EPSG:<code>` and WGS84.
///
/// `Proj::new_known_crs` applies `proj_normalize_for_visualization`, so both
/// sides use longitude/latitude (or easting/northing) order even though the
/// EPSG registry defines EPSG:4326 as latitude first; the crate's tests check
/// this on a known point.
pub(crate) fn create(code: u32, direction: Direction) -> Result<Proj, CrsError> {
    let epsg = format!("EPSG:{code}");
    let (from, to) = match direction {
        Direction::ToWgs84 => (epsg.as_str(), "EPSG:4326"),
        Direction::FromWgs84 => ("EPSG:4326", epsg.as_str()),
    };
    Proj::new_known_crs(from, to, None).map_err(|e| CrsError::Proj {
        code,
        message: e.to_string(),
    })
}

/// Runs one coordinate through a transformation made by [`create`].
pub(crate) fn convert(proj: &Proj, code: u32, x: f64, y: f64) -> Result<(f64, f64), CrsError> {
    let (out_x, out_y) = proj.convert((x, y)).map_err(|e| CrsError::Proj {
        code,
        message: format!("({x}, {y}): {e}"),
    })?;
    // PROJ signals some failures with HUGE_VAL rather than an error number;
    // never let that through as a coordinate.
    if out_x.is_finite() && out_y.is_finite() {
        Ok((out_x, out_y))
    } else {
        Err(CrsError::Proj {
            code,
            message: format!("({x}, {y}) has no finite result, probably outside the CRS's area"),
        })
    }
}
