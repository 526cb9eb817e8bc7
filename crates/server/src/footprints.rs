//! Footprints: a custom area's profile as JSON, CSV or GeoJSON (`POST /api/custom-area`), and
//! "where I live" (`GET /api/where`): every footprint a point belongs to.

use std::sync::Arc;

use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use equimap_atlas::Geography;
use equimap_query::csv_out::{number, text, write};
use equimap_query::where_live::within_of;
use equimap_query::{CustomArea, CustomAreaSpec, Query};
use serde_json::{Value, json};

use crate::params::Params;
use crate::{ApiError, AppState};

type ApiResult = Result<Response, ApiError>;

/// Nearest practices listed by `/api/where` unless `practices=` says otherwise.
const WHERE_PRACTICES: usize = 3;

/// `POST /api/custom-area?format=json|csv|geojson`
pub async fn custom_area(State(s): State<Arc<AppState>>, p: Params, body: Body) -> ApiResult {
    let format = crate::api::format_of(&p, &["json", "csv", "geojson"])?;
    let bytes = crate::api::read_body(body).await?;
    let spec: CustomAreaSpec = serde_json::from_slice(&bytes)
        .map_err(|e| ApiError::BadRequest(format!("malformed custom area: {e}")))?;
    let state = s.clone();
    let out = s
        .limits
        .run(move || state.query.custom_area(&spec))
        .await??;
    Ok(match format.as_str() {
        "csv" => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"footprint.csv\"".to_owned(),
                ),
            ],
            custom_csv(&out),
        )
            .into_response(),
        "geojson" => (
            [(header::CONTENT_TYPE, "application/geo+json")],
            custom_geojson(&s.query, &out).to_string(),
        )
            .into_response(),
        _ => Json(out).into_response(),
    })
}

/// A footprint in long form: its indicators (the columns of an area profile's CSV), then its
/// member areas, then the LSOAs it covers with the share of each and their IMD decile.
pub fn custom_csv(a: &CustomArea) -> String {
    let mut comments = a.attribution.clone();
    comments.push(format!("footprint: {} ({})", a.name, a.definition));
    comments.extend(a.notes.iter().map(|n| format!("note: {n}")));
    let code = a.id.clone().unwrap_or_default();
    let mut rows = crate::export::indicator_table_rows("custom", &code, &a.name, &a.indicators);
    rows.push(Vec::new());
    rows.push(strings(&["member_geography", "member_code", "member_name"]));
    for m in &a.members {
        rows.push(vec![
            m.geography.id().to_owned(),
            text(&m.code),
            text(&m.name),
        ]);
    }
    rows.push(Vec::new());
    rows.push(strings(&[
        "lsoa21",
        "name",
        "share_of_residents_inside",
        "residents_inside",
        "imd2025_decile",
    ]));
    for l in &a.lsoas {
        rows.push(vec![
            text(&l.code),
            text(&l.name),
            number(Some(l.share), 4),
            number(Some(l.residents), 0),
            number(l.imd2025_decile, 0),
        ]);
    }
    write(&comments, &rows)
}

fn strings(names: &[&str]) -> Vec<String> {
    names.iter().map(|n| (*n).to_owned()).collect()
}

/// A footprint as GeoJSON: its polygon, or each member area's boundary, with the footprint's
/// figures on every feature.
pub fn custom_geojson(q: &Query, a: &CustomArea) -> Value {
    let props = |kind: &str, code: &str, name: &str| json!({ "kind": kind, "code": code, "name": name, "footprint": a.name, "definition": a.definition });
    let mut features = Vec::new();
    if let Some(g) = &a.geometry {
        features.push(json!({ "type": "Feature", "geometry": g, "properties": props("polygon", "", &a.name) }));
    }
    for m in &a.members {
        let Some(area) = q.atlas.areas(m.geography).and_then(|s| s.get(&m.code)) else {
            continue;
        };
        features.push(json!({
            "type": "Feature",
            "geometry": geojson::Geometry::from(&area.geometry),
            "properties": props(m.geography.id(), &m.code, &m.name),
        }));
    }
    json!({
        "type": "FeatureCollection",
        "features": features,
        "name": a.name,
        "definition": a.definition,
        "figures": a.figures,
        "indicators": a.indicators,
        "lsoas": a.lsoas,
        "notes": a.notes,
        "attribution": a.attribution,
    })
}

