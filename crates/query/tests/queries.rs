//! Questions asked of the committed Leeds atlas, with answers checked against the sources.
#![allow(clippy::float_cmp)] // figures copied from the sources are compared exactly

use std::path::Path;
use std::sync::OnceLock;

use equimap_atlas::{Atlas, Geography};
use equimap_query::{HitKind, Query, QueryError};

fn q() -> &'static Query {
    static Q: OnceLock<Query> = OnceLock::new();
    Q.get_or_init(|| {
        let atlas = Atlas::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../../boundaries"))
            .expect("atlas");
        Query::new(atlas).expect("query")
    })
}

fn code_at(found: &[equimap_query::PointArea], g: Geography) -> &str {
    &found
        .iter()
        .find(|a| a.area.geography == g)
        .expect("geography present")
        .area
        .code
}

#[test]
fn civic_hall_is_in_leeds_111b() {
    // Leeds Civic Hall, postcode LS1 1UR. Code-Point Open/NSPL place that postcode in LSOA21
    // E01033010 "Leeds 111B", MSOA21 E02006875 and ward E05011403 Little London & Woodhouse.
    let found = q().point(-1.5486, 53.8019).expect("inside Leeds");
    assert_eq!(code_at(&found, Geography::Lsoa21), "E01033010");
    assert_eq!(code_at(&found, Geography::Msoa21), "E02006875");
    assert_eq!(code_at(&found, Geography::Ward), "E05011403");
    assert_eq!(code_at(&found, Geography::District), "E08000035");
    let lsoa = found
        .iter()
        .find(|a| a.area.geography == Geography::Lsoa21)
        .expect("lsoa");
    assert_eq!(lsoa.area.name, "Leeds 111B");
    assert!(lsoa.headline.contains_key("imd2025_decile"));
}

#[test]
fn points_outside_are_404_and_nonsense_is_400() {
    assert!(matches!(
        q().point(-0.1276, 51.5072),
        Err(QueryError::NotFound(_))
    )); // London
    assert!(matches!(
        q().point(500.0, 53.0),
        Err(QueryError::BadRequest(_))
    ));
    assert!(matches!(
        q().point(f64::NAN, 53.0),
        Err(QueryError::BadRequest(_))
    ));
}

#[test]
fn a_point_on_a_shared_border_goes_to_the_lower_code() {
    // Find a vertex shared by two LSOAs (the BGC file shares border vertices exactly).
    let set = q().atlas.areas(Geography::Lsoa21).expect("lsoa21");
    let a = set.get("E01011264").expect("Leeds 011A");
    let (mut shared, mut other) = (None, None);
    'outer: for c in a.geometry.0[0].exterior().coords() {
        for b in &set.areas {
            if b.code != a.code
                && b.geometry
                    .0
                    .iter()
                    .any(|p| p.exterior().coords().any(|d| d == c))
            {
                shared = Some(*c);
                other = Some(b.code.clone());
                break 'outer;
            }
        }
    }
    let (c, other) = (
        shared.expect("a shared vertex"),
        other.expect("a neighbour"),
    );
    let got = q().locate(Geography::Lsoa21, c.x, c.y).expect("found");
    let want = if other.as_str() < "E01011264" {
        other.as_str()
    } else {
        "E01011264"
    };
    assert_eq!(got.code, want);
}

