//! British National Grid <-> WGS84 via the OSTN15 transformation.
//!
//! OSTN15 is Ordnance Survey's definitive transformation between ETRS89
//! (which equals WGS84 to well under a metre in GB) and OSGB36 / British
//! National Grid. A plain seven-parameter Helmert shift is only good to a few
//! metres, enough to move a postcode centroid across a street and so into the
//! wrong small area; OSTN15 is good to about 0.1 m, which is why this crate
//! uses it rather than PROJ's default pipeline.
//!
//! The grid itself comes from the `lonlat_bng` crate (which embeds the OSTN15
//! shifts); this module only adds input checking and maps its errors onto
//! [`CrsError`].
//!
//! What counts as "outside the grid": BNG coordinates beyond the OSTN15
//! rectangle (0..700 000 m east, 0..1 250 000 m north) and WGS84 positions
//! beyond `lonlat_bng`'s bounding box (8.579° W..1.78° E, 49.922°..60.84° N).
//! OSTN15 has shift values over that whole rectangle, including open sea, so
//! a point offshore but inside it still converts.

use lonlat_bng::TransformError;

use crate::CrsError;

/// Converts BNG easting/northing (metres) to WGS84 (lon, lat) in degrees.
pub(crate) fn bng_to_wgs84(easting: f64, northing: f64) -> Result<(f64, f64), CrsError> {
    crate::ensure_finite(easting, northing)?;
    // Refuse what cannot be in the grid before lonlat_bng sees it: it multiplies the cell index
    // in `i32`, which overflows (a panic in debug builds) for coordinates beyond about 2e9 m, as
    // fuzzing found. A kilometre's margin leaves its own edge handling in charge near the grid.
    if !(-1_000.0..=701_000.0).contains(&easting) || !(-1_000.0..=1_251_000.0).contains(&northing) {
        return Err(CrsError::OutsideGrid {
            x: easting,
            y: northing,
        });
    }
    let (lon, lat) = lonlat_bng::convert_osgb36_to_ll(easting, northing)
        .map_err(|e| map_error(&e, easting, northing))?;
    // lonlat_bng documents NaN output for some out-of-area inputs in older
    // versions; guard so a NaN can never leak into a map or an area sum.
    if lon.is_finite() && lat.is_finite() {
        Ok((lon, lat))
    } else {
        Err(CrsError::OutsideGrid {
            x: easting,
            y: northing,
        })
    }
}

/// Converts WGS84 (lon, lat) in degrees to BNG easting/northing in metres
/// (rounded by OSTN15 to the millimetre).
pub(crate) fn wgs84_to_bng(lon: f64, lat: f64) -> Result<(f64, f64), CrsError> {
    crate::ensure_finite(lon, lat)?;
    let (easting, northing) =
        lonlat_bng::convert_osgb36(lon, lat).map_err(|e| map_error(&e, lon, lat))?;
    if easting.is_finite() && northing.is_finite() {
        Ok((easting, northing))
    } else {
        Err(CrsError::OutsideGrid { x: lon, y: lat })
    }
}

/// Maps a `lonlat_bng` error onto ours, reporting the caller's own input
/// coordinates rather than the intermediate ETRS89 grid values that
/// `lonlat_bng` puts in some of its variants.
fn map_error(error: &TransformError, x: f64, y: f64) -> CrsError {
    match error {
        TransformError::NonConvergent { .. } => CrsError::NonConvergent { x, y },
        // Out of the bounding box and outside the grid coverage are the same
        // thing to a caller: the point is not in Great Britain. The enum is
        // non-exhaustive, so anything newer is reported the same way rather
        // than panicking.
        _ => CrsError::OutsideGrid { x, y },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coordinates_far_outside_the_grid_are_an_error_not_a_panic() {
        // Inputs fuzzing found (fuzz/regressions/site_geojson/).
        for (e, n) in [
            (3e12, 0.0),
            (-3e9, 0.0),
            (0.0, 3e9),
            (0.0, -1e300),
            (701_001.0, 5e5),
        ] {
            assert!(
                matches!(bng_to_wgs84(e, n), Err(CrsError::OutsideGrid { .. })),
                "{e}, {n}"
            );
        }
        // Near the grid's far corner lonlat_bng still decides (its own error, no panic).
        assert!(bng_to_wgs84(700_500.0, 1_250_500.0).is_err());
    }

    #[test]
    fn ostn15_worked_example_from_os_guide() {
        // Caister Water Tower, the worked example in OS's "Transformations
        // and OSGM15 user guide" (pp. 20-23): ETRS89 1.716073973 E,
        // 52.658007833 N is OSGB36 651409.804 E, 313177.450 N.
        let (e, n) = wgs84_to_bng(1.716_073_973, 52.658_007_833).expect("in grid");
        assert!((e - 651_409.804).abs() < 0.001, "easting {e}");
        assert!((n - 313_177.450).abs() < 0.001, "northing {n}");
        let (lon, lat) = bng_to_wgs84(651_409.804, 313_177.450).expect("in grid");
        assert!((lon - 1.716_073_973).abs() < 1e-8, "lon {lon}");
        assert!((lat - 52.658_007_833).abs() < 1e-8, "lat {lat}");
    }

    #[test]
    fn outside_grid_is_an_error_not_nan() {
        for (x, y) in [
            (-1.0, 100.0),
            (800_000.0, 100_000.0),
            (100_000.0, 1_300_000.0),
        ] {
            assert!(
                matches!(bng_to_wgs84(x, y), Err(CrsError::OutsideGrid { .. })),
                "({x}, {y}) should be outside the grid"
            );
        }
        assert!(matches!(
            bng_to_wgs84(f64::NAN, 400_000.0),
            Err(CrsError::NonFinite { .. })
        ));
        let err = wgs84_to_bng(10.0, 10.0).expect_err("Nigeria is not in GB");
        assert!(matches!(err, CrsError::OutsideGrid { .. }), "{err:?}");
        // The message names the caller's own coordinates.
        assert!(err.to_string().contains("(10, 10)"), "{err}");
    }
}
