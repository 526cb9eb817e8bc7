//! Ingest the committed excerpt of the real sources and check real values from it.
#![allow(clippy::float_cmp)] // values are copied from the sources, so exact comparison is the test

mod common;

use equimap_atlas::{Atlas, ENGLAND_CODE, Geography};

fn build() -> (tempfile::TempDir, Atlas) {
    let out = tempfile::tempdir().expect("tempdir");
    let dir = out.path().join("atlas");
    common::ingest(&common::fixture_sources(), &dir).expect("fixture ingest succeeds");
    let atlas = Atlas::load(&dir).expect("the written atlas loads");
    (out, atlas)
}

#[test]
fn counts_follow_the_lookups() {
    let (_t, atlas) = build();
    let n = |g| atlas.areas(g).expect("geography").len();
    assert_eq!(n(Geography::Lsoa11), 12);
    assert_eq!(n(Geography::Lsoa21), 13); // E01032945 split into E01035040 and E01035041
    assert_eq!(n(Geography::Msoa11), 3);
    assert_eq!(n(Geography::Msoa21), 3);
    assert_eq!(n(Geography::Ward), 3);
    assert_eq!(n(Geography::District), 1);
}

#[test]
fn iod2025_values_are_copied_exactly() {
    let (_t, atlas) = build();
    let v = |id| atlas.value(Geography::Lsoa21, "E01011264", id).expect(id);
    // MHCLG IoD2025 File 7: Leeds 011A.
    assert_eq!(v("imd2025_decile"), 6.0);
    assert_eq!(v("imd2025_rank"), 17269.0);
    assert!((v("imd2025_score") - 17.003).abs() < 1e-9);
    assert_eq!(v("imd2025_health_decile"), 5.0);
    // ceil(17269 × 100 / 33755) = 52.
    assert_eq!(v("imd2025_percentile"), 52.0);
    assert_eq!(v("population"), 1300.0); // IoD2025 File 6, mid-2022
}

#[test]
fn iod2019_and_population_on_2011_geography() {
    let (_t, atlas) = build();
    let v = |id| atlas.value(Geography::Lsoa11, "E01011264", id).expect(id);
    assert_eq!(v("imd2019_decile"), 5.0);
    assert_eq!(v("imd2019_rank"), 13915.0);
    assert!((v("imd2019_score") - 20.525).abs() < 1e-9);
    assert_eq!(v("imd2019_idaci_decile"), 6.0);
    assert_eq!(v("population"), 1230.0); // ONS SAPE mid-2020
}

#[test]
fn life_expectancy_is_published_for_msoa11_and_estimated_elsewhere() {
    let (_t, atlas) = build();
    // ONS REQ3292: Leeds 011 females 87.5193567950923, males 81.3053100655036.
    assert_eq!(
        atlas.value(Geography::Msoa11, "E02002340", "le_female"),
        Some(87.52)
    );
    assert_eq!(
        atlas.value(Geography::Msoa11, "E02002340", "le_male"),
        Some(81.31)
    );
    assert_eq!(
        atlas.value(Geography::Msoa11, "E02002340", "le_female_lci95"),
        Some(86.15)
    );
    // An LSOA carries its MSOA's value, flagged as an estimate in the catalogue.
    assert_eq!(
        atlas.value(Geography::Lsoa11, "E01011264", "le_female"),
        Some(87.52)
    );
    let def = atlas.catalogue.get("le_female").expect("le_female");
    assert!(!def.level(Geography::Msoa11).expect("msoa11").estimate);
    assert!(def.level(Geography::Ward).expect("ward").estimate);
    assert!(def.level(Geography::Lsoa21).expect("lsoa21").estimate);
    // Both halves of the split LSOA take the value of their 2011 predecessor's MSOA (Leeds 044,
    // females 83.7779559498307).
    assert_eq!(
        atlas.value(Geography::Lsoa21, "E01035040", "le_female"),
        Some(83.78)
    );
    assert_eq!(
        atlas.value(Geography::Lsoa21, "E01035041", "le_female"),
        Some(83.78)
    );
    // Otley & Yeadon's LSOAs in the excerpt all lie in Leeds 011.
    assert_eq!(
        atlas.value(Geography::Ward, "E05011549", "le_female"),
        Some(87.52)
    );
}

