//! Trends, the IMD 2019 → 2025 change and the Fairer, Healthier Leeds set, asked of the committed
//! Leeds atlas and checked against the published sources.
#![allow(clippy::float_cmp)] // figures copied from the sources are compared exactly

use std::path::Path;
use std::sync::OnceLock;

use equimap_atlas::{Atlas, Geography};
use equimap_query::{Query, QueryError};

fn q() -> &'static Query {
    static Q: OnceLock<Query> = OnceLock::new();
    Q.get_or_init(|| {
        let atlas = Atlas::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../../boundaries"))
            .expect("atlas");
        Query::new(atlas).expect("query")
    })
}

#[test]
fn leeds_trends_stand_beside_england() {
    let t = q().trends(None).expect("Leeds has trends");
    assert_eq!((t.code.as_str(), t.name.as_str()), ("E08000035", "Leeds"));
    let point = |id: &str, sex: &str, period: &str| {
        t.series
            .iter()
            .find(|s| s.def.id == id && s.sex == sex)
            .and_then(|s| s.points.iter().find(|p| p.period == period))
            .cloned()
            .unwrap_or_else(|| panic!("{id} {sex} {period}"))
    };
    // PROVENANCE: Leeds 2020-22 male 78.0, female 82.2 (ONS 78.04 / 82.16).
    let m = point("le_birth", "Male", "2020-22");
    assert_eq!((m.district, m.england), (Some(78.0), Some(78.9)));
    assert_eq!(m.compared_to_england.as_deref(), Some("Worse"));
    assert_eq!(point("le_birth", "Female", "2020-22").district, Some(82.2));
    // SII 2022-24: male 12.8 years, female 10.3 years; England 10.4 and 8.
    let s = point("le_sii", "Male", "2022-24");
    assert_eq!((s.district, s.england), (Some(12.8), Some(10.4)));
    assert_eq!(point("le_sii", "Female", "2022-24").district, Some(10.3));
    // Life expectancy by sex, the SII by sex, preventable mortality for males, females, persons.
    let ids: Vec<(&str, &str)> = t
        .series
        .iter()
        .map(|s| (s.def.id.as_str(), s.sex.as_str()))
        .collect();
    assert_eq!(
        ids,
        [
            ("le_birth", "Male"),
            ("le_birth", "Female"),
            ("le_sii", "Male"),
            ("le_sii", "Female"),
            ("u75_preventable", "Male"),
            ("u75_preventable", "Female"),
            ("u75_preventable", "Persons"),
        ]
    );
    // Only the unconfirmed period is marked.
    let marked: Vec<&str> = t
        .series
        .iter()
        .flat_map(|s| {
            s.points
                .iter()
                .filter(|p| p.caveat)
                .map(|p| p.period.as_str())
        })
        .collect();
    assert_eq!(marked, ["2023-25", "2023-25"]);
    assert!(matches!(
        q().trends(Some("E08000032")),
        Err(QueryError::NotFound(_))
    ));
    assert!(matches!(
        q().trends(Some("all")),
        Err(QueryError::BadRequest(_))
    ));
}

#[test]
fn imd_2019_is_brought_onto_2021_lsoas_by_the_documented_rule() {
    let a = &q().atlas;
    let v = |code: &str, id: &str| a.value(Geography::Lsoa21, code, id);
    let v11 = |code: &str, id: &str| a.value(Geography::Lsoa11, code, id);
    // Unchanged: Leeds 011A keeps its IoD2019 rank 13915, decile 5; IoD2025 decile 6.
    assert_eq!(v("E01011264", "imd2019_rank_lsoa21"), Some(13915.0));
    assert_eq!(v("E01011264", "imd2019_decile_lsoa21"), Some(5.0));
    assert_eq!(v("E01011264", "imd_decile_change"), Some(1.0));
    assert_eq!(v("E01011264", "imd_rank_change"), Some(17269.0 - 13915.0));
    // Split: both halves of E01032945 take its values.
    for half in ["E01035040", "E01035041"] {
        assert_eq!(
            v(half, "imd2019_rank_lsoa21"),
            v11("E01032945", "imd2019_rank")
        );
    }
    // Merged: E01035054 from E01033018 (rank 16129) and E01033019 (rank 19592), weighted by
    // their ONS mid-2020 populations as the atlas holds them.
    let (p1, p2) = (
        v11("E01033018", "population").expect("pop"),
        v11("E01033019", "population").expect("pop"),
    );
    let expect = ((16129.0 * p1 + 19592.0 * p2) / (p1 + p2)).round();
    assert_eq!(v("E01035054", "imd2019_rank_lsoa21"), Some(expect));
    assert_eq!(
        v("E01035054", "imd2019_decile_lsoa21"),
        Some((expect * 10.0 / 32844.0).ceil())
    );
    assert_eq!(v("E01035054", "imd2025_decile"), Some(9.0));
    // Every Leeds LSOA21 has a change, and the change is 2025 minus 2019.
    let areas = a.areas(Geography::Lsoa21).expect("lsoa21");
    for area in &areas.areas {
        let c = &area.code;
        assert_eq!(
            v(c, "imd_decile_change"),
            Some(
                v(c, "imd2025_decile").expect("2025")
                    - v(c, "imd2019_decile_lsoa21").expect("2019")
            ),
            "{c}"
        );
    }
    let def = a.catalogue.get("imd_decile_change").expect("defined");
    assert!(def.level(Geography::Lsoa21).expect("lsoa21").estimate);
    assert!(
        def.caveat
            .as_deref()
            .is_some_and(|c| c.contains("not an absolute measure"))
    );
}

#[test]
fn the_marmot_set_lists_fifteen_measures_held_or_published_elsewhere() {
    let m = q().marmot();
    assert_eq!(m.measures.len(), 15);
    let le = &m.measures[0];
    assert!(le.held);
    assert_eq!(le.breakdowns, ["ward", "MSOA", "IMD decile", "sex"]);
    let ids: Vec<&str> = le.indicators.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(ids, ["le_female", "le_male"]);
    assert!(le.indicators[0].geographies.iter().any(|g| g == "ward"));
    assert_eq!(le.trends, ["le_birth", "le_sii"]);
    let lbw = &m.measures[1];
    assert!(!lbw.held && lbw.indicators.is_empty());
    assert!(lbw.publisher.contains("Local Health"));
    // Nothing stands in for a missing measure.
    for x in m.measures.iter().filter(|x| !x.held) {
        assert!(x.indicators.is_empty(), "{}", x.title);
        assert!(!x.publisher.is_empty(), "{}", x.title);
    }
    assert_eq!(m.held, m.measures.iter().filter(|x| x.held).count());
}
