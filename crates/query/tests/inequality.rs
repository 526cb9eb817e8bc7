//! equimap's statistics against values computed independently with statsmodels and numpy
//! (`tests/fixtures/stats/make_expected.py`, output committed as `expected.json`).

use equimap_query::inequality::{indices, simulate_limits, wilson};
use serde_json::Value;

fn expected() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/stats/expected.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).expect("expected.json")).expect("json")
}

fn nums(v: &Value) -> Vec<f64> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|x| x.as_f64().expect("number"))
        .collect()
}

fn f(v: &Value, key: &str) -> f64 {
    v[key].as_f64().unwrap_or_else(|| panic!("{key}"))
}

#[test]
fn wilson_agrees_with_statsmodels() {
    // Newcombe's worked examples, and Leeds' and England's residents in bad or very bad health
    // (Census 2021 TS037: 40,733 of 811,944 in Leeds).
    for case in expected()["wilson"].as_array().expect("cases") {
        let (lo, hi) = wilson(f(case, "x"), f(case, "n")).expect("interval");
        assert!((lo - f(case, "lower")).abs() < 1e-12, "{case}: {lo}");
        assert!((hi - f(case, "upper")).abs() < 1e-12, "{case}: {hi}");
    }
}

#[test]
fn sii_of_the_phe_worked_example_agrees_with_weighted_least_squares() {
    let e = &expected()["sii_le"];
    let i = indices(&nums(&e["population"]), &nums(&e["value"])).expect("indices");
    assert!((i.sii - f(e, "sii")).abs() < 1e-9, "{}", i.sii);
    assert!((i.rii.expect("rii") - f(e, "rii")).abs() < 1e-12);
}

fn leeds_bad_health() -> (Vec<(f64, f64, f64, f64)>, Value) {
    let e = expected()["sii_proportion"].clone();
    let (num, den) = (nums(&e["numerator"]), nums(&e["denominator"]));
    let groups = num
        .iter()
        .zip(&den)
        .map(|(x, n)| {
            let (lo, hi) = wilson(*x, *n).expect("wilson");
            (*n, x / n, lo, hi)
        })
        .collect();
    (groups, e)
}

#[test]
fn sii_of_leeds_bad_health_agrees_with_weighted_least_squares() {
    let (groups, e) = leeds_bad_health();
    let pops: Vec<f64> = groups.iter().map(|g| g.0).collect();
    let vals: Vec<f64> = groups.iter().map(|g| g.1).collect();
    let i = indices(&pops, &vals).expect("indices");
    assert!((i.sii - f(&e, "sii")).abs() < 1e-12, "{}", i.sii);
    assert!((i.rii.expect("rii") - f(&e, "rii")).abs() < 1e-9);
}

#[test]
fn simulated_limits_agree_with_an_independent_simulation() {
    // numpy draws from its own generator, so the limits agree to Monte Carlo error: within 2% of
    // the interval's width (the error of a 2.5th percentile of 100,000 draws is about 0.3%).
    let (groups, e) = leeds_bad_health();
    let l = simulate_limits(&groups).expect("limits");
    let sii_w = f(&e, "sii_upper") - f(&e, "sii_lower");
    let rii_w = f(&e, "rii_upper") - f(&e, "rii_lower");
    assert!(
        (l.sii.0 - f(&e, "sii_lower")).abs() < 0.02 * sii_w,
        "{:?}",
        l.sii
    );
    assert!(
        (l.sii.1 - f(&e, "sii_upper")).abs() < 0.02 * sii_w,
        "{:?}",
        l.sii
    );
    assert!(
        (l.rii.0 - f(&e, "rii_lower")).abs() < 0.02 * rii_w,
        "{:?}",
        l.rii
    );
    assert!(
        (l.rii.1 - f(&e, "rii_upper")).abs() < 0.02 * rii_w,
        "{:?}",
        l.rii
    );
    // Seeded: the same data give the same limits.
    assert_eq!(simulate_limits(&groups), Some(l));
}
