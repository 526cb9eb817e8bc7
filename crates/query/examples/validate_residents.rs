//! The validation table of docs/residents.md: the old (areal) and new (dasymetric) resident
//! estimates against known truth, from the full sources.
//!
//! `cargo run --release -p equimap-query --example validate_residents -- ../shared/data boundaries`

use std::path::PathBuf;

use equimap_atlas::Atlas;
use equimap_query::Query;
use equimap_query::site::validate::{measure, truth_classes};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let sources = PathBuf::from(args.next().unwrap_or_else(|| "../shared/data".to_owned()));
    let atlas = PathBuf::from(args.next().unwrap_or_else(|| "boundaries".to_owned()));
    let q = Query::new(Atlas::load(&atlas)?)?;
    if !q.has_resident_points() {
        return Err(format!("{} has no resident points", atlas.display()).into());
    }
    println!(
        "| class | sites | areal (old): median error (relative) | areal: worst | dasymetric (new): median error (relative) | dasymetric: worst |"
    );
    println!("|---|---:|---:|---:|---:|---:|");
    let mut worst = Vec::new();
    for (class, sites) in truth_classes(&q, &sources)? {
        let r = measure(&q, &class, &sites);
        println!("{}", r.row());
        worst.push(format!(
            "{}: {} ({:+.0})",
            r.class, r.worst_site.0, r.worst_site.1
        ));
    }
    println!();
    for w in worst {
        println!("- worst new-method error, {w}");
    }
    Ok(())
}
