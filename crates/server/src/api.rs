//! The query API handlers.

use std::sync::Arc;

use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use equimap_query::Query;
use equimap_query::csv_out::{number, text, write};
use serde_json::{Value, json};

use crate::params::{Params, PathParams};
use crate::{ApiError, AppState};

type ApiResult = Result<Response, ApiError>;

/// Request bodies above this size are refused with a 400.
pub const MAX_BODY_BYTES: usize = 5 * 1024 * 1024;

fn csv_response(name: &str, body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response()
}

fn geojson_response(v: &Value) -> Response {
    (
        [(header::CONTENT_TYPE, "application/geo+json")],
        v.to_string(),
    )
        .into_response()
}

/// Read a request body up to the limit; beyond it, or when it cannot be read (a client that
/// stalls past the body timeout), a 400 that says which.
pub async fn read_body(body: Body) -> Result<axum::body::Bytes, ApiError> {
    axum::body::to_bytes(body, MAX_BODY_BYTES)
        .await
        .map_err(|e| {
            let e = e.into_inner();
            if e.is::<http_body_util::LengthLimitError>() {
                ApiError::BadRequest(format!(
                    "the request body is over {} MB, the limit",
                    MAX_BODY_BYTES / (1024 * 1024)
                ))
            } else {
                ApiError::BadRequest(format!("the request body could not be read: {e}"))
            }
        })
}

/// A JSON value of something serialisable; a failure is an error, never `null`.
fn to_json<T: serde::Serialize>(what: &str, v: &T) -> Result<Value, ApiError> {
    serde_json::to_value(v)
        .map_err(|e| ApiError::Internal(format!("could not serialise {what}: {e}")))
}

pub(crate) fn format_of(p: &Params, allowed: &[&str]) -> Result<String, ApiError> {
    let f = p.opt("format").unwrap_or("json").to_ascii_lowercase();
    if allowed.contains(&f.as_str()) {
        Ok(f)
    } else {
        Err(ApiError::BadRequest(format!(
            "`format` must be one of {}, not {f:?}",
            allowed.join(", ")
        )))
    }
}

fn q(s: &AppState) -> &Query {
    &s.query
}

/// `GET /api/point?lon=&lat=`
pub async fn point(State(s): State<Arc<AppState>>, p: Params) -> ApiResult {
    let (lon, lat) = (p.num("lon")?, p.num("lat")?);
    let found = q(&s).point(lon, lat)?;
    Ok(Json(json!({ "lon": lon, "lat": lat, "areas": found, "rule": "A point on a border shared by several areas belongs to the one whose code sorts first." })).into_response())
}

/// `GET /api/areas/{geography}/{code}` and `…/{code}.csv`
pub async fn area(
    State(s): State<Arc<AppState>>,
    PathParams((geography, code)): PathParams<(String, String)>,
    p: Params,
) -> ApiResult {
    let g = q(&s).geography(&geography)?;
    let (code, csv) = match code.strip_suffix(".csv") {
        Some(c) => (c.to_owned(), true),
        None => (code, p.opt("format") == Some("csv")),
    };
    let profile = q(&s).profile(g, &code, p.flag("geometry")?)?;
    if !csv {
        return Ok(Json(profile).into_response());
    }
    let rows = crate::export::profile_rows(g, &profile);
    Ok(csv_response(
        &format!("{}-{}.csv", g.id(), profile.area.code),
        write(&profile.attribution, &rows),
    ))
}

/// `GET /api/search?q=&limit=`
pub async fn search(State(s): State<Arc<AppState>>, p: Params) -> ApiResult {
    let text = p.req("q")?;
    let hits = q(&s).search(text, p.limit("limit", 10, 50)?)?;
    Ok(Json(json!({ "q": text, "results": hits })).into_response())
}

