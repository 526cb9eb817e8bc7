//! The OpenAPI 3.1 description of every route in [`crate::ROUTES`]: each route names its
//! operation here, so the document lists exactly the routes served.

use serde_json::{Value, json};

fn param(name: &str, location: &str, required: bool, schema: &Value, description: &str) -> Value {
    json!({ "name": name, "in": location, "required": required, "schema": schema, "description": description })
}

fn q(name: &str, required: bool, schema: &Value, description: &str) -> Value {
    param(name, "query", required, schema, description)
}

fn string() -> Value {
    json!({ "type": "string" })
}

fn errors(codes: &[&str]) -> serde_json::Map<String, Value> {
    codes
        .iter()
        .map(|c| {
            (
                (*c).to_owned(),
                json!({ "description": "A JSON error naming the problem", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } }),
            )
        })
        .collect()
}

fn op(summary: &str, params: &[Value], ok: Value, error_codes: &[&str]) -> Value {
    let mut responses = errors(error_codes);
    responses.insert("200".to_owned(), ok);
    json!({ "summary": summary, "parameters": params, "responses": responses })
}

fn json_ok(description: &str, schema: &Value) -> Value {
    json!({ "description": description, "content": { "application/json": { "schema": schema } } })
}

fn object(required: &[&str]) -> Value {
    json!({ "type": "object", "required": required })
}

fn geography() -> Value {
    let ids: Vec<&str> = equimap_atlas::Geography::ALL
        .iter()
        .map(|g| g.id())
        .collect();
    json!({ "type": "string", "enum": ids })
}

fn site_body() -> Value {
    json!({
        "required": true,
        "description": "A GeoJSON Polygon, MultiPolygon, Feature or FeatureCollection, in EPSG:4326 or EPSG:27700 (declared in a `crs` member or the `crs` parameter, or detected from coordinate ranges). At most 5 MB and 100,000 vertices.",
        "content": { "application/json": { "schema": { "type": "object", "required": ["type"] } }, "application/geo+json": { "schema": { "type": "object", "required": ["type"] } } }
    })
}

fn lonlat() -> Vec<Value> {
    vec![
        q(
            "lon",
            true,
            &json!({"type": "number", "minimum": -180, "maximum": 180}),
            "Longitude, WGS84",
        ),
        q(
            "lat",
            true,
            &json!({"type": "number", "minimum": -90, "maximum": 90}),
            "Latitude, WGS84",
        ),
    ]
}

fn csv_ok() -> Value {
    json!({ "description": "CSV, with attribution in leading `#` lines", "content": { "text/csv": { "schema": { "type": "string" } } } })
}

/// `GET /healthz`
pub fn healthz() -> Value {
    op(
        "Liveness, with the atlas loaded",
        &[],
        json_ok("Healthy", &object(&["status", "atlas"])),
        &[],
    )
}

/// `GET /readyz`
pub fn readyz() -> Value {
    op(
        "Readiness: the atlas is loaded and checked and its query indexes built (the server binds only after that); tile sets are built on first use, and `tiles.built` lists those built so far",
        &[],
        json_ok("Ready", &object(&["status", "atlas"])),
        &[],
    )
}

/// `GET /metrics`
pub fn metrics() -> Value {
    json!({ "summary": "Prometheus metrics: requests and latency per route, tile cache, atlas version", "responses": { "200": { "description": "Prometheus text", "content": { "text/plain": { "schema": { "type": "string" } } } } } })
}

/// `GET /api/openapi.json`
pub fn openapi() -> Value {
    op(
        "This document",
        &[],
        json_ok("OpenAPI 3.1", &object(&["openapi", "paths"])),
        &[],
    )
}

/// `GET /api/indicators`
pub fn indicators() -> Value {
    op(
        "The indicator catalogue with district and England reference values; `geographies` gives each geography's label (wards with their vintage), the vintage, area count and boundary source as the atlas records them",
        &[],
        json_ok("Catalogue", &object(&["indicators", "attribution"])),
        &[],
    )
}

/// `GET /api/point`
pub fn point() -> Value {
    let lonlat = lonlat();
    op(
        "The areas at every geography containing a point, with headline indicators",
        &lonlat,
        json_ok("Areas", &object(&["areas"])),
        &["400", "404"],
    )
}

