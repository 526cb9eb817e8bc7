//! Distances, standards, weights and aggregation on the Armley excerpt (75 OAs of Armley
//! ward, E05011385).

mod common;

use std::collections::BTreeMap;

use equimap_atlas::{ENGLAND_CODE, Geography, Kind, Polarity};
use equimap_greenspace::{
    GARDENS_ID, HA_1KM_ID, OutputAreaResult, PARK_ID, STANDARD_IDS, STANDARDS, SiteCategory,
    TWO_HA_ID,
};
use geo::{Intersects, Point};

fn oa(code: &str) -> &'static OutputAreaResult {
    common::output()
        .output_areas
        .iter()
        .find(|o| o.code == code)
        .expect("OA in the excerpt")
}

#[test]
fn distance_from_a_centroid_to_the_nearest_park_entrance() {
    // OA E00057303 (pwc_lon -1.571551, pwc_lat 53.795627) and the Public Park Or Garden
    // entrance C1BF9712-F090-4743-A72F-E3BD67B5CAB7 (-1.5733116, 53.7953024), the nearest of
    // the excerpt's park entrances: projected with pyproj 3.7.2 (EPSG:4326 to EPSG:27700),
    // the points are 121.469 m apart. This crate uses OSTN15, which moves both points alike.
    let o = oa("E00057303");
    let d = o.park_entrance_m.expect("a park is in reach");
    assert!((d - 121.469).abs() < 0.05, "{d}");
    let entrance = common::output()
        .access_points
        .iter()
        .find(|a| a.id == "C1BF9712-F090-4743-A72F-E3BD67B5CAB7")
        .expect("entrance kept");
    assert_eq!(entrance.site_function, "Public Park Or Garden");
}

#[test]
fn a_centroid_inside_a_natural_site_is_at_distance_zero() {
    // E00057303's centroid lies inside OpenStreetMap recreation ground way 234818993, outside
    // every OS site (shapely on the fixture's coordinates).
    let o = oa("E00057303");
    let pt = Point::new(o.lon_lat.0, o.lon_lat.1);
    let out = common::output();
    let holder = out
        .sites
        .iter()
        .find(|s| s.category == SiteCategory::Natural && s.geometry.intersects(&pt))
        .expect("a natural site holds the centroid");
    assert!(
        holder.function.contains("Recreation ground"),
        "{}",
        holder.function
    );
    assert!(holder.group_hectares >= 0.5);
    assert_eq!(o.standard_m[0], Some(0.0));
    assert!(o.meets[0]);
}

#[test]
fn weights_share_each_lsoa_population_equally_among_its_oas() {
    let out = common::output();
    let (_, population) = common::atlas();
    let mut per_lsoa: BTreeMap<&str, Vec<&OutputAreaResult>> = BTreeMap::new();
    for o in &out.output_areas {
        per_lsoa.entry(o.lsoa21.as_str()).or_default().push(o);
    }
    // The excerpt holds every OA of Armley's LSOAs.
    assert_eq!(out.output_areas.len(), 75);
    for (lsoa, oas) in per_lsoa {
        let each = population[lsoa] / oas.len() as f64;
        for o in oas {
            assert!((o.weight - each).abs() < 1e-9, "{} {}", o.code, o.weight);
        }
    }
}

#[test]
fn shares_lie_in_0_1_and_are_population_weighted() {
    let out = common::output();
    for id in STANDARD_IDS.iter().chain([&GARDENS_ID]) {
        for (g, by_id) in &out.values {
            for (code, v) in by_id.get(*id).into_iter().flatten() {
                assert!((0.0..=1.0).contains(v), "{id} {g} {code} {v}");
            }
        }
    }
    // LSOA21 shares: the residents of the LSOA's OAs meeting the standard over its residents.
    let lsoa = &out.values[&Geography::Lsoa21];
    for (k, id) in STANDARD_IDS.iter().enumerate() {
        for (code, v) in &lsoa[*id] {
            let oas: Vec<_> = out
                .output_areas
                .iter()
                .filter(|o| &o.lsoa21 == code)
                .collect();
            let w: f64 = oas.iter().map(|o| o.weight).sum();
            let met: f64 = oas.iter().filter(|o| o.meets[k]).map(|o| o.weight).sum();
            assert!((v - met / w).abs() < 1e-12, "{id} {code}");
        }
    }
    // meets follows the distance and the radius.
    for o in &out.output_areas {
        for (k, st) in STANDARDS.iter().enumerate() {
            assert_eq!(
                o.meets[k],
                o.standard_m[k].is_some_and(|d| d <= st.within_m)
            );
        }
    }
}

