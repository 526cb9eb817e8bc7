//! Each kind of bad input stops the ingest with a message that names the problem, and leaves
//! any atlas already at the output path untouched.

mod common;

use std::io::Write;
use std::path::Path;

/// Build a good atlas at `out`, break the sources with `damage`, ingest again and return the
/// error message, after checking that the good atlas is still there unchanged.
fn fails_cleanly(damage: impl FnOnce(&Path)) -> String {
    let src = common::copy_fixture();
    let out = tempfile::tempdir().expect("tempdir");
    let atlas = out.path().join("atlas");
    common::ingest(src.path(), &atlas).expect("the untouched fixture ingests");
    let before = std::fs::read(atlas.join("indicators/lsoa21.csv")).expect("table");
    let manifest = std::fs::read(atlas.join("manifest.json")).expect("manifest");
    damage(src.path());
    let err = common::ingest(src.path(), &atlas).expect_err("the damaged sources must fail");
    assert_eq!(
        std::fs::read(atlas.join("indicators/lsoa21.csv")).expect("table"),
        before
    );
    assert_eq!(
        std::fs::read(atlas.join("manifest.json")).expect("manifest"),
        manifest
    );
    equimap_atlas::Atlas::load(&atlas).expect("the previous atlas still loads");
    // No temporary directories are left behind.
    let leftovers: Vec<_> = std::fs::read_dir(out.path())
        .expect("ls")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with(".equimap"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
    err.to_string()
}

fn edit(path: &Path, f: impl FnOnce(String) -> String) {
    let text = std::fs::read_to_string(path).expect("read");
    std::fs::write(path, f(text)).expect("write");
}

#[test]
fn missing_column() {
    let msg = fails_cleanly(|s| {
        edit(&s.join("population_sape/population20_msoa11_EW.csv"), |t| {
            t.replacen("\"total_population\"", "\"total_pop\"", 1)
        });
    });
    assert!(
        msg.contains("population20_msoa11_EW.csv")
            && msg.contains("missing column \"total_population\""),
        "{msg}"
    );
}

#[test]
fn unparseable_number() {
    let msg = fails_cleanly(|s| {
        edit(
            &s.join("population_lsoa21/File_6_IoD2025_Population_Denominators_leeds_extract.csv"),
            |t| {
                t.replacen(
                    "E01011264,Leeds 011A,E08000035,Leeds,1300,",
                    "E01011264,Leeds 011A,E08000035,Leeds,13OO,",
                    1,
                )
            },
        );
    });
    assert!(
        msg.contains("File_6_IoD2025")
            && msg.contains("line 2")
            && msg.contains("\"13OO\" is not a number"),
        "{msg}"
    );
}

#[test]
fn unknown_code() {
    // Leeds 011A disappears from the IoD2025 table: the lookup's code has no IoD row.
    let msg = fails_cleanly(|s| {
        let p = s.join("imd2025_lsoa21/humaniverse_imd2025_england_lsoa21.csv.gz");
        let text = gunzip(&p);
        let kept: String = text
            .split_inclusive('\n')
            .filter(|l| !l.starts_with("\"E01011264\""))
            .collect();
        gzip(&p, &kept);
    });
    assert!(
        msg.contains("E01011264") && msg.contains("humaniverse_imd2025"),
        "{msg}"
    );
}

#[test]
fn boundary_missing_an_area() {
    let msg = fails_cleanly(|s| {
        let p = s.join("boundaries_wards_leeds/wards_dec2023_leeds_bgc_geographybits.geojson");
        edit(&p, |t| t.replace("E05013830", "E05099999"));
    });
    assert!(msg.contains("ward") && msg.contains("E05013830"), "{msg}");
}

#[test]
fn broken_geometry() {
    let msg = fails_cleanly(|s| {
        let p = s.join("boundaries_msoa11_leeds/msoa11_leeds_martinjc_ukgeojson.geojson");
        // Turn the first MSOA into a point: not an area.
        edit(&p, |t| {
            let mut v: serde_json::Value = serde_json::from_str(&t).expect("json");
            v["features"][0]["geometry"] =
                serde_json::json!({"type": "Point", "coordinates": [-1.6, 53.8]});
            v.to_string()
        });
    });
    assert!(
        msg.contains("msoa11_leeds_martinjc_ukgeojson.geojson")
            && msg.contains("expected a Polygon or MultiPolygon"),
        "{msg}"
    );
}

#[test]
fn unknown_crs() {
    let msg = fails_cleanly(|s| {
        let p = s.join("boundaries_lad_leeds/lad_leeds_dissolved_from_wd23_bgc.geojson");
        edit(&p, |t| {
            let mut v: serde_json::Value = serde_json::from_str(&t).expect("json");
            v["crs"] = serde_json::json!({"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::9999"}});
            v.to_string()
        });
    });
    assert!(
        msg.contains("unknown or unsupported CRS") && msg.contains("9999"),
        "{msg}"
    );
}

