//! Hilbert tile ids: spec/reference values, exhaustive bijection at low
//! zooms, and agreement with an independent implementation (pmtiles-rs,
//! which uses the `fast_hilbert` crate) at every zoom.

use equimap_pmtiles::{
    MAX_TILE_ID, MAX_ZOOM, TileCoord, tile_coord, tile_id, try_tile_coord, try_tile_id,
};

mod common;

#[test]
fn known_values_from_spec_and_reference_implementations() {
    assert_eq!(tile_id(0, 0, 0), 0);
    // z1 in Hilbert order.
    assert_eq!(tile_id(1, 0, 0), 1);
    assert_eq!(tile_id(1, 0, 1), 2);
    assert_eq!(tile_id(1, 1, 1), 3);
    assert_eq!(tile_id(1, 1, 0), 4);
    // Values asserted by the reference implementations' test suites.
    assert_eq!(tile_id(2, 0, 0), 5);
    assert_eq!(tile_id(2, 1, 3), 11);
    assert_eq!(tile_id(3, 3, 0), 26);
    assert_eq!(tile_id(20, 0, 0), 366_503_875_925);
    assert_eq!(tile_id(21, 0, 0), 1_466_015_503_701);
    assert_eq!(tile_id(26, 0, 0), 1_501_199_875_790_165);
    assert_eq!(tile_id(28, 0, 0), 24_019_198_012_642_645);
    assert_eq!(tile_id(31, 0, 0), 1_537_228_672_809_129_301);
    let max = (1u32 << 31) - 1;
    assert_eq!(tile_id(31, max, max), 4_611_686_018_427_387_903);
    assert_eq!(tile_id(31, 0, max), 3_074_457_345_618_258_602);
    assert_eq!(tile_id(31, max, 0), 6_148_914_691_236_517_204);
    assert_eq!(MAX_TILE_ID, 6_148_914_691_236_517_204);

    assert_eq!(tile_coord(0), TileCoord { z: 0, x: 0, y: 0 });
    assert_eq!(tile_coord(2), TileCoord { z: 1, x: 0, y: 1 });
    assert_eq!(tile_coord(11), TileCoord { z: 2, x: 1, y: 3 });
    assert_eq!(tile_coord(26), TileCoord { z: 3, x: 3, y: 0 });
}

#[test]
fn every_tile_up_to_z8_round_trips_and_ids_tile_each_zoom_exactly() {
    let mut base = 0u64;
    for z in 0..=8u8 {
        let n = 1u32 << z;
        let mut seen = vec![false; (n as usize) * (n as usize)];
        for x in 0..n {
            for y in 0..n {
                let id = tile_id(z, x, y);
                assert!(id >= base && id < base + u64::from(n) * u64::from(n));
                let slot = &mut seen[(id - base) as usize];
                assert!(!*slot, "id {id} assigned twice at z{z}");
                *slot = true;
                assert_eq!(tile_coord(id), TileCoord { z, x, y });
            }
        }
        base += u64::from(n) * u64::from(n);
    }
    assert_eq!(base, tile_id(9, 0, 0), "z9 starts after all lower zooms");
}

#[test]
fn consecutive_ids_are_edge_neighbours() {
    // The defining property of a Hilbert curve: each step moves to an
    // adjacent cell, which is what makes runs of similar tiles contiguous.
    for z in 1..=6u8 {
        let start = tile_id(z, 0, 0);
        let end = start + (1u64 << (2 * u32::from(z)));
        for id in start..end - 1 {
            let (a, b) = (tile_coord(id), tile_coord(id + 1));
            assert_eq!(
                a.x.abs_diff(b.x) + a.y.abs_diff(b.y),
                1,
                "ids {id},{}",
                id + 1
            );
        }
    }
}

#[test]
fn agrees_with_pmtiles_rs_at_every_zoom() {
    let mut rng = common::Rng::new(0x5eed);
    for z in 0..=MAX_ZOOM {
        let n = 1u64 << z;
        for _ in 0..200 {
            let (x, y) = (rng.range(0, n) as u32, rng.range(0, n) as u32);
            let theirs =
                pmtiles::TileId::from(pmtiles::TileCoord::new(z, x, y).expect("valid coordinate"))
                    .value();
            assert_eq!(tile_id(z, x, y), theirs, "{z}/{x}/{y}");
            let back = pmtiles::TileCoord::from(pmtiles::TileId::new(theirs).expect("valid id"));
            assert_eq!(
                tile_coord(theirs),
                TileCoord {
                    z: back.z(),
                    x: back.x(),
                    y: back.y()
                }
            );
        }
    }
}

#[test]
fn invalid_inputs_are_rejected_by_checked_variants() {
    assert_eq!(try_tile_id(32, 0, 0), None);
    assert_eq!(try_tile_id(0, 1, 0), None);
    assert_eq!(try_tile_id(1, 0, 2), None);
    assert_eq!(try_tile_id(5, 31, 31), Some(tile_id(5, 31, 31)));
    assert_eq!(try_tile_coord(MAX_TILE_ID + 1), None);
    assert_eq!(try_tile_coord(u64::MAX), None);
    assert!(try_tile_coord(MAX_TILE_ID).is_some());
}

#[test]
#[should_panic(expected = "outside the PMTiles v3 pyramid")]
fn tile_id_panics_on_out_of_range_coordinates() {
    let _ = tile_id(2, 4, 0);
}