#[test]
fn parents_and_names() {
    let (_t, atlas) = build();
    let l11 = atlas.areas(Geography::Lsoa11).expect("lsoa11");
    // Garforth & Swillington changed code from E05011393 (2019) to E05013830 (2023).
    let a = l11.get("E01011390").expect("Leeds 087A");
    assert_eq!(a.parents[&Geography::Ward], "E05013830");
    assert_eq!(a.parents[&Geography::Msoa11], "E02002416");
    assert_eq!(a.parents[&Geography::District], "E08000035");
    let m = atlas.areas(Geography::Msoa11).expect("msoa11");
    assert_eq!(
        m.get("E02002416").expect("Leeds 087").alt_name.as_deref(),
        Some("Garforth South, Swillington & Little Preston")
    );
    assert_eq!(
        atlas
            .areas(Geography::Lsoa21)
            .expect("l21")
            .get("E01011264")
            .expect("a")
            .name,
        "Leeds 011A"
    );
    let mut kids = atlas
        .children(Geography::Msoa21, "E02002373", Geography::Lsoa21)
        .to_vec();
    kids.sort();
    assert_eq!(
        kids,
        [
            "E01011435",
            "E01011440",
            "E01011441",
            "E01035040",
            "E01035041"
        ]
    );
}

#[test]
fn aggregates_sum_and_weight_their_children() {
    let (_t, atlas) = build();
    // MSOA21 Leeds 044: 1831 + 1711 + 1926 + 1835 + 1356 (IoD2025 File 6, mid-2022).
    assert_eq!(
        atlas.value(Geography::Msoa21, "E02002373", "population"),
        Some(8659.0)
    );
    assert_eq!(
        atlas.value(Geography::District, "E08000035", "population"),
        Some(21879.0)
    );
    // The MSOA score is the population-weighted mean of its LSOA scores.
    let kids = atlas.children(Geography::Msoa21, "E02002373", Geography::Lsoa21);
    let (mut s, mut w) = (0.0, 0.0);
    for k in kids {
        let p = atlas
            .value(Geography::Lsoa21, k, "population")
            .expect("pop");
        s += p * atlas
            .value(Geography::Lsoa21, k, "imd2025_score")
            .expect("score");
        w += p;
    }
    let got = atlas
        .value(Geography::Msoa21, "E02002373", "imd2025_score")
        .expect("agg");
    assert!((got - s / w).abs() < 0.001, "{got} vs {}", s / w);
    let share = atlas
        .value(Geography::District, "E08000035", "imd2025_d12_share")
        .expect("share");
    assert!((0.0..=1.0).contains(&share));
}

#[test]
fn catalogue_and_references_describe_every_indicator() {
    let (_t, atlas) = build();
    assert!(atlas.catalogue.indicators.len() > 50);
    for d in &atlas.catalogue.indicators {
        assert!(
            !d.unit.is_empty() && !d.source.is_empty() && !d.licence.is_empty(),
            "{}",
            d.id
        );
        for l in &d.levels {
            assert!(
                !l.period.is_empty() && !l.method.is_empty(),
                "{} at {}",
                d.id,
                l.geography
            );
        }
        assert!(
            atlas.references.get(&d.id, "E08000035").is_some(),
            "no Leeds reference for {}",
            d.id
        );
        assert!(
            atlas.references.get(&d.id, ENGLAND_CODE).is_some(),
            "no England reference for {}",
            d.id
        );
    }
    let q = atlas
        .catalogue
        .get("imd2025_local_quintile")
        .expect("local quintile");
    assert!(q.local && q.label.contains("(local)"));
}

#[test]
fn reference_layers_are_stored_with_licence_and_vintage() {
    let (_t, atlas) = build();
    let layers = &atlas.manifest.reference_layers;
    assert_eq!(layers["postcodes"].count, 488);
    assert_eq!(layers["gp_practices"].count, 2);
    assert!(
        layers["postcodes"]
            .licence
            .contains("Open Government Licence")
    );
    assert_eq!(layers["postcodes"].vintage, "October 2025");
}

#[test]
fn rebuilding_gives_identical_bytes() {
    let out = tempfile::tempdir().expect("tempdir");
    let (a, b) = (out.path().join("a"), out.path().join("b"));
    common::ingest(&common::fixture_sources(), &a).expect("first");
    common::ingest(&common::fixture_sources(), &b).expect("second");
    for rel in [
        "manifest.json",
        "geographies/lsoa21.fgb",
        "geographies/lsoa11.fgb",
        "geographies/ward.fgb",
        "indicators/catalogue.json",
        "indicators/lsoa21.csv",
        "indicators/reference.csv",
        "reference/postcodes.csv",
    ] {
        let x = std::fs::read(a.join(rel)).expect("a");
        let y = std::fs::read(b.join(rel)).expect("b");
        assert!(x == y, "{rel} differs between two builds");
    }
}