#[test]
fn truncated_gzip() {
    let msg = fails_cleanly(|s| {
        let p = s.join("life_expectancy_msoa11/life_expectancy_msoa11_england_2016_2020.csv.gz");
        let bytes = std::fs::read(&p).expect("read");
        std::fs::write(&p, &bytes[..bytes.len() / 2]).expect("write");
    });
    assert!(
        msg.contains("life_expectancy_msoa11_england_2016_2020.csv.gz")
            && msg.contains("truncated"),
        "{msg}"
    );
}

#[test]
fn invalid_district_code_is_a_usage_error() {
    let out = tempfile::tempdir().expect("tempdir");
    let err = equimap_ingest::run(&equimap_ingest::IngestOptions {
        sources: common::fixture_sources(),
        lad: "Leeds".to_owned(),
        out: out.path().join("atlas"),
        progress: false,
        check_known_counts: false,
    })
    .expect_err("not a code");
    assert!(
        err.to_string().contains("not an English district code"),
        "{err}"
    );
    assert!(!out.path().join("atlas").exists());
}

#[test]
fn known_leeds_counts_are_checked() {
    let out = tempfile::tempdir().expect("tempdir");
    let err = equimap_ingest::run(&equimap_ingest::IngestOptions {
        sources: common::fixture_sources(),
        lad: "E08000035".to_owned(),
        out: out.path().join("atlas"),
        progress: false,
        check_known_counts: true,
    })
    .expect_err("an excerpt does not have Leeds' 482 LSOAs");
    assert!(err.to_string().contains("Leeds should have 482"), "{err}");
}

fn gunzip(p: &Path) -> String {
    use std::io::Read;
    let mut s = String::new();
    flate2::read::MultiGzDecoder::new(std::fs::File::open(p).expect("open"))
        .read_to_string(&mut s)
        .expect("gunzip");
    s
}

fn gzip(p: &Path, text: &str) {
    let mut e = flate2::write::GzEncoder::new(
        std::fs::File::create(p).expect("create"),
        flate2::Compression::default(),
    );
    e.write_all(text.as_bytes()).expect("write");
    e.finish().expect("finish");
}

#[test]
fn census_numerator_above_its_total() {
    // Leeds 011A has 60 + 17 residents in bad or very bad health of 1,285; a total of 70 is
    // impossible and must stop the ingest, naming the file, line, column and code.
    let msg = fails_cleanly(|s| {
        let p = s.join("census2021_health_lsoa21/census2021_ts037_lsoa21_ew.csv.gz");
        let text = gunzip(&p).replacen(
            "2021,Leeds 011A,E01011264,1285,",
            "2021,Leeds 011A,E01011264,70,",
            1,
        );
        gzip(&p, &text);
    });
    assert!(
        msg.contains("census2021_ts037")
            && msg.contains("line 2")
            && msg.contains("E01011264")
            && msg.contains("above the total 70"),
        "{msg}"
    );
}

