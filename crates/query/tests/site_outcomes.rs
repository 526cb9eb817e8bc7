//! Health outcomes, fuel poverty and the deprivation shares of site zones, with 95% intervals
//! and comparisons, on the committed Leeds atlas. The intervals are checked against the Wilson
//! interval found independently, by bisection on the score test, not by the library's formula.

use std::path::Path;
use std::sync::OnceLock;

use equimap_atlas::{Atlas, ENGLAND_CODE, Geography, Polarity};
use equimap_query::inequality::Z95;
use equimap_query::site::{OUTCOMES, SiteReport, parse_site};
use equimap_query::{IndicatorValue, Query};
use serde_json::json;

fn q() -> &'static Query {
    static Q: OnceLock<Query> = OnceLock::new();
    Q.get_or_init(|| {
        let atlas = Atlas::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../../boundaries"))
            .expect("atlas");
        Query::new(atlas).expect("query")
    })
}

fn report(site: &serde_json::Value, buffers: &[f64]) -> SiteReport {
    let site = parse_site(&serde_json::to_vec(site).expect("body"), None).expect("site");
    q().site_report(&site, buffers).expect("report")
}

fn outcome<'a>(z: &'a equimap_query::site::Zone, id: &str) -> &'a IndicatorValue {
    z.outcomes
        .iter()
        .find(|o| o.id == id)
        .unwrap_or_else(|| panic!("{id} in {}", z.label))
}

/// The Wilson limits as the two proportions p where the score statistic
/// |x/n − p| / √(p(1 − p)/n) equals z, found by bisection.
fn score_limits(x: f64, n: f64) -> (f64, f64) {
    let p_hat = x / n;
    let excess = |p: f64| (p_hat - p).abs() / (p * (1.0 - p) / n).sqrt() - Z95;
    let solve = |mut inside: f64, mut outside: f64| {
        for _ in 0..200 {
            let mid = f64::midpoint(inside, outside);
            if excess(mid) > 0.0 {
                outside = mid;
            } else {
                inside = mid;
            }
        }
        inside
    };
    (solve(p_hat, 1e-12), solve(p_hat, 1.0 - 1e-12))
}

fn check_interval(o: &IndicatorValue) {
    let c = o.counts.as_ref().expect("counts");
    let i = o.interval.as_ref().expect("interval");
    let (lo, hi) = score_limits(c.numerator, c.denominator);
    // Counts are rounded to 0.1 in the output; the interval is computed before rounding.
    assert!(
        (i.lower - lo).abs() < 2e-4 && (i.upper - hi).abs() < 2e-4,
        "{}: {} {} vs {lo} {hi}",
        o.id,
        i.lower,
        i.upper
    );
    assert!(i.method.contains("approximation"), "{}", i.method);
    // The comparison follows from the interval, the benchmark and the polarity (unpaid care is
    // neutral: higher or lower, not better or worse).
    for (cmp, reference) in [(&o.vs_england, &o.england), (&o.vs_district, &o.district)] {
        let b = reference.as_ref().and_then(|r| r.value).expect("benchmark");
        let words = &cmp.as_ref().expect("comparison").words;
        let want = match (b < i.lower, b > i.upper, o.polarity) {
            (false, false, _) => "similar",
            (true, _, Polarity::HigherIsWorse) | (_, true, Polarity::HigherIsBetter) => {
                "significantly worse"
            }
            (_, true, Polarity::HigherIsWorse) | (true, _, Polarity::HigherIsBetter) => {
                "significantly better"
            }
            (true, _, Polarity::Neutral) => "significantly higher",
            (_, true, Polarity::Neutral) => "significantly lower",
        };
        assert!(words.starts_with(want), "{}: {words} (benchmark {b})", o.id);
    }
}

