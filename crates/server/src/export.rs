//! Site reports as CSV and GeoJSON, with attribution.

use equimap_atlas::Geography;
use equimap_query::Query;
use equimap_query::csv_out::{number, text, write};
use equimap_query::site::SiteReport;
use serde_json::{Value, json};

/// The report in long form: one row per zone and measure, then the LSOAs touched.
pub fn site_csv(r: &SiteReport) -> String {
    let mut comments = r.attribution.clone();
    comments.push(format!("input CRS {}, {}", r.input_crs, r.crs_detection));
    comments.extend(r.notes.iter().map(|n| format!("note: {n}")));
    let mut rows = vec![
        [
            "zone",
            "buffer_m",
            "measure",
            "value",
            "unit",
            "district_value",
            "england_value",
        ]
        .map(str::to_owned)
        .to_vec(),
    ];
    let reference = |id: &str| r.comparisons.iter().find(|c| c.indicator == id);
    for z in &r.zones {
        let f = &z.figures;
        let mut push = |measure: &str, v: Option<f64>, unit: &str, dp: u8, id: Option<&str>| {
            let c = id.and_then(reference);
            rows.push(vec![
                text(&z.label),
                number(Some(z.buffer_m), 0),
                measure.to_owned(),
                number(v, dp),
                text(unit),
                number(c.and_then(|c| c.district.as_ref()?.value), dp + 1),
                number(c.and_then(|c| c.england.as_ref()?.value), dp + 1),
            ]);
        };
        push("area", Some(z.area_ha), "hectares", 2, None);
        push(
            "residents (estimate)",
            Some(f.residents),
            "persons",
            0,
            None,
        );
        push(
            "IMD 2025 score (resident-weighted)",
            f.imd2025_score,
            "score",
            3,
            Some("imd2025_score"),
        );
        for (i, v) in f.residents_by_decile.iter().enumerate() {
            push(
                &format!("residents in IMD 2025 decile {}", i + 1),
                Some(*v),
                "persons",
                0,
                None,
            );
        }
        push(
            "share of residents in decile 1",
            f.share_decile1,
            "share (0-1)",
            4,
            Some("imd2025_d1_share"),
        );
        push(
            "share of residents in deciles 1-2 (Core20)",
            f.share_decile12,
            "share (0-1)",
            4,
            Some("imd2025_d12_share"),
        );
        push(
            "female life expectancy (estimate)",
            f.le_female,
            "years",
            2,
            Some("le_female"),
        );
        push(
            "male life expectancy (estimate)",
            f.le_male,
            "years",
            2,
            Some("le_male"),
        );
        push(
            "GP practices within",
            Some(z.gp_practices_within as f64),
            "practices",
            0,
            None,
        );
        push(
            "registered patients of GP practices within",
            Some(f64::from(z.gp_patients_within)),
            "patients",
            0,
            None,
        );
    }
    rows.push(Vec::new());
    rows.push(
        [
            "zone",
            "lsoa21_code",
            "lsoa21_name",
            "share_of_lsoa_area",
            "residents_estimate",
            "imd2025_decile",
            "imd2025_score",
        ]
        .map(str::to_owned)
        .to_vec(),
    );
    for z in &r.zones {
        for l in &z.lsoas {
            rows.push(vec![
                text(&z.label),
                text(&l.code),
                text(&l.name),
                number(Some(l.share), 4),
                number(Some(l.residents), 1),
                number(l.imd2025_decile, 0),
                number(l.imd2025_score, 3),
            ]);
        }
    }
    rows.push(Vec::new());
    rows.push(
        [
            "nearest_gp_practice",
            "org_code",
            "distance_m",
            "registered_patients",
        ]
        .map(str::to_owned)
        .to_vec(),
    );
    for g in &r.nearest_gp_practices {
        rows.push(vec![
            text(&g.practice.name),
            text(&g.practice.org_code),
            number(Some(g.distance_m), 0),
            g.practice.registered_patients.to_string(),
        ]);
    }
    write(&comments, &rows)
}

/// The zones and the LSOAs they touch as a GeoJSON FeatureCollection (WGS84).
pub fn site_geojson(q: &Query, r: &SiteReport) -> Value {
    let mut features = Vec::new();
    for z in &r.zones {
        features.push(json!({
            "type": "Feature",
            "geometry": geojson::Geometry::from(&z.geometry_wgs84),
            "properties": {
                "kind": "zone", "zone": z.label, "buffer_m": z.buffer_m, "area_ha": z.area_ha,
                "residents": z.figures.residents, "imd2025_score": z.figures.imd2025_score,
                "share_decile1": z.figures.share_decile1, "share_decile12": z.figures.share_decile12,
                "le_female": z.figures.le_female, "le_male": z.figures.le_male,
            }
        }));
    }
    if let (Some(z), Some(set)) = (r.zones.last(), q.atlas.areas(Geography::Lsoa21)) {
        for l in &z.lsoas {
            let Some(a) = set.get(&l.code) else { continue };
            features.push(json!({
                "type": "Feature",
                "geometry": geojson::Geometry::from(&a.geometry),
                "properties": { "kind": "lsoa21", "zone": z.label, "code": l.code, "name": l.name, "share": l.share, "residents": l.residents, "imd2025_decile": l.imd2025_decile },
            }));
        }
    }
    json!({ "type": "FeatureCollection", "features": features, "attribution": r.attribution, "notes": r.notes, "input_crs": r.input_crs })
}
