//! Tile index files (the committed Leeds atlas): tiles read from them are byte for byte the
//! tiles built without them; the files are what a build writes, byte for byte; and a damaged,
//! truncated, foreign or stale file is refused with its name, never a panic.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use equimap_atlas::{Atlas, Geography};
use equimap_tiles::TileError;
use equimap_tiles::TileOptions;
use equimap_tiles::atlas::{AtlasTiles, index_path};
use equimap_tiles::projection::{tile_for_lonlat, tiles_covering};

fn committed() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../boundaries")
}

fn leeds() -> Atlas {
    Atlas::load(&committed()).expect("committed Leeds atlas")
}

const GEOGRAPHIES: [Geography; 7] = Geography::ALL;

/// Points spread over Leeds for the deep zooms: Civic Hall, Otley, Wetherby, Morley, Garforth.
const PLACES: [(f64, f64); 5] = [
    (-1.547_54, 53.801_98),
    (-1.691_0, 53.905_0),
    (-1.386_0, 53.928_0),
    (-1.599_0, 53.740_0),
    (-1.388_0, 53.793_0),
];

#[test]
fn tiles_from_the_index_files_are_the_tiles_built_without_them() {
    let atlas = Arc::new(leeds());
    let built = AtlasTiles::from_atlas(&atlas, 16).expect("built");
    let read = AtlasTiles::open(atlas.clone(), 16).expect("opened");
    let ids: Vec<&str> = GEOGRAPHIES.iter().map(|g| g.id()).collect();
    let mut indexed = read.indexed();
    indexed.sort_unstable();
    let mut expected = ids.clone();
    expected.sort_unstable();
    assert_eq!(indexed, expected, "every geography has its file");

    let opts = TileOptions::default();
    let bounds = read.bounds();
    let mut compared = 0;
    for name in &ids {
        for z in 0..=13u8 {
            for (x, y) in tiles_covering(bounds, z) {
                assert_eq!(
                    read.render(name, z, x, y, &opts).expect("read"),
                    built.render(name, z, x, y, &opts).expect("built"),
                    "{name} {z}/{x}/{y}"
                );
                compared += 1;
            }
        }
        for z in 14..=16u8 {
            for (lon, lat) in PLACES {
                let (x, y) = tile_for_lonlat(lon, lat, z);
                let tile = read.render(name, z, x, y, &opts).expect("read");
                assert_eq!(tile, built.render(name, z, x, y, &opts).expect("built"));
                compared += 1;
            }
        }
        assert_eq!(
            read.tilejson(name, "/t/{z}/{x}/{y}").expect("read"),
            built.tilejson(name, "/t/{z}/{x}/{y}").expect("built"),
        );
    }
    assert!(compared > 1_000, "{compared} tiles compared");
    // The full detail is left out when no zoom beyond the precomputed ones is served.
    let (x, y) = tile_for_lonlat(PLACES[0].0, PLACES[0].1, 17);
    assert!(matches!(
        read.render("lsoa21", 17, x, y, &opts),
        Err(TileError::InvalidOptions(_))
    ));
    let deep = AtlasTiles::open(atlas, 18).expect("opened with the full detail");
    for z in 17..=18u8 {
        let (x, y) = tile_for_lonlat(PLACES[0].0, PLACES[0].1, z);
        let tile = deep.render("lsoa21", z, x, y, &opts).expect("deep");
        assert!(tile.as_ref().is_some_and(|t| !t.is_empty()));
        assert_eq!(tile, built.render("lsoa21", z, x, y, &opts).expect("built"));
    }
}

/// A scratch copy of the committed atlas's boundaries and index files.
fn scratch_geographies() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir(dir.path().join("geographies")).expect("mkdir");
    for g in GEOGRAPHIES {
        let fgb = Atlas::geography_path(&committed(), g);
        std::fs::copy(&fgb, Atlas::geography_path(dir.path(), g)).expect("copy fgb");
    }
    dir
}

/// Every geography's index file in `dir` equals the committed one, byte for byte.
fn assert_committed_files(dir: &Path) {
    for g in GEOGRAPHIES {
        let ours = std::fs::read(index_path(dir, g)).expect("written file");
        let committed = std::fs::read(index_path(&committed(), g)).expect("committed file");
        assert!(
            ours == committed,
            "{} differs from the committed file",
            g.id()
        );
    }
}

