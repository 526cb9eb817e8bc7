//! Leeds community committees through the API, against the committed atlas: profiles with their
//! wards and the elimination note, rankings, search, the postcode lookup and the CSVs.
#![allow(clippy::float_cmp)]

mod common;

use common::indicator;

use axum::http::StatusCode;
use common::{atlas_get as get, atlas_text as text};

#[tokio::test]
async fn a_committee_is_its_wards_added_up() {
    let (s, p) = get("/api/areas/committee/cc-inner-east").await;
    assert_eq!(s, StatusCode::OK, "{p}");
    assert_eq!(p["area"]["name"], "Inner East Community Committee");
    let wards: Vec<&str> = p["footprint"]["wards"]
        .as_array()
        .expect("wards")
        .iter()
        .map(|w| w["name"].as_str().expect("name"))
        .collect();
    assert_eq!(
        wards,
        [
            "Burmantofts & Richmond Hill",
            "Gipton & Harehills",
            "Killingbeck & Seacroft"
        ]
    );
    assert!(p["footprint"]["note"].is_null());
    // Mid-2022 residents: the three wards' 26,505 + 32,417 + 27,419 (indicators/ward.csv).
    let mut sum = 0.0;
    for w in ["E05011388", "E05011394", "E05011400"] {
        let (_, wp) = get(&format!("/api/areas/ward/{w}")).await;
        sum += indicator(&wp, "population")["value"].as_f64().expect("pop");
    }
    assert_eq!(indicator(&p, "population")["value"], 86_341.0);
    assert_eq!(sum, 86_341.0);
    // Bad or very bad health: counts summed, with a Wilson interval and comparisons.
    let bh = indicator(&p, "bad_health_share");
    assert!(bh["counts"]["numerator"].as_f64().expect("n") > 0.0);
    assert!(bh["interval"]["lower"].is_number());
    assert!(bh["vs_england"]["words"].is_string());
    assert_eq!(
        p["children"]["ward"]
            .as_array()
            .expect("ward children")
            .len(),
        3
    );
}

#[tokio::test]
async fn the_committee_assigned_by_elimination_says_so() {
    let (_, p) = get("/api/areas/committee/cc-inner-north-west").await;
    let note = p["footprint"]["note"].as_str().expect("note");
    assert!(note.contains("by elimination"), "{note}");
    assert!(note.contains("Headingley & Hyde Park"), "{note}");
    assert!(
        p["footprint"]["wards"]
            .as_array()
            .expect("wards")
            .iter()
            .all(|w| w["named_in_source"] == false)
    );
}

#[tokio::test]
async fn rank_search_lookup_and_csv() {
    let (s, r) = get("/api/rank?indicator=imd2025_d1_share&geography=committee&order=worst").await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(r["rows"].as_array().expect("rows").len(), 10);
    let (_, found) = get("/api/search?q=inner%20north%20west").await;
    assert!(
        found["results"]
            .as_array()
            .expect("results")
            .iter()
            .any(|h| h["area"]["code"] == "cc-inner-north-west"),
        "{found}"
    );
    // LS6 1AN is in Headingley & Hyde Park, so in Inner North West.
    let (_, hit) = get("/api/search?q=LS6%201AN").await;
    let within = hit["results"][0]["within"].as_array().expect("within");
    assert!(
        within
            .iter()
            .any(|w| w["geography"] == "committee" && w["code"] == "cc-inner-north-west"),
        "{hit}"
    );
    let csv = text("/api/data.csv?indicator=population&geography=committee").await;
    assert!(
        csv.lines()
            .any(|l| l.starts_with("cc-inner-east,Inner East Community Committee,86341")),
        "{csv}"
    );
    let csv = text("/api/areas/committee/cc-inner-east.csv").await;
    assert!(csv.contains("committee,cc-inner-east,"), "{csv}");
}
