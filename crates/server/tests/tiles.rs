//! Tiles over HTTP, decoded with an independent decoder (mvt-reader), against the atlas.

mod common;

use std::io::Read;
use std::sync::{Arc, OnceLock};

use axum::http::{StatusCode, header};
use equimap_atlas::Geography;
use equimap_server::AppState;
use equimap_server::tiles::{TileConfig, TileService, TileSource};
use geo::{Area, BooleanOps, Coord, LineString, MultiPolygon, Polygon, Rect};
use mvt_reader::Reader;
use mvt_reader::feature::Value;

fn state() -> Arc<AppState> {
    static S: OnceLock<Arc<AppState>> = OnceLock::new();
    S.get_or_init(|| {
        let query = common::query();
        // As `serve` makes it: each set built on its first request.
        let tiles = equimap_tiles::atlas::AtlasTiles::lazy(query.atlas.clone(), 16);
        let tiles = Some(TileService::new(
            TileSource::Atlas(Box::new(tiles)),
            TileConfig::default(),
        ));
        Arc::new(AppState {
            tiles,
            ..AppState::new(query)
        })
    })
    .clone()
}

async fn get(uri: &str, headers: &[(&str, &str)]) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    common::get(state(), uri, headers).await
}

fn tile_of(lon: f64, lat: f64, z: u32) -> (u32, u32) {
    let n = f64::from(1u32 << z);
    let x = ((lon + 180.0) / 360.0 * n).floor();
    let r = lat.to_radians();
    let y = ((1.0 - (r.tan() + 1.0 / r.cos()).ln() / std::f64::consts::PI) / 2.0 * n).floor();
    (x as u32, y as u32)
}

fn gunzip(b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(b)
        .read_to_end(&mut out)
        .expect("gzip");
    out
}

fn polygons(g: &geo::Geometry<f32>) -> MultiPolygon<f64> {
    let conv = |ls: &LineString<f32>| {
        LineString(
            ls.0.iter()
                .map(|c| Coord {
                    x: f64::from(c.x),
                    y: f64::from(c.y),
                })
                .collect(),
        )
    };
    let poly = |p: &Polygon<f32>| {
        Polygon::new(conv(p.exterior()), p.interiors().iter().map(conv).collect())
    };
    match g {
        geo::Geometry::Polygon(p) => MultiPolygon(vec![poly(p)]),
        geo::Geometry::MultiPolygon(mp) => MultiPolygon(mp.0.iter().map(poly).collect()),
        other => panic!("not a polygon: {other:?}"),
    }
}

