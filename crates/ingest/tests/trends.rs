//! District trends from the committed excerpt of OHID Fingertips (`district_trends/`): values as
//! published, England beside the district, and bad rows refused with file, line and column.
#![allow(clippy::float_cmp)] // values are copied from the sources, so exact comparison is the test

mod common;

use std::io::{Read, Write};
use std::path::Path;

use equimap_atlas::{Atlas, ENGLAND_CODE};

fn build() -> (tempfile::TempDir, Atlas) {
    let out = tempfile::tempdir().expect("tempdir");
    let dir = out.path().join("atlas");
    common::ingest(&common::fixture_sources(), &dir).expect("fixture ingest succeeds");
    let atlas = Atlas::load(&dir).expect("the written atlas loads");
    (out, atlas)
}

fn value(a: &Atlas, id: &str, code: &str, sex: &str, period: &str) -> Option<f64> {
    a.trends
        .rows
        .iter()
        .find(|r| r.indicator == id && r.area_code == code && r.sex == sex && r.period == period)
        .and_then(|r| r.value)
}

#[test]
fn leeds_and_england_series_are_copied_as_published() {
    let (_t, a) = build();
    // PROVENANCE: Leeds 2020-22 male 78.0, female 82.2 (ONS 78.04 / 82.16); SII 2022-24 male
    // 12.8, female 10.3 years.
    assert_eq!(
        value(&a, "le_birth", "E08000035", "Male", "2020-22"),
        Some(78.0)
    );
    assert_eq!(
        value(&a, "le_birth", "E08000035", "Female", "2020-22"),
        Some(82.2)
    );
    assert_eq!(
        value(&a, "le_sii", "E08000035", "Male", "2022-24"),
        Some(12.8)
    );
    assert_eq!(
        value(&a, "le_sii", "E08000035", "Female", "2022-24"),
        Some(10.3)
    );
    assert_eq!(
        value(&a, "le_birth", ENGLAND_CODE, "Male", "2020-22"),
        Some(78.9)
    );
    assert_eq!(
        value(&a, "u75_preventable", "E08000035", "Persons", "2022"),
        Some(165.6)
    );
    let le = a.trends.def("le_birth").expect("le_birth");
    assert_eq!(le.periods.first().map(String::as_str), Some("2015-17"));
    assert_eq!(le.periods.len(), 9);
    // The 2023-25 label could not be confirmed: it is kept, with a caveat that names it.
    assert_eq!(le.caveat_periods, ["2023-25"]);
    assert!(le.caveat.as_deref().is_some_and(|c| c.contains("2023-25")));
    assert_eq!(a.trends.def("le_sii").expect("sii").periods.len(), 8);
    assert_eq!(
        a.trends.def("u75_preventable").expect("u75").periods.len(),
        11
    );
    // The publisher's comparison with England is kept as published.
    let r = a
        .trends
        .rows
        .iter()
        .find(|r| {
            r.indicator == "u75_preventable"
                && r.sex == "Male"
                && r.period == "2022"
                && r.area_code == "E08000035"
        })
        .expect("row");
    assert_eq!(r.compared_to_england, "Similar");
    // Only Leeds and England are in a Leeds atlas.
    assert!(
        a.trends
            .rows
            .iter()
            .all(|r| r.area_code == "E08000035" || r.area_code == ENGLAND_CODE)
    );
}

#[test]
fn the_source_files_are_in_the_manifest() {
    let (_t, a) = build();
    for f in [
        "fingertips_life_expectancy_la_england",
        "fingertips_inequality_life_expectancy_la_england",
        "fingertips_mortality_rate_la_england",
    ] {
        let path = format!("district_trends/{f}.csv.gz");
        let s = a
            .manifest
            .sources
            .iter()
            .find(|s| s.path == path)
            .unwrap_or_else(|| panic!("{path} not in the manifest"));
        assert_eq!(s.sha256.len(), 64);
    }
}

fn rewrite_gz(p: &Path, f: impl FnOnce(String) -> String) {
    let mut text = String::new();
    flate2::read::MultiGzDecoder::new(std::fs::File::open(p).expect("open"))
        .read_to_string(&mut text)
        .expect("gunzip");
    let mut e = flate2::write::GzEncoder::new(
        std::fs::File::create(p).expect("create"),
        flate2::Compression::default(),
    );
    e.write_all(f(text).as_bytes()).expect("gzip");
    e.finish().expect("finish");
}

fn fails_with(damage: impl FnOnce(&Path)) -> String {
    let src = common::copy_fixture();
    let out = tempfile::tempdir().expect("tempdir");
    damage(src.path());
    common::ingest(src.path(), &out.path().join("atlas"))
        .expect_err("the damaged sources must fail")
        .to_string()
}

#[test]
fn a_value_that_is_not_a_number_names_file_line_and_column() {
    let msg = fails_with(|s| {
        rewrite_gz(
            &s.join("district_trends/fingertips_life_expectancy_la_england.csv.gz"),
            |t| t.replacen("Years,79.5,", "Years,seventy,", 1),
        );
    });
    assert!(
        msg.contains("fingertips_life_expectancy_la_england.csv.gz")
            && msg.contains("line 2")
            && msg.contains("value")
            && msg.contains("seventy"),
        "{msg}"
    );
}

#[test]
fn an_unknown_sex_and_a_duplicate_row_are_refused() {
    let msg = fails_with(|s| {
        rewrite_gz(
            &s.join("district_trends/fingertips_inequality_life_expectancy_la_england.csv.gz"),
            |t| t.replacen(",Male\n", ",M\n", 1),
        );
    });
    assert!(msg.contains("inequality") && msg.contains("\"M\""), "{msg}");
    let msg = fails_with(|s| {
        rewrite_gz(
            &s.join("district_trends/fingertips_mortality_rate_la_england.csv.gz"),
            |t| {
                let last = t.lines().last().expect("a row").to_owned();
                format!("{t}{last}\n")
            },
        );
    });
    assert!(msg.contains("mortality") && msg.contains("twice"), "{msg}");
}