#[test]
fn a_build_writes_the_committed_index_files_byte_for_byte() {
    let atlas = leeds();
    let built = AtlasTiles::from_atlas(&atlas, 14).expect("built");
    let dir = scratch_geographies();
    let written = built.write_index_files(dir.path()).expect("written");
    assert_eq!(written.len(), GEOGRAPHIES.len());
    assert_committed_files(dir.path());
    // The ingest's path (geometry only, built afresh) writes the same bytes.
    let again = scratch_geographies();
    let mut moved = atlas;
    moved.dir = again.path().to_owned();
    equimap_tiles::atlas::write_tile_indexes(&moved).expect("written");
    let district = |d: &Path| std::fs::read(index_path(d, Geography::District)).expect("read");
    assert_eq!(district(again.path()), district(&committed()));
    let lsoa = |d: &Path| std::fs::read(index_path(d, Geography::Lsoa21)).expect("read");
    assert!(lsoa(again.path()) == lsoa(&committed()));
}

#[test]
fn geometry_built_beforehand_writes_the_same_files() {
    let mut atlas = leeds();
    let areas = |a: &Atlas, g: Geography| a.geographies[&g].areas.clone();
    let (lsoa, ward) = (
        areas(&atlas, Geography::Lsoa21),
        areas(&atlas, Geography::Ward),
    );
    // The other boundaries' areas (one LSOA short) must not be taken for the ward layer's, nor
    // a geometry built from areas the atlas does not hold: those layers are built afresh.
    let short = &lsoa[1..];
    let prebuilt: Vec<(&[equimap_atlas::Area], equimap_tiles::atlas::TileGeometry)> = vec![
        (
            &lsoa,
            equimap_tiles::atlas::TileGeometry::build(Geography::Lsoa21, &lsoa),
        ),
        (
            &ward,
            equimap_tiles::atlas::TileGeometry::build(Geography::Ward, &ward),
        ),
        (
            short,
            equimap_tiles::atlas::TileGeometry::build(Geography::Lsoa11, short),
        ),
    ];
    let dir = scratch_geographies();
    atlas.dir = dir.path().to_owned();
    let written = equimap_tiles::atlas::write_tile_indexes_with(&atlas, prebuilt).expect("written");
    assert_eq!(written.len(), GEOGRAPHIES.len());
    assert_committed_files(dir.path());
    // Geometry is taken when the areas it came with are the atlas's: here the ward layer's,
    // given as the LSOAs', which its features' ids then refuse.
    let mislabelled = vec![(
        lsoa.as_slice(),
        equimap_tiles::atlas::TileGeometry::build(Geography::Lsoa21, &ward),
    )];
    let err = equimap_tiles::atlas::write_tile_indexes_with(&atlas, mislabelled)
        .expect_err("ward geometry under LSOA areas");
    assert!(
        err.to_string().contains("properties for other features"),
        "{err}"
    );
}

/// The committed atlas copied whole into a temporary directory, loaded from there.
fn scratch_atlas() -> (tempfile::TempDir, Arc<Atlas>) {
    let dir = tempfile::tempdir().expect("temp dir");
    copy_dir(&committed(), dir.path());
    let atlas = Atlas::load(dir.path()).expect("copied atlas");
    (dir, Arc::new(atlas))
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy");
        }
    }
}

/// Opening must fail with an error naming `path`.
fn refused(atlas: &Arc<Atlas>, path: &Path, what: &str) -> String {
    match AtlasTiles::open(atlas.clone(), 16) {
        Err(TileError::IndexFile { path: p, message }) => {
            assert_eq!(Path::new(&p), path, "{what}: {message}");
            let shown = TileError::IndexFile {
                path: p,
                message: message.clone(),
            }
            .to_string();
            assert!(shown.contains("lsoa21.tileindex"), "{what}: {shown}");
            message
        }
        Err(e) => panic!("{what}: refused for another reason: {e}"),
        Ok(_) => panic!("{what}: accepted"),
    }
}

