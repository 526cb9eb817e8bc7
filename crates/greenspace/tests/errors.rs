//! Bad input fails with the file, the feature and the problem named, and never panics.

mod common;

use std::path::Path;

use equimap_greenspace::{GreenspaceError, OS_ACCESS_FILE, OS_SITES_FILE};

/// A copy of the fixtures in a temporary directory, to break one file at a time.
fn copy_fixtures() -> tempfile::TempDir {
    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).expect("mkdir");
        for entry in std::fs::read_dir(from).expect("read_dir") {
            let entry = entry.expect("entry");
            let target = to.join(entry.file_name());
            if entry.file_type().expect("type").is_dir() {
                copy(&entry.path(), &target);
            } else {
                std::fs::copy(entry.path(), &target).expect("copy");
            }
        }
    }
    let dir = tempfile::tempdir().expect("tempdir");
    copy(&common::fixtures(), dir.path());
    dir
}

/// Replaces the first occurrence of `from` in a fixture copy.
fn edit(dir: &Path, rel: &str, from: &str, to: &str) {
    let path = dir.join(rel);
    let text = std::fs::read_to_string(&path).expect("read");
    assert!(text.contains(from), "{from} not in {rel}");
    std::fs::write(&path, text.replacen(from, to, 1)).expect("write");
}

#[test]
fn a_missing_file_is_named() {
    let dir = copy_fixtures();
    std::fs::remove_file(dir.path().join(OS_SITES_FILE)).expect("rm");
    let err = common::run(dir.path()).expect_err("fails");
    assert!(
        matches!(err, GreenspaceError::MissingFile { .. }),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .contains("os_greenspace_sites_leeds.geojson"),
        "{err}"
    );
}

#[test]
fn bad_json_names_the_file_and_the_feature() {
    let dir = copy_fixtures();
    let wood = "greenspace_osm_leeds/leeds-natural-wood.geojson";
    std::fs::write(dir.path().join(wood), "{ \"type\": \"FeatureCollection\", ").expect("write");
    let err = common::run(dir.path()).expect_err("fails");
    assert!(matches!(err, GreenspaceError::Json { .. }), "{err:?}");
    assert!(
        err.to_string().contains("leeds-natural-wood.geojson"),
        "{err}"
    );

    let dir = copy_fixtures();
    // Coordinates that are not numbers, in the first access point.
    edit(
        dir.path(),
        OS_ACCESS_FILE,
        "\"coordinates\":[",
        "\"coordinates\":[\"x\",",
    );
    let err = common::run(dir.path()).expect_err("fails");
    let msg = err.to_string();
    assert!(
        msg.contains("os_greenspace_access_points_leeds.geojson"),
        "{msg}"
    );
    assert!(msg.contains("feature 0"), "{msg}");
}

#[test]
fn a_missing_property_is_named_with_the_feature() {
    let dir = copy_fixtures();
    edit(dir.path(), OS_SITES_FILE, "\"function\":", "\"fonction\":");
    let err = common::run(dir.path()).expect_err("fails");
    assert!(
        matches!(err, GreenspaceError::MissingProperty { .. }),
        "{err:?}"
    );
    let msg = err.to_string();
    assert!(msg.contains("os_greenspace_sites_leeds.geojson"), "{msg}");
    assert!(msg.contains("feature 0 (id "), "{msg}");
    assert!(msg.contains("\"function\""), "{msg}");
}

#[test]
fn a_broken_geometry_is_named_with_the_feature() {
    let dir = copy_fixtures();
    // An OS site given as a point.
    edit(
        dir.path(),
        OS_SITES_FILE,
        "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[",
        "\"geometry\":{\"type\":\"Point\",\"coordinates\":[-1.6,53.8]},\"x\":{\"c\":[[[",
    );
    let err = common::run(dir.path()).expect_err("fails");
    assert!(
        matches!(err, GreenspaceError::BrokenGeometry { .. }),
        "{err:?}"
    );
    let msg = err.to_string();
    assert!(msg.contains("feature 0 (id "), "{msg}");
    assert!(msg.contains("found Point"), "{msg}");

    let dir = copy_fixtures();
    // A site in the middle of the Atlantic: outside the OSTN15 grid.
    edit(
        dir.path(),
        OS_SITES_FILE,
        "\"coordinates\":[[[-1.",
        "\"coordinates\":[[[-31.",
    );
    let err = common::run(dir.path()).expect_err("fails");
    assert!(
        matches!(err, GreenspaceError::BrokenGeometry { .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("OSTN15"), "{err}");
}

#[test]
fn a_bad_csv_value_is_named_with_its_row() {
    let dir = copy_fixtures();
    let rel = "greenspace_ons_gardens_msoa/ons_private_outdoor_space_msoa_leeds_apr2020.csv";
    edit(dir.path(), rel, ",0.886,", ",n/a,");
    let err = common::run(dir.path()).expect_err("fails");
    let msg = err.to_string();
    assert!(
        msg.contains("ons_private_outdoor_space_msoa_leeds_apr2020.csv"),
        "{msg}"
    );
    assert!(msg.contains("row 2"), "{msg}");
    assert!(msg.contains("\"n/a\" is not a number"), "{msg}");
}