/// `GET /api/rank?indicator=&geography=&order=&limit=`
pub async fn rank(State(s): State<Arc<AppState>>, p: Params) -> ApiResult {
    let indicator = p.req("indicator")?;
    let g = q(&s).geography(p.req("geography")?)?;
    let limit = match p.opt("limit") {
        Some(_) => Some(p.limit("limit", 10, 100_000)?),
        None => None,
    };
    let order = p.opt("order").unwrap_or("worst");
    let rows = q(&s).rank(indicator, g, order, limit)?;
    let def = q(&s).atlas.catalogue.get(indicator);
    Ok(Json(json!({
        "indicator": indicator,
        "label": def.map(|d| d.label.clone()),
        "unit": def.map(|d| d.unit.clone()),
        "period": def.and_then(|d| d.level(g)).map(|l| l.period.clone()),
        "estimate": def.and_then(|d| d.level(g)).map(|l| l.estimate),
        "geography": g,
        "order": order,
        "rows": rows,
    }))
    .into_response())
}

/// `GET /api/gradient?indicator=&by=imd2025_decile&geography=`
pub async fn gradient(State(s): State<Arc<AppState>>, p: Params) -> ApiResult {
    let g = match p.opt("geography") {
        Some(name) => Some(q(&s).geography(name)?),
        None => None,
    };
    let gr = q(&s).gradient(
        p.req("indicator")?,
        p.opt("by").unwrap_or("imd2025_decile"),
        g,
    )?;
    Ok(Json(gr).into_response())
}

/// `GET /api/indicators`
pub async fn indicators(State(s): State<Arc<AppState>>) -> ApiResult {
    let atlas = &q(&s).atlas;
    let items = atlas
        .catalogue
        .indicators
        .iter()
        .map(|d| {
            let mut v = to_json(&format!("indicator {}", d.id), d)?;
            let refs: Vec<&equimap_atlas::ReferenceValue> = atlas
                .references
                .rows
                .iter()
                .filter(|r| r.indicator == d.id)
                .collect();
            let refs = to_json(&format!("the reference values of {}", d.id), &refs)?;
            match &mut v {
                Value::Object(map) => {
                    map.insert("reference".to_owned(), refs);
                    Ok(v)
                }
                _ => Err(ApiError::Internal(format!(
                    "indicator {} did not serialise to an object",
                    d.id
                ))),
            }
        })
        .collect::<Result<Vec<Value>, ApiError>>()?;
    let geographies: serde_json::Map<String, Value> = atlas
        .manifest
        .geographies
        .iter()
        .map(|(g, r)| {
            let v = json!({ "label": atlas.geography_label(*g), "vintage": r.vintage, "count": r.count, "source": r.source });
            (g.id().to_owned(), v)
        })
        .collect();
    Ok(Json(json!({
        "district": atlas.manifest.district,
        "district_name": atlas.manifest.district_name,
        "attribution": atlas.manifest.attribution,
        "geographies": geographies,
        "indicators": items,
    }))
    .into_response())
}

/// `GET /api/services?kind=gp&near=lon,lat&limit=`
pub async fn services(State(s): State<Arc<AppState>>, p: Params) -> ApiResult {
    let kind = p.opt("kind").unwrap_or("gp");
    if kind != "gp" {
        return Err(ApiError::BadRequest(format!(
            "`kind` {kind:?} is not served; the only kind is gp (GP practices)"
        )));
    }
    let near = p.req("near")?;
    let (lon, lat) = near
        .split_once(',')
        .and_then(|(a, b)| Some((a.trim().parse::<f64>().ok()?, b.trim().parse::<f64>().ok()?)))
        .ok_or_else(|| ApiError::BadRequest(format!("`near` must be lon,lat, not {near:?}")))?;
    let found = q(&s).nearest_gps(lon, lat, p.limit("limit", 5, 100)?)?;
    Ok(Json(json!({
        "kind": "gp",
        "near": [lon, lat],
        "distance": "straight line in metres (British National Grid); walking distance is longer",
        "registered_patients_date": "2026-04-01",
        "source": "NHS England Organisation Data Service and Patients Registered at a GP Practice (OGL v3)",
        "results": found,
    }))
    .into_response())
}

