//! `equimap inspect`: a newcomer's view of an atlas, with what each layer weighs on disk and
//! in memory.

use std::fmt::Write;
use std::path::Path;
use std::time::Instant;

use equimap_atlas::Atlas;

/// A plain-text report: geographies with counts, then every indicator with its coverage at each
/// geography, period and source, then the reference layers.
pub fn report(atlas: &Atlas) -> String {
    let m = &atlas.manifest;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Atlas {} — {} ({}), version {}",
        atlas.dir.display(),
        m.district_name,
        m.district,
        m.version
    );
    let _ = writeln!(out, "\nGeographies");
    for (g, rec) in &m.geographies {
        let _ = writeln!(
            out,
            "  {:<9} {:>6} areas   {}",
            g.id(),
            atlas.areas(*g).map_or(0, equimap_atlas::AreaSet::len),
            rec.source
        );
    }
    let _ = writeln!(out, "\nIndicators (present/missing per geography)");
    for d in &atlas.catalogue.indicators {
        let _ = writeln!(
            out,
            "  {} — {} [{}]{}",
            d.id,
            d.label,
            d.unit,
            if d.local { " LOCAL" } else { "" }
        );
        for l in &d.levels {
            let cov = atlas.coverage(l.geography, &d.id);
            let (p, miss) = cov.map_or((0, 0), |c| (c.present, c.missing));
            let _ = writeln!(
                out,
                "      {:<9} {p:>5}/{miss:<4} {}{}",
                l.geography.id(),
                l.period,
                if l.estimate { " (estimate)" } else { "" }
            );
        }
        let _ = writeln!(out, "      source: {}", d.source);
    }
    let _ = writeln!(out, "\nReference layers");
    for (id, rec) in &m.reference_layers {
        let _ = writeln!(
            out,
            "  {id:<18} {:>6}  {} ({}; {})",
            rec.count, rec.file, rec.vintage, rec.licence
        );
    }
    sizes(atlas, &mut out);
    let _ = writeln!(out, "\nAttribution");
    for a in &m.attribution {
        let _ = writeln!(out, "  {a}");
    }
    out
}

/// Megabytes, one decimal.
fn mb(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1e6)
}

fn file_len(path: &Path) -> u64 {
    std::fs::metadata(path).map_or(0, |m| m.len())
}

/// Each geography's boundary file and indicator table, on disk and loaded; each reference
/// layer's file.
fn sizes(atlas: &Atlas, out: &mut String) {
    let _ = writeln!(
        out,
        "\nLayer sizes (on disk; in memory as loaded: boundaries, indicator table)"
    );
    for (g, set) in &atlas.geographies {
        let fgb = file_len(&Atlas::geography_path(&atlas.dir, *g));
        let csv = file_len(&Atlas::table_path(&atlas.dir, *g));
        let table = atlas
            .tables
            .get(g)
            .map_or(0, equimap_atlas::IndicatorTable::heap_bytes);
        let _ = writeln!(
            out,
            "  {:<18} {:>9} + {:>9} on disk   {:>9} + {:>9} in memory",
            g.id(),
            mb(fgb),
            mb(csv),
            mb(set.heap_bytes() as u64),
            mb(table as u64)
        );
    }
    for (id, rec) in &atlas.manifest.reference_layers {
        let _ = writeln!(
            out,
            "  {id:<18} {:>9} on disk",
            mb(file_len(&atlas.dir.join(&rec.file)))
        );
    }
}

/// Each tile set built in turn (as `serve` builds one on its first request), with the time it
/// took and the memory it holds.
pub fn tile_sizes(atlas: std::sync::Arc<Atlas>, max_zoom: u8) -> anyhow::Result<String> {
    let started = Instant::now();
    let tiles = equimap_tiles::atlas::AtlasTiles::open(atlas, max_zoom)?;
    let mut out = format!(
        "\nTile sets (made one at a time, as serve makes each on first use; tile index files of {} checked in {:.2} s, read instead of building)\n",
        tiles.indexed().join(", "),
        started.elapsed().as_secs_f64()
    );
    let names: Vec<String> = tiles.names().map(str::to_owned).collect();
    let mut total = 0;
    for name in &names {
        let started = Instant::now();
        tiles.prepare(name)?;
        let took = started.elapsed().as_secs_f64();
        let bytes = tiles
            .built()
            .into_iter()
            .find(|(n, _)| n == name)
            .map_or(0, |(_, b)| b);
        total += bytes;
        let parts = tiles.breakdown(name).map_or_else(String::new, |parts| {
            let each: Vec<String> = parts
                .iter()
                .map(|(part, b)| format!("{part} {}", mb(*b as u64)))
                .collect();
            format!(" ({})", each.join(", "))
        });
        let _ = writeln!(
            out,
            "  {name:<18} built in {took:>6.2} s {:>10} in memory{parts}",
            mb(bytes as u64)
        );
    }
    let _ = writeln!(out, "  {:<18} {:>20} in memory", "all", mb(total as u64));
    Ok(out)
}