#[test]
fn fuel_poverty_unknown_code() {
    let msg = fails_cleanly(|s| {
        let p = s.join("fuel_poverty_lsoa21/fuel_poverty_lsoa21_england_2021.csv.gz");
        let text = gunzip(&p).replacen("E01011264,", "E01999999,", 1);
        gzip(&p, &text);
    });
    assert!(
        msg.contains("fuel_poverty_lsoa21_england_2021")
            && msg.contains("E01999999")
            && msg.contains("not an English LSOA 2021 code"),
        "{msg}"
    );
}

#[test]
fn census_missing_count() {
    let msg = fails_cleanly(|s| {
        let p = s.join("census2021_health_lsoa21/census2021_ts038_lsoa21_ew.csv.gz");
        let text = gunzip(&p);
        let line = text
            .lines()
            .find(|l| l.contains(",E01011264,"))
            .expect("Leeds 011A")
            .to_owned();
        let mut cells: Vec<&str> = line.split(',').collect();
        cells[4] = "";
        gzip(&p, &text.replacen(&line, &cells.join(","), 1));
    });
    assert!(
        msg.contains("census2021_ts038")
            && msg.contains("Disability: Disabled under the Equality Act")
            && msg.contains("empty value"),
        "{msg}"
    );
}

fn break_qof(find: &str, replace: &str) -> String {
    let (find, replace) = (find.to_owned(), replace.to_owned());
    fails_cleanly(move |s| {
        let p = s.join("gp_qof_2425/qof_prevalence_2425_england.csv.gz");
        let text = gunzip(&p);
        assert!(text.contains(&find), "the fixture has {find}");
        gzip(&p, &text.replacen(&find, &replace, 1));
    })
}

#[test]
fn qof_practice_code_in_an_unknown_format() {
    let msg = break_qof("B86086,DEP,872.0", "B8608X,DEP,872.0");
    assert!(
        msg.contains("qof_prevalence_2425_england.csv.gz")
            && msg.contains("line ")
            && msg.contains("\"B8608X\" is not a GP practice code"),
        "{msg}"
    );
}

#[test]
fn qof_register_that_is_not_a_number() {
    let msg = break_qof("B86086,DEP,872.0", "B86086,DEP,87x");
    assert!(
        msg.contains("qof_prevalence_2425_england.csv.gz")
            && msg.contains("\"REGISTER\"")
            && msg.contains("practice B86086")
            && msg.contains("not a count"),
        "{msg}"
    );
}

#[test]
fn qof_register_above_its_list() {
    let msg = break_qof("B86086,DEP,872.0,18OV,6636", "B86086,DEP,7000.0,18OV,6636");
    assert!(
        msg.contains("qof_prevalence_2425_england.csv.gz")
            && msg.contains("practice B86086: DEP register 7000 is above its list of 6636"),
        "{msg}"
    );
}

#[test]
fn committee_ward_outside_the_district() {
    // Chapel Allerton (E05011390) is a Leeds ward, but not one of the excerpt's: the committee
    // file and the ward layer disagree, and the ingest names the line.
    let msg = fails_cleanly(|s| {
        let p = s.join("community_committees_leeds/community_committee_wards_leeds.csv");
        let text = std::fs::read_to_string(&p).expect("committees");
        std::fs::write(&p, text.replacen(",E05011397,", ",E05011390,", 1)).expect("write");
    });
    assert!(
        msg.contains("community_committee_wards_leeds.csv, line 2")
            && msg.contains("E05011390")
            && msg.contains("is not a ward of"),
        "{msg}"
    );
}

#[test]
fn committee_ward_listed_twice() {
    let msg = fails_cleanly(|s| {
        let p = s.join("community_committees_leeds/community_committee_wards_leeds.csv");
        let text = std::fs::read_to_string(&p).expect("committees");
        std::fs::write(&p, text.replacen(",E05013830,", ",E05011397,", 1)).expect("write");
    });
    assert!(
        msg.contains("community_committee_wards_leeds.csv")
            && msg.contains("ward E05011397 is listed twice"),
        "{msg}"
    );
}