#[test]
fn profile_of_leeds_011a() {
    let p = q()
        .profile(Geography::Lsoa21, "E01011264", true)
        .expect("profile");
    assert_eq!(p.area.name, "Leeds 011A");
    let d = p
        .indicators
        .iter()
        .find(|i| i.id == "imd2025_decile")
        .expect("decile");
    assert_eq!(d.value, Some(6.0));
    assert!(!d.estimate && d.unit.contains("1 = most deprived 10%"));
    let s = p
        .indicators
        .iter()
        .find(|i| i.id == "imd2025_score")
        .expect("score");
    assert_eq!(s.value, Some(17.003));
    assert!(
        s.district.as_ref().and_then(|r| r.value).is_some()
            && s.england.as_ref().and_then(|r| r.value).is_some()
    );
    let rank = s.local_rank.expect("rank");
    assert_eq!(rank.of, 488);
    // Rank 1 is the most deprived: one more than the LSOAs with a higher (worse) score.
    let t = &q().atlas.tables[&Geography::Lsoa21];
    let worse = t
        .codes
        .iter()
        .filter(|c| t.get(c, "imd2025_score").is_some_and(|v| v > 17.003))
        .count();
    assert_eq!(rank.rank, worse + 1);
    let le = p
        .indicators
        .iter()
        .find(|i| i.id == "le_female")
        .expect("le");
    assert!(le.estimate);
    assert!(
        p.parents
            .iter()
            .any(|a| a.geography == Geography::Ward && a.code == "E05011549")
    );
    assert!(p.geometry.is_some());
    let w = q()
        .profile(Geography::Ward, "E05011549", false)
        .expect("ward");
    assert!(
        w.children[&Geography::Lsoa21]
            .iter()
            .any(|a| a.code == "E01011264")
    );
    assert!(matches!(
        q().profile(Geography::Lsoa21, "E0100000X", false),
        Err(QueryError::NotFound(_))
    ));
}

#[test]
fn search_postcodes_in_any_spacing() {
    for text in ["LS6 1AN", "ls61an", "ls6  1an", " LS61AN "] {
        let hits = q().search(text, 10).expect("search");
        assert_eq!(hits[0].kind, HitKind::Postcode, "{text}");
        assert_eq!(hits[0].label, "LS6 1AN", "{text}");
        // Our own lookup places LS6 1AN (53.80781, -1.56074) in LSOA21 E01035044, as NSPL does.
        assert!(
            hits[0]
                .within
                .iter()
                .any(|a| a.geography == Geography::Lsoa21 && a.code == "E01035044")
        );
    }
    // A whole postcode sector is a gazetteer place first, then its postcodes.
    let partial = q().search("LS6 1", 10).expect("partial");
    assert_eq!(partial.len(), 10);
    assert_eq!(
        (partial[0].kind, partial[0].label.as_str()),
        (HitKind::Place, "LS6 1")
    );
    assert!(
        partial[1..]
            .iter()
            .all(|h| h.kind == HitKind::Postcode && h.label.starts_with("LS6 1"))
    );
    let district = q().search("ls6", 5).expect("district");
    assert_eq!(
        (district[0].kind, district[0].label.as_str()),
        (HitKind::Place, "LS6")
    );
}

#[test]
fn search_areas_and_places() {
    let hits = q().search("Leeds 111B", 5).expect("search");
    let a = hits[0].area.as_ref().expect("an area first");
    assert_eq!(
        (a.geography, a.code.as_str()),
        (Geography::Lsoa21, "E01033010")
    );
    let hits = q().search("leeds dock", 5).expect("search");
    assert!(
        hits.iter()
            .any(|h| h.label.starts_with("Leeds Dock, Hunslet & Stourton")),
        "{hits:?}"
    );
    let plain = q().search("headingley", 5).expect("plain");
    let accented = q().search("Héadíngley", 5).expect("accented");
    assert_eq!(plain[0].label, accented[0].label);
    assert!(plain.iter().any(|h| {
        h.area
            .as_ref()
            .is_some_and(|a| a.geography == Geography::Ward && a.name == "Headingley & Hyde Park")
    }));
    assert!(q().search("   ", 5).is_err());
}

#[test]
fn lowest_male_life_expectancy_ward() {
    let rows = q()
        .rank("le_male", Geography::Ward, "worst", None)
        .expect("rank");
    assert_eq!(rows.len(), 33);
    assert!(rows.windows(2).all(|w| w[0].value <= w[1].value));
    assert_eq!(rows[0].rank, 1);
    assert!(matches!(
        q().rank("nope", Geography::Ward, "worst", None),
        Err(QueryError::NotFound(_))
    ));
    assert!(matches!(
        q().rank("le_male", Geography::Ward, "sideways", None),
        Err(QueryError::BadRequest(_))
    ));
}

