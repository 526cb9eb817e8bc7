//! PMTiles v3 tile ids: a position on the Hilbert curve of each zoom level,
//! offset by the number of tiles in all lower zooms (z0 is id 0, z1 starts
//! at 1, z2 at 5, …, z`n` at (4^n − 1) / 3).

/// Highest zoom level whose tile ids fit the spec's `u64` id space.
pub const MAX_ZOOM: u8 = 31;

/// Largest valid tile id: the last tile of zoom [`MAX_ZOOM`].
pub const MAX_TILE_ID: u64 = pyramid_base(MAX_ZOOM) + (1u64 << (2 * MAX_ZOOM as u32)) - 1;

/// A tile address in the XYZ (slippy map) scheme: `y` grows southwards.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TileCoord {
    /// Zoom level, `0..=31`.
    pub z: u8,
    /// Column, `0..2^z`.
    pub x: u32,
    /// Row, `0..2^z`, counted from the north.
    pub y: u32,
}

/// Number of tiles in all zoom levels strictly below `z`: (4^z − 1) / 3.
const fn pyramid_base(z: u8) -> u64 {
    ((1u64 << (2 * z as u32)) - 1) / 3
}

/// Tile id of `z/x/y`, or `None` when `z > 31` or `x`/`y` are outside `0..2^z`.
///
/// Use this on untrusted input (e.g. URL path segments).
pub fn try_tile_id(z: u8, x: u32, y: u32) -> Option<u64> {
    if z > MAX_ZOOM {
        return None;
    }
    let n = 1u64 << z;
    let (mut x, mut y) = (u64::from(x), u64::from(y));
    if x >= n || y >= n {
        return None;
    }
    // Classic xy→d Hilbert conversion (as in the PMTiles reference code),
    // walking from the most significant quadrant bit down.
    let mut d = 0u64;
    let mut s = n >> 1;
    while s > 0 {
        let rx = u64::from(x & s != 0);
        let ry = u64::from(y & s != 0);
        d += s * s * ((3 * rx) ^ ry);
        // Reflect/transpose so the remaining low bits are read in the
        // orientation of the sub-curve inside this quadrant. `n - 1 - x`
        // (not `s - 1 - x`) keeps the subtraction from underflowing while
        // leaving the low bits identical.
        if ry == 0 {
            if rx == 1 {
                x = n - 1 - x;
                y = n - 1 - y;
            }
            std::mem::swap(&mut x, &mut y);
        }
        s >>= 1;
    }
    Some(pyramid_base(z) + d)
}

/// Tile id of `z/x/y` on the PMTiles v3 Hilbert curve.
///
/// # Panics
/// If `z > 31` or `x`/`y` are outside `0..2^z`; see [`try_tile_id`] for a
/// non-panicking variant.
pub fn tile_id(z: u8, x: u32, y: u32) -> u64 {
    match try_tile_id(z, x, y) {
        Some(id) => id,
        None => panic!("tile {z}/{x}/{y} is outside the PMTiles v3 pyramid"),
    }
}

/// Inverse of [`try_tile_id`]; `None` when `id > MAX_TILE_ID`.
pub fn try_tile_coord(id: u64) -> Option<TileCoord> {
    let mut base = 0u64;
    for z in 0..=MAX_ZOOM {
        let count = 1u64 << (2 * u32::from(z));
        // base + count cannot overflow: at z = 31 it is MAX_TILE_ID + 1 < 2^63.
        if id < base + count {
            let (x, y) = hilbert_d2xy(z, id - base);
            return Some(TileCoord { z, x, y });
        }
        base += count;
    }
    None
}

/// Inverse of [`tile_id`].
///
/// # Panics
/// If `id > MAX_TILE_ID`; see [`try_tile_coord`] for a non-panicking variant.
pub fn tile_coord(id: u64) -> TileCoord {
    match try_tile_coord(id) {
        Some(c) => c,
        None => panic!("tile id {id} is beyond the last PMTiles v3 tile id"),
    }
}

/// Hilbert distance → (x, y) on the 2^z × 2^z grid, building the
/// coordinates from the least significant quadrant upwards.
fn hilbert_d2xy(z: u8, d: u64) -> (u32, u32) {
    let n = 1u64 << z;
    let (mut x, mut y) = (0u64, 0u64);
    let mut t = d;
    let mut s = 1u64;
    while s < n {
        let rx = 1 & (t >> 1);
        let ry = 1 & (t ^ rx);
        if ry == 0 {
            if rx == 1 {
                x = s - 1 - x;
                y = s - 1 - y;
            }
            std::mem::swap(&mut x, &mut y);
        }
        x += s * rx;
        y += s * ry;
        t >>= 2;
        s <<= 1;
    }
    // x, y < 2^z ≤ 2^31, so they fit in u32.
    (x as u32, y as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pyramid_bases_match_cumulative_counts() {
        assert_eq!(pyramid_base(0), 0);
        assert_eq!(pyramid_base(1), 1);
        assert_eq!(pyramid_base(2), 5);
        assert_eq!(MAX_TILE_ID, 6_148_914_691_236_517_204);
    }

    #[test]
    fn extremes_round_trip() {
        let max = (1u32 << 31) - 1;
        for (x, y) in [(0, 0), (max, max), (0, max), (max, 0)] {
            let id = tile_id(31, x, y);
            assert_eq!(tile_coord(id), TileCoord { z: 31, x, y });
        }
        assert!(try_tile_coord(MAX_TILE_ID + 1).is_none());
        assert!(try_tile_id(32, 0, 0).is_none());
        assert!(try_tile_id(3, 8, 0).is_none());
    }
}
