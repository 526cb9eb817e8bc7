//! Criterion benchmarks of the query engine on the committed Leeds atlas:
//! point lookup, postcode search and a complete site report.
//!
//! `cargo bench -p equimap-query` (results in BENCHMARKS.md).

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use equimap_atlas::Atlas;
use equimap_query::Query;
use equimap_query::site::parse_site;

fn load() -> Query {
    let dir = std::env::var("EQUIMAP_ATLAS").map_or_else(
        |_| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../boundaries"),
        Into::into,
    );
    Query::new(Atlas::load(&dir).expect("atlas")).expect("query")
}

fn benches(c: &mut Criterion) {
    let q = load();
    // Points spread over Leeds: the live postcodes, every 97th.
    let pts: Vec<(f64, f64)> = q
        .postcodes
        .iter()
        .step_by(97)
        .map(|p| (p.lon, p.lat))
        .collect();
    let mut i = 0;
    c.bench_function("point lookup, all geographies (Leeds postcodes)", |b| {
        b.iter(|| {
            i = (i + 1) % pts.len();
            black_box(q.point(pts[i].0, pts[i].1).ok());
        });
    });
    let mut j = 0;
    c.bench_function("LSOA21 point lookup", |b| {
        b.iter(|| {
            j = (j + 1) % pts.len();
            black_box(
                q.locate(equimap_atlas::Geography::Lsoa21, pts[j].0, pts[j].1)
                    .map(|a| a.code.len()),
            );
        });
    });
    let codes: Vec<String> = q
        .postcodes
        .iter()
        .step_by(211)
        .map(|p| p.postcode.to_lowercase().replace(' ', ""))
        .collect();
    let mut k = 0;
    c.bench_function("postcode search (no space, lower case)", |b| {
        b.iter(|| {
            k = (k + 1) % codes.len();
            black_box(q.search(&codes[k], 10).map(|h| h.len()).ok());
        });
    });
    c.bench_function("name search \"headingley\"", |b| {
        b.iter(|| black_box(q.search("headingley", 10).map(|h| h.len()).ok()));
    });
    // A 1 km² site centred on Leeds Civic Hall (E 429833, N 434079), rings 400, 800, 1600 m.
    let body = br#"{"type":"Polygon","coordinates":[[[429333,433579],[430333,433579],[430333,434579],[429333,434579],[429333,433579]]]}"#;
    let site = parse_site(body, None).expect("site");
    let mut g = c.benchmark_group("site report");
    g.sample_size(30);
    g.bench_function("1 km² site, rings 400/800/1600 m", |b| {
        b.iter(|| {
            black_box(
                q.site_report(&site, &[400.0, 800.0, 1600.0])
                    .map(|r| r.zones.len())
                    .ok(),
            )
        });
    });
    g.bench_function("1 km² site, no rings", |b| {
        b.iter(|| black_box(q.site_report(&site, &[]).map(|r| r.zones.len()).ok()));
    });
    g.bench_function("parse + report (rings 400/800/1600)", |b| {
        b.iter(|| {
            let s = parse_site(body, None).expect("site");
            black_box(
                q.site_report(&s, &[400.0, 800.0, 1600.0])
                    .map(|r| r.zones.len())
                    .ok(),
            )
        });
    });
    g.finish();
}

fn gradient_benches(c: &mut Criterion) {
    let q = load();
    // The first request for an indicator computes it (100,000 simulated regressions for the SII
    // interval) and keeps it; later requests are served from that.
    q.gradient("bad_health_share", "imd2025_decile", None)
        .expect("gradient");
    c.bench_function(
        "gradient bad_health_share (computed once, then kept)",
        |b| {
            b.iter(|| black_box(q.gradient("bad_health_share", "imd2025_decile", None).ok()));
        },
    );
    let gr = q
        .gradient("bad_health_share", "imd2025_decile", None)
        .expect("gradient");
    let groups: Vec<(f64, f64, f64, f64)> = gr
        .bands
        .iter()
        .map(|b| {
            (
                b.denominator.unwrap_or_default(),
                b.value.unwrap_or_default(),
                b.lower.unwrap_or_default(),
                b.upper.unwrap_or_default(),
            )
        })
        .collect();
    let mut g = c.benchmark_group("gradient first computation");
    g.sample_size(10);
    g.bench_function("SII/RII 95% limits, 100,000 simulated regressions", |b| {
        b.iter(|| black_box(equimap_query::inequality::simulate_limits(&groups)));
    });
    g.finish();
}

criterion_group!(query, benches, gradient_benches);
criterion_main!(query);