#[test]
fn damaged_truncated_and_stale_index_files_are_refused_with_their_name() {
    let (dir, atlas) = scratch_atlas();
    let path = index_path(dir.path(), Geography::Lsoa21);
    let good = std::fs::read(&path).expect("index file");
    assert!(AtlasTiles::open(atlas.clone(), 16).is_ok());

    // Truncated anywhere: in the header, at its end, in the body, by one byte.
    for cut in [0, 7, 30, 56, 57, good.len() / 2, good.len() - 1] {
        std::fs::write(&path, &good[..cut]).expect("write");
        let why = refused(&atlas, &path, &format!("cut at {cut}"));
        assert!(
            why.contains("truncated") || why.contains("magic"),
            "cut at {cut}: {why}"
        );
    }
    // One byte changed anywhere: magic, format, length, checksum, source hash, body.
    for at in [0, 9, 13, 21, 30, 60, good.len() / 3, good.len() - 1] {
        let mut bad = good.clone();
        bad[at] ^= 0x10;
        std::fs::write(&path, &bad).expect("write");
        let why = refused(&atlas, &path, &format!("byte {at} flipped"));
        assert!(!why.is_empty());
    }
    // Another geography's file in its place: built from another boundary file.
    let msoa = std::fs::read(index_path(dir.path(), Geography::Msoa21)).expect("msoa file");
    std::fs::write(&path, &msoa).expect("write");
    let why = refused(&atlas, &path, "the MSOA file");
    assert!(why.contains("stale") && why.contains("SHA-256"), "{why}");
    // Not an index file at all.
    std::fs::write(
        &path,
        b"{\"type\": \"FeatureCollection\", \"features\": []}\n",
    )
    .expect("write");
    let why = refused(&atlas, &path, "JSON");
    assert!(why.contains("magic"), "{why}");

    // A missing file is no error: that set is built from the boundaries, with the same tiles.
    std::fs::remove_file(&path).expect("remove");
    let tiles = AtlasTiles::open(atlas.clone(), 16).expect("opens without the file");
    assert!(!tiles.indexed().contains(&"lsoa21"));
    assert!(tiles.indexed().contains(&"msoa21"));
    std::fs::write(&path, &good).expect("restore");
    let read = AtlasTiles::open(atlas, 16).expect("restored");
    let opts = TileOptions::default();
    let (x, y) = tile_for_lonlat(PLACES[0].0, PLACES[0].1, 12);
    assert_eq!(
        tiles.render("lsoa21", 12, x, y, &opts).expect("built"),
        read.render("lsoa21", 12, x, y, &opts).expect("read")
    );
}

#[test]
fn a_changed_boundary_file_makes_its_index_file_stale() {
    let (dir, atlas) = scratch_atlas();
    // The district's boundary file rewritten by another ingest would have another hash; a
    // byte appended to it stands for that (the atlas in memory is unchanged).
    let fgb = Atlas::geography_path(dir.path(), Geography::District);
    let mut bytes = std::fs::read(&fgb).expect("fgb");
    bytes.push(0);
    std::fs::write(&fgb, bytes).expect("write");
    match AtlasTiles::open(atlas, 16) {
        Err(TileError::IndexFile { path, message }) => {
            assert!(path.ends_with("district.tileindex"), "{path}");
            assert!(message.contains("stale"), "{message}");
        }
        Err(e) => panic!("refused for another reason: {e}"),
        Ok(_) => panic!("a stale file was accepted"),
    }
}

/// Bodies changed with their checksum made good again (as a forger would): the decoder's own
/// checks must refuse or decode, never panic or allocate without bound.
#[test]
fn forged_bodies_are_refused_or_decoded_never_a_panic() {
    let (dir, atlas) = scratch_atlas();
    let path = index_path(dir.path(), Geography::District);
    let good = std::fs::read(&path).expect("index file");
    let opts = TileOptions::default();
    let (x, y) = tile_for_lonlat(PLACES[0].0, PLACES[0].1, 8);
    let step = (good.len() / 150).max(1);
    let mut refused_count = 0;
    for at in (56..good.len()).step_by(step) {
        for flip in [0x01u8, 0x80, 0xff] {
            let mut bad = good.clone();
            bad[at] ^= flip;
            let mut crc = crc32fast::Hasher::new();
            crc.update(&bad[24..]);
            bad[20..24].copy_from_slice(&crc.finalize().to_le_bytes());
            std::fs::write(&path, &bad).expect("write");
            // The checksum is good, so opening accepts it; the first use decodes it.
            let tiles = AtlasTiles::open(atlas.clone(), 16).expect("checksum is good");
            match tiles.render("district", 8, x, y, &opts) {
                Err(TileError::IndexFile { path, .. }) => {
                    assert!(path.ends_with("district.tileindex"));
                    refused_count += 1;
                }
                Err(e) => panic!("byte {at}: refused for another reason: {e}"),
                Ok(_) => {}
            }
        }
    }
    assert!(refused_count > 0, "no forged body was refused");
}
