//! Shared set-up: the committed atlas, its LSOA21 populations, and the fixture excerpts.
// Each test binary uses part of this module.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use equimap_atlas::{Atlas, Geography};
use equimap_greenspace::{GreenspaceError, GreenspaceInputs, GreenspaceOutput, compute};

/// The district of the atlas and the fixtures.
pub const DISTRICT: (&str, &str) = ("E08000035", "Leeds");

/// The excerpts cut from the sources (tests/fixtures/greenspace/README.md).
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/greenspace")
}

/// The committed atlas and its mid-2022 LSOA21 populations, loaded once per test binary.
pub fn atlas() -> &'static (Atlas, BTreeMap<String, f64>) {
    static ATLAS: OnceLock<(Atlas, BTreeMap<String, f64>)> = OnceLock::new();
    ATLAS.get_or_init(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../boundaries");
        let atlas = Atlas::load(&dir).expect("the committed atlas loads");
        let table = &atlas.tables[&Geography::Lsoa21];
        let population = table
            .codes
            .iter()
            .filter_map(|c| Some((c.clone(), table.get(c, "population")?)))
            .collect();
        (atlas, population)
    })
}

/// Runs the computation over a sources directory.
pub fn run(sources: &Path) -> Result<GreenspaceOutput, GreenspaceError> {
    let (atlas, population) = atlas();
    compute(&GreenspaceInputs {
        sources,
        areas: &atlas.geographies,
        lsoa21_population: population,
        district: DISTRICT,
    })
}

/// The computation over the fixtures, once per test binary.
pub fn output() -> &'static GreenspaceOutput {
    static OUT: OnceLock<GreenspaceOutput> = OnceLock::new();
    OUT.get_or_init(|| run(&fixtures()).expect("the fixtures compute"))
}
