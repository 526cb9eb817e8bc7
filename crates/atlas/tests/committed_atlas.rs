//! The committed Leeds atlas (`boundaries/`) loads and holds the published figures.
#![allow(clippy::float_cmp)] // the published figures are copied, so exact comparison is the test
//! Expected values come from the sources' PROVENANCE notes and the published tables.

use std::path::Path;

use equimap_atlas::{Atlas, ENGLAND_CODE, Geography};

fn atlas() -> Atlas {
    Atlas::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../../boundaries"))
        .expect("boundaries/ loads")
}

#[test]
fn counts_match_ons() {
    let a = atlas();
    let n = |g| a.areas(g).expect("geography").len();
    assert_eq!(n(Geography::Lsoa11), 482);
    assert_eq!(n(Geography::Lsoa21), 488);
    assert_eq!(n(Geography::Msoa11), 107);
    assert_eq!(n(Geography::Msoa21), 107);
    assert_eq!(n(Geography::Ward), 33);
    assert_eq!(n(Geography::District), 1);
    assert_eq!(a.manifest.district, "E08000035");
    assert_eq!(a.manifest.reference_layers["postcodes"].count, 20_799);
    assert_eq!(a.manifest.reference_layers["gp_practices"].count, 87);
    assert_eq!(a.manifest.reference_layers["places"].count, 975);
}

#[test]
fn leeds_011a() {
    let a = atlas();
    let l = a
        .areas(Geography::Lsoa21)
        .expect("lsoa21")
        .get("E01011264")
        .expect("Leeds 011A");
    assert_eq!(l.name, "Leeds 011A");
    assert_eq!(
        a.value(Geography::Lsoa21, "E01011264", "imd2025_decile"),
        Some(6.0)
    );
    assert_eq!(
        a.value(Geography::Lsoa21, "E01011264", "imd2025_score"),
        Some(17.003)
    );
}

#[test]
fn imd2025_decile_distribution_matches_mhclg() {
    // IoD2025 Leeds: d1 84, d2 52, d3 40, d4 38, d5 26, d6 34, d7 47, d8 44, d9 61, d10 62.
    let a = atlas();
    let t = &a.tables[&Geography::Lsoa21];
    let mut counts = [0; 10];
    for code in &t.codes {
        let d = t.get(code, "imd2025_decile").expect("decile") as usize;
        counts[d - 1] += 1;
    }
    assert_eq!(counts, [84, 52, 40, 38, 26, 34, 47, 44, 61, 62]);
}

#[test]
fn leeds_imd2019_average_score_matches_file_10() {
    // MHCLG File 10: Leeds "IMD - Average score" 27.301, the mid-2015-population-weighted mean.
    let a = atlas();
    let r = a
        .references
        .get("imd2019_score", "E08000035")
        .expect("reference")
        .value
        .expect("value");
    assert!((r - 27.301).abs() < 0.0005, "{r}");
    let d = a
        .value(Geography::District, "E08000035", "imd2019_score")
        .expect("district");
    assert!((d - 27.301).abs() < 0.0005, "{d}");
    assert!(
        a.references
            .get("imd2019_score", ENGLAND_CODE)
            .expect("england")
            .value
            .is_some()
    );
    // 114 of 482 Leeds LSOAs were in national decile 1 in 2019 (File 10: 23.65%).
    let t = &a.tables[&Geography::Lsoa11];
    let d1 = t
        .codes
        .iter()
        .filter(|c| t.get(c, "imd2019_decile") == Some(1.0))
        .count();
    assert_eq!(d1, 114);
}

#[test]
fn life_expectancy_gap() {
    // ONS 2016-20: males 72.5 (Leeds 112) to 88.2 (Leeds 021); 13 Leeds values suppressed.
    let a = atlas();
    let t = &a.tables[&Geography::Msoa11];
    let males: Vec<f64> = t.codes.iter().filter_map(|c| t.get(c, "le_male")).collect();
    let min = males.iter().copied().fold(f64::INFINITY, f64::min);
    let max = males.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    assert!(
        (min - 72.5).abs() < 0.05 && (max - 88.2).abs() < 0.05,
        "{min} {max}"
    );
    let missing: usize = ["le_male", "le_female", "le_persons"]
        .iter()
        .map(|id| a.coverage(Geography::Msoa11, id).expect("coverage").missing)
        .sum();
    assert_eq!(missing, 13);
}

