//! Site reports and area profiles as CSV, site reports as GeoJSON, with attribution.

use equimap_atlas::Geography;
use equimap_query::csv_out::{number, text, write};
use equimap_query::site::{SiteReport, Zone, outcome_words};
use equimap_query::{IndicatorValue, Profile, Query};
use serde_json::{Value, json};

/// The report in long form: one row per zone and measure, then the LSOAs touched, then the
/// nearest GP practices.
pub fn site_csv(r: &SiteReport) -> String {
    let mut comments = r.attribution.clone();
    comments.push(format!("input CRS {}, {}", r.input_crs, r.crs_detection));
    comments.extend(r.notes.iter().map(|n| format!("note: {n}")));
    comments.extend(r.method.iter().map(|m| format!("method: {m}")));
    let mut rows = vec![header(&[
        "zone",
        "buffer_m",
        "measure",
        "value",
        "unit",
        "district_value",
        "england_value",
    ])];
    for z in &r.zones {
        zone_rows(r, z, &mut rows);
    }
    rows.push(Vec::new());
    outcome_rows(r, &mut rows);
    rows.push(Vec::new());
    lsoa_rows(r, &mut rows);
    rows.push(Vec::new());
    gp_rows(r, &mut rows);
    indicator_rows(r, &mut rows);
    write(&comments, &rows)
}

fn header(names: &[&str]) -> Vec<String> {
    names.iter().map(|n| (*n).to_owned()).collect()
}

/// One measure of a zone: label, value, unit, decimals and the indicator it compares with.
struct Measure<'a>(String, Option<f64>, &'a str, u8, Option<&'a str>);

fn measures(z: &Zone) -> Vec<Measure<'static>> {
    let f = &z.figures;
    let mut m = vec![
        Measure("area".to_owned(), Some(z.area_ha), "hectares", 2, None),
        Measure(
            format!("residents (estimate, {} method)", z.residents_method.id()),
            Some(f.residents),
            "persons",
            0,
            None,
        ),
    ];
    m.extend(f.age_bands.iter().map(|b| {
        Measure(
            format!("{} (estimate; {})", b.label.to_lowercase(), b.source),
            Some(b.residents),
            "persons",
            0,
            None,
        )
    }));
    m.push(Measure(
        "IMD 2025 score (resident-weighted)".to_owned(),
        f.imd2025_score,
        "score",
        3,
        Some("imd2025_score"),
    ));
    m.extend(f.residents_by_decile.iter().enumerate().map(|(i, v)| {
        Measure(
            format!("residents in IMD 2025 decile {}", i + 1),
            Some(*v),
            "persons",
            0,
            None,
        )
    }));
    m.extend([
        Measure(
            "share of residents in decile 1".to_owned(),
            f.share_decile1,
            "share (0-1)",
            4,
            Some("imd2025_d1_share"),
        ),
        Measure(
            "share of residents in deciles 1-2 (Core20)".to_owned(),
            f.share_decile12,
            "share (0-1)",
            4,
            Some("imd2025_d12_share"),
        ),
        Measure(
            "female life expectancy (estimate)".to_owned(),
            f.le_female,
            "years",
            2,
            Some("le_female"),
        ),
        Measure(
            "male life expectancy (estimate)".to_owned(),
            f.le_male,
            "years",
            2,
            Some("le_male"),
        ),
        Measure(
            "GP practices within".to_owned(),
            Some(z.gp_practices_within as f64),
            "practices",
            0,
            None,
        ),
        Measure(
            "registered patients of GP practices within".to_owned(),
            Some(f64::from(z.gp_patients_within)),
            "patients",
            0,
            None,
        ),
    ]);
    m
}