#[test]
fn geometry_is_valid_and_wound_per_rfc7946() {
    use geo::{Validation, Winding};
    let (_t, atlas) = build();
    for g in Geography::ALL {
        for a in &atlas.areas(g).expect("g").areas {
            assert!(a.geometry.is_valid(), "{g} {} is invalid", a.code);
            for p in &a.geometry.0 {
                assert!(
                    p.exterior().is_ccw(),
                    "{g} {}: exterior must be counter-clockwise",
                    a.code
                );
                for h in p.interiors() {
                    assert!(h.is_cw(), "{g} {}: holes must be clockwise", a.code);
                }
                for c in p.exterior().coords() {
                    assert_eq!(
                        (c.x * 1e6).round() / 1e6,
                        c.x,
                        "{g} {}: more than 6 decimals",
                        a.code
                    );
                }
            }
        }
    }
}

#[test]
fn census_health_and_fuel_poverty_sum_counts() {
    let (_t, atlas) = build();
    let def = atlas.catalogue.get("bad_health_share").expect("bad health");
    let c = def.counts.as_ref().expect("counts");
    assert_eq!(
        (c.numerator.as_str(), c.denominator.as_str()),
        ("bad_health_n", "ts037_residents")
    );
    assert!(
        def.caveat
            .as_deref()
            .is_some_and(|s| s.contains("not age-standardised"))
    );
    // Census 2021 TS037, Leeds 011A: 60 bad + 17 very bad of 1,285 usual residents.
    let g = Geography::Lsoa21;
    assert_eq!(atlas.counts(g, "E01011264", def), Some((77.0, 1285.0)));
    assert_eq!(
        atlas.value(g, "E01011264", "bad_health_share"),
        Some(0.0599)
    );
    // DESNZ 2021, Leeds 011A: 72 of 594 households fuel poor.
    let fp = atlas.catalogue.get("fuel_poverty_share").expect("fuel");
    assert_eq!(atlas.counts(g, "E01011264", fp), Some((72.0, 594.0)));
    assert!(
        fp.caveat
            .as_deref()
            .is_some_and(|s| s.contains("treated with caution"))
    );
    // Every larger area is the sum of its LSOAs' counts, never a mean of shares.
    for pg in [Geography::Msoa21, Geography::Ward, Geography::District] {
        for parent in &atlas.areas(pg).expect("areas").areas {
            let kids = atlas.children(pg, &parent.code, g);
            let (mut n, mut d) = (0.0, 0.0);
            for k in kids {
                let (a, b) = atlas.counts(g, k, def).expect("lsoa counts");
                n += a;
                d += b;
            }
            assert_eq!(
                atlas.counts(pg, &parent.code, def),
                Some((n, d)),
                "{pg} {}",
                parent.code
            );
            let v = atlas
                .value(pg, &parent.code, "bad_health_share")
                .expect("share");
            assert!((v - n / d).abs() < 5e-5, "{v} {n}/{d}");
        }
    }
}

#[test]
fn residents_are_placed_on_residential_land_inside_their_lsoa() {
    use geo::Intersects;
    let (_t, atlas) = build();
    let layer = equimap_atlas::ResidentLayer::read(&atlas.dir)
        .expect("reads")
        .expect("the excerpt holds the Output Area files, so the layer is built");
    // The 69 Output Areas of the excerpt's 13 LSOAs (oa21_pwc_leeds).
    assert_eq!(layer.oas.len(), 69);
    assert_eq!(
        atlas.manifest.reference_layers["residents"].count,
        layer.points.len()
    );
    // Each LSOA's points hold exactly its mid-2022 population (IoD2025 File 6).
    let residents = layer.residents();
    let mut by_lsoa = std::collections::BTreeMap::<&str, f64>::new();
    for (p, r) in layer.points.iter().zip(&residents) {
        *by_lsoa
            .entry(layer.oas[p.oa as usize].lsoa21.as_str())
            .or_default() += r;
    }
    assert_eq!(by_lsoa.len(), 13);
    for (code, sum) in &by_lsoa {
        let pop = atlas
            .value(Geography::Lsoa21, code, "population")
            .expect("pop");
        assert!((sum - pop).abs() < 1e-6, "{code}: {sum} vs {pop}");
    }
    assert!((by_lsoa["E01011264"] - 1300.0).abs() < 1e-6);
    // Every point lies inside its own LSOA.
    let set = atlas.areas(Geography::Lsoa21).expect("lsoa21");
    for p in layer.points.iter().step_by(7) {
        let code = &layer.oas[p.oa as usize].lsoa21;
        let Ok(geo::Geometry::MultiPolygon(bng)) = equimap_crs::geometry_to_bng(
            &geo::Geometry::MultiPolygon(set.get(code).expect("lsoa").geometry.clone()),
        ) else {
            panic!("projects")
        };
        assert!(
            bng.intersects(&geo::Point::new(p.e, p.n)),
            "{code}: {} {}",
            p.e,
            p.n
        );
    }
    // Most Output Areas have a residential polygon under their centroid; some do not.
    let centroid = layer
        .oas
        .iter()
        .filter(|o| o.placed == equimap_atlas::Placement::Centroid)
        .count();
    assert!(centroid > 0 && centroid < 69 / 3, "{centroid}");
}