/// `GET /api/areas/{geography}/{code}`
pub fn area() -> Value {
    op(
        "An area profile: every indicator with unit, period, source, method, estimate flag, rank in the district, district and England values; parents and children. Append .csv to the code, or format=csv, for CSV.",
        &[
            param("geography", "path", true, &geography(), "Geography"),
            param(
                "code",
                "path",
                true,
                &string(),
                "ONS area code, optionally with .csv",
            ),
            q(
                "geometry",
                false,
                &json!({"type": "boolean"}),
                "Include the boundary as GeoJSON",
            ),
            q(
                "format",
                false,
                &json!({"type": "string", "enum": ["json", "csv"]}),
                "Response format",
            ),
        ],
        json!({ "description": "Profile", "content": { "application/json": { "schema": object(&["area", "indicators", "parents", "children"]) }, "text/csv": { "schema": { "type": "string" } } } }),
        &["400", "404"],
    )
}

/// `GET /api/search`
pub fn search() -> Value {
    op(
        "Search postcodes, places and areas, best first",
        &[
            q(
                "q",
                true,
                &json!({"type": "string", "minLength": 1, "maxLength": 100}),
                "Text: a postcode (any spacing), a place or an area name or code",
            ),
            q(
                "limit",
                false,
                &json!({"type": "integer", "minimum": 1, "maximum": 50}),
                "Results (default 10)",
            ),
        ],
        json_ok("Results", &object(&["results"])),
        &["400"],
    )
}

/// `GET /api/rank`
pub fn rank() -> Value {
    op(
        "Areas ordered by an indicator",
        &[
            q("indicator", true, &string(), "Indicator id"),
            q("geography", true, &geography(), "Geography"),
            q(
                "order",
                false,
                &json!({"type": "string", "enum": ["worst", "best", "asc", "desc"]}),
                "Order (default worst first)",
            ),
            q(
                "limit",
                false,
                &json!({"type": "integer", "minimum": 1}),
                "Rows",
            ),
        ],
        json_ok("Ranking", &object(&["rows"])),
        &["400", "404"],
    )
}

/// `GET /api/gradient`
pub fn gradient() -> Value {
    op(
        "An indicator by national IMD decile: values (counts summed with Wilson 95% intervals, or population-weighted means), the gap decile 10 - 1 and the slope and relative indices of inequality with 95% intervals (OHID phe_sii method)",
        &[
            q("indicator", true, &string(), "Indicator id"),
            q(
                "by",
                false,
                &json!({"type": "string", "enum": ["imd2025_decile", "imd2019_decile"]}),
                "Decile to group by (default imd2025_decile)",
            ),
            q(
                "geography",
                false,
                &geography(),
                "Must be the decile's LSOA geography if given",
            ),
        ],
        json_ok("Gradient", &object(&["bands", "method"])),
        &["400", "404"],
    )
}

/// `GET /api/trends`
pub fn trends() -> Value {
    op(
        "A district's published trends beside England's, period by period: life expectancy at birth by sex, its slope index of inequality within the district, and under-75 mortality from causes considered preventable (OHID Fingertips), with OHID's comparison with England as published",
        &[
            q(
                "district",
                false,
                &string(),
                "District code (default: the atlas's district); an England atlas holds every district",
            ),
            q(
                "format",
                false,
                &json!({"type": "string", "enum": ["json", "csv"]}),
                "Response format",
            ),
        ],
        json!({ "description": "Trends", "content": { "application/json": { "schema": object(&["code", "name", "series", "attribution"]) }, "text/csv": { "schema": { "type": "string" } } } }),
        &["400", "404"],
    )
}

/// `GET /api/marmot`
pub fn marmot() -> Value {
    op(
        "The Fairer, Healthier Leeds (Marmot City) indicator set: the 15 measures with their breakdowns, which this atlas holds (with the indicators that carry them) and, for the rest, who publishes them",
        &[],
        json_ok("The set", &object(&["theme", "measures"])),
        &[],
    )
}

/// `POST /api/site`
pub fn site() -> Value {
    json!({
        "summary": "The planner's site report: residents, age bands, deprivation, health outcomes and fuel poverty (with 95% intervals), life expectancy and GP practices for the site and buffer zones, compared with the district and England",
        "parameters": [
            q("buffer_m", false, &string(), "Comma-separated buffer distances in metres, each in (0, 5000], at most 5"),
            q("crs", false, &string(), "The input CRS, e.g. EPSG:27700, if not declared in the GeoJSON"),
            q("format", false, &json!({"type": "string", "enum": ["json", "csv", "geojson"]}), "Response format"),
        ],
        "requestBody": site_body(),
        "responses": {
            "200": { "description": "Report", "content": { "application/json": { "schema": object(&["zones", "input_crs", "method"]) }, "text/csv": { "schema": { "type": "string" } }, "application/geo+json": { "schema": object(&["type", "features"]) } } },
            "400": { "description": "A JSON error naming the problem", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } }
        }
    })
}

