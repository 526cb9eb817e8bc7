//! Health outcomes over time and the Fairer, Healthier Leeds set: `/api/trends`, `/api/marmot`.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use equimap_query::TrendsOut;
use equimap_query::csv_out::{number, text, write};

use crate::params::Params;
use crate::{ApiError, AppState};

/// `GET /api/trends?district=&format=json|csv`
pub async fn trends(State(s): State<Arc<AppState>>, p: Params) -> Result<Response, ApiError> {
    let out = s.query.trends(p.opt("district"))?;
    match p.opt("format").unwrap_or("json") {
        "json" => Ok(Json(out).into_response()),
        "csv" => Ok((
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"trends-{}.csv\"", out.code),
                ),
            ],
            trends_csv(&out),
        )
            .into_response()),
        f => Err(ApiError::BadRequest(format!(
            "`format` must be json or csv, not {f:?}"
        ))),
    }
}

fn trends_csv(out: &TrendsOut) -> String {
    let mut rows = vec![
        [
            "indicator",
            "label",
            "unit",
            "sex",
            "period",
            "district_code",
            "district",
            "england",
            "compared_to_england",
            "caveat",
            "source",
        ]
        .map(str::to_owned)
        .to_vec(),
    ];
    for s in &out.series {
        for p in &s.points {
            rows.push(vec![
                s.def.id.clone(),
                text(&s.def.label),
                text(&s.def.unit),
                s.sex.clone(),
                p.period.clone(),
                out.code.clone(),
                number(p.district, s.def.decimals),
                number(p.england, s.def.decimals),
                text(p.compared_to_england.as_deref().unwrap_or_default()),
                if p.caveat {
                    text(s.def.caveat.as_deref().unwrap_or_default())
                } else {
                    String::new()
                },
                text(&s.def.source),
            ]);
        }
    }
    let mut comments = out.attribution.clone();
    comments.push(out.comparison.to_owned());
    write(&comments, &rows)
}

/// `GET /api/marmot`
pub async fn marmot(State(s): State<Arc<AppState>>) -> Json<equimap_query::Marmot> {
    Json(s.query.marmot())
}