#[test]
fn children_aged_0_4_and_5_15_split_the_census_count_by_mid_2020_single_years() {
    let (_t, atlas) = build();
    let g = Geography::Lsoa21;
    let v = |code, id| atlas.value(g, code, id).expect(id);
    // Leeds 011A: Census 2021 0-15 = 179; mid-2020 0-4 = 44 (8+7+12+11+6), 5-15 = 137:
    // 179 × 44/181 = 43.5 → 44, and 179 − 44 = 135.
    assert_eq!(v("E01011264", "age_0_4"), 44.0);
    assert_eq!(v("E01011264", "age_5_15"), 135.0);
    // E01032945 (mid-2020: 32 aged 0-4, 75 aged 5-15) split into E01035040 (Census 0-15 = 73)
    // and E01035041 (71): both parts take its proportions, 73 × 32/107 = 21.8 → 22 and
    // 71 × 32/107 = 21.2 → 21.
    assert_eq!(v("E01035040", "age_0_4"), 22.0);
    assert_eq!(v("E01035041", "age_0_4"), 21.0);
    assert_eq!(v("E01035041", "age_5_15"), 50.0);
    // The bands always sum to the Census 0-15 count, at every geography.
    for a in &atlas.areas(g).expect("lsoa21").areas {
        let c = &a.code;
        assert_eq!(v(c, "age_0_4") + v(c, "age_5_15"), v(c, "age_0_15"), "{c}");
    }
    let d = |id| atlas.value(Geography::District, "E08000035", id).expect(id);
    assert_eq!(d("age_0_4") + d("age_5_15"), d("age_0_15"));
    let def = atlas.catalogue.get("age_0_4").expect("catalogue");
    let lvl = def.level(g).expect("lsoa21 level");
    assert!(lvl.estimate && lvl.method.contains("mid-2020") && lvl.period.contains("Census 2021"));
    assert!(def.source.contains("SAPE23DT2") && def.source.contains("LSOA11"));
}

#[test]
fn gp_registers_pcns_and_practice_deciles() {
    let (_dir, atlas) = build();
    let pc = equimap_atlas::PrimaryCare::read(&atlas.dir)
        .expect("reads")
        .expect("the fixture has QOF");
    assert_eq!(pc.conditions.len(), 21);
    let dep = pc
        .conditions
        .iter()
        .find(|c| c.condition == "DEP")
        .expect("DEP");
    assert_eq!(
        (dep.list_type.as_str(), dep.ages.as_str()),
        ("18OV", "registered patients aged 18 and over")
    );
    // Copied from the QOF file: B86086,DEP,872.0,18OV,6636.
    let row = pc
        .qof
        .iter()
        .find(|r| r.practice_code == "B86086" && r.condition == "DEP")
        .expect("B86086 DEP");
    assert_eq!((row.register, row.list_size), (872, 6636));
    // The two fixture practices are in Woodsley PCN (July 2026); its six other members are held
    // too, marked as outside the district.
    let info = |c: &str| {
        pc.practices
            .iter()
            .find(|p| p.practice_code == c)
            .expect("practice")
    };
    let b = info("B86086");
    assert!(b.in_district);
    assert_eq!(
        (
            b.pcn_code.as_str(),
            b.pcn_name.as_str(),
            b.pcn_as_at.as_str()
        ),
        ("U11864", "WOODSLEY PCN", "2026-07-01")
    );
    assert_eq!(b.name, "LAUREL BANK SURGERY");
    assert_eq!(b.imd2025_score, Some(17.866));
    // National deciles over all 6,143 practices of the OHID file (checked in Python with the
    // same rule: ranked by score, highest first).
    assert_eq!(b.imd2025_decile, Some(7));
    assert_eq!(info("B86109").imd2025_decile, Some(6));
    assert_eq!(info("B86017").imd2025_decile, Some(8));
    assert!(!info("B86017").in_district);
    assert_eq!(pc.practices.len(), 8);
    // District sums are over the district's practices only: 872 + 763 over 6636 + 6777.
    let total = |scope: &str| {
        pc.totals
            .iter()
            .find(|t| t.scope == scope && t.decile.is_none() && t.condition == "DEP")
            .expect("total")
    };
    let d = total("district");
    assert_eq!((d.practices, d.register, d.list_size), (2, 1635, 13_413));
    // "England" is every practice in the (excerpted) QOF file: the eight Woodsley practices.
    let e = total("england");
    assert_eq!((e.practices, e.register, e.list_size), (8, 9474, 72_269));
    // Decile sums add up to the total over practices with a decile.
    let by_decile: u64 = pc
        .totals
        .iter()
        .filter(|t| t.scope == "england" && t.decile.is_some() && t.condition == "DEP")
        .map(|t| t.register)
        .sum();
    assert_eq!(by_decile, 9474);
    let rec = &atlas.manifest.reference_layers["gp_practice_info"];
    assert!(rec.vintage.contains("2026-07-01"), "{}", rec.vintage);
    assert_eq!(atlas.manifest.reference_layers["gp_qof"].vintage, "2024-25");
}

