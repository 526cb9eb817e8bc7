//! Spherical Web Mercator (EPSG:3857, R = 6 378 137 m) and the tile grid.
//!
//! Internally the crate works in *normalised world coordinates*: `x` and `y`
//! in `0..1`, origin at the north-west corner (lon −180°, lat +85.0511°),
//! y growing southwards like tile and screen coordinates. At zoom `z` with
//! extent `e`, the integer tile-grid coordinate of a point is
//! `round(world * 2^z * e)`, and tile `(x, y)` covers
//! `x*e ..= (x+1)*e` of that grid.

/// Sphere radius of EPSG:3857, metres.
pub const EARTH_RADIUS: f64 = equimap_crs::EARTH_RADIUS_M;

/// Half the projected world width, metres (`π·R`).
pub const HALF_WORLD: f64 = equimap_crs::HALF_WORLD_M;

/// Latitude at which Web Mercator's square world ends (`atan(sinh π)`).
pub const MAX_LATITUDE: f64 = equimap_crs::WEB_MERCATOR_MAX_LATITUDE;

/// WGS84 longitude/latitude (degrees) to EPSG:3857 metres. Latitude is
/// clamped to ±[`MAX_LATITUDE`]. The formula is `equimap-crs`'s, the one copy.
pub fn lonlat_to_mercator(lon: f64, lat: f64) -> (f64, f64) {
    equimap_crs::lonlat_to_web_mercator(lon, lat)
}

/// EPSG:3857 metres to WGS84 longitude/latitude (degrees).
pub fn mercator_to_lonlat(x: f64, y: f64) -> (f64, f64) {
    equimap_crs::web_mercator_to_lonlat(x, y)
}

/// WGS84 longitude/latitude to normalised world coordinates (`0..1`, y down).
pub fn lonlat_to_world(lon: f64, lat: f64) -> (f64, f64) {
    let (mx, my) = lonlat_to_mercator(lon, lat);
    mercator_to_world(mx, my)
}

/// EPSG:3857 metres to normalised world coordinates.
pub fn mercator_to_world(x: f64, y: f64) -> (f64, f64) {
    (0.5 + x / (2.0 * HALF_WORLD), 0.5 - y / (2.0 * HALF_WORLD))
}

/// Normalised world coordinates to WGS84 longitude/latitude.
pub fn world_to_lonlat(x: f64, y: f64) -> (f64, f64) {
    mercator_to_lonlat((x - 0.5) * 2.0 * HALF_WORLD, (0.5 - y) * 2.0 * HALF_WORLD)
}

/// Checks that `z/x/y` is a tile of the grid: `z` at most [`MAX_ZOOM`](crate::MAX_ZOOM) and
/// `x`, `y` below `2^z`. The one check every caller (renderer, server) uses.
///
/// ```
/// use equimap_tiles::projection::check_tile;
/// assert_eq!(check_tile(3, 7, 7).ok(), Some(3));
/// assert!(check_tile(3, 8, 0).is_err());
/// assert!(check_tile(23, 0, 0).is_err());
/// ```
pub fn check_tile(z: u32, x: u32, y: u32) -> Result<u8, crate::TileError> {
    let n = 1u64 << z.min(63);
    match u8::try_from(z) {
        Ok(z8) if z8 <= crate::MAX_ZOOM && u64::from(x) < n && u64::from(y) < n => Ok(z8),
        _ => Err(crate::TileError::InvalidTile { z, x, y }),
    }
}

/// The tile `(x, y)` at zoom `z` that contains a longitude/latitude.
pub fn tile_for_lonlat(lon: f64, lat: f64, z: u8) -> (u32, u32) {
    let (wx, wy) = lonlat_to_world(lon, lat);
    (world_to_tile_index(wx, z), world_to_tile_index(wy, z))
}

fn world_to_tile_index(w: f64, z: u8) -> u32 {
    let n = f64::from(1u32 << z.min(31));
    // Clamp so that the east/south edge (w = 1) falls in the last tile.
    (w * n).floor().clamp(0.0, n - 1.0) as u32
}

/// West, south, east, north bounds of a tile in longitude/latitude.
pub fn tile_bounds_lonlat(z: u8, x: u32, y: u32) -> [f64; 4] {
    let n = f64::from(1u32 << z.min(31));
    let (west, north) = world_to_lonlat(f64::from(x) / n, f64::from(y) / n);
    let (east, south) = world_to_lonlat(f64::from(x + 1) / n, f64::from(y + 1) / n);
    [west, south, east, north]
}

/// All tiles `(x, y)` at zoom `z` that intersect a `[west, south, east, north]`
/// longitude/latitude box, row by row.
pub fn tiles_covering(bbox: [f64; 4], z: u8) -> impl Iterator<Item = (u32, u32)> {
    let (x0, y0) = tile_for_lonlat(bbox[0], bbox[3], z);
    // East and south edges are exclusive: a box ending exactly on a tile
    // boundary does not reach into the next tile.
    let n = f64::from(1u32 << z.min(31));
    let (wx, wy) = lonlat_to_world(bbox[2], bbox[1]);
    let last = |w: f64, first: u32| ((w * n).ceil() - 1.0).clamp(f64::from(first), n - 1.0) as u32;
    let (x1, y1) = (last(wx, x0), last(wy, y0));
    (y0..=y1).flat_map(move |y| (x0..=x1).map(move |x| (x, y)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn world_corners_and_constants() {
        let (x, y) = lonlat_to_mercator(180.0, MAX_LATITUDE);
        assert!((x - HALF_WORLD).abs() < 1e-6);
        assert!((y - HALF_WORLD).abs() < 1e-3, "{y}");
        assert!((HALF_WORLD - 20_037_508.342_789_244).abs() < 1e-6);
        let (wx, wy) = lonlat_to_world(-180.0, MAX_LATITUDE);
        assert!(wx.abs() < 1e-15 && wy.abs() < 1e-12);
        assert_eq!(lonlat_to_world(0.0, 0.0), (0.5, 0.5));
        // Beyond the square world the latitude is clamped, not NaN.
        assert!((lonlat_to_world(0.0, 90.0).1).abs() < 1e-12);
    }

    #[test]
    fn round_trips() {
        for &(lon, lat) in &[(-1.5491, 53.7997), (151.2, -33.9), (0.0, 85.0)] {
            let (x, y) = lonlat_to_world(lon, lat);
            let (lon2, lat2) = world_to_lonlat(x, y);
            assert!((lon - lon2).abs() < 1e-9 && (lat - lat2).abs() < 1e-9);
        }
    }

    #[test]
    fn tiles_around_leeds() {
        let (x, y) = tile_for_lonlat(-1.5491, 53.8000, 14);
        let b = tile_bounds_lonlat(14, x, y);
        assert!(b[0] < -1.5491 && -1.5491 < b[2] && b[1] < 53.8 && 53.8 < b[3]);
        let inner = [b[0] + 1e-6, b[1] + 1e-6, b[2] - 1e-6, b[3] - 1e-6];
        assert_eq!(tiles_covering(inner, 14).collect::<Vec<_>>(), vec![(x, y)]);
        let two_by_one = [b[0] + 1e-6, b[1] + 1e-6, b[2] + 1e-6, b[3] - 1e-6];
        assert_eq!(tiles_covering(two_by_one, 14).count(), 2);
        assert_eq!(tile_for_lonlat(180.0, -90.0, 1), (1, 1));
    }
}
