//! The planner's site report and custom areas, on the committed Leeds atlas.

use std::path::Path;
use std::sync::OnceLock;

use equimap_atlas::{Atlas, Geography};
use equimap_query::site::{parse_buffers, parse_site};
use equimap_query::{CustomAreaSpec, Query, QueryError};
use serde_json::json;

fn q() -> &'static Query {
    static Q: OnceLock<Query> = OnceLock::new();
    Q.get_or_init(|| {
        let atlas = Atlas::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../../boundaries"))
            .expect("atlas");
        Query::new(atlas).expect("query")
    })
}

fn lsoa_geojson(code: &str) -> serde_json::Value {
    let a = q()
        .atlas
        .areas(Geography::Lsoa21)
        .expect("l")
        .get(code)
        .expect("area");
    serde_json::to_value(geojson::Geometry::from(&a.geometry)).expect("json")
}

#[test]
fn a_site_covering_one_lsoa_reports_its_population_and_decile() {
    let body = serde_json::to_vec(
        &json!({"type": "Feature", "properties": {}, "geometry": lsoa_geojson("E01011264")}),
    )
    .expect("body");
    let site = parse_site(&body, None).expect("parse");
    assert!(site.crs_how.contains("detected"), "{}", site.crs_how);
    let r = q().site_report(&site, &[400.0, 800.0]).expect("report");
    let z = &r.zones[0];
    let own = z
        .lsoas
        .iter()
        .find(|l| l.code == "E01011264")
        .expect("itself");
    assert!(own.share > 0.999, "{}", own.share);
    // Leeds 011A: 1,300 residents (mid-2022), IMD 2025 decile 6. Slivers of neighbours along
    // the shared border contribute at most a few residents.
    assert!(
        (z.figures.residents - 1300.0).abs() <= 5.0,
        "{}",
        z.figures.residents
    );
    assert!(z.figures.residents_by_decile[5] >= 1295.0);
    assert!((z.figures.imd2025_score.expect("score") - 17.003).abs() < 0.05);
    // Rings grow and contain the site.
    assert_eq!(r.zones.len(), 3);
    assert!(
        r.zones[1].figures.residents > z.figures.residents
            && r.zones[2].figures.residents > r.zones[1].figures.residents
    );
    assert!(r.zones[2].area_ha > r.zones[1].area_ha);
    assert_eq!(r.nearest_gp_practices.len(), 5);
    assert!(
        r.comparisons
            .iter()
            .any(|c| c.indicator == "le_female" && c.england.is_some())
    );
    // Green-space access over the site equals the LSOA's own figure (a single LSOA's residents).
    let own = q()
        .atlas
        .value(
            Geography::Lsoa21,
            "E01011264",
            "greenspace_0_5ha_200m_share",
        )
        .expect("lsoa value");
    let site_share = z.figures.greenspace["greenspace_0_5ha_200m_share"];
    assert!((site_share - own).abs() < 0.01, "{site_share} vs {own}");
}

#[test]
fn a_bng_site_is_detected_and_gives_the_same_answer() {
    // A 500 m square around Leeds Civic Hall (LS1 1UR at E 429833, N 434079).
    let sq = |x: f64, y: f64, h: f64| json!({"type": "Polygon", "coordinates": [[[x-h, y-h], [x+h, y-h], [x+h, y+h], [x-h, y+h], [x-h, y-h]]]});
    let bng = parse_site(
        &serde_json::to_vec(&sq(429_833.0, 434_079.0, 250.0)).expect("b"),
        None,
    )
    .expect("bng");
    assert_eq!(bng.crs.epsg(), 27700);
    let r = q().site_report(&bng, &[]).expect("report");
    assert!(
        (r.zones[0].area_ha - 25.0).abs() < 0.01,
        "{}",
        r.zones[0].area_ha
    );
    assert!(r.zones[0].lsoas.iter().any(|l| l.code == "E01033010"));
    let declared = parse_site(
        &serde_json::to_vec(&sq(429_833.0, 434_079.0, 250.0)).expect("b"),
        Some("EPSG:27700"),
    )
    .expect("declared");
    assert!(declared.crs_how.contains("declared"));
}

fn bad(body: &serde_json::Value) -> String {
    match parse_site(&serde_json::to_vec(body).expect("b"), None) {
        Err(QueryError::BadRequest(m)) => m,
        other => panic!("expected a 400, got {other:?}"),
    }
}