#[test]
fn the_ward_figure_is_the_population_weighted_mean_of_its_oas() {
    let out = common::output();
    let (atlas, _) = common::atlas();
    let ward = "E05011385";
    let oas: Vec<&OutputAreaResult> = out
        .output_areas
        .iter()
        .filter(|o| o.area(Geography::Ward, &atlas.geographies).as_deref() == Some(ward))
        .collect();
    assert_eq!(oas.len(), 75);
    let weighted = |f: &dyn Fn(&OutputAreaResult) -> Option<f64>| {
        let (s, w) = oas.iter().fold((0.0, 0.0), |(s, w), o| match f(o) {
            Some(v) => (s + o.weight * v, w + o.weight),
            None => (s, w),
        });
        s / w
    };
    let values = &out.values[&Geography::Ward];
    let park = weighted(&|o| o.park_entrance_m);
    assert!((values[PARK_ID][ward] - park).abs() < 1e-9);
    let two = weighted(&|o| o.site_2ha_m());
    assert!((values[TWO_HA_ID][ward] - two).abs() < 1e-9);
    let ha = weighted(&|o| o.hectares_1km_per_1000());
    assert!((values[HA_1KM_ID][ward] - ha).abs() < 1e-9);
    for (k, id) in STANDARD_IDS.iter().enumerate() {
        let share = weighted(&|o| Some(f64::from(u8::from(o.meets[k]))));
        assert!((values[*id][ward] - share).abs() < 1e-12, "{id}");
    }
    // The weights matter: the plain mean of the OA distances is another number.
    let plain = oas.iter().filter_map(|o| o.park_entrance_m).sum::<f64>() / oas.len() as f64;
    assert!((plain - park).abs() > 1e-6);
}

#[test]
fn catalogue_references_and_gardens() {
    let out = common::output();
    let ids: Vec<&str> = out.indicators.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(ids.len(), 9);
    for d in &out.indicators {
        let expected = match d.id.as_str() {
            PARK_ID | TWO_HA_ID => Polarity::HigherIsWorse,
            _ => Polarity::HigherIsBetter,
        };
        assert_eq!(d.polarity, expected, "{}", d.id);
        assert!(d.caveat.is_some());
        for l in &d.levels {
            assert!(!l.method.is_empty());
            assert!(
                out.values[&l.geography].contains_key(&d.id),
                "{} {}",
                d.id,
                l.geography
            );
        }
        if d.id == GARDENS_ID {
            assert_eq!(d.kind, Kind::Share);
            assert_eq!(d.native, Geography::Msoa11);
        }
        let district = out
            .references
            .iter()
            .find(|r| r.indicator == d.id && r.scope == common::DISTRICT.0)
            .expect("district reference");
        assert_eq!(
            district.value,
            out.values[&Geography::District][&d.id]
                .get(common::DISTRICT.0)
                .copied()
        );
        let england = out
            .references
            .iter()
            .find(|r| r.indicator == d.id && r.scope == ENGLAND_CODE)
            .expect("England reference");
        // The GB gardens file is not among the fixtures, and the green-space sources are
        // Leeds only: no England value, with the reason.
        assert_eq!(england.value, None);
        assert!(
            england.method.starts_with("Not computed"),
            "{}",
            england.method
        );
    }
    // MSOA 2011 E02002388 as published: 3,131 of 3,534 addresses, share 0.886 (fixture row).
    assert!((out.values[&Geography::Msoa11][GARDENS_ID]["E02002388"] - 0.886).abs() < 1e-12);
    // The district value is the ratio of sums over the excerpt's three MSOA rows.
    let district = out.values[&Geography::District][GARDENS_ID][common::DISTRICT.0];
    assert!(
        (district - GARDENS_FIXTURE_RATIO).abs() < 1e-12,
        "{district}"
    );
}

/// Addresses with private outdoor space over addresses in the fixture's three MSOA rows
/// (E02002388, E02002396, E02002400; "Total:" columns), computed with Python's csv module.
const GARDENS_FIXTURE_RATIO: f64 = GARDENS_WITH / GARDENS_ALL;
const GARDENS_WITH: f64 = 9442.0;
const GARDENS_ALL: f64 = 11835.0;

#[test]
fn output_is_deterministic_and_lists_its_sources() {
    let again = common::run(&common::fixtures()).expect("computes");
    let out = common::output();
    assert_eq!(again.values, out.values);
    assert_eq!(again.sites, out.sites);
    assert_eq!(again.access_points, out.access_points);
    assert_eq!(again.report, out.report);
    let files: Vec<String> = out
        .source_files
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    // The OA excerpt is gzipped: it is read through the `.gz` fallback.
    assert!(files.contains(&"oa21_pwc_leeds/oa21_pwc_leeds.csv.gz".to_owned()));
    assert_eq!(files.len(), 13, "{files:?}");
}
