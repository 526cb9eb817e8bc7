//! The May 2025 ward layer (issue 12): every selection but Leeds alone takes the ONS May 2025
//! wards; a district whose wards changed after the ONS LSOA21→ward 2024 lookup has its LSOAs
//! assigned by interior point and its ward figures labelled as best-fit estimates.
//!
//! `tests/fixtures/sources_national` is cut by `tests/fixtures/make_fixtures.py` from the national
//! files: the Isles of Scilly, Rutland and Barnsley, whole.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::{Path, PathBuf};

use equimap_atlas::{Atlas, Geography};
use equimap_ingest::{IngestOptions, Summary};

const WARDS: &str = "boundaries_national/wards_may2025_england_bgc.geojson.gz";
const LOOKUP: &str = "lookups/lsoa21_ward24_lad24_EW.csv";
const BARNSLEY: &str = "E08000016";

fn national() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/sources_national")
}

fn ingest(sources: &Path, lad: &str) -> (tempfile::TempDir, Atlas, Summary) {
    let out = tempfile::tempdir().expect("tempdir");
    let dir = out.path().join("atlas");
    let summary = equimap_ingest::run(&IngestOptions {
        sources: sources.to_owned(),
        lad: lad.to_owned(),
        out: dir.clone(),
        progress: false,
        check_known_counts: false,
    })
    .expect("ingest succeeds");
    let atlas = Atlas::load(&dir).expect("the written atlas loads");
    (out, atlas, summary)
}

/// The May 2025 wards in a sources directory: code → (name, district).
fn wards_2025(sources: &Path) -> BTreeMap<String, (String, String)> {
    let raw = std::fs::read(sources.join(WARDS)).expect("ward file");
    let mut text = String::new();
    flate2::read::GzDecoder::new(raw.as_slice())
        .read_to_string(&mut text)
        .expect("gzip");
    let fc: serde_json::Value = serde_json::from_str(&text).expect("json");
    fc["features"]
        .as_array()
        .expect("features")
        .iter()
        .map(|f| {
            let p = &f["properties"];
            let s = |k: &str| p[k].as_str().expect(k).to_owned();
            (s("WD25CD"), (s("WD25NM"), s("LAD25CD")))
        })
        .collect()
}

/// The ONS lookup: LSOA 2021 → (ward 2024, district 2024).
fn lookup(sources: &Path) -> BTreeMap<String, (String, String)> {
    let mut r = csv::Reader::from_path(sources.join(LOOKUP)).expect("lookup");
    r.records()
        .map(|rec| {
            let rec = rec.expect("row");
            (rec[1].to_owned(), (rec[3].to_owned(), rec[5].to_owned()))
        })
        .collect()
}

fn ward_of(atlas: &Atlas, g: Geography, code: &str) -> String {
    atlas
        .areas(g)
        .expect("geography")
        .get(code)
        .expect(code)
        .parents[&Geography::Ward]
        .clone()
}

#[test]
fn every_ward_of_the_excerpt_is_built_or_named_as_empty() {
    let (_t, atlas, summary) = ingest(&national(), "all");
    let file = wards_2025(&national());
    assert_eq!(file.len(), 41); // Scilly 5, Rutland 15, Barnsley 21 (ONS May 2025)
    let built = atlas.areas(Geography::Ward).expect("ward");
    assert_eq!(built.len(), 37);
    // The four Scilly wards without an LSOA (the islands have one LSOA, in St Mary's).
    let empty: Vec<&str> = file
        .keys()
        .filter(|c| built.get(c).is_none())
        .map(String::as_str)
        .collect();
    assert_eq!(empty, ["E05011090", "E05011091", "E05011092", "E05011094"]);
    let note = summary
        .notes
        .iter()
        .find(|n| n.contains("hold no LSOA"))
        .expect("a note on the empty wards");
    assert!(note.starts_with("4 May 2025 ward(s)"), "{note}");
    for c in empty {
        assert!(note.contains(c), "{note}");
    }
    // Names and boundaries come from the May 2025 file.
    for a in &built.areas {
        assert_eq!(a.name, file[&a.code].0);
    }
    assert_eq!(
        atlas.manifest.geographies[&Geography::Ward].vintage,
        "Ward (May 2025)"
    );
    // The name the API, search, tiles and map give the layer.
    assert_eq!(atlas.geography_label(Geography::Ward), "Ward (May 2025)");
    assert_eq!(atlas.geography_label(Geography::Lsoa21), "LSOA (2021)");
}

#[test]
fn unchanged_districts_keep_the_published_lookup() {
    let (_t, atlas, _) = ingest(&national(), "all");
    let published = lookup(&national());
    let mut n = 0;
    for (lsoa, (ward, lad)) in &published {
        if lad != BARNSLEY {
            assert_eq!(&ward_of(&atlas, Geography::Lsoa21, lsoa), ward, "{lsoa}");
            n += 1;
        }
    }
    assert_eq!(n, 27); // Rutland 26, Scilly 1
    // Rutland 003B: Oakham North East in the ONS lookup.
    assert_eq!(ward_of(&atlas, Geography::Lsoa21, "E01013799"), "E05012641");
}