#[test]
fn life_expectancy_gradient_by_imd_decile() {
    let score = q()
        .gradient("imd2025_score", "imd2025_decile", None)
        .expect("score gradient");
    let pop: f64 = score.bands.iter().map(|b| b.population).sum();
    assert_eq!(pop, 820_802.0);
    // 84 Leeds LSOAs are in national decile 1 and 62 in decile 10 (MHCLG).
    assert_eq!(score.bands[0].areas, 84);
    assert_eq!(score.bands[9].areas, 62);
    assert!(
        score.sii.expect("sii") < 0.0,
        "scores fall as deprivation falls"
    );
    let g = q()
        .gradient("le_female", "imd2025_decile", None)
        .expect("gradient");
    assert_eq!(g.bands.len(), 10);
    // LSOAs whose MSOA's value is suppressed have no estimate and are left out, not filled.
    let with_value: usize = g.bands.iter().map(|b| b.areas).sum();
    let t = &q().atlas.tables[&Geography::Lsoa21];
    assert_eq!(
        with_value,
        t.codes
            .iter()
            .filter(|c| t.get(c, "le_female").is_some())
            .count()
    );
    let (d1, d10) = (
        g.bands[0].value.expect("d1"),
        g.bands[9].value.expect("d10"),
    );
    assert!(
        d10 > d1 + 3.0,
        "women in the least deprived tenth live longer: {d1} vs {d10}"
    );
    assert!((g.gap_absolute.expect("gap") - (d10 - d1)).abs() < 1e-9);
    let sii = g.sii.expect("sii");
    assert!(sii > 0.0 && sii < 20.0, "{sii}");
    assert!(g.estimate);
    assert!(
        q().gradient("le_female", "imd2025_decile", Some(Geography::Ward))
            .is_err()
    );
    assert!(q().gradient("le_female", "population", None).is_err());
}

#[test]
fn nearest_gp_to_its_own_postcode() {
    // B86002 City View Medical Practice is at LS11 8LH (53.77832, -1.55587).
    let near = q().nearest_gps(-1.55587, 53.77832, 3).expect("gps");
    assert_eq!(near[0].practice.org_code, "B86002");
    assert!(near[0].distance_m < 5.0);
    assert!(near.windows(2).all(|w| w[0].distance_m <= w[1].distance_m));
}

#[test]
fn bad_health_gradient_sums_counts_with_intervals() {
    // Leeds residents in bad or very bad health by national IMD 2025 decile: decile 1 10,383 of
    // 144,747 and decile 10 2,974 of 101,080 (Census 2021 TS037 summed by the independent script
    // tests/fixtures/stats/make_expected.py).
    let g = q()
        .gradient("bad_health_share", "imd2025_decile", None)
        .expect("gradient");
    let (d1, d10) = (&g.bands[0], &g.bands[9]);
    assert_eq!(
        (d1.numerator, d1.denominator),
        (Some(10_383.0), Some(144_747.0))
    );
    assert_eq!(
        (d10.numerator, d10.denominator),
        (Some(2_974.0), Some(101_080.0))
    );
    let (lo, hi) = equimap_query::inequality::wilson(10_383.0, 144_747.0).expect("wilson");
    assert_eq!((d1.lower, d1.upper), (Some(lo), Some(hi)));
    // The gap has an interval around it, and so do the SII and RII.
    let gap = g.gap_absolute.expect("gap");
    let (glo, ghi) = g.gap_absolute_interval.expect("gap interval");
    assert!(glo < gap && gap < ghi && ghi < 0.0, "{glo} {gap} {ghi}");
    let sii = g.sii.expect("sii");
    let (slo, shi) = g.sii_interval.expect("sii interval");
    assert!(slo < sii && sii < shi && shi < 0.0, "{slo} {sii} {shi}");
    let (rlo, rhi) = g.rii_interval.expect("rii interval");
    assert!(rlo < g.rii.expect("rii") && g.rii.expect("rii") < rhi);
    assert!(g.method.contains("phe_sii") && g.method.contains("seeded"));
    // A second request is the same answer.
    let again = q()
        .gradient("bad_health_share", "imd2025_decile", None)
        .expect("gradient");
    assert_eq!(again.sii_interval, g.sii_interval);
}

