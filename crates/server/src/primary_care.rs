//! GP practice and PCN routes: profiles, rankings, the practice deprivation gradient and the
//! practices as a map layer.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use equimap_query::primary_care::{NO_PCN_AREA, PrimaryCareIndex};
use serde_json::{Value, json};

use crate::params::{Params, PathParams};
use crate::{ApiError, AppState};

type ApiResult = Result<Response, ApiError>;

fn index(s: &AppState) -> Result<&PrimaryCareIndex, ApiError> {
    s.query.primary_care.as_ref().ok_or_else(|| {
        ApiError::NotFound(
            "this atlas has no GP registers: its sources lacked the QOF files (gp_qof_2425)"
                .to_owned(),
        )
    })
}

/// `GET /api/primary-care`: conditions with the district's and England's recorded prevalence,
/// the membership date and the caveats.
pub async fn catalogue(State(s): State<Arc<AppState>>) -> ApiResult {
    Ok(Json(index(&s)?.catalogue()).into_response())
}

/// `GET /api/practices?condition=`: the district's practices as GeoJSON points.
pub async fn practices(State(s): State<Arc<AppState>>, p: Params) -> ApiResult {
    let v = index(&s)?.practices_geojson(p.opt("condition").unwrap_or("DEP"))?;
    Ok((
        [(axum::http::header::CONTENT_TYPE, "application/geo+json")],
        v.to_string(),
    )
        .into_response())
}

/// `GET /api/practices/{code}`
pub async fn practice(
    State(s): State<Arc<AppState>>,
    PathParams(code): PathParams<String>,
) -> ApiResult {
    Ok(Json(index(&s)?.practice(&code)?).into_response())
}

/// `GET /api/pcns/{code}`
pub async fn pcn(
    State(s): State<Arc<AppState>>,
    PathParams(code): PathParams<String>,
) -> ApiResult {
    Ok(Json(index(&s)?.pcn(&code)?).into_response())
}

/// `GET /api/primary-care/rank?condition=&unit=practice|pcn&order=desc|asc&limit=`
pub async fn rank(State(s): State<Arc<AppState>>, p: Params) -> ApiResult {
    let pc = index(&s)?;
    let condition = p.req("condition")?;
    let unit = p.opt("unit").unwrap_or("practice");
    let order = p.opt("order").unwrap_or("desc");
    let limit = match p.opt("limit") {
        Some(_) => Some(p.limit("limit", 10, 100_000)?),
        None => None,
    };
    let rows = pc.rank(condition, unit, order, limit)?;
    let mut out = json!({
        "condition": condition.to_ascii_uppercase(),
        "unit": unit,
        "order": order,
        "period": pc.period,
        "membership_as_at": pc.membership_as_at,
        "caveat": equimap_query::primary_care::CAVEAT,
        "rows": rows,
    });
    if unit == "pcn"
        && let Value::Object(m) = &mut out
    {
        m.insert("no_boundary".to_owned(), Value::from(NO_PCN_AREA));
    }
    Ok(Json(out).into_response())
}

/// `GET /api/primary-care/gradient?condition=&scope=district|england`
pub async fn gradient(State(s): State<Arc<AppState>>, p: Params) -> ApiResult {
    let pc = index(&s)?;
    let scope = p.opt("scope").unwrap_or("district");
    let gradients = pc.gradient(p.opt("condition"), scope)?;
    Ok(Json(json!({
        "scope": scope,
        "period": pc.period,
        "gradients": gradients,
        "method": pc.gradient_method(),
    }))
    .into_response())
}

fn doc(path: &str) -> Value {
    openapi_paths()[path]["get"].clone()
}

/// OpenAPI operation of `GET /api/primary-care`.
pub fn doc_catalogue() -> Value {
    doc("/api/primary-care")
}

/// OpenAPI operation of `GET /api/primary-care/rank`.
pub fn doc_rank() -> Value {
    doc("/api/primary-care/rank")
}

