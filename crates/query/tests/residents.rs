//! Residents placed where they live (docs/residents.md), on the committed Leeds atlas, measured
//! against truth sites cut from the real sources into `tests/fixtures/sources`.

use std::path::Path;
use std::sync::OnceLock;

use equimap_atlas::{Atlas, Geography};
use equimap_query::Query;
use equimap_query::site::validate::{measure, truth_classes};
use equimap_query::site::{Method, parse_site};
use geo::{Coord, MultiPolygon, Rect};

fn q() -> &'static Query {
    static Q: OnceLock<Query> = OnceLock::new();
    Q.get_or_init(|| {
        let atlas = Atlas::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../../boundaries"))
            .expect("atlas");
        Query::new(atlas).expect("query")
    })
}

fn fixture() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/sources")
}

fn square(x: f64, y: f64, w: f64, h: f64) -> MultiPolygon<f64> {
    MultiPolygon(vec![
        Rect::new(Coord { x, y }, Coord { x: x + w, y: y + h }).to_polygon(),
    ])
}

#[test]
fn the_atlas_has_resident_points_for_every_leeds_lsoa() {
    assert!(q().has_resident_points());
    let set = q().atlas.areas(Geography::Lsoa21).expect("lsoa21");
    assert_eq!(set.len(), 488);
    // Every LSOA as a site: together they hold Leeds' 820,802 residents (ONS mid-2022), each
    // counted once.
    let mut total = 0.0;
    for a in &set.areas {
        total += q().zone_residents(&bng(&a.geometry), Method::Dasymetric);
    }
    assert!((total - 820_802.0).abs() < 1.0, "{total}");
    // The district boundary (dissolved from 2023 wards, another generalisation than the
    // LSOAs') leaves a few points of edge LSOAs just outside: 23 residents of 820,802.
    let leeds = &q()
        .atlas
        .areas(Geography::District)
        .expect("district")
        .areas[0];
    let all = q().zone_residents(&bng(&leeds.geometry), Method::Dasymetric);
    assert!((all - 820_802.0).abs() < 30.0, "{all}");
}

