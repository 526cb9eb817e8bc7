//! Tile generation speed: every tile z8–z14 over the data's extent.
//!
//! Uses the 15-LSOA fixture by default; set `EQUIMAP_TILES_BENCH_GEOJSON` to
//! a polygon GeoJSON file (e.g. all 482 Leeds LSOAs) to bench real volume.
//! Criterion reports time per tile (throughput in tiles/s).
//!
//! Set `EQUIMAP_ATLAS` to an atlas directory (e.g. one made by `equimap ingest --lad all`) to
//! also bench its LSOA 2021 layer, built as the server builds it, zoom by zoom over the tiles of
//! `bench/urls-england-lsoa21.txt` (z6–z14 around 400 random English LSOAs). For the tail per
//! tile (p99, max) and sizes, run the `tile_profile` example.

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use equimap_tiles::projection::tiles_covering;
use equimap_tiles::{Feature, IndexOptions, LayerIndex, PropValue, TileOptions};

fn load() -> Vec<Feature> {
    let path = std::env::var_os("EQUIMAP_TILES_BENCH_GEOJSON").map_or_else(
        || {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../../tests/fixtures/tiles/lsoa11_leeds_city_centre.geojson")
        },
        PathBuf::from,
    );
    let text = std::fs::read_to_string(&path).expect("read GeoJSON");
    let fc: geojson::FeatureCollection = text.parse().expect("parse GeoJSON");
    fc.features
        .into_iter()
        .enumerate()
        .map(|(i, f)| Feature {
            id: i as u64,
            geometry: geo::Geometry::try_from(&f.geometry.expect("geometry").value)
                .expect("geometry"),
            properties: f
                .properties
                .unwrap_or_default()
                .into_iter()
                .filter_map(|(k, v)| Some((k, PropValue::String(v.as_str()?.to_owned()))))
                .collect(),
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let features = load();
    c.bench_function("build_index", |b| {
        b.iter(|| {
            LayerIndex::new(
                "lsoa",
                black_box(features.clone()),
                &IndexOptions::default(),
            )
        });
    });

    let index = LayerIndex::new("lsoa", features, &IndexOptions::default()).expect("index");
    let bounds = index.bounds_lonlat().expect("bounds");
    let opts = TileOptions::default();
    let mut all = Vec::new();
    let mut group = c.benchmark_group("tiles");
    for z in 8..=14u8 {
        let tiles: Vec<(u32, u32)> = tiles_covering(bounds, z).collect();
        all.extend(tiles.iter().map(|&(x, y)| (z, x, y)));
        group.throughput(Throughput::Elements(tiles.len() as u64));
        group.bench_function(format!("z{z}_{}_tiles", tiles.len()), |b| {
            b.iter(|| {
                for &(x, y) in &tiles {
                    black_box(index.tile(z, x, y, &opts).expect("tile"));
                }
            });
        });
    }
    group.throughput(Throughput::Elements(all.len() as u64));
    group.bench_function(format!("z8_z14_{}_tiles", all.len()), |b| {
        b.iter(|| {
            for &(z, x, y) in &all {
                black_box(index.tile(z, x, y, &opts).expect("tile"));
            }
        });
    });
    group.finish();
}

/// The atlas's LSOA 2021 layer, zoom by zoom over a URL list.
fn bench_atlas(c: &mut Criterion) {
    let Some(dir) = std::env::var_os("EQUIMAP_ATLAS") else {
        return;
    };
    let atlas = equimap_atlas::Atlas::load(std::path::Path::new(&dir)).expect("atlas");
    let layer = equimap_tiles::atlas::geography_layer(&atlas, equimap_atlas::Geography::Lsoa21)
        .expect("layer");
    let urls = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../bench/urls-england-lsoa21.txt"),
    )
    .expect("URL list");
    let mut by_zoom: std::collections::BTreeMap<u8, Vec<(u32, u32)>> =
        std::collections::BTreeMap::new();
    for line in urls.lines() {
        let parts: Vec<&str> = line.trim_end_matches(".mvt").split('/').collect();
        if let [.., z, x, y] = parts[..] {
            let z: u8 = z.parse().expect("z");
            if z >= layer.min_zoom {
                by_zoom
                    .entry(z)
                    .or_default()
                    .push((x.parse().expect("x"), y.parse().expect("y")));
            }
        }
    }
    let opts = TileOptions::default();
    let mut group = c.benchmark_group("atlas_lsoa21");
    group.sample_size(20);
    for (z, tiles) in by_zoom {
        group.throughput(Throughput::Elements(tiles.len() as u64));
        group.bench_function(format!("z{z}_{}_tiles", tiles.len()), |b| {
            b.iter(|| {
                for &(x, y) in &tiles {
                    black_box(layer.index.tile(z, x, y, &opts).expect("tile"));
                }
            });
        });
    }
    group.finish();
}

criterion_group!(benches, bench, bench_atlas);
criterion_main!(benches);
