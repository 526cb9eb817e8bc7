//! Tile sets built on first use give the same tiles and TileJSON as sets built all at once, and
//! asking for one set builds that set only (the committed Leeds atlas).

use std::path::PathBuf;
use std::sync::Arc;

use equimap_atlas::Atlas;
use equimap_tiles::TileOptions;
use equimap_tiles::atlas::AtlasTiles;
use equimap_tiles::projection::tile_for_lonlat;

fn leeds() -> Atlas {
    Atlas::load(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../boundaries"))
        .expect("committed Leeds atlas")
}

/// Leeds 111B (E01033010), around Civic Hall.
const CIVIC_HALL: (f64, f64) = (-1.547_54, 53.801_98);

#[test]
fn lazy_sets_build_one_at_a_time_and_match_the_eager_build() {
    let atlas = leeds();
    let eager = AtlasTiles::from_atlas(&atlas, 16).expect("tiles");
    let lazy = AtlasTiles::lazy(Arc::new(leeds()), 16);

    let names: Vec<&str> = lazy.names().collect();
    assert_eq!(names, eager.names().collect::<Vec<_>>());
    for set in [
        "lsoa21", "lsoa11", "msoa21", "ward", "district", "basemap", "gp",
    ] {
        assert!(names.contains(&set), "{set} missing from {names:?}");
    }
    assert!(
        lazy.built().is_empty(),
        "nothing is built before it is asked for"
    );
    assert!(names.iter().all(|n| !lazy.is_built(n)));

    let opts = TileOptions::default();
    let (x, y) = tile_for_lonlat(CIVIC_HALL.0, CIVIC_HALL.1, 12);
    let tile = lazy.render("ward", 12, x, y, &opts).expect("renders");
    assert!(tile.is_some_and(|t| !t.is_empty()));
    let built: Vec<&str> = lazy.built().iter().map(|(n, _)| *n).collect();
    assert_eq!(built, ["ward"], "a ward tile builds the ward set only");
    assert!(lazy.built()[0].1 > 0, "a built set holds memory");

    for name in &names {
        for z in [0u8, 8, 12, 14] {
            let (x, y) = tile_for_lonlat(CIVIC_HALL.0, CIVIC_HALL.1, z);
            assert_eq!(
                lazy.render(name, z, x, y, &opts).expect("lazy"),
                eager.render(name, z, x, y, &opts).expect("eager"),
                "{name} {z}/{x}/{y}"
            );
        }
        assert_eq!(
            lazy.tilejson(name, "/t/{z}/{x}/{y}").expect("lazy"),
            eager.tilejson(name, "/t/{z}/{x}/{y}").expect("eager"),
        );
    }
    assert_eq!(lazy.built().len(), names.len());
    assert_eq!(lazy.render("nope", 0, 0, 0, &opts), Ok(None));
    assert!(!lazy.prepare("nope").expect("unknown is no error"));
}