#[test]
fn community_committees_are_whole_wards_dissolved_and_summed() {
    let (_t, atlas) = build();
    // The excerpt's three wards are one each of three committees (community_committees_leeds).
    let set = atlas.areas(Geography::Committee).expect("committees");
    let codes: Vec<&str> = set.areas.iter().map(|a| a.code.as_str()).collect();
    assert_eq!(
        codes,
        [
            "cc-inner-north-west",
            "cc-outer-east",
            "cc-outer-north-west"
        ]
    );
    let inw = set.get("cc-inner-north-west").expect("Inner North West");
    assert_eq!(inw.name, "Inner North West Community Committee");
    // Headingley & Hyde Park is its ward; its LSOAs record the committee too.
    assert_eq!(
        atlas.children(Geography::Committee, &inw.code, Geography::Ward),
        ["E05011397"]
    );
    let ward = atlas
        .areas(Geography::Ward)
        .expect("wards")
        .get("E05011397")
        .expect("ward");
    assert_eq!(
        ward.parents.get(&Geography::Committee).map(String::as_str),
        Some("cc-inner-north-west")
    );
    // One ward dissolved is that ward, vertex for vertex (its ring may start elsewhere).
    let vertices = |mp: &geo::MultiPolygon<f64>| {
        let mut v: Vec<(u64, u64)> =
            mp.0.iter()
                .flat_map(|p| p.exterior().0.iter().skip(1))
                .map(|c| (c.x.to_bits(), c.y.to_bits()))
                .collect();
        v.sort_unstable();
        v
    };
    assert_eq!(vertices(&inw.geometry), vertices(&ward.geometry));
    // Counts are the wards' sums; a share held as counts is their ratio.
    for c in &set.areas {
        let wards = atlas.children(Geography::Committee, &c.code, Geography::Ward);
        let sum = |id: &str| -> f64 {
            wards
                .iter()
                .map(|w| atlas.value(Geography::Ward, w, id).expect("ward value"))
                .sum()
        };
        assert_eq!(
            atlas.value(Geography::Committee, &c.code, "population"),
            Some(sum("population"))
        );
        let bh = atlas.catalogue.get("bad_health_share").expect("bad health");
        assert_eq!(
            atlas.counts(Geography::Committee, &c.code, bh),
            Some((sum("bad_health_n"), sum("ts037_residents")))
        );
    }
    let level = atlas
        .catalogue
        .get("imd2025_score")
        .and_then(|d| d.level(Geography::Committee))
        .expect("a committee level");
    assert!(level.estimate && level.method.contains("weighted by their residents"));
    // The layer keeps which wards were assigned by elimination.
    let rows: Vec<equimap_atlas::CommitteeWardRow> =
        equimap_atlas::read_layer(&atlas.dir, equimap_atlas::COMMITTEE_WARDS_FILE)
            .expect("committee rows");
    let by_elimination: Vec<&str> = rows
        .iter()
        .filter(|r| !r.named_in_source)
        .map(|r| r.committee_code.as_str())
        .collect();
    assert_eq!(by_elimination, ["cc-inner-north-west"]);
}
