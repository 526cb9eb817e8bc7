//! Point transformations between any supported CRS and WGS84.

use crate::{Crs, CrsError, bng, mercator};

/// Which way a [`Transformer`] converts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// From the transformer's CRS to WGS84 (lon, lat).
    ToWgs84,
    /// From WGS84 (lon, lat) to the transformer's CRS.
    FromWgs84,
}

/// A ready-to-use conversion between one CRS and WGS84.
///
/// For the built-in systems this is only a tag and costs nothing to make. For
/// a PROJ-backed `Crs::Epsg` it holds the PROJ transformation object, whose
/// creation involves a database lookup, so make one per dataset rather than
/// per point. With the `proj` feature it is not `Send`, because PROJ objects
/// are tied to the thread that created their context.
#[derive(Debug)]
pub struct Transformer {
    crs: Crs,
    direction: Direction,
    #[cfg(feature = "proj")]
    proj: Option<proj::Proj>,
}

impl Transformer {
    /// Prepares a conversion between `crs` and WGS84 in `direction`.
    ///
    /// Only fails for PROJ-backed codes that PROJ does not know.
    pub fn new(crs: &Crs, direction: Direction) -> Result<Self, CrsError> {
        Ok(Self {
            crs: *crs,
            direction,
            #[cfg(feature = "proj")]
            proj: match crs {
                Crs::Epsg(code) => Some(crate::proj_backend::create(*code, direction)?),
                _ => None,
            },
        })
    }

    /// The non-WGS84 side of this conversion.
    pub fn crs(&self) -> Crs {
        self.crs
    }

    /// Which way this transformer converts.
    pub fn direction(&self) -> Direction {
        self.direction
    }

    /// Converts one coordinate pair.
    ///
    /// With [`Direction::ToWgs84`] the input is in [`Self::crs`] order
    /// (easting, northing for projected systems) and the output is (lon, lat);
    /// with [`Direction::FromWgs84`] the other way round.
    pub fn convert(&self, x: f64, y: f64) -> Result<(f64, f64), CrsError> {
        match self.direction {
            Direction::ToWgs84 => self.convert_to_wgs84(x, y),
            Direction::FromWgs84 => {
                // Every target shares this check, so nonsense degrees are
                // reported as such rather than as, say, "outside the grid".
                crate::check_wgs84_range(x, y)?;
                self.convert_from_wgs84(x, y)
            }
        }
    }

    fn convert_to_wgs84(&self, x: f64, y: f64) -> Result<(f64, f64), CrsError> {
        match self.crs {
            Crs::Wgs84 => {
                crate::check_wgs84_range(x, y)?;
                Ok((x, y))
            }
            Crs::BritishNationalGrid => bng::bng_to_wgs84(x, y),
            Crs::WebMercator => mercator::inverse(x, y),
            #[cfg(feature = "proj")]
            Crs::Epsg(code) => self.via_proj(code, x, y),
        }
    }

    fn convert_from_wgs84(&self, lon: f64, lat: f64) -> Result<(f64, f64), CrsError> {
        match self.crs {
            Crs::Wgs84 => Ok((lon, lat)),
            Crs::BritishNationalGrid => bng::wgs84_to_bng(lon, lat),
            Crs::WebMercator => mercator::forward(lon, lat),
            #[cfg(feature = "proj")]
            Crs::Epsg(code) => self.via_proj(code, lon, lat),
        }
    }

    #[cfg(feature = "proj")]
    fn via_proj(&self, code: u32, x: f64, y: f64) -> Result<(f64, f64), CrsError> {
        crate::ensure_finite(x, y)?;
        // `new` always fills `proj` for Epsg, and the fields are private, so
        // this only fails if that invariant is broken; report it rather than
        // panic.
        let proj = self.proj.as_ref().ok_or_else(|| CrsError::Proj {
            code,
            message: "internal error: transformer has no PROJ object".to_owned(),
        })?;
        crate::proj_backend::convert(proj, code, x, y)
    }
}

/// Converts a coordinate in `crs` to WGS84, returning (lon, lat) in degrees.
///
/// British National Grid uses OSTN15 and fails with
/// [`CrsError::OutsideGrid`] away from Great Britain. For many points in a
/// PROJ-backed CRS, build one [`Transformer`] instead of calling this in a
/// loop.
pub fn to_wgs84(crs: &Crs, x: f64, y: f64) -> Result<(f64, f64), CrsError> {
    Transformer::new(crs, Direction::ToWgs84)?.convert(x, y)
}

/// Converts WGS84 (lon, lat) in degrees to `crs`, returning (x, y) in that
/// CRS's units (metres for BNG and Web Mercator).
///
/// Web Mercator clamps latitude to ±85.0511287798°; BNG uses OSTN15.
pub fn from_wgs84(crs: &Crs, lon: f64, lat: f64) -> Result<(f64, f64), CrsError> {
    Transformer::new(crs, Direction::FromWgs84)?.convert(lon, lat)
}