fn zone_rows(r: &SiteReport, z: &Zone, rows: &mut Vec<Vec<String>>) {
    let reference = |id: &str| r.comparisons.iter().find(|c| c.indicator == id);
    for Measure(measure, v, unit, dp, id) in measures(z) {
        let c = id.and_then(reference);
        rows.push(vec![
            text(&z.label),
            number(Some(z.buffer_m), 0),
            measure,
            number(v, dp),
            text(unit),
            number(c.and_then(|c| c.district.as_ref()?.value), dp + 1),
            number(c.and_then(|c| c.england.as_ref()?.value), dp + 1),
        ]);
    }
}

/// The health outcomes, fuel poverty and deprivation shares of each zone, with counts, 95%
/// interval and the comparisons in words.
fn outcome_rows(r: &SiteReport, rows: &mut Vec<Vec<String>>) {
    rows.push(header(&[
        "zone",
        "buffer_m",
        "indicator",
        "label",
        "value",
        "unit",
        "lower_95",
        "upper_95",
        "numerator",
        "denominator",
        "district_value",
        "england_value",
        "compared_with_district",
        "compared_with_england",
        "period",
        "estimate",
        "method",
        "interval_method",
        "caveat",
    ]));
    for z in &r.zones {
        for i in &z.outcomes {
            let dp = i.decimals + 1;
            rows.push(vec![
                text(&z.label),
                number(Some(z.buffer_m), 0),
                text(&i.id),
                text(&i.label),
                number(i.value, dp),
                text(&i.unit),
                number(i.interval.as_ref().map(|c| c.lower), dp),
                number(i.interval.as_ref().map(|c| c.upper), dp),
                number(i.counts.as_ref().map(|c| c.numerator), 1),
                number(i.counts.as_ref().map(|c| c.denominator), 1),
                number(i.district.as_ref().and_then(|d| d.value), dp),
                number(i.england.as_ref().and_then(|d| d.value), dp),
                text(&outcome_words(i, false)),
                text(&outcome_words(i, true)),
                text(&i.period),
                i.estimate.to_string(),
                text(&i.method),
                text(i.interval.as_ref().map_or("", |c| c.method.as_str())),
                text(i.caveat.as_deref().unwrap_or("")),
            ]);
        }
    }
}

fn lsoa_rows(r: &SiteReport, rows: &mut Vec<Vec<String>>) {
    rows.push(header(&[
        "zone",
        "lsoa21_code",
        "lsoa21_name",
        "share_of_lsoa_residents",
        "residents_estimate",
        "imd2025_decile",
        "imd2025_score",
    ]));
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
}

fn gp_rows(r: &SiteReport, rows: &mut Vec<Vec<String>>) {
    rows.push(header(&[
        "nearest_gp_practice",
        "org_code",
        "distance_m",
        "registered_patients",
    ]));
    for g in &r.nearest_gp_practices {
        rows.push(vec![
            text(&g.practice.name),
            text(&g.practice.org_code),
            number(Some(g.distance_m), 0),
            g.practice.registered_patients.to_string(),
        ]);
    }
}

/// The zone indicators as a table of their own: zone, id, label, value, unit, period, method,
/// district and England values.
fn indicator_rows(r: &SiteReport, rows: &mut Vec<Vec<String>>) {
    rows.push(Vec::new());
    rows.push(header(&[
        "zone",
        "indicator",
        "label",
        "value",
        "unit",
        "period",
        "method",
        "district_value",
        "england_value",
    ]));
    for z in &r.zones {
        for i in &z.indicators {
            rows.push(vec![
                text(&z.label),
                text(&i.id),
                text(&i.label),
                number(i.value, i.decimals),
                text(&i.unit),
                text(&i.period),
                text(&i.method),
                number(i.district.as_ref().and_then(|d| d.value), i.decimals),
                number(i.england.as_ref().and_then(|d| d.value), i.decimals),
            ]);
        }
    }
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
                "residents_method": z.residents_method, "lsoas_placed_by_area": z.lsoas_placed_by_area,
                "residents_by_decile": z.figures.residents_by_decile,
                "residents_decile1": z.figures.residents_decile1, "residents_decile12": z.figures.residents_decile12,
                "age_bands": z.figures.age_bands, "greenspace": z.figures.greenspace,
                "outcomes": z.outcomes.iter().map(outcome_json).collect::<Vec<_>>(),
                "indicators": z.indicators.iter().map(|i| json!({"id": i.id, "label": i.label, "value": i.value, "unit": i.unit, "period": i.period, "method": i.method, "district": i.district.as_ref().and_then(|d| d.value), "england": i.england.as_ref().and_then(|d| d.value)})).collect::<Vec<_>>(),
                "gp_practices_within": z.gp_practices_within, "gp_patients_within": z.gp_patients_within,
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
    json!({ "type": "FeatureCollection", "features": features, "attribution": r.attribution, "notes": r.notes, "method": r.method, "input_crs": r.input_crs, "crs_detection": r.crs_detection, "nearest_gp_practices": r.nearest_gp_practices, "comparisons": r.comparisons })
}

