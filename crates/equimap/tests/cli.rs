//! End-to-end: the real `equimap` binary, started on a free port or run as a command.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_equimap"))
}

fn boundaries() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../boundaries")
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}

struct Server(Child);
impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn http_get(port: u16, path: &str) -> Option<(u16, String)> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut buf = String::new();
    s.read_to_string(&mut buf).ok()?;
    let status = buf.split_whitespace().nth(1)?.parse().ok()?;
    let body = buf.split_once("\r\n\r\n")?.1.to_owned();
    Some((status, body))
}

#[test]
fn serve_answers_healthz_on_a_free_port() {
    let port = free_port();
    let _server = Server(
        bin()
            .args(["serve", "--atlas"])
            .arg(boundaries())
            .args(["--addr", &format!("127.0.0.1:{port}")])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn"),
    );
    // A debug build under a parallel test run can take a while to build its tile layers.
    let deadline = Instant::now() + Duration::from_secs(180);
    let (status, body) = loop {
        if let Some(r) = http_get(port, "/healthz") {
            break r;
        }
        assert!(Instant::now() < deadline, "server did not come up");
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(status, 200);
    assert!(body.contains("\"district\":\"E08000035\""), "{body}");
    let (status, body) = http_get(port, "/api/indicators").expect("indicators");
    assert_eq!(status, 200);
    assert!(body.contains("imd2025_decile"));
}

#[test]
fn serve_refuses_a_corrupt_atlas_naming_the_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    copy(&boundaries(), dir.path());
    let f = dir.path().join("geographies/ward.fgb");
    let bytes = std::fs::read(&f).expect("read");
    std::fs::write(&f, &bytes[..bytes.len() / 3]).expect("truncate");
    let out = bin()
        .args(["serve", "--atlas"])
        .arg(dir.path())
        .args(["--addr", &format!("127.0.0.1:{}", free_port())])
        .output()
        .expect("run");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("ward.fgb"), "{err}");
}

#[test]
fn inspect_reports_counts_and_coverage() {
    let out = bin()
        .arg("inspect")
        .arg(boundaries())
        .output()
        .expect("run");
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("lsoa21       488 areas"), "{text}");
    assert!(text.contains("ward          33 areas"));
    assert!(text.contains("le_male — Male life expectancy at birth [years]"));
    assert!(text.contains("Reference layers") && text.contains("postcodes"));
}

#[test]
fn ingest_rejects_a_missing_sources_directory() {
    let out = bin()
        .args(["ingest", "--sources", "/nonexistent/data", "--out"])
        .arg(tempfile::tempdir().expect("t").path().join("x"))
        .output()
        .expect("run");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("does not exist"));
}

fn copy(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read_dir") {
        let e = e.expect("entry");
        let t = to.join(e.file_name());
        if e.file_type().expect("type").is_dir() {
            copy(&e.path(), &t);
        } else {
            std::fs::copy(e.path(), &t).expect("copy");
        }
    }
}

#[test]
fn site_command_reports_a_batch_and_names_bad_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    // A 500 m square in British National Grid around Leeds Civic Hall (E 429833, N 434079).
    let good = dir.path().join("civic.geojson");
    std::fs::write(&good, r#"{"type":"Polygon","coordinates":[[[429583,433829],[430083,433829],[430083,434329],[429583,434329],[429583,433829]]]}"#).expect("write");
    let bad = dir.path().join("bad.geojson");
    std::fs::write(&bad, r#"{"type":"Point","coordinates":[1,2]}"#).expect("write");
    let out = bin()
        .args(["site", "--atlas"])
        .arg(boundaries())
        .args(["--buffer", "400,800", "--format", "csv"])
        .arg(&good)
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("EPSG:27700") && text.contains("site + 800 m") && text.contains("E01033010"),
        "{text}"
    );
    let out = bin()
        .args(["site", "--atlas"])
        .arg(boundaries())
        .arg("--out-dir")
        .arg(dir.path().join("reports"))
        .arg(&good)
        .arg(&bad)
        .output()
        .expect("run");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad.geojson") && err.contains("wrong geometry type Point"),
        "{err}"
    );
    assert!(dir.path().join("reports/civic.report.json").exists());
}

