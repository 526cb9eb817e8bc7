//! `equimap tiles build`: every layer, every zoom, one PMTiles archive.

use std::fmt::Write;
use std::path::Path;
use std::time::Instant;

use anyhow::Context;
use equimap_pmtiles::{PmTilesWriter, WriterOptions};
use equimap_tiles::TileOptions;
use equimap_tiles::atlas::AtlasTiles;
use equimap_tiles::projection::tiles_covering;

/// Build the archive and return a summary with per-zoom tile sizes.
pub fn run(atlas_dir: &Path, out: &Path, min_zoom: u8, max_zoom: u8) -> anyhow::Result<String> {
    anyhow::ensure!(
        min_zoom <= max_zoom,
        "--min-zoom {min_zoom} is above --max-zoom {max_zoom}"
    );
    let started = Instant::now();
    let atlas = equimap_atlas::Atlas::load(atlas_dir)?;
    let tiles = AtlasTiles::from_atlas(&atlas, max_zoom)?;
    let built = started.elapsed();
    // The geography sets are built: their tile index files cost only the writing.
    let indexes = tiles.write_index_files(atlas_dir)?;
    let b = tiles.bounds();
    let name = out.file_stem().map_or_else(
        || "equimap".to_owned(),
        |s| s.to_string_lossy().into_owned(),
    );
    let mut writer = PmTilesWriter::new(WriterOptions {
        min_zoom,
        max_zoom,
        bounds: b,
        center: (f64::midpoint(b[0], b[2]), f64::midpoint(b[1], b[3]), 10),
        metadata: tiles.archive_metadata(&name)?,
        ..WriterOptions::default()
    });
    let opts = TileOptions::default();
    let mut report = String::new();
    let mut largest = 0usize;
    for z in min_zoom..=max_zoom {
        let mut sizes = Vec::new();
        for (x, y) in tiles_covering(b, z) {
            let raw = tiles.render_all(z, x, y, &opts)?;
            if raw.is_empty() {
                continue;
            }
            let gz = equimap_server::tiles::gzip(&raw, 6)?;
            sizes.push(gz.len());
            writer.add_tile(z, x, y, &gz)?;
        }
        sizes.sort_unstable();
        let median = sizes.get(sizes.len() / 2).copied().unwrap_or(0);
        let max = sizes.last().copied().unwrap_or(0);
        largest = largest.max(max);
        let _ = writeln!(
            report,
            "  z{z:<2} {:>6} tiles  median {:>7} B  max {:>8} B (gzip)",
            sizes.len(),
            median,
            max
        );
    }
    if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("creating {}", parent.display()))?;
    }
    // Write beside the target and rename, so a failed build leaves any old archive whole.
    let tmp = out.with_extension("pmtiles.tmp");
    let file =
        std::fs::File::create(&tmp).with_context(|| format!("creating {}", tmp.display()))?;
    let stats = writer.finish(file)?;
    std::fs::rename(&tmp, out).with_context(|| format!("writing {}", out.display()))?;
    Ok(format!(
        "{}: {} tiles ({} unique), {} bytes, z{min_zoom}–z{max_zoom}; layers built in {:.2} s, total {:.2} s; largest tile {largest} B; {} tile index files written into {}\n{report}",
        out.display(),
        stats.tiles,
        stats.unique_tiles,
        stats.bytes,
        built.as_secs_f64(),
        started.elapsed().as_secs_f64(),
        indexes.len(),
        atlas_dir.display()
    ))
}