/// `GET /api/data.csv?indicator=&geography=`
pub async fn data_csv(State(s): State<Arc<AppState>>, p: Params) -> ApiResult {
    let indicator = p.req("indicator")?;
    let g = q(&s).geography(p.req("geography")?)?;
    let atlas = &q(&s).atlas;
    let def = atlas.catalogue.get(indicator).ok_or_else(|| {
        ApiError::NotFound(format!(
            "unknown indicator {indicator:?}; see /api/indicators"
        ))
    })?;
    let level = def
        .level(g)
        .ok_or_else(|| ApiError::BadRequest(format!("{indicator} is not held at {g}")))?;
    let mut comments = atlas.manifest.attribution.clone();
    comments.push(format!(
        "{}: {} ({}); {}{}; source: {}",
        def.id,
        def.label,
        def.unit,
        level.period,
        if level.estimate { "; ESTIMATE" } else { "" },
        def.source
    ));
    let mut rows = vec![
        [
            "code",
            "name",
            indicator,
            "lower_95",
            "upper_95",
            "numerator",
            "denominator",
            "compared_with_district",
            "compared_with_england",
        ]
        .map(str::to_owned)
        .to_vec(),
    ];
    if let Some(c) = &def.counts {
        comments.push(format!(
            "numerator: {}; denominator: {}",
            c.numerator_label, c.denominator_label
        ));
    }
    for a in &atlas.geographies[&g].areas {
        let st = q(&s).value_stats(def, g, &a.code);
        let ci = st.interval.as_ref();
        if let Some(c) = ci
            && rows.len() == 1
        {
            comments.push(format!("lower_95, upper_95: {}", c.method));
        }
        rows.push(vec![
            text(&a.code),
            text(&a.name),
            number(atlas.value(g, &a.code, indicator), def.decimals),
            number(ci.map(|c| c.lower), def.decimals + 1),
            number(ci.map(|c| c.upper), def.decimals + 1),
            number(st.counts.as_ref().map(|c| c.numerator), 0),
            number(st.counts.as_ref().map(|c| c.denominator), 0),
            text(st.vs_district.as_ref().map_or("", |c| c.words.as_str())),
            text(st.vs_england.as_ref().map_or("", |c| c.words.as_str())),
        ]);
    }
    Ok(csv_response(
        &format!("{indicator}-{}.csv", g.id()),
        write(&comments, &rows),
    ))
}

/// `POST /api/site?buffer_m=400,800&crs=&format=json|csv|geojson`
pub async fn site(State(s): State<Arc<AppState>>, p: Params, body: Body) -> ApiResult {
    let bytes = read_body(body).await?;
    let buffers = equimap_query::site::parse_buffers(p.opt("buffer_m"))?;
    let format = format_of(&p, &["json", "csv", "geojson"])?;
    let crs = p.opt("crs").map(str::to_owned);
    let state = s.clone();
    let report = s
        .limits
        .run(move || {
            let site = equimap_query::site::parse_site(&bytes, crs.as_deref())?;
            state.query.site_report(&site, &buffers)
        })
        .await??;
    Ok(match format.as_str() {
        "csv" => csv_response("site-report.csv", crate::export::site_csv(&report)),
        "geojson" => geojson_response(&crate::export::site_geojson(&s.query, &report)),
        _ => Json(report).into_response(),
    })
}

/// `GET /api/custom-areas`: the areas loaded with `--areas`.
pub async fn custom_areas(State(s): State<Arc<AppState>>) -> Json<Value> {
    Json(
        json!({ "areas": s.custom_areas.iter().map(|a| json!({"id": a.id, "name": a.name, "description": a.description, "definition": a.definition})).collect::<Vec<_>>() }),
    )
}

/// `GET /api/custom-areas/{id}`
pub async fn custom_area_by_id(
    State(s): State<Arc<AppState>>,
    PathParams(id): PathParams<String>,
) -> ApiResult {
    s.custom_areas
        .iter()
        .find(|a| a.id.as_deref() == Some(id.as_str()))
        .map(|a| Json(a).into_response())
        .ok_or_else(|| ApiError::NotFound(format!("no custom area {id:?}; see /api/custom-areas")))
}
