//! The OpenAPI 3.1 description of every route in [`crate::ROUTES`].

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
    json!({ "type": "string", "enum": ["lsoa21", "lsoa11", "msoa21", "msoa11", "ward", "district"] })
}

fn site_body() -> Value {
    json!({
        "required": true,
        "description": "A GeoJSON Polygon, MultiPolygon, Feature or FeatureCollection, in EPSG:4326 or EPSG:27700 (declared in a `crs` member or the `crs` parameter, or detected from coordinate ranges). At most 5 MB and 100,000 vertices.",
        "content": { "application/json": { "schema": { "type": "object", "required": ["type"] } }, "application/geo+json": { "schema": { "type": "object", "required": ["type"] } } }
    })
}

/// The OpenAPI document.
pub fn document() -> Value {
    let lonlat = vec![
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
    ];
    let csv_ok = json!({ "description": "CSV, with attribution in leading `#` lines", "content": { "text/csv": { "schema": { "type": "string" } } } });
    let paths = json!({
        "/healthz": { "get": op("Liveness, with the atlas loaded", &[], json_ok("Healthy", &object(&["status", "atlas"])), &[]) },
        "/readyz": { "get": op("Readiness: the atlas is loaded (the server binds only after loading it)", &[], json_ok("Ready", &object(&["status", "atlas"])), &[]) },
        "/metrics": { "get": { "summary": "Prometheus metrics: requests and latency per route, tile cache, atlas version", "responses": { "200": { "description": "Prometheus text", "content": { "text/plain": { "schema": { "type": "string" } } } } } } },
        "/api/openapi.json": { "get": op("This document", &[], json_ok("OpenAPI 3.1", &object(&["openapi", "paths"])), &[]) },
        "/api/indicators": { "get": op("The indicator catalogue with district and England reference values", &[], json_ok("Catalogue", &object(&["indicators", "attribution"])), &[]) },
        "/api/point": { "get": op("The areas at every geography containing a point, with headline indicators", &lonlat, json_ok("Areas", &object(&["areas"])), &["400", "404"]) },
        "/api/areas/{geography}/{code}": { "get": op(
            "An area profile: every indicator with unit, period, source, method, estimate flag, rank in the district, district and England values; parents and children. Append .csv to the code, or format=csv, for CSV.",
            &[
                param("geography", "path", true, &geography(), "Geography"),
                param("code", "path", true, &string(), "ONS area code, optionally with .csv"),
                q("geometry", false, &json!({"type": "boolean"}), "Include the boundary as GeoJSON"),
                q("format", false, &json!({"type": "string", "enum": ["json", "csv"]}), "Response format"),
            ],
            json!({ "description": "Profile", "content": { "application/json": { "schema": object(&["area", "indicators", "parents", "children"]) }, "text/csv": { "schema": { "type": "string" } } } }),
            &["400", "404"]) },
        "/api/search": { "get": op("Search postcodes, places and areas, best first", &[
                q("q", true, &json!({"type": "string", "minLength": 1, "maxLength": 100}), "Text: a postcode (any spacing), a place or an area name or code"),
                q("limit", false, &json!({"type": "integer", "minimum": 1, "maximum": 50}), "Results (default 10)"),
            ], json_ok("Results", &object(&["results"])), &["400"]) },
        "/api/rank": { "get": op("Areas ordered by an indicator", &[
                q("indicator", true, &string(), "Indicator id"),
                q("geography", true, &geography(), "Geography"),
                q("order", false, &json!({"type": "string", "enum": ["worst", "best", "asc", "desc"]}), "Order (default worst first)"),
                q("limit", false, &json!({"type": "integer", "minimum": 1}), "Rows"),
            ], json_ok("Ranking", &object(&["rows"])), &["400", "404"]) },
        "/api/gradient": { "get": op("An indicator by national IMD decile: values (counts summed with Wilson 95% intervals, or population-weighted means), the gap decile 10 - 1 and the slope and relative indices of inequality with 95% intervals (OHID phe_sii method)", &[
                q("indicator", true, &string(), "Indicator id"),
                q("by", false, &json!({"type": "string", "enum": ["imd2025_decile", "imd2019_decile"]}), "Decile to group by (default imd2025_decile)"),
                q("geography", false, &geography(), "Must be the decile's LSOA geography if given"),
            ], json_ok("Gradient", &object(&["bands", "method"])), &["400", "404"]) },
        "/api/site": { "post": {
            "summary": "The planner's site report: residents, deprivation, life expectancy and GP practices for the site and buffer zones, compared with the district and England",
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
        } },
        "/api/custom-area": { "post": {
            "summary": "A profile of a custom area defined by LSOA, MSOA or ward codes, or by a polygon",
            "requestBody": { "required": true, "content": { "application/json": { "schema": { "type": "object", "required": ["name"], "properties": {
                "name": { "type": "string" }, "description": { "type": "string" }, "geography": { "type": "string", "enum": ["lsoa21", "msoa21", "ward"] },
                "codes": { "type": "array", "items": { "type": "string" } }, "geometry": { "type": "object" } } } } } },
            "responses": {
                "200": json_ok("Custom area profile", &object(&["name", "figures", "indicators"])),
                "400": { "description": "A JSON error naming the problem", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } },
                "404": { "description": "A JSON error naming the problem", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } }
            }
        } },
        "/api/custom-areas": { "get": op("Custom areas loaded at start-up (examples are labelled as such)", &[], json_ok("Areas", &object(&["areas"])), &[]) },
        "/api/custom-areas/{id}": { "get": op("One loaded custom area", &[param("id", "path", true, &string(), "Id")], json_ok("Custom area profile", &object(&["name", "figures"])), &["404"]) },
        "/api/services": { "get": op("The nearest GP practices to a point, with registered patients and straight-line distance", &[
                q("kind", false, &json!({"type": "string", "enum": ["gp"]}), "Service kind"),
                q("near", true, &string(), "lon,lat in WGS84"),
                q("limit", false, &json!({"type": "integer", "minimum": 1, "maximum": 100}), "Results (default 5)"),
            ], json_ok("Practices", &object(&["results"])), &["400"]) },
        "/api/tiles/stats": { "get": op("Tile cache hits, misses and bytes", &[], json_ok("Statistics", &object(&["hits", "misses", "hit_ratio"])), &["404"]) },
        "/tiles/{file}": { "get": op("TileJSON 3.0 for a tile layer (`{layer}.json`), the list of tile sets (`index.json`), or a built archive (`{name}.pmtiles`, with range requests)", &[param("file", "path", true, &string(), "`{layer}.json`, e.g. lsoa21.json")], json_ok("TileJSON", &object(&["tilejson", "tiles", "vector_layers"])), &["404"]) },
        "/tiles/{layer}/{z}/{x}/{y}": { "get": {
            "summary": "A Mapbox Vector Tile (spec 2.1), gzip-encoded when the client accepts it; 204 when empty",
            "parameters": [
                param("layer", "path", true, &string(), "lsoa21, lsoa11, msoa21, msoa11, ward, district, basemap, gp, greenspace, greenspace_access"),
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
        } },
        "/api/data.csv": { "get": op("Bulk export of one indicator for every area of a geography, with attribution", &[
                q("indicator", true, &string(), "Indicator id"),
                q("geography", true, &geography(), "Geography"),
            ], csv_ok, &["400", "404"]) },
    });
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