#[test]
fn profiles_compare_with_leeds_and_england_by_interval() {
    use equimap_query::inequality::Significance;
    let p = q()
        .profile(Geography::Ward, "E05011405", false)
        .expect("ward");
    let fuel = p
        .indicators
        .iter()
        .find(|i| i.id == "fuel_poverty_share")
        .expect("fuel poverty");
    let ci = fuel.interval.as_ref().expect("interval");
    let c = fuel.counts.as_ref().expect("counts");
    let (lo, hi) = equimap_query::inequality::wilson(c.numerator, c.denominator).expect("wilson");
    assert_eq!((ci.lower, ci.upper), (lo, hi));
    // The comparison follows the intervals and the polarity (higher is worse).
    for (cmp, reference) in [
        (&fuel.vs_district, &fuel.district),
        (&fuel.vs_england, &fuel.england),
    ] {
        let cmp = cmp.as_ref().expect("comparison");
        let b = reference.as_ref().and_then(|r| r.value).expect("benchmark");
        let want = if b < lo {
            Significance::Worse
        } else if b > hi {
            Significance::Better
        } else {
            Significance::Similar
        };
        assert_eq!(cmp.significance, want, "{}", cmp.words);
        assert!(cmp.words.contains(&cmp.benchmark));
    }
    // The district's own profile is compared with England only.
    let d = q()
        .profile(Geography::District, "E08000035", false)
        .expect("district");
    let bad = d
        .indicators
        .iter()
        .find(|i| i.id == "bad_health_share")
        .expect("bad");
    assert!(bad.vs_district.is_none());
    // Leeds 5.02% (4.97-5.06%) against England 5.15%: significantly better.
    assert_eq!(
        bad.vs_england.as_ref().map(|c| c.words.as_str()),
        Some("significantly better than England")
    );
    // Life expectancy at MSOA 2011 is compared through its published limits.
    let m = q()
        .profile(Geography::Msoa11, "E02002330", false)
        .expect("msoa");
    let le = m
        .indicators
        .iter()
        .find(|i| i.id == "le_female")
        .expect("le");
    let ci = le.interval.as_ref().expect("published limits");
    assert_eq!((ci.lower, ci.upper), (87.64, 90.56));
    assert!(le.vs_england.is_some());
    // Rank rows carry the same statistics.
    let rows = q()
        .rank("bad_health_share", Geography::Ward, "worst", Some(3))
        .expect("rank");
    assert!(
        rows.iter()
            .all(|r| r.stats.interval.is_some() && r.stats.vs_england.is_some())
    );
}

#[test]
fn warming_computes_every_gradient_a_request_could_ask_for() {
    // A fresh engine, so the shared one's cache does not count.
    let atlas = Atlas::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../../boundaries"))
        .expect("atlas");
    let fresh = Query::new(atlas).expect("query");
    let cat = &fresh.atlas.catalogue;
    let deciles: Vec<_> = cat
        .indicators
        .iter()
        .filter(|d| d.kind == equimap_atlas::Kind::Decile && !d.local)
        .collect();
    // Independently: every (indicator with counts, national decile) pair whose indicator is held
    // at the decile's geography.
    let expected = cat
        .indicators
        .iter()
        .filter(|d| d.counts.is_some())
        .flat_map(|d| deciles.iter().map(move |by| (d, by)))
        .filter(|(d, by)| d.level(by.native).is_some())
        .count();
    assert!(expected >= 8, "{expected}");
    assert_eq!(fresh.warm_gradients(), expected);
}
