//! Inputs the fuzzers found (fuzz/regressions/site_geojson/): British National Grid
//! coordinates billions of metres out, which made `lonlat_bng` overflow. Each must give a clear
//! error, never a panic.

use std::path::PathBuf;

#[test]
fn saved_site_inputs_do_not_panic() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/regressions/site_geojson");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).expect("regressions directory") {
        let path = entry.expect("entry").path();
        let bytes = std::fs::read(&path).expect("input");
        let result = std::panic::catch_unwind(|| equimap_query::site::parse_site(&bytes, None));
        let Ok(parsed) = result else {
            panic!("{} panicked", path.display());
        };
        let err = parsed.expect_err("far outside the grid");
        assert!(
            err.to_string().contains("outside"),
            "{}: {err}",
            path.display()
        );
        n += 1;
    }
    assert!(n >= 5, "expected the saved inputs, found {n}");
}
