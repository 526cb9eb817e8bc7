#![allow(dead_code)] // each test binary uses a different subset of these helpers
//! Shared helpers for the ingest tests: the committed excerpt of the real sources.

use std::path::{Path, PathBuf};

use equimap_ingest::{IngestOptions, Summary};

/// `tests/fixtures/sources`: a small excerpt of `../shared/data`, cut by
/// `tests/fixtures/make_fixtures.py` (three whole Leeds MSOAs).
pub fn fixture_sources() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/sources")
}

/// Copy the fixture sources into a temporary directory, so a test can break one file.
pub fn copy_fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_dir(&fixture_sources(), dir.path());
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read_dir") {
        let e = e.expect("entry");
        let target = to.join(e.file_name());
        if e.file_type().expect("type").is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).expect("copy");
        }
    }
}

/// Ingest `sources` into `out` as the district Leeds, without the full-district count check.
pub fn ingest(sources: &Path, out: &Path) -> equimap_ingest::Result<Summary> {
    equimap_ingest::run(&IngestOptions {
        sources: sources.to_owned(),
        lad: "E08000035".to_owned(),
        out: out.to_owned(),
        progress: false,
        check_known_counts: false,
    })
}