/// One zone outcome as a GeoJSON property: the value with its interval, counts, reference
/// values and comparisons, and how it was made.
fn outcome_json(i: &equimap_query::IndicatorValue) -> Value {
    json!({
        "id": i.id, "label": i.label, "value": i.value, "unit": i.unit, "period": i.period,
        "estimate": i.estimate, "method": i.method, "caveat": i.caveat,
        "lower_95": i.interval.as_ref().map(|c| c.lower), "upper_95": i.interval.as_ref().map(|c| c.upper),
        "interval_method": i.interval.as_ref().map(|c| c.method.as_str()),
        "numerator": i.counts.as_ref().map(|c| c.numerator), "denominator": i.counts.as_ref().map(|c| c.denominator),
        "district": i.district.as_ref().and_then(|d| d.value), "england": i.england.as_ref().and_then(|d| d.value),
        "compared_with_district": outcome_words(i, false), "compared_with_england": outcome_words(i, true),
    })
}

/// An area profile in long form: one row per indicator.
pub fn profile_rows(g: Geography, profile: &Profile) -> Vec<Vec<String>> {
    indicator_table_rows(
        g.id(),
        &profile.area.code,
        &profile.area.name,
        &profile.indicators,
    )
}

/// Indicators of one area (or footprint) in long form: one row per indicator.
pub fn indicator_table_rows(
    geography: &str,
    code: &str,
    name: &str,
    indicators: &[IndicatorValue],
) -> Vec<Vec<String>> {
    let mut rows = vec![header(&[
        "geography",
        "code",
        "name",
        "indicator",
        "label",
        "value",
        "unit",
        "period",
        "estimate",
        "method",
        "rank_in_district",
        "areas_ranked",
        "district_value",
        "england_value",
        "lower_95",
        "upper_95",
        "interval_method",
        "numerator",
        "denominator",
        "compared_with_district",
        "compared_with_england",
        "source",
    ])];
    for i in indicators {
        let (rank, of) = i.local_rank.map_or((String::new(), String::new()), |r| {
            (r.rank.to_string(), r.of.to_string())
        });
        rows.push(vec![
            geography.to_owned(),
            text(code),
            text(name),
            i.id.clone(),
            text(&i.label),
            number(i.value, i.decimals),
            text(&i.unit),
            text(&i.period),
            i.estimate.to_string(),
            text(&i.method),
            rank,
            of,
            number(i.district.as_ref().and_then(|r| r.value), i.decimals + 1),
            number(i.england.as_ref().and_then(|r| r.value), i.decimals + 1),
            number(i.interval.as_ref().map(|c| c.lower), i.decimals + 1),
            number(i.interval.as_ref().map(|c| c.upper), i.decimals + 1),
            text(i.interval.as_ref().map_or("", |c| c.method.as_str())),
            number(i.counts.as_ref().map(|c| c.numerator), 0),
            number(i.counts.as_ref().map(|c| c.denominator), 0),
            text(i.vs_district.as_ref().map_or("", |c| c.words.as_str())),
            text(i.vs_england.as_ref().map_or("", |c| c.words.as_str())),
            text(&i.source),
        ]);
    }
    rows
}