#[test]
fn bad_sites_are_named() {
    assert!(
        matches!(parse_site(b"{not json", None), Err(QueryError::BadRequest(m)) if m.contains("malformed JSON"))
    );
    assert!(
        bad(&json!({"type": "Point", "coordinates": [-1.5, 53.8]}))
            .contains("wrong geometry type Point")
    );
    // Negative "eastings" beyond ±180: neither degrees nor British National Grid.
    assert!(bad(&json!({"type": "Polygon", "coordinates": [[[-500.0, 53.8], [-501.0, 53.8], [-501.0, 54.8], [-500.0, 53.8]]]})).contains("could not tell the CRS"));
    // Declared WGS84 but a longitude of 500.
    assert!(
        matches!(parse_site(br#"{"type":"Polygon","coordinates":[[[500,53.8],[501,53.8],[501,54.8],[500,53.8]]]}"#, Some("EPSG:4326")), Err(QueryError::BadRequest(m)) if m.contains("out of range"))
    );
    assert!(
        bad(
            &json!({"type": "Polygon", "coordinates": [[[-1.5, 53.8], [-1.4, 53.8], [-1.5, 53.8]]]})
        )
        .contains("at least 4")
    );
    let many: Vec<[f64; 2]> = (0..100_001)
        .map(|i| [-1.5 + f64::from(i) * 1e-7, 53.8])
        .collect();
    assert!(bad(&json!({"type": "Polygon", "coordinates": [many]})).contains("vertices"));
    assert!(
        matches!(parse_site(br#"{"type":"Polygon","coordinates":[[[-1.5,53.8],[-1.4,53.8],[-1.4,53.9],[-1.5,53.8]]]}"#, Some("EPSG:9999")), Err(QueryError::BadRequest(m)) if m.contains("9999"))
    );
}

#[test]
fn unclosed_and_self_intersecting_rings_are_repaired_and_said() {
    let open = json!({"type": "Polygon", "coordinates": [[[-1.55, 53.80], [-1.54, 53.80], [-1.54, 53.81], [-1.55, 53.81]]]});
    let s = parse_site(&serde_json::to_vec(&open).expect("b"), None).expect("repaired");
    assert!(s.notes.iter().any(|n| n.contains("not closed")));
    let bowtie = json!({"type": "Polygon", "coordinates": [[[-1.55, 53.80], [-1.54, 53.81], [-1.54, 53.80], [-1.55, 53.81], [-1.55, 53.80]]]});
    let s = parse_site(&serde_json::to_vec(&bowtie).expect("b"), None).expect("repaired");
    assert!(
        s.notes
            .iter()
            .any(|n| n.contains("invalid") && n.contains("repaired")),
        "{:?}",
        s.notes
    );
    assert!(q().site_report(&s, &[]).is_ok());
}

#[test]
fn a_site_outside_leeds_is_refused() {
    let london = json!({"type": "Polygon", "coordinates": [[[-0.13, 51.50], [-0.12, 51.50], [-0.12, 51.51], [-0.13, 51.50]]]});
    let s = parse_site(&serde_json::to_vec(&london).expect("b"), None).expect("parses");
    assert!(
        matches!(q().site_report(&s, &[]), Err(QueryError::BadRequest(m)) if m.contains("does not overlap"))
    );
}

#[test]
fn buffers_are_checked() {
    assert_eq!(
        parse_buffers(Some("800, 400,1600")).expect("ok"),
        [400.0, 800.0, 1600.0]
    );
    assert_eq!(parse_buffers(None).expect("none"), Vec::<f64>::new());
    for b in ["0", "6000", "abc", "-5", "100,200,300,400,500,600"] {
        assert!(parse_buffers(Some(b)).is_err(), "{b}");
    }
}

#[test]
fn custom_area_from_ward_codes() {
    // An example footprint of two real wards, as a Local Care Partnership might describe itself.
    let spec = CustomAreaSpec {
        id: None,
        name: "Example: Armley and Bramley & Stanningley".to_owned(),
        description: None,
        geography: Some("ward".to_owned()),
        codes: Some(vec!["E05011385".to_owned(), "E05011387".to_owned()]),
        geometry: None,
    };
    let c = q().custom_area(&spec).expect("custom");
    let ward_pop: f64 = ["E05011385", "E05011387"]
        .iter()
        .map(|w| {
            q().atlas
                .value(Geography::Ward, w, "population")
                .expect("pop")
        })
        .sum();
    assert!(
        (c.figures.residents - ward_pop).abs() < 1.0,
        "{} vs {ward_pop}",
        c.figures.residents
    );
    assert!(
        c.indicators
            .iter()
            .any(|i| i.id == "imd2025_score" && i.estimate)
    );
    let bad = CustomAreaSpec {
        codes: Some(vec!["E05099999".to_owned()]),
        ..spec.clone()
    };
    assert!(
        matches!(q().custom_area(&bad), Err(QueryError::BadRequest(m)) if m.contains("E05099999"))
    );
    let none = CustomAreaSpec {
        codes: None,
        ..spec
    };
    assert!(q().custom_area(&none).is_err());
}