#[test]
fn a_site_that_is_leeds_011a_reports_its_census_health_counts() {
    let set = q().atlas.areas(Geography::Lsoa21).expect("lsoa21");
    let geom = geojson::Geometry::from(&set.get("E01011264").expect("011A").geometry);
    let r = report(&serde_json::to_value(geom).expect("json"), &[400.0]);
    let z = &r.zones[0];
    let ids: Vec<&str> = z.outcomes.iter().map(|o| o.id.as_str()).collect();
    assert_eq!(ids, OUTCOMES);
    // Leeds 011A at the 2021 Census: 77 of 1,285 usual residents in bad or very bad health.
    // Neighbours' slivers add at most a few residents.
    let bad = outcome(z, "bad_health_share");
    let c = bad.counts.as_ref().expect("counts");
    assert!((c.numerator - 77.0).abs() < 1.0, "{}", c.numerator);
    assert!((c.denominator - 1285.0).abs() < 10.0, "{}", c.denominator);
    assert!(bad.estimate);
    assert!(
        bad.method
            .contains("weighted by the share of that LSOA's residents placed inside the zone")
    );
    assert!(
        bad.caveat
            .as_deref()
            .is_some_and(|c| c.contains("not age-standardised"))
    );
    for o in z.outcomes.iter().skip(2) {
        check_interval(o);
    }
    for o in r.zones[1].outcomes.iter().skip(2) {
        check_interval(o);
    }
    // The health indicators are listed once per zone, as outcomes, not again as indicators.
    assert!(
        !z.indicators
            .iter()
            .any(|i| OUTCOMES.contains(&i.id.as_str()))
    );
    // Fuel poverty keeps DESNZ's caveat; households are placed with the residents.
    let fuel = outcome(z, "fuel_poverty_share");
    assert!(
        fuel.caveat
            .as_deref()
            .is_some_and(|c| c.contains("treated with caution"))
    );
    assert!(fuel.method.contains("Households are taken to lie where"));
    // The method in the report says the same, with the caveats.
    let method = r.method.join("\n");
    for want in [
        "never an average of rates",
        "approximation",
        "not age-standardised",
        "treated with caution",
        "not a sampled proportion",
    ] {
        assert!(method.contains(want), "method lacks {want:?}");
    }
}

#[test]
fn a_site_covering_all_of_leeds_has_leeds_counts_and_is_similar_to_leeds() {
    // A rectangle round the whole district (BNG): every LSOA's residents are inside, so the
    // apportioned counts are the district's own sums and the value is Leeds' value.
    let rect = json!({"type": "Polygon", "coordinates": [[[400_000, 415_000], [460_000, 415_000], [460_000, 465_000], [400_000, 465_000], [400_000, 415_000]]]});
    let r = report(&rect, &[]);
    let z = &r.zones[0];
    let district = &q().atlas.manifest.district;
    for o in &z.outcomes {
        let leeds = q().atlas.references.get(&o.id, district).expect("Leeds");
        let c = o.counts.as_ref().expect("counts");
        let (num, den) = (
            leeds.numerator.expect("num"),
            leeds.denominator.expect("den"),
        );
        assert!(
            (c.numerator - num).abs() < 1.0,
            "{}: {} vs {num}",
            o.id,
            c.numerator
        );
        assert!(
            (c.denominator - den).abs() < 1.0,
            "{}: {} vs {den}",
            o.id,
            c.denominator
        );
        let v = o.value.expect("value");
        assert!((v - num / den).abs() < 1e-4, "{}: {v}", o.id);
        if o.id.starts_with("imd2025") {
            assert!(o.interval.is_none() && o.vs_district.is_none());
            assert!(o.method.contains("not a sampled proportion"));
            continue;
        }
        assert_eq!(
            o.vs_district.as_ref().map(|c| c.words.as_str()),
            Some("similar to Leeds"),
            "{}",
            o.id
        );
        check_interval(o);
    }
    // Bad health: 40,733 of 811,944 in Leeds (5.02%, interval about 4.97% to 5.06%) against
    // 5.15% in England, which lies above the interval: Leeds is significantly better.
    let bad = outcome(z, "bad_health_share");
    assert_eq!(
        bad.vs_england.as_ref().map(|c| c.words.as_str()),
        Some("significantly better than England")
    );
    // Fuel poverty: 15.76% in Leeds against 13.14% in England.
    let fuel = outcome(z, "fuel_poverty_share");
    assert_eq!(
        fuel.vs_england.as_ref().map(|c| c.words.as_str()),
        Some("significantly worse than England")
    );
    let eng = q()
        .atlas
        .references
        .get("imd2025_d1_share", ENGLAND_CODE)
        .and_then(|r| r.value);
    assert_eq!(
        outcome(z, "imd2025_d1_share")
            .england
            .as_ref()
            .and_then(|r| r.value),
        eng
    );
}
