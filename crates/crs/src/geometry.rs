//! `geo` geometry helpers: whole-geometry reprojection and metric measures.

use geo::{Area, Coord, Geometry, MapCoords};

use crate::{Crs, CrsError, Direction, Transformer};

impl Transformer {
    /// Returns a copy of `geometry` with every coordinate converted.
    ///
    /// Fails on the first coordinate that cannot be converted.
    pub fn map_geometry(&self, geometry: &Geometry<f64>) -> Result<Geometry<f64>, CrsError> {
        geometry.try_map_coords(|c: Coord<f64>| self.convert(c.x, c.y).map(|(x, y)| Coord { x, y }))
    }

    /// Converts every coordinate of `geometry` in place.
    ///
    /// On error `geometry` is left exactly as it was: the conversion is done
    /// on a copy first, because a half-converted polygon (some rings in
    /// metres, some in degrees) would be worse than useless.
    pub fn transform_geometry(&self, geometry: &mut Geometry<f64>) -> Result<(), CrsError> {
        *geometry = self.map_geometry(geometry)?;
        Ok(())
    }
}

/// Converts `geometry` from `crs` to WGS84 (lon, lat) in place.
///
/// The geometry is unchanged if any coordinate fails to convert.
pub fn transform_geometry_to_wgs84(
    crs: &Crs,
    geometry: &mut Geometry<f64>,
) -> Result<(), CrsError> {
    Transformer::new(crs, Direction::ToWgs84)?.transform_geometry(geometry)
}

/// Projects a WGS84 (lon, lat) geometry to British National Grid metres with
/// OSTN15, e.g. to measure areas and distances in metres.
pub fn geometry_to_bng(geometry: &Geometry<f64>) -> Result<Geometry<f64>, CrsError> {
    Transformer::new(&Crs::BritishNationalGrid, Direction::FromWgs84)?.map_geometry(geometry)
}

/// Area in square metres of a WGS84 (lon, lat) geometry, computed as the
/// planar area of its British National Grid projection (OSTN15).
///
/// This is grid area, not ground area: BNG's scale factor is 0.9996 on its
/// central meridian (2° W) and reaches 1 about 180 km either side, so areas
/// in Leeds (some 30 km east of it) come out roughly 0.08 % small. That is far
/// inside the accuracy of the boundaries being measured. Only polygons add
/// area; points and lines contribute zero.
pub fn area_m2_wgs84(geometry: &Geometry<f64>) -> Result<f64, CrsError> {
    Ok(geometry_to_bng(geometry)?.unsigned_area())
}

/// Straight-line distance in metres between two British National Grid
/// points.
///
/// Plain Euclidean distance on the grid, which at the scale of a city differs
/// from the ground distance only by the grid scale factor (see
/// [`area_m2_wgs84`]).
pub fn distance_m_bng((x1, y1): (f64, f64), (x2, y2): (f64, f64)) -> f64 {
    (x2 - x1).hypot(y2 - y1)
}