#[tokio::test]
async fn civic_hall_tile_decodes_to_the_atlas() {
    let (x, y) = tile_of(-1.5486, 53.8019, 14);
    let (s, h, body) = get(
        &format!("/tiles/lsoa21/14/{x}/{y}.mvt"),
        &[("accept-encoding", "gzip, br")],
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(h[header::CONTENT_ENCODING], "gzip");
    assert_eq!(
        h[header::CONTENT_TYPE],
        "application/vnd.mapbox-vector-tile"
    );
    let reader = Reader::new(gunzip(&body)).expect("independent decoder reads our tile");
    let layers = reader.get_layer_metadata().expect("layers");
    assert_eq!(layers.len(), 1);
    assert_eq!(layers[0].name, "lsoa21");
    let features = reader.get_features(0).expect("features");
    let atlas = &state().query.atlas;
    // Leeds 111B (E01033010) holds Civic Hall; its id is the digits of its code.
    let f = features
        .iter()
        .find(|f| f.id == Some(1_033_010))
        .expect("Leeds 111B in the tile");
    let props = f.properties.as_ref().expect("properties");
    assert!(matches!(props.get("name"), Some(Value::String(n)) if n == "Leeds 111B"));
    let want = atlas
        .value(Geography::Lsoa21, "E01033010", "imd2025_decile")
        .expect("decile");
    assert!(
        matches!(props.get("imd2025_decile"), Some(Value::Double(d)) if (*d - want).abs() < 1e-9),
        "{props:?}"
    );
    // Every feature is an LSOA of the atlas, carrying its own code.
    for f in &features {
        let code = match f.properties.as_ref().and_then(|p| p.get("code")) {
            Some(Value::String(c)) => c.clone(),
            other => panic!("{other:?}"),
        };
        assert_eq!(f.id, Some(equimap_tiles::atlas::area_id(&code)));
        assert!(
            atlas
                .areas(Geography::Lsoa21)
                .expect("l")
                .get(&code)
                .is_some()
        );
    }
}

#[tokio::test]
async fn lsoas_cover_a_tile_inside_leeds_without_gaps_or_overlaps() {
    // A z13 tile in central Leeds lies wholly inside the district, so its LSOAs must tile it.
    let (x, y) = tile_of(-1.5486, 53.8019, 13);
    let (s, _, body) = get(
        &format!("/tiles/lsoa21/13/{x}/{y}.mvt"),
        &[("accept-encoding", "gzip")],
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let reader = Reader::new(gunzip(&body)).expect("decode");
    let tile = Polygon::from(Rect::new(
        Coord { x: 0.0, y: 0.0 },
        Coord {
            x: 4096.0,
            y: 4096.0,
        },
    ));
    let mut union = MultiPolygon::<f64>(Vec::new());
    let mut sum = 0.0;
    for f in reader.get_features(0).expect("features") {
        let clipped = polygons(&f.geometry).intersection(&tile);
        sum += clipped.unsigned_area();
        union = union.union(&clipped);
    }
    let full = 4096.0 * 4096.0;
    // Rounding to integer tile units may leave slivers of at most a few units².
    assert!(
        (union.unsigned_area() - full).abs() < 50.0,
        "covered {} of {full}",
        union.unsigned_area()
    );
    assert!(
        (sum - union.unsigned_area()).abs() < 50.0,
        "overlap: sum {sum} vs union {}",
        union.unsigned_area()
    );
    let holes: usize = union.0.iter().map(|p| p.interiors().len()).sum();
    assert_eq!(holes, 0, "gaps inside the tile");
}

#[tokio::test]
async fn responses_follow_http_rules() {
    let (x, y) = tile_of(-1.5486, 53.8019, 12);
    let uri = format!("/tiles/ward/12/{x}/{y}.mvt");
    let (s, h, gz) = get(&uri, &[("accept-encoding", "gzip")]).await;
    assert_eq!(s, StatusCode::OK);
    let etag = h[header::ETAG].to_str().expect("etag").to_owned();
    assert!(
        h[header::CACHE_CONTROL]
            .to_str()
            .expect("cc")
            .contains("max-age")
    );
    let (s, _, _) = get(&uri, &[("if-none-match", &etag)]).await;
    assert_eq!(s, StatusCode::NOT_MODIFIED);
    // Without gzip the same tile arrives uncompressed.
    let (s, h, raw) = get(&uri, &[]).await;
    assert_eq!(s, StatusCode::OK);
    assert!(h.get(header::CONTENT_ENCODING).is_none());
    assert_eq!(raw, gunzip(&gz));
    // Empty tile (mid-Atlantic), bad coordinates, unknown layer.
    assert_eq!(
        get("/tiles/lsoa21/10/100/300.mvt", &[]).await.0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        get("/tiles/lsoa21/17/0/0.mvt", &[]).await.0,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        get("/tiles/lsoa21/3/8/0.mvt", &[]).await.0,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        get("/tiles/lsoa21/x/0/0.mvt", &[]).await.0,
        StatusCode::BAD_REQUEST
    );
    let (s, h, b) = get("/tiles/parishes/3/0/0.mvt", &[]).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert!(
        h[header::CONTENT_TYPE]
            .to_str()
            .expect("ct")
            .starts_with("application/json")
    );
    assert!(String::from_utf8_lossy(&b).contains("unknown tile layer"));
    // Path parameters that percent-decode to bytes that are not UTF-8 (found by fuzzing,
    // fuzz/regressions/tile_path/) are our JSON 400, on every route with path parameters.
    for path in [
        "/tiles/%FF/0/0/0.mvt",
        "/tiles/lsoa21/0/0/%FF.mvt",
        "/tiles/%FF",
        "/api/areas/lsoa21/%FF",
        "/api/custom-areas/%C3%28",
    ] {
        let (s, h, b) = get(path, &[]).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{path}");
        assert!(
            h[header::CONTENT_TYPE]
                .to_str()
                .expect("ct")
                .starts_with("application/json"),
            "{path}"
        );
        let body: serde_json::Value = serde_json::from_slice(&b).expect("JSON body");
        assert!(
            body["error"]
                .as_str()
                .is_some_and(|e| e.starts_with("malformed path")),
            "{path}: {body}"
        );
    }
}

#[tokio::test]
async fn tilejson_describes_layers_and_attribution() {
    let (s, _, b) = get("/tiles/msoa11.json", &[("host", "maps.example:8080")]).await;
    assert_eq!(s, StatusCode::OK);
    let v: serde_json::Value = serde_json::from_slice(&b).expect("json");
    assert_eq!(v["tilejson"], "3.0.0");
    assert_eq!(
        v["tiles"][0],
        "http://maps.example:8080/tiles/msoa11/{z}/{x}/{y}.mvt"
    );
    let layer = &v["vector_layers"][0];
    assert_eq!(layer["id"], "msoa11");
    assert_eq!(layer["fields"]["le_female"], "Number");
    assert!(
        v["attribution"]
            .as_str()
            .is_some_and(|a| a.contains("Office for National Statistics"))
    );
    let (_, _, b) = get("/tiles/basemap.json", &[]).await;
    let v: serde_json::Value = serde_json::from_slice(&b).expect("json");
    assert!(
        v["attribution"]
            .as_str()
            .is_some_and(|a| a.contains("OpenStreetMap"))
    );
    let ids: Vec<&str> = v["vector_layers"]
        .as_array()
        .expect("layers")
        .iter()
        .filter_map(|l| l["id"].as_str())
        .collect();
    assert!(ids.contains(&"roads") && ids.contains(&"water"));
}

#[tokio::test]
async fn tile_sets_are_listed_and_proxies_are_honoured() {
    let (s, _, b) = get("/tiles/index.json", &[]).await;
    assert_eq!(s, StatusCode::OK);
    let v: serde_json::Value = serde_json::from_slice(&b).expect("json");
    let names: Vec<&str> = v["tilesets"]
        .as_array()
        .expect("sets")
        .iter()
        .filter_map(|t| t["name"].as_str())
        .collect();
    for want in ["lsoa21", "ward", "basemap", "gp", "greenspace"] {
        assert!(names.contains(&want), "{want} not in {names:?}");
    }
    let (_, _, b) = get(
        "/tiles/ward.json",
        &[
            ("host", "127.0.0.1:8080"),
            ("x-forwarded-host", "map.example.org"),
            ("x-forwarded-proto", "https"),
        ],
    )
    .await;
    let v: serde_json::Value = serde_json::from_slice(&b).expect("json");
    assert_eq!(
        v["tiles"][0],
        "https://map.example.org/tiles/ward/{z}/{x}/{y}.mvt"
    );
}

/// `/readyz` answers before any tile set is built and lists those built so far; a tile request
/// builds its own set only.
#[tokio::test]
async fn tile_sets_are_built_on_first_request() {
    let query = common::query();
    let tiles = equimap_tiles::atlas::AtlasTiles::lazy(query.atlas.clone(), 16);
    let state = Arc::new(AppState {
        tiles: Some(TileService::new(
            TileSource::Atlas(Box::new(tiles)),
            TileConfig::default(),
        )),
        ..AppState::new(query)
    });
    let ready = || async {
        let (status, _, body) = common::get(state.clone(), "/readyz", &[]).await;
        assert_eq!(status, StatusCode::OK);
        serde_json::from_slice::<serde_json::Value>(&body).expect("json")
    };
    let before = ready().await;
    assert_eq!(before["tiles"]["built"], serde_json::json!([]));
    assert!(before["tiles"]["sets"].as_u64().expect("sets") >= 6);

    let (x, y) = tile_of(-1.547_54, 53.801_98, 12);
    let (status, _, _) =
        common::get(state.clone(), &format!("/tiles/msoa21/12/{x}/{y}.mvt"), &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        ready().await["tiles"]["built"],
        serde_json::json!(["msoa21"])
    );

    let (status, _, _) = common::get(state.clone(), "/tiles/ward.json", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        ready().await["tiles"]["built"],
        serde_json::json!(["msoa21", "ward"])
    );
}