/// OpenAPI operation of `GET /api/primary-care/gradient`.
pub fn doc_gradient() -> Value {
    doc("/api/primary-care/gradient")
}

/// OpenAPI operation of `GET /api/practices`.
pub fn doc_practices() -> Value {
    doc("/api/practices")
}

/// OpenAPI operation of `GET /api/practices/{code}`.
pub fn doc_practice() -> Value {
    doc("/api/practices/{code}")
}

/// OpenAPI operation of `GET /api/pcns/{code}`.
pub fn doc_pcn() -> Value {
    doc("/api/pcns/{code}")
}

/// The OpenAPI paths of these routes.
fn openapi_paths() -> Value {
    let err = json!({ "description": "A JSON error naming the problem", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } });
    let ok = |d: &str, req: &[&str]| json!({ "description": d, "content": { "application/json": { "schema": { "type": "object", "required": req } } } });
    let q = |name: &str, required: bool, schema: Value, d: &str| json!({ "name": name, "in": "query", "required": required, "schema": schema, "description": d });
    let path = |name: &str, d: &str| json!({ "name": name, "in": "path", "required": true, "schema": { "type": "string" }, "description": d });
    let condition = |required| {
        q(
            "condition",
            required,
            json!({ "type": "string" }),
            "QOF register code, e.g. DEP (see /api/primary-care)",
        )
    };
    json!({
        "/api/primary-care": { "get": { "summary": "QOF registers with the district's and England's recorded prevalence, the PCN membership date and the caveats (recorded, crude, not age-standardised; PCNs are lists of practices, not areas)", "parameters": [], "responses": { "200": ok("Catalogue", &["conditions", "caveat"]), "400": err, "404": err } } },
        "/api/practices": { "get": { "summary": "The district's GP practices as GeoJSON points with a condition's recorded prevalence, 95% interval and comparisons", "parameters": [condition(false)], "responses": { "200": { "description": "Practices", "content": { "application/geo+json": { "schema": { "type": "object", "required": ["type", "features"] } } } }, "400": err, "404": err } } },
        "/api/practices/{code}": { "get": { "summary": "A practice's profile: recorded prevalence of every QOF register with 95% Wilson intervals, compared with the district's and England's practices; its PCN with the membership date; its IMD 2025 decile", "parameters": [path("code", "ODS practice code, e.g. B86086")], "responses": { "200": ok("Practice profile", &["code", "prevalence", "caveat"]), "400": err, "404": err } } },
        "/api/pcns/{code}": { "get": { "summary": "A PCN's profile: its practices' registers and lists summed, its practices listed, the membership date. No boundary: a PCN is a list of practices, not an area", "parameters": [path("code", "PCN code, e.g. U11864")], "responses": { "200": ok("PCN profile", &["code", "practices", "prevalence", "no_boundary"]), "400": err, "404": err } } },
        "/api/primary-care/rank": { "get": { "summary": "The district's practices or PCNs ordered by a condition's recorded prevalence", "parameters": [
            condition(true),
            q("unit", false, json!({ "type": "string", "enum": ["practice", "pcn"] }), "Practices (default) or PCNs"),
            q("order", false, json!({ "type": "string", "enum": ["desc", "asc"] }), "Highest first (default) or lowest first"),
            q("limit", false, json!({ "type": "integer", "minimum": 1 }), "Rows"),
        ], "responses": { "200": ok("Ranking", &["rows"]), "400": err, "404": err } } },
        "/api/primary-care/gradient": { "get": { "summary": "The practice deprivation gradient: recorded prevalence by national decile of practices' registered-population IMD 2025 score, with the slope and relative indices of inequality and their simulated 95% limits", "parameters": [
            condition(false),
            q("scope", false, json!({ "type": "string", "enum": ["district", "england"] }), "The district's practices (default) or England's"),
        ], "responses": { "200": ok("Gradients", &["gradients", "method"]), "400": err, "404": err } } },
    })
}