#[test]
fn population_totals() {
    let a = atlas();
    // IoD2025 File 6: Leeds mid-2022 820,802. ONS SAPE: Leeds mid-2020 798,786.
    assert_eq!(
        a.value(Geography::District, "E08000035", "population"),
        Some(820_802.0)
    );
    let t = &a.tables[&Geography::Lsoa11];
    let sum: f64 = t.codes.iter().filter_map(|c| t.get(c, "population")).sum();
    assert_eq!(sum, 798_786.0);
}

#[test]
fn every_child_has_its_parents() {
    let a = atlas();
    for g in [Geography::Lsoa21, Geography::Lsoa11] {
        for area in &a.areas(g).expect("g").areas {
            for p in g.parents() {
                let code = area
                    .parents
                    .get(p)
                    .unwrap_or_else(|| panic!("{g} {} lacks a {p}", area.code));
                assert!(a.areas(*p).expect("p").get(code).is_some());
            }
        }
    }
    // Every ward has LSOAs of both vintages.
    for w in &a.areas(Geography::Ward).expect("wards").areas {
        assert!(
            !a.children(Geography::Ward, &w.code, Geography::Lsoa21)
                .is_empty(),
            "{}",
            w.name
        );
        assert!(
            !a.children(Geography::Ward, &w.code, Geography::Lsoa11)
                .is_empty(),
            "{}",
            w.name
        );
    }
}

#[test]
fn green_space_access_is_measured() {
    // Computed by the ingest from OS Open Greenspace, OSM and the OA 2021 centroids
    // (docs/greenspace.md): 60.6% of Leeds residents have 0.5 ha of green space within 200 m.
    let a = atlas();
    let v = a
        .value(
            Geography::District,
            "E08000035",
            "greenspace_0_5ha_200m_share",
        )
        .expect("share");
    assert!((v - 0.606).abs() < 0.0005, "{v}");
    for g in Geography::ALL {
        let c = a
            .coverage(g, "greenspace_park_entrance_m")
            .expect("coverage");
        assert_eq!(c.missing, 0, "{g}");
    }
    let def = a.catalogue.get("greenspace_park_entrance_m").expect("def");
    assert_eq!(def.polarity, equimap_atlas::Polarity::HigherIsWorse);
    assert!(a.manifest.reference_layers.contains_key("greenspace_sites"));
    assert!(
        a.manifest.reference_layers["greenspace_sites"]
            .attribution
            .contains("OpenStreetMap")
    );
}

#[test]
fn life_expectancy_limits_are_part_of_the_value() {
    // ONS REQ3292: Leeds 021 (E02002350) females, with its published 95% limits; the limits are
    // companion columns of the MSOA 2011 value, not indicators with ranks of their own.
    let a = atlas();
    assert!(a.catalogue.get("le_female_lci95").is_none());
    let def = a.catalogue.get("le_female").expect("le_female");
    let iv = def
        .interval_at(Geography::Msoa11)
        .expect("published limits");
    assert_eq!(
        (iv.lower.as_str(), iv.upper.as_str()),
        ("le_female_lci95", "le_female_uci95")
    );
    assert!(
        def.interval_at(Geography::Lsoa21).is_none(),
        "estimates carry no limits"
    );
    let code = "E02002330";
    let v = a
        .value(Geography::Msoa11, code, "le_female")
        .expect("value");
    let (lo, hi) = a
        .published_interval(Geography::Msoa11, code, def)
        .expect("limits");
    assert_eq!((lo, v, hi), (87.64, 89.1, 90.56));
}

#[test]
fn decile_shares_are_held_as_counts() {
    // The share of Leeds residents in decile-1 LSOAs is the decile-1 count over the population.
    let a = atlas();
    let def = a.catalogue.get("imd2025_d1_share").expect("d1 share");
    let c = def.counts.as_ref().expect("counts");
    assert_eq!(
        (c.numerator.as_str(), c.denominator.as_str()),
        ("imd2025_d1_count", "population")
    );
    assert!(
        c.interval.is_none(),
        "a classification has no sampling interval"
    );
    let (n, d) = a
        .counts(Geography::District, "E08000035", def)
        .expect("counts");
    assert_eq!((n, d), (145_800.0, 820_802.0));
    let r = a
        .references
        .get("imd2025_d1_share", ENGLAND_CODE)
        .expect("england");
    assert!(r.numerator.is_some() && r.denominator.is_some());
    let def19 = a.catalogue.get("imd2019_d1_share").expect("2019");
    let c19 = def19.counts.as_ref().expect("counts");
    assert_eq!(c19.denominator, "imd2019_denominator");
    assert!(a.catalogue.get("imd2019_denominator").is_none());
}

