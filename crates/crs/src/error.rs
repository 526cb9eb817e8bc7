//! The single error type of this crate.

/// Everything that can go wrong when naming, detecting or converting between
/// coordinate reference systems.
///
/// Messages are written for people: they end up in ingest reports and server
/// logs, so each one says what was wrong and, where it helps, what was expected.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CrsError {
    /// The EPSG code is not one this build can transform.
    ///
    /// Without the `proj` feature only WGS84 (4326, 4258 and CRS84), British
    /// National Grid (27700) and Web Mercator (3857 and its aliases) exist.
    #[error(
        "EPSG:{code} is not supported by this build: only EPSG:4326/4258 (WGS84), \
         EPSG:27700 (British National Grid) and EPSG:3857 (Web Mercator) are; \
         enable the `proj` feature of equimap-crs for other codes"
    )]
    Unsupported {
        /// The EPSG code that was asked for.
        code: u32,
    },

    /// A CRS name (for example a `GeoJSON` `crs` member) could not be parsed.
    #[error(
        "unrecognised CRS name {name:?}: expected a form such as \"EPSG:27700\", \
         \"urn:ogc:def:crs:EPSG::27700\", \"urn:ogc:def:crs:OGC:1.3:CRS84\" or \
         \"http://www.opengis.net/def/crs/EPSG/0/27700\""
    )]
    UnrecognisedName {
        /// The name as it was given.
        name: String,
    },

    /// The point lies outside the area covered by the OSTN15 transformation
    /// grid (Great Britain and its near-shore waters), so it cannot be
    /// converted between British National Grid and WGS84.
    ///
    /// `x`/`y` are the input coordinates in the input CRS: easting/northing
    /// when converting from BNG, longitude/latitude when converting to it.
    #[error(
        "point ({x}, {y}) lies outside the OSTN15 grid (Great Britain and near-shore \
         waters), so it cannot be converted between British National Grid and WGS84"
    )]
    OutsideGrid {
        /// First input coordinate (easting, or longitude).
        x: f64,
        /// Second input coordinate (northing, or latitude).
        y: f64,
    },

    /// The reverse OSTN15 iteration (BNG to ETRS89) did not converge.
    #[error("the OSTN15 conversion of BNG point ({x}, {y}) to WGS84 did not converge")]
    NonConvergent {
        /// Easting of the point.
        x: f64,
        /// Northing of the point.
        y: f64,
    },

    /// A coordinate was NaN or infinite.
    #[error("coordinate ({x}, {y}) is not a finite number")]
    NonFinite {
        /// First coordinate.
        x: f64,
        /// Second coordinate.
        y: f64,
    },

    /// A coordinate is finite but outside the valid range of its CRS, e.g. a
    /// latitude of 95 degrees or a Web Mercator x beyond the antimeridian.
    #[error("coordinate ({x}, {y}) is out of range for {crs}: {expected}")]
    OutOfRange {
        /// The CRS the coordinate was claimed to be in, e.g. "EPSG:4326".
        crs: String,
        /// First coordinate.
        x: f64,
        /// Second coordinate.
        y: f64,
        /// The valid range, in words.
        expected: String,
    },

    /// [`crate::detect_crs`] could not decide which CRS the coordinates are in.
    #[error("cannot detect the coordinate reference system: {reason}")]
    Undetectable {
        /// Why, including the observed coordinate ranges.
        reason: String,
    },

    /// PROJ failed to create or run a transformation (only with the `proj`
    /// feature).
    #[cfg(feature = "proj")]
    #[error("PROJ could not transform EPSG:{code}: {message}")]
    Proj {
        /// The EPSG code involved.
        code: u32,
        /// PROJ's own error text.
        message: String,
    },
}
