//! Runs the green-space computation over the full Leeds sources and the committed atlas, and
//! prints the report, the district figures and the elapsed time (for BENCHMARKS.md).
//!
//! ```text
//! cargo run --release -p equimap-greenspace --example leeds [-- SOURCES_DIR ATLAS_DIR]
//! ```
//! Defaults: `../shared/data` and `boundaries` relative to the workspace root.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use equimap_atlas::{Atlas, Geography};
use equimap_greenspace::{GreenspaceInputs, compute};

fn main() -> ExitCode {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut args = std::env::args().skip(1);
    let sources = args
        .next()
        .map_or_else(|| root.join("../shared/data"), PathBuf::from);
    let atlas_dir = args
        .next()
        .map_or_else(|| root.join("boundaries"), PathBuf::from);

    let atlas = match Atlas::load(&atlas_dir) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("cannot load the atlas: {e}");
            return ExitCode::FAILURE;
        }
    };
    let Some(table) = atlas.tables.get(&Geography::Lsoa21) else {
        eprintln!("the atlas has no lsoa21 table");
        return ExitCode::FAILURE;
    };
    let population: BTreeMap<String, f64> = table
        .codes
        .iter()
        .filter_map(|c| Some((c.clone(), table.get(c, "population")?)))
        .collect();
    let district = atlas
        .areas(Geography::District)
        .and_then(|s| s.areas.first())
        .map(|a| (a.code.clone(), a.name.clone()))
        .unwrap_or_default();

    let start = Instant::now();
    let out = match compute(&GreenspaceInputs {
        sources: &sources,
        areas: &atlas.geographies,
        lsoa21_population: &population,
        district: (&district.0, &district.1),
    }) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let elapsed = start.elapsed();

    for line in &out.report {
        println!("{line}");
    }
    println!();
    for r in &out.references {
        let v = r
            .value
            .map_or_else(|| "—".to_owned(), |v| format!("{v:.4}"));
        println!("{:32} {:10} {v}", r.indicator, r.scope_name);
    }
    println!();
    println!(
        "{} sites ({} counted), {} access points, {} OAs, {} files read",
        out.sites.len(),
        out.sites
            .iter()
            .filter(|s| s.category.counts_toward_standards())
            .count(),
        out.access_points.len(),
        out.output_areas.len(),
        out.source_files.len()
    );
    println!("compute: {:.3} s", elapsed.as_secs_f64());
    ExitCode::SUCCESS
}
