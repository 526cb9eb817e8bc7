//! Cached tile hits: our least-recently-used cache ([`equimap_server::tile_cache::TileCache`])
//! against `moka::sync::Cache` with the same byte weigher, the choice issue 13 asked to measure.
//!
//! The keys are the 659 tiles of `bench/urls-lsoa11.txt` (every `lsoa11` tile z8–z14 over
//! Leeds, the wrk run of BENCHMARKS.md), all held, asked for in turn as wrk asks for them: on one
//! thread, and on two at once (the server's two runtime workers on the project machine). Bodies
//! are 2 KB of zeros: a hit copies no body, only reference counts, so their content and size do
//! not matter here.

use std::hint::black_box;
use std::sync::Barrier;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::http::HeaderValue;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use equimap_server::tile_cache::{Key, TileCache, weight};
use equimap_server::tiles::Tile;

fn keys() -> Vec<Key> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../bench/urls-lsoa11.txt");
    std::fs::read_to_string(path)
        .expect("bench/urls-lsoa11.txt")
        .lines()
        .map(|l| {
            let p: Vec<&str> = l.trim_end_matches(".mvt").rsplit('/').take(3).collect();
            let n = |s: &str| s.parse::<u32>().expect("a tile number");
            (0, u8::try_from(n(p[2])).expect("zoom"), n(p[1]), n(p[0]))
        })
        .collect()
}

fn tile(i: usize) -> Tile {
    Tile {
        gz: Bytes::from(vec![0u8; 2048]),
        etag: HeaderValue::from_str(&format!("\"{i:016x}-2048\"")).expect("tag"),
    }
}

const CAPACITY: usize = 64 << 20;

fn moka_cache(keys: &[Key]) -> moka::sync::Cache<Key, Tile> {
    let c = moka::sync::Cache::builder()
        .max_capacity(CAPACITY as u64)
        .weigher(|_: &Key, t: &Tile| u32::try_from(weight(t)).unwrap_or(u32::MAX))
        .build();
    for (i, k) in keys.iter().enumerate() {
        c.insert(*k, tile(i));
    }
    c.run_pending_tasks();
    c
}

fn ours(keys: &[Key]) -> TileCache {
    let c = TileCache::new(CAPACITY);
    for (i, k) in keys.iter().enumerate() {
        c.insert(*k, tile(i));
    }
    c
}

/// Time `iters` passes over the keys on `threads` threads at once (wall clock, all threads
/// started together), divided so that criterion reports per pass.
fn passes(
    iters: u64,
    threads: usize,
    keys: &[Key],
    get: &(dyn Fn(&Key) -> bool + Sync),
) -> Duration {
    let start = Barrier::new(threads + 1);
    std::thread::scope(|s| {
        for t in 0..threads {
            let start = &start;
            s.spawn(move || {
                start.wait();
                for i in 0..iters {
                    // Each thread starts at a different place, as wrk's connections do.
                    let off = (t * keys.len() / threads + i as usize) % keys.len();
                    for k in keys[off..].iter().chain(&keys[..off]) {
                        assert!(get(black_box(k)));
                    }
                }
            });
        }
        start.wait();
        let t0 = Instant::now();
        // The scope joins every thread before it returns.
        t0
    })
    .elapsed()
}

fn bench(c: &mut Criterion) {
    let keys = keys();
    let moka = moka_cache(&keys);
    let ours = ours(&keys);
    for threads in [1, 2] {
        let mut g = c.benchmark_group(format!("tile_cache_hits_{threads}_thread"));
        g.throughput(Throughput::Elements((keys.len() * threads) as u64));
        g.bench_function("ours (lru under a mutex)", |b| {
            b.iter_custom(|iters| passes(iters, threads, &keys, &|k| ours.get(k).is_some()));
        });
        g.bench_function("moka", |b| {
            b.iter_custom(|iters| passes(iters, threads, &keys, &|k| moka.get(k).is_some()));
        });
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