#[test]
fn a_missing_companion_column_stops_the_load() {
    // Copy the atlas, drop the LE limits from msoa11.csv: the load names the column.
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../boundaries");
    let tmp = tempfile::tempdir().expect("tempdir");
    copy_dir(&src, tmp.path());
    let table = tmp.path().join("indicators/msoa11.csv");
    let text = std::fs::read_to_string(&table).expect("read");
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let headers = rdr.headers().expect("headers").clone();
    let keep: Vec<usize> = (0..headers.len())
        .filter(|i| headers.get(*i) != Some("le_male_uci95"))
        .collect();
    let mut w = csv::Writer::from_path(&table).expect("write");
    w.write_record(keep.iter().map(|i| &headers[*i]))
        .expect("header");
    for rec in rdr.records() {
        let rec = rec.expect("record");
        w.write_record(keep.iter().map(|i| &rec[*i])).expect("row");
    }
    w.flush().expect("flush");
    let err = Atlas::load(tmp.path()).expect_err("missing companion");
    let msg = err.to_string();
    assert!(
        msg.contains("le_male_uci95") && msg.contains("msoa11.csv"),
        "{msg}"
    );
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).expect("read_dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

#[test]
fn census_health_and_fuel_poverty_match_provenance() {
    // census2021_health_lsoa21/PROVENANCE.md: England 56,489,964 usual residents, 5.15% in bad
    // or very bad health, 17.30% disabled, 7.33% limited a lot; Leeds 811,944, 5.02%, 16.71%,
    // 6.90%. fuel_poverty_lsoa21/PROVENANCE.md: Leeds 55,274 of 350,738 households (Table 2),
    // England 13.14%.
    let a = atlas();
    let r = |id: &str, scope: &str| a.references.get(id, scope).expect("reference").clone();
    let e = r("bad_health_share", ENGLAND_CODE);
    assert_eq!(e.denominator, Some(56_489_964.0));
    let pct =
        |id: &str, scope: &str| (r(id, scope).value.expect("value") * 10_000.0).round() / 100.0;
    assert_eq!(pct("bad_health_share", ENGLAND_CODE), 5.15);
    assert_eq!(pct("disabled_share", ENGLAND_CODE), 17.30);
    assert_eq!(pct("disabled_lot_share", ENGLAND_CODE), 7.33);
    assert_eq!(
        r("bad_health_share", "E08000035").denominator,
        Some(811_944.0)
    );
    assert_eq!(pct("bad_health_share", "E08000035"), 5.02);
    assert_eq!(pct("disabled_share", "E08000035"), 16.71);
    assert_eq!(pct("disabled_lot_share", "E08000035"), 6.90);
    let fp = a.catalogue.get("fuel_poverty_share").expect("fuel");
    assert_eq!(
        a.counts(Geography::District, "E08000035", fp),
        Some((55_274.0, 350_738.0))
    );
    assert_eq!(pct("fuel_poverty_share", ENGLAND_CODE), 13.14);
    // Every Leeds LSOA has every share.
    for id in [
        "bad_health_share",
        "disabled_lot_share",
        "disabled_share",
        "unpaid_care_20h_share",
        "unpaid_care_50h_share",
        "disabled_household_share",
        "fuel_poverty_share",
    ] {
        assert_eq!(
            a.coverage(Geography::Lsoa21, id).expect("coverage").missing,
            0,
            "{id}"
        );
    }
}

#[test]
fn qof_prevalence_matches_the_published_checks() {
    // gp_qof_2425/PROVENANCE.md: England depression 14.27% (18+), diabetes 7.89% (17+),
    // hypertension 15.23%, SMI 1.02%, COPD 1.89%, obesity 13.88%, asthma 6.56%, CHD 2.98%;
    // Leeds practices 12.98%, 7.07%, 13.92%, 1.00%, 1.90%, 13.42%, 6.30%, 2.53%.
    let a = atlas();
    let pc = equimap_atlas::PrimaryCare::read(&a.dir)
        .expect("reads")
        .expect("the Leeds atlas has QOF registers");
    let prevalence = |scope: &str, cond: &str| {
        let t = pc
            .totals
            .iter()
            .find(|t| t.scope == scope && t.decile.is_none() && t.condition == cond)
            .expect("total");
        (10_000.0 * t.register as f64 / t.list_size as f64).round() / 100.0
    };
    let published = [
        ("DEP", 14.27, 12.98),
        ("DM", 7.89, 7.07),
        ("HYP", 15.23, 13.92),
        ("MH", 1.02, 1.00),
        ("COPD", 1.89, 1.90),
        ("OB", 13.88, 13.42),
        ("AST", 6.56, 6.30),
        ("CHD", 2.98, 2.53),
    ];
    for (cond, england, leeds) in published {
        assert_eq!(prevalence("england", cond), england, "England {cond}");
        assert_eq!(prevalence("district", cond), leeds, "Leeds {cond}");
    }
    // 6,188 practices in England; the 87 Leeds practices of the GP layer, all in QOF.
    let n = |scope: &str| {
        pc.totals
            .iter()
            .find(|t| t.scope == scope && t.decile.is_none() && t.condition == "DEP")
            .map(|t| t.practices)
    };
    assert_eq!((n("england"), n("district")), (Some(6188), Some(87)));
    // July 2026 membership: Leeds practices sit in 20 PCNs (19 in Leeds and Five Towns,
    // Wakefield, for B87030); B86104 is unallocated; two closed practices keep Feb 2023's PCN.
    let pcns: std::collections::BTreeSet<&str> = pc
        .practices
        .iter()
        .filter(|p| p.in_district && p.pcn_as_at == "2026-07-01" && !p.pcn_code.is_empty())
        .map(|p| p.pcn_code.as_str())
        .collect();
    assert_eq!(pcns.len(), 20);
    let as_at = |c: &str| {
        pc.practices
            .iter()
            .find(|p| p.practice_code == c)
            .map(|p| (p.pcn_code.as_str(), p.pcn_as_at.as_str()))
    };
    assert_eq!(as_at("B86104"), Some(("", "2026-07-01")));
    assert_eq!(as_at("B86009"), Some(("U43067", "2023-02")));
    assert_eq!(as_at("B87030"), Some(("U25219", "2026-07-01")));
}

#[test]
fn community_committees_share_their_wards_borders() {
    use std::collections::{BTreeMap, BTreeSet};
    type Edge = ((u64, u64), (u64, u64));
    fn edges(mp: &geo::MultiPolygon<f64>) -> Vec<Edge> {
        mp.0.iter()
            .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
            .flat_map(geo::LineString::lines)
            .map(|l| {
                (
                    (l.start.x.to_bits(), l.start.y.to_bits()),
                    (l.end.x.to_bits(), l.end.y.to_bits()),
                )
            })
            .collect()
    }
    let a = atlas();
    let committees = a.areas(Geography::Committee).expect("committees");
    // community_committees_leeds/PROVENANCE.md: 10 committees of 33 wards, each ward once.
    assert_eq!(committees.len(), 10);
    let wards = a.areas(Geography::Ward).expect("wards");
    let mut committee_of = BTreeMap::new();
    let mut ward_edge: BTreeMap<Edge, &str> = BTreeMap::new();
    for w in &wards.areas {
        let c = w
            .parents
            .get(&Geography::Committee)
            .expect("every ward's committee");
        committee_of.insert(w.code.as_str(), c.as_str());
        for e in edges(&w.geometry) {
            ward_edge.insert(e, w.code.as_str());
        }
    }
    let mut committee_edges = BTreeSet::new();
    for c in &committees.areas {
        for e in edges(&c.geometry) {
            // Every committee edge is a ward edge, vertex for vertex...
            let w = ward_edge
                .get(&e)
                .expect("a committee edge that is no ward's");
            assert_eq!(committee_of[w], c.code);
            committee_edges.insert(e);
        }
    }
    // ...and every border between wards of two committees is in both committees, once each way.
    for (&(p, q), w) in &ward_edge {
        if let Some(v) = ward_edge.get(&(q, p))
            && committee_of[w] != committee_of[v]
        {
            assert!(committee_edges.contains(&(p, q)) && committee_edges.contains(&(q, p)));
        }
    }
    // Inner East: its three wards' residents, 26,505 + 32,417 + 27,419 = 86,341.
    let kids = a.children(Geography::Committee, "cc-inner-east", Geography::Ward);
    let sum: f64 = kids
        .iter()
        .map(|w| {
            a.value(Geography::Ward, w, "population")
                .expect("ward population")
        })
        .sum();
    assert_eq!(sum, 86_341.0);
    assert_eq!(
        a.value(Geography::Committee, "cc-inner-east", "population"),
        Some(86_341.0)
    );
}