#[test]
fn a_changed_district_is_assigned_by_interior_point() {
    let (_t, atlas, _) = ingest(&national(), "all");
    let file = wards_2025(&national());
    let published = lookup(&national());
    let lsoas = atlas.areas(Geography::Lsoa21).expect("lsoa21");
    let (mut same, mut comparable, mut barnsley) = (0, 0, 0);
    for (lsoa, (ward24, lad)) in &published {
        if lad != BARNSLEY {
            continue;
        }
        barnsley += 1;
        let ward = ward_of(&atlas, Geography::Lsoa21, lsoa);
        // Barnsley's May 2025 wards are published under its new code E08000038.
        assert_eq!(file[&ward].1, "E08000038", "{lsoa} → {ward}");
        assert_eq!(
            lsoas.get(lsoa).expect("lsoa").parents[&Geography::District],
            BARNSLEY
        );
        if file.contains_key(ward24) {
            comparable += 1;
            same += usize::from(&ward == ward24);
        }
    }
    assert_eq!(barnsley, 148);
    // Penistone East changed code (E05000989 → E05016245); its 8 LSOAs are not comparable.
    // With Rutland's and Scilly's 26 of 27 this is the 160 of 167 the method states.
    assert_eq!((same, comparable), (134, 140));
    let wards = atlas.areas(Geography::Ward).expect("ward");
    assert_eq!(
        wards.get("E05016245").expect("Penistone East").parents[&Geography::District],
        BARNSLEY
    );
    assert!(wards.get("E05000989").is_none());
    // An LSOA 2011 of Barnsley takes its first 2021 successor's ward.
    for (a11, a21) in first_successors(&atlas) {
        let l11 = atlas
            .areas(Geography::Lsoa11)
            .expect("lsoa11")
            .get(&a11)
            .expect("l11");
        if l11.parents[&Geography::District] == BARNSLEY {
            assert_eq!(
                l11.parents[&Geography::Ward],
                ward_of(&atlas, Geography::Lsoa21, &a21),
                "{a11}"
            );
        }
    }
}

/// Each LSOA 2011's first 2021 successor (by code), from the excerpt's ONS lookup.
fn first_successors(atlas: &Atlas) -> BTreeMap<String, String> {
    let raw = std::fs::read(national().join("lookups/lsoa11_lsoa21_lad22_EW.csv.gz")).expect("l");
    let mut r = csv::Reader::from_reader(flate2::read::GzDecoder::new(raw.as_slice()));
    let held: BTreeSet<&str> = atlas
        .areas(Geography::Lsoa21)
        .expect("l21")
        .areas
        .iter()
        .map(|a| a.code.as_str())
        .collect();
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    for rec in r.deserialize::<BTreeMap<String, String>>() {
        let rec = rec.expect("row");
        let (a, b) = (rec["lsoa11_code"].clone(), rec["lsoa21_code"].clone());
        if held.contains(b.as_str()) {
            let e = out.entry(a).or_insert_with(|| b.clone());
            if b < *e {
                *e = b;
            }
        }
    }
    out
}

#[test]
fn best_fit_ward_figures_are_labelled_with_the_rule() {
    let (_t, atlas, summary) = ingest(&national(), "all");
    let def = atlas.catalogue.get("population").expect("population");
    let ward = def.level(Geography::Ward).expect("ward level");
    assert!(ward.estimate);
    for words in [
        "best-fit estimates made here",
        "interior point",
        "1 of 3 districts (E08000016)",
        "160 of 167 (95.8%)",
    ] {
        assert!(ward.method.contains(words), "{words}: {}", ward.method);
    }
    // Every ward figure carries it; other geographies do not.
    for d in &atlas.catalogue.indicators {
        for l in &d.levels {
            assert_eq!(
                l.method.contains("interior point"),
                l.geography == Geography::Ward,
                "{} at {}",
                d.id,
                l.geography
            );
        }
    }
    let source = &atlas.manifest.geographies[&Geography::Ward].source;
    assert!(
        source.contains(WARDS) && source.contains("interior point"),
        "{source}"
    );
    assert!(summary.notes.iter().any(|n| n.contains("160 of 167")));
    // A ward's count is the sum of its LSOAs' (Census 2021 usual residents).
    let kids = atlas.children(Geography::Ward, "E05016245", Geography::Lsoa21);
    let sum: f64 = kids
        .iter()
        .map(|k| {
            atlas
                .value(Geography::Lsoa21, k, "population")
                .expect("pop")
        })
        .sum();
    assert_eq!(
        atlas.value(Geography::Ward, "E05016245", "population"),
        Some(sum)
    );
}

#[test]
fn a_district_whose_wards_did_not_change_has_no_best_fit_label() {
    let (_t, atlas, _) = ingest(&national(), "E06000017");
    assert_eq!(atlas.areas(Geography::Ward).expect("ward").len(), 15);
    let rec = &atlas.manifest.geographies[&Geography::Ward];
    assert_eq!(rec.vintage, "Ward (May 2025)");
    assert!(
        rec.source
            .contains("in 1 district(s) whose wards are unchanged"),
        "{}",
        rec.source
    );
    let ward = atlas
        .catalogue
        .get("population")
        .expect("p")
        .level(Geography::Ward)
        .expect("w")
        .clone();
    assert!(!ward.method.contains("interior point"), "{}", ward.method);
}

#[test]
fn leeds_alone_keeps_its_lookup_and_december_2023_wards() {
    // The Leeds excerpt holds its three wards from the May 2025 file too; they are not read.
    let leeds = common::fixture_sources();
    assert_eq!(wards_2025(&leeds).len(), 3);
    let (_t, atlas, _) = ingest(&leeds, "E08000035");
    let rec = &atlas.manifest.geographies[&Geography::Ward];
    assert!(
        rec.source.contains("wards_dec2023_leeds_bgc"),
        "{}",
        rec.source
    );
    assert_eq!(rec.vintage, "Ward (2023)");
    assert!(!atlas.manifest.sources.iter().any(|s| s.path == WARDS));
}
