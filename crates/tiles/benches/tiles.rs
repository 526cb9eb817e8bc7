//! Tile generation speed: every tile z8–z14 over the data's extent.
//!
//! Uses the 15-LSOA fixture by default; set `EQUIMAP_TILES_BENCH_GEOJSON` to
//! a polygon GeoJSON file (e.g. all 482 Leeds LSOAs) to bench real volume.
//! Criterion reports time per tile (throughput in tiles/s).

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

criterion_group!(benches, bench);
criterion_main!(benches);