/// `GET /api/custom-areas`
pub fn custom_areas() -> Value {
    op(
        "Custom areas loaded at start-up (examples are labelled as such)",
        &[],
        json_ok("Areas", &object(&["areas"])),
        &[],
    )
}

/// `GET /api/custom-areas/{id}`
pub fn custom_area_by_id() -> Value {
    op(
        "One loaded custom area",
        &[param("id", "path", true, &string(), "Id")],
        json_ok("Custom area profile", &object(&["name", "figures"])),
        &["404"],
    )
}

/// `GET /api/services`
pub fn services() -> Value {
    op(
        "The nearest GP practices to a point, with registered patients and straight-line distance",
        &[
            q(
                "kind",
                false,
                &json!({"type": "string", "enum": ["gp"]}),
                "Service kind",
            ),
            q("near", true, &string(), "lon,lat in WGS84"),
            q(
                "limit",
                false,
                &json!({"type": "integer", "minimum": 1, "maximum": 100}),
                "Results (default 5)",
            ),
        ],
        json_ok("Practices", &object(&["results"])),
        &["400"],
    )
}

/// `GET /api/tiles/stats`
pub fn tile_stats() -> Value {
    op(
        "Tile cache hits, misses and bytes",
        &[],
        json_ok("Statistics", &object(&["hits", "misses", "hit_ratio"])),
        &["404"],
    )
}

/// `GET /tiles/{file}`
pub fn tile_file() -> Value {
    op(
        "TileJSON 3.0 for a tile layer (`{layer}.json`), the list of tile sets (`index.json`), or a built archive (`{name}.pmtiles`, with range requests)",
        &[param(
            "file",
            "path",
            true,
            &string(),
            "`{layer}.json`, e.g. lsoa21.json",
        )],
        json_ok("TileJSON", &object(&["tilejson", "tiles", "vector_layers"])),
        &["404"],
    )
}

/// `GET /tiles/{layer}/{z}/{x}/{y}`
pub fn tile() -> Value {
    json!({
        "summary": "A Mapbox Vector Tile (spec 2.1), gzip-encoded when the client accepts it; 204 when empty",
        "parameters": [
            param("layer", "path", true, &string(), "lsoa21, lsoa11, msoa21, msoa11, ward, committee, district, basemap, gp, greenspace, greenspace_access"),
            param("z", "path", true, &json!({"type": "string", "pattern": "^[0-9]+$"}), "Zoom"),
            param("x", "path", true, &json!({"type": "string", "pattern": "^[0-9]+$"}), "Column"),
            param("y", "path", true, &json!({"type": "string", "pattern": "^[0-9]+\\.(mvt|pbf)$"}), "Row, with the .mvt suffix"),
        ],
        "responses": {
            "200": { "description": "The tile", "content": { "application/vnd.mapbox-vector-tile": { "schema": { "type": "string", "format": "binary" } } } },
            "204": { "description": "An empty tile" },
            "304": { "description": "Not modified (If-None-Match)" },
            "400": { "description": "A JSON error naming the problem", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } },
            "404": { "description": "A JSON error naming the problem", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } }
        }
    })
}

/// `GET /api/data.csv`
pub fn data_csv() -> Value {
    let csv_ok = csv_ok();
    op(
        "Bulk export of one indicator for every area of a geography, with attribution",
        &[
            q("indicator", true, &string(), "Indicator id"),
            q("geography", true, &geography(), "Geography"),
        ],
        csv_ok,
        &["400", "404"],
    )
}

/// The OpenAPI document: one operation for each entry of [`crate::ROUTES`].
pub fn document() -> Value {
    let mut paths = serde_json::Map::new();
    for r in crate::ROUTES {
        if let Value::Object(item) = paths
            .entry(r.path)
            .or_insert_with(|| Value::Object(serde_json::Map::new()))
        {
            item.insert(r.method.to_ascii_lowercase(), (r.doc)());
        }
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "equimap",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Health inequality by small area: deprivation, life expectancy and population, each compared with the district and England. Contains OS data © Crown copyright and database right; ONS, MHCLG and NHS England data under the Open Government Licence v3.0; © OpenStreetMap contributors (ODbL).",
            "license": { "name": "Data: Open Government Licence v3.0 and ODbL 1.0" }
        },
        "paths": paths,
        "components": { "schemas": { "Error": { "type": "object", "required": ["error", "status"], "properties": { "error": { "type": "string" }, "status": { "type": "integer" } } } } }
    })
}
