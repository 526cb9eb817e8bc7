//! Per-tile generation time and size, per zoom, for one geography of an atlas.
//!
//! `cargo run --release -p equimap-tiles --example tile_profile -- <atlas dir> <geography> <url list>`
//!
//! The URL list holds `/tiles/{layer}/{z}/{x}/{y}.mvt` lines (see `bench/tile_urls.py`); or give
//! `zooms=6-10` for every tile over the layer's extent at those zooms. Prints,
//! for each zoom, the median, p99 and maximum generation time (encode only, and encode + gzip
//! level 1 as the server does) and the median and maximum gzip size. Criterion measures means;
//! this reports the tail, which is what the p99 target is about.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::time::Instant;

use equimap_atlas::{Atlas, Geography};
use equimap_tiles::TileOptions;
use equimap_tiles::atlas::geography_layer;
use equimap_tiles::projection::tiles_covering;

/// Per zoom: encode ms, encode + gzip ms, gzip KiB.
type Samples = (Vec<f64>, Vec<f64>, Vec<f64>);

fn pct(v: &mut [f64], p: f64) -> f64 {
    v.sort_by(f64::total_cmp);
    v[((v.len() as f64 - 1.0) * p).round() as usize]
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let [_, dir, geo, urls] = &args[..] else {
        return Err("usage: tile_profile <atlas dir> <geography> <url list>".into());
    };
    let t = Instant::now();
    let atlas = Atlas::load(Path::new(dir))?;
    let g: Geography = geo.parse()?;
    eprintln!("atlas loaded in {:.1} s", t.elapsed().as_secs_f64());
    let t = Instant::now();
    let layer = geography_layer(&atlas, g)?;
    let index = layer.index;
    eprintln!(
        "{geo}: {} features, layer built in {:.1} s",
        index.len(),
        t.elapsed().as_secs_f64()
    );
    let opts = TileOptions::default();
    let mut by_zoom: BTreeMap<u8, Samples> = BTreeMap::new();
    let mut all = Vec::new();
    // Either a URL list, or `zooms=A-B` for every tile over the layer's extent.
    let tiles: Vec<(u8, u32, u32)> = if let Some(r) = urls.strip_prefix("zooms=") {
        let (a, b) = r.split_once('-').ok_or("zooms=A-B")?;
        let bounds = index.bounds_lonlat().ok_or("empty layer")?;
        (a.parse::<u8>()?..=b.parse::<u8>()?)
            .flat_map(|z| tiles_covering(bounds, z).map(move |(x, y)| (z, x, y)))
            .collect()
    } else {
        let mut v = Vec::new();
        for line in std::fs::read_to_string(urls)?.lines() {
            let parts: Vec<&str> = line.trim_end_matches(".mvt").split('/').collect();
            let [.., z, x, y] = parts[..] else { continue };
            v.push((z.parse()?, x.parse()?, y.parse()?));
        }
        v
    };
    eprintln!(
        "min zoom {}, detail zoom {}, dense below {}",
        layer.min_zoom,
        layer.detail_zoom,
        index.dense_below()
    );
    for (z, x, y) in tiles {
        if z < layer.min_zoom {
            continue; // served empty
        }
        let t = Instant::now();
        let raw = index.tile(z, x, y, &opts)?;
        let enc = t.elapsed().as_secs_f64() * 1e3;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(1));
        gz.write_all(&raw)?;
        let gz = gz.finish()?;
        let total = t.elapsed().as_secs_f64() * 1e3;
        let e = by_zoom.entry(z).or_default();
        e.0.push(enc);
        e.1.push(total);
        e.2.push(gz.len() as f64 / 1024.0);
        all.push(total);
    }
    println!(
        "| z | tiles | encode p50 | encode p99 | +gzip p50 | +gzip p99 | +gzip max | gzip KB p50 | gzip KB max |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    for (z, (mut enc, mut tot, mut kb)) in by_zoom {
        println!(
            "| {z} | {} | {:.2} ms | {:.2} ms | {:.2} ms | {:.2} ms | {:.2} ms | {:.1} | {:.1} |",
            enc.len(),
            pct(&mut enc, 0.5),
            pct(&mut enc, 0.99),
            pct(&mut tot, 0.5),
            pct(&mut tot, 0.99),
            pct(&mut tot, 1.0),
            pct(&mut kb, 0.5),
            pct(&mut kb, 1.0),
        );
    }
    println!(
        "| all | {} | | | {:.2} ms | {:.2} ms | {:.2} ms | | |",
        all.len(),
        pct(&mut all, 0.5),
        pct(&mut all, 0.99),
        pct(&mut all, 1.0)
    );
    Ok(())
}