fn bng(mp: &MultiPolygon<f64>) -> MultiPolygon<f64> {
    match equimap_crs::geometry_to_bng(&geo::Geometry::MultiPolygon(mp.clone())) {
        Ok(geo::Geometry::MultiPolygon(m)) => m,
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_site_that_is_an_lsoa_gets_its_population_exactly() {
    for (code, pop) in [("E01011264", 1300.0), ("E01033010", 0.0)] {
        let a = q()
            .atlas
            .areas(Geography::Lsoa21)
            .expect("l")
            .get(code)
            .expect("area");
        let want = if pop > 0.0 {
            pop
        } else {
            q().atlas
                .value(Geography::Lsoa21, code, "population")
                .expect("pop")
        };
        let Ok(geo::Geometry::MultiPolygon(bng)) =
            equimap_crs::geometry_to_bng(&geo::Geometry::MultiPolygon(a.geometry.clone()))
        else {
            panic!("projects")
        };
        let got = q().zone_residents(&bng, Method::Dasymetric);
        assert!((got - want).abs() < 0.5, "{code}: {got} vs {want}");
    }
}

#[test]
fn sites_that_share_a_border_never_count_a_resident_twice() {
    // A 2 km square over central Leeds cut into four 1 km squares.
    let (x, y) = (428_833.0, 433_079.0);
    let whole = q().zone_residents(&square(x, y, 2000.0, 2000.0), Method::Dasymetric);
    let parts: f64 = [(0.0, 0.0), (1000.0, 0.0), (0.0, 1000.0), (1000.0, 1000.0)]
        .iter()
        .map(|(dx, dy)| {
            q().zone_residents(&square(x + dx, y + dy, 1000.0, 1000.0), Method::Dasymetric)
        })
        .sum();
    assert!(whole > 1000.0, "{whole}");
    assert!((whole - parts).abs() < 1e-6, "{whole} vs {parts}");
}

#[test]
fn roundhay_parks_military_field_has_no_residents() {
    let classes = truth_classes(q(), &fixture()).expect("fixture truth sites");
    let green = &classes
        .iter()
        .find(|c| c.0.starts_with("parks"))
        .expect("green")
        .1;
    let field = green
        .iter()
        .find(|s| s.name.starts_with("Military Field"))
        .expect("Military Field is in the excerpt");
    let old = q().zone_residents(&field.bng, Method::Areal);
    let new = q().zone_residents(&field.bng, Method::Dasymetric);
    // The issue's figure: 917 residents by area weighting, on a playing field.
    assert!((old - 917.0).abs() < 1.0, "{old}");
    assert!(new < 1.0, "{new}");
}

#[test]
fn the_new_estimate_beats_the_old_on_every_class_of_truth_site() {
    let classes = truth_classes(q(), &fixture()).expect("fixture truth sites");
    for (class, sites) in &classes {
        assert!(!sites.is_empty(), "{class}");
        let r = measure(q(), class, sites);
        eprintln!("{}", r.row());
        if sites.len() < 5 {
            // The excerpt's OAs give only two truncated rings (the OAs of its 13 LSOAs near one
            // park): too few to compare; the full-source table in docs/residents.md has 53.
            continue;
        }
        assert!(
            r.dasymetric.median < r.areal.median
                || (r.areal.median < 1.0 && r.dasymetric.median < 1.0),
            "{class}: median {} (new) vs {} (old)",
            r.dasymetric.median,
            r.areal.median
        );
        // Over the class, fewer residents misplaced; on whole LSOAs both are exact to within
        // one person (rounding), a tie. The worst single site is not always better on this
        // small excerpt (an industrial site with OSM residential land over it: 308 against
        // 276); on the full sources it is (docs/residents.md).
        assert!(
            r.dasymetric.total < r.areal.total || r.dasymetric.worst < 1.0,
            "{class}: total {} (new) vs {} (old)",
            r.dasymetric.total,
            r.areal.total
        );
    }
}

#[test]
fn the_report_states_its_method_and_age_bands() {
    let body = br#"{"type":"Polygon","coordinates":[[[429333,433579],[430333,433579],[430333,434579],[429333,434579],[429333,433579]]]}"#;
    let site = parse_site(body, None).expect("site");
    let r = q().site_report(&site, &[400.0]).expect("report");
    let z = &r.zones[0];
    assert_eq!(z.residents_method, Method::Dasymetric);
    assert_eq!(z.lsoas_placed_by_area, 0);
    assert!(
        r.method
            .iter()
            .any(|m| m.contains("dasymetric") && m.contains("docs/residents.md"))
    );
    let ids: Vec<&str> = z.figures.age_bands.iter().map(|b| b.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "age_0_4",
            "age_5_15",
            "age_16_24",
            "age_25_34",
            "age_35_49",
            "age_50_64",
            "age_65_plus"
        ]
    );
    // The bands are Census 2021 counts (March 2021, in lockdown, when many city-centre
    // students were away) placed like the mid-2022 residents: here 5,924 against 7,210.
    let bands: f64 = z.figures.age_bands.iter().map(|b| b.residents).sum();
    assert!(
        bands > 0.7 * z.figures.residents && bands < z.figures.residents,
        "{bands}"
    );
    // A site that is one LSOA gets its Census 2021 bands exactly (Leeds 011A).
    let a = q()
        .atlas
        .areas(Geography::Lsoa21)
        .expect("l")
        .get("E01011264")
        .expect("a");
    let body = serde_json::to_vec(&geojson::Geometry::from(&a.geometry)).expect("json");
    let r = q()
        .site_report(&parse_site(&body, None).expect("site"), &[])
        .expect("report");
    for b in &r.zones[0].figures.age_bands {
        let want = q()
            .atlas
            .value(Geography::Lsoa21, "E01011264", &b.id)
            .expect("band");
        assert!(
            (b.residents - want).abs() <= 1.0,
            "{}: {} vs {want}",
            b.id,
            b.residents
        );
    }
    // Leeds 011A's 179 Census 0-15 year-olds split by its mid-2020 single years (44 aged 0-4,
    // 137 aged 5-15): 179 × 44/181 = 43.5 → 44 aged 0-4 and 135 aged 5-15.
    let one = &r.zones[0].figures.age_bands;
    assert!(
        (one[0].residents - 44.0).abs() <= 1.0,
        "{}",
        one[0].residents
    );
    assert!(
        (one[1].residents - 135.0).abs() <= 1.0,
        "{}",
        one[1].residents
    );
    assert!(one[0].estimate && !one[2].estimate);
    assert!(z.figures.age_bands[0].source.contains("Census 2021"));
    assert!(z.figures.age_bands[0].source.contains("mid-2020"));
    assert!(z.figures.age_bands[0].period.contains("mid-2020"));
    assert!(z.indicators.iter().any(|i| i.id == "imd2025_score"));
}

#[test]
fn a_site_without_homes_inside_the_atlas_is_reported_with_no_residents() {
    // 300 m square west of the city centre (E 419148..419448, N 432934..433234): no resident
    // point inside, but inside Leeds, so a report of zero residents, not "outside the atlas".
    let body = br#"{"type":"Polygon","coordinates":[[[419148,432934],[419448,432934],[419448,433234],[419148,433234],[419148,432934]]]}"#;
    let site = parse_site(body, None).expect("site");
    let r = q()
        .site_report(&site, &[400.0])
        .expect("a report, not an error");
    assert!(
        r.zones[0].figures.residents < 1.0,
        "{}",
        r.zones[0].figures.residents
    );
    assert!(r.zones[1].figures.residents > 0.0);
    // Its age bands are zero, not "-0" (an empty sum of f64 is −0.0), and its shares have no
    // value and no counts rather than 0 of 0.
    for b in &r.zones[0].figures.age_bands {
        assert!(
            b.residents == 0.0 && b.residents.is_sign_positive(),
            "{}: {}",
            b.id,
            b.residents
        );
    }
    for o in &r.zones[0].outcomes {
        assert!(o.value.is_none() && o.counts.is_none(), "{}", o.id);
    }
    // Outside Leeds it is still an error.
    let far = br#"{"type":"Polygon","coordinates":[[[529148,182934],[529448,182934],[529448,183234],[529148,183234],[529148,182934]]]}"#;
    assert!(
        q().site_report(&parse_site(far, None).expect("site"), &[])
            .is_err()
    );
}