/// `GET /api/where?lon=&lat=` or `?q=postcode or place`, with `practices=` (1-20).
pub async fn where_live(State(s): State<Arc<AppState>>, p: Params) -> ApiResult {
    let practices = p.limit("practices", WHERE_PRACTICES, 20)?;
    let (lon, lat, found) = match p.opt("q") {
        Some(text) => {
            if p.opt("lon").is_some() || p.opt("lat").is_some() {
                return Err(ApiError::BadRequest(
                    "give either `q` (a postcode or place) or `lon` and `lat`, not both".to_owned(),
                ));
            }
            let (lon, lat, label) = s.query.where_point(text)?;
            (lon, lat, Some(label))
        }
        None => (p.num("lon")?, p.num("lat")?, None),
    };
    let mut w = s.query.where_live(lon, lat, practices)?;
    w.found = found;
    let within = within_of(&w);
    w.custom_areas = s
        .custom_areas
        .iter()
        .filter(|a| a.holds(&within, lon, lat))
        .map(CustomArea::membership)
        .collect();
    Ok(Json(w).into_response())
}

/// OpenAPI operation of `GET /api/where`.
pub fn doc_where() -> Value {
    let err = json!({ "description": "A JSON error naming the problem", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } });
    let q = |name: &str, schema: Value, d: &str| json!({ "name": name, "in": "query", "required": false, "schema": schema, "description": d });
    json!({
        "summary": "Where I live: every footprint holding a point (LSOA, MSOA, ward, community committee, district, custom footprints on this server) with headline figures and comparisons, and the nearest GP practices with their PCN",
        "parameters": [
            q("q", json!({"type": "string", "maxLength": 100}), "A postcode or place (instead of lon and lat)"),
            q("lon", json!({"type": "number", "minimum": -180, "maximum": 180}), "Longitude, WGS84"),
            q("lat", json!({"type": "number", "minimum": -90, "maximum": 90}), "Latitude, WGS84"),
            q("practices", json!({"type": "integer", "minimum": 1, "maximum": 20}), "How many nearest GP practices (default 3)"),
        ],
        "responses": {
            "200": { "description": "The footprints holding the point", "content": { "application/json": { "schema": { "type": "object", "required": ["lon", "lat", "areas", "custom_areas", "nearest_gp_practices"] } } } },
            "400": err, "404": err
        }
    })
}

/// OpenAPI operation of `POST /api/custom-area`.
pub fn doc_custom_area() -> Value {
    let err = json!({ "description": "A JSON error naming the problem", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } });
    let geographies: Vec<&str> = equimap_query::CODE_GEOGRAPHIES
        .iter()
        .map(|g: &Geography| g.id())
        .collect();
    json!({
        "summary": "A profile of a footprint made of LSOA, MSOA, ward or community committee codes, or of a polygon: indicators aggregated from counts with 95% intervals and comparisons, the spread of its LSOAs across IMD deciles, its member areas",
        "parameters": [
            { "name": "format", "in": "query", "required": false, "schema": {"type": "string", "enum": ["json", "csv", "geojson"]}, "description": "Response format" }
        ],
        "requestBody": { "required": true, "content": { "application/json": { "schema": { "type": "object", "required": ["name"], "properties": {
            "id": { "type": "string" },
            "name": { "type": "string", "minLength": 1, "maxLength": 200 }, "description": { "type": "string" }, "geography": { "type": "string", "enum": geographies },
            "codes": { "type": "array", "items": { "type": "string" }, "minItems": 1, "maxItems": equimap_query::MAX_CODES }, "geometry": { "type": "object" } } } } } },
        "responses": {
            "200": { "description": "Custom area profile", "content": {
                "application/json": { "schema": { "type": "object", "required": ["name", "figures", "indicators"] } },
                "text/csv": { "schema": { "type": "string" } },
                "application/geo+json": { "schema": { "type": "object", "required": ["type", "features"] } } } },
            "400": err, "404": err, "503": err
        }
    })
}
