//! Guessing the CRS of a coordinate set from its value ranges.
//!
//! Many public-sector files (CSV extracts, `GeoJSON` without a `crs` member,
//! shapefiles missing their `.prj`) do not say what their coordinates are.
//! For data about Great Britain the two candidates are easy to tell apart:
//! degrees never exceed 180, and British National Grid metres almost always
//! do. Anything else is refused rather than guessed, so a wrong guess can
//! never silently put a dataset in the sea.

use crate::{Crs, CrsError};

/// Upper bound of British National Grid eastings accepted by detection, m.
pub const BNG_MAX_EASTING: f64 = 700_000.0;
/// Upper bound of British National Grid northings accepted by detection, m.
///
/// Slightly beyond the OSTN15 grid's 1 250 000 m so that detection does not
/// depend on the exact grid edge; conversion reports points beyond it.
pub const BNG_MAX_NORTHING: f64 = 1_300_000.0;

/// The outcome of [`detect_crs`]: the CRS and a sentence explaining why, for
/// data-provenance reports.
#[derive(Debug, Clone, PartialEq)]
pub struct Detected {
    /// The detected coordinate reference system.
    pub crs: Crs,
    /// Human-readable justification, including the observed ranges.
    pub reason: String,
}

/// Observed extent of a coordinate set.
#[derive(Debug, Clone, Copy)]
struct Extent {
    count: usize,
    min_x: f64,
    max_x: f64,
    min_y: f64,
    max_y: f64,
}

impl Extent {
    fn describe(&self) -> String {
        format!(
            "observed x {}..{}, y {}..{} over {} coordinate(s)",
            self.min_x, self.max_x, self.min_y, self.max_y, self.count
        )
    }

    fn within(&self, x_range: (f64, f64), y_range: (f64, f64)) -> bool {
        self.min_x >= x_range.0
            && self.max_x <= x_range.1
            && self.min_y >= y_range.0
            && self.max_y <= y_range.1
    }
}

/// Detects whether `coords` are WGS84 degrees or British National Grid
/// metres from their ranges.
///
/// - every x within [-180, 180] and every y within [-90, 90]: [`Crs::Wgs84`];
/// - otherwise, every x within [0, 700 000] and every y within
///   [0, 1 300 000]: [`Crs::BritishNationalGrid`];
/// - otherwise, or when there are no coordinates or any is NaN/infinite:
///   [`CrsError::Undetectable`], whose message gives the observed ranges.
///
/// A WGS84 result whose values look like UK latitude/longitude in the wrong
/// order carries a warning in its reason, because that mistake is common and
/// would otherwise only show up as points off the coast of Somalia.
pub fn detect_crs(coords: impl Iterator<Item = (f64, f64)>) -> Result<Detected, CrsError> {
    let mut extent = Extent {
        count: 0,
        min_x: f64::INFINITY,
        max_x: f64::NEG_INFINITY,
        min_y: f64::INFINITY,
        max_y: f64::NEG_INFINITY,
    };
    for (x, y) in coords {
        if !(x.is_finite() && y.is_finite()) {
            return Err(CrsError::Undetectable {
                reason: format!(
                    "coordinate number {} is ({x}, {y}), which is not a finite number",
                    extent.count + 1
                ),
            });
        }
        extent.count += 1;
        extent.min_x = extent.min_x.min(x);
        extent.max_x = extent.max_x.max(x);
        extent.min_y = extent.min_y.min(y);
        extent.max_y = extent.max_y.max(y);
    }
    if extent.count == 0 {
        return Err(CrsError::Undetectable {
            reason: "there are no coordinates to inspect".to_owned(),
        });
    }

    if extent.within((-180.0, 180.0), (-90.0, 90.0)) {
        let mut reason = format!(
            "all coordinates lie within longitude [-180, 180] and latitude [-90, 90] \
             ({}), so they are taken as WGS84 degrees",
            extent.describe()
        );
        if extent.within((49.0, 61.0), (-9.0, 2.0)) {
            reason.push_str(
                "; warning: x looks like UK latitudes and y like UK longitudes, \
                 so the axes may be swapped",
            );
        }
        return Ok(Detected {
            crs: Crs::Wgs84,
            reason,
        });
    }
    if extent.within((0.0, BNG_MAX_EASTING), (0.0, BNG_MAX_NORTHING)) {
        return Ok(Detected {
            crs: Crs::BritishNationalGrid,
            reason: format!(
                "values exceed the degree range but all lie within the British National \
                 Grid extent (x 0..{BNG_MAX_EASTING}, y 0..{BNG_MAX_NORTHING}) ({}), \
                 so they are taken as BNG metres (EPSG:27700)",
                extent.describe()
            ),
        });
    }
    Err(CrsError::Undetectable {
        reason: format!(
            "{} fits neither WGS84 degrees (lon -180..180, lat -90..90) nor British \
             National Grid metres (x 0..{BNG_MAX_EASTING}, y 0..{BNG_MAX_NORTHING}); \
             state the CRS explicitly",
            extent.describe()
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_and_nan_are_undetectable() {
        assert!(matches!(
            detect_crs(std::iter::empty()),
            Err(CrsError::Undetectable { .. })
        ));
        assert!(matches!(
            detect_crs([(1.0, 2.0), (f64::NAN, 3.0)].into_iter()),
            Err(CrsError::Undetectable { .. })
        ));
    }

    #[test]
    fn swapped_axes_are_flagged() {
        // Roughly central Leeds, written latitude first by mistake.
        let detected = detect_crs([(53.8, -1.55)].into_iter()).expect("degrees");
        assert_eq!(detected.crs, Crs::Wgs84);
        assert!(detected.reason.contains("swapped"), "{}", detected.reason);
        let detected = detect_crs([(-1.55, 53.8)].into_iter()).expect("degrees");
        assert!(!detected.reason.contains("swapped"), "{}", detected.reason);
    }
}