#[test]
fn tiles_build_writes_an_archive_an_independent_reader_reads() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("leeds.pmtiles");
    let run = bin()
        .args(["tiles", "build", "--max-zoom", "10", "--atlas"])
        .arg(boundaries())
        .arg("--out")
        .arg(&out)
        .output()
        .expect("run");
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("rt");
    rt.block_on(async {
        let reader = pmtiles::AsyncPmTilesReader::new_with_path(&out)
            .await
            .expect("pmtiles-rs opens it");
        let h = reader.get_header();
        assert_eq!((h.min_zoom, h.max_zoom), (0, 10));
        assert_eq!(h.tile_type, pmtiles::TileType::Mvt);
        // The z10 tile over Leeds Civic Hall holds every layer; decode it independently.
        let coord = pmtiles::TileCoord::new(10, 507, 330).expect("coord");
        let gz = reader
            .get_tile(coord)
            .await
            .expect("read")
            .expect("tile present");
        let mut raw = Vec::new();
        std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(gz.as_ref()), &mut raw)
            .expect("gunzip");
        let tile = mvt_reader::Reader::new(raw).expect("decode");
        let names: Vec<String> = tile.get_layer_names().expect("names");
        for want in ["lsoa21", "lsoa11", "msoa11", "ward", "district", "roads"] {
            assert!(
                names.iter().any(|n| n == want),
                "{want} missing from {names:?}"
            );
        }
        let meta = reader.get_metadata().await.expect("metadata");
        assert!(meta.contains("OpenStreetMap") && meta.contains("vector_layers"));
    });
}

fn http_post(port: u16, path: &str, auth: &str) -> Option<(u16, String)> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(300))).ok()?;
    write!(s, "POST {path} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {auth}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").ok()?;
    let mut buf = String::new();
    s.read_to_string(&mut buf).ok()?;
    let status = buf.split_whitespace().nth(1)?.parse().ok()?;
    Some((status, buf.split_once("\r\n\r\n")?.1.to_owned()))
}

#[test]
fn admin_reload_swaps_a_good_atlas_and_refuses_a_bad_one() {
    let dir = tempfile::tempdir().expect("tempdir");
    copy(&boundaries(), dir.path());
    let port = free_port();
    let _server = Server(
        bin()
            .args(["serve", "--atlas"])
            .arg(dir.path())
            .args([
                "--addr",
                &format!("127.0.0.1:{port}"),
                "--web",
                "/nonexistent",
            ])
            .env("EQUIMAP_ADMIN_TOKEN", "s3cret-token")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn"),
    );
    let deadline = Instant::now() + Duration::from_secs(180);
    while http_get(port, "/healthz").is_none() {
        assert!(Instant::now() < deadline, "server did not come up");
        std::thread::sleep(Duration::from_millis(200));
    }
    let (status, _) = http_post(port, "/admin/reload", "wrong").expect("post");
    assert_eq!(status, 401);
    // Break the atlas on disk: the reload is refused and the old atlas keeps answering.
    let ward = dir.path().join("geographies/ward.fgb");
    let good = std::fs::read(&ward).expect("read");
    std::fs::write(&ward, &good[..good.len() / 3]).expect("truncate");
    let (status, body) = http_post(port, "/admin/reload", "s3cret-token").expect("post");
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("ward.fgb"), "{body}");
    let (status, body) = http_get(port, "/api/point?lon=-1.5486&lat=53.8019").expect("point");
    assert!(
        status == 200 && body.contains("E01033010"),
        "{status} {body}"
    );
    // Mend it: the reload succeeds.
    let before = point_requests(port);
    assert!(before >= 1, "{before}");
    std::fs::write(&ward, &good).expect("restore");
    let (status, body) = http_post(port, "/admin/reload", "s3cret-token").expect("post");
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("reloaded"));
    assert_eq!(http_get(port, "/healthz").expect("health").0, 200);
    // The metrics carried on across the reload.
    assert!(point_requests(port) >= before);
}

/// The `/api/point` request counter in `/metrics`.
fn point_requests(port: u16) -> u64 {
    let (status, text) = http_get(port, "/metrics").expect("metrics");
    assert_eq!(status, 200);
    text.lines()
        .find(|l| l.starts_with("equimap_requests_total{method=\"GET\",route=\"/api/point\"}"))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no /api/point counter in {text}"))
}
