//! `equimap`: build, inspect and serve the health-inequality atlas.

mod inspect;
mod reload;
mod site;
mod tiles_build;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand};

/// equimap: an open map service for health inequality.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum TilesCommand {
    /// Write every layer, z0 to z14, into one PMTiles v3 archive for static hosting.
    Build {
        /// The archive to write.
        #[arg(long, default_value = "tiles/leeds.pmtiles")]
        out: PathBuf,
        /// The atlas directory.
        #[arg(long, env = "EQUIMAP_ATLAS", default_value = "boundaries")]
        atlas: PathBuf,
        /// Lowest zoom.
        #[arg(long, default_value_t = 0)]
        min_zoom: u8,
        /// Highest zoom.
        #[arg(long, default_value_t = 14, value_parser = clap::value_parser!(u8).range(0..=16))]
        max_zoom: u8,
    },
}

#[derive(Subcommand)]
enum Command {
    /// Serve the atlas over HTTP.
    Serve {
        /// The atlas directory.
        #[arg(long, env = "EQUIMAP_ATLAS", default_value = "boundaries")]
        atlas: PathBuf,
        /// Address to listen on.
        #[arg(long, env = "EQUIMAP_ADDR", default_value = "127.0.0.1:8080")]
        addr: SocketAddr,
        /// A directory of custom-area definitions (JSON); defaults to `<atlas>/areas`.
        #[arg(long, env = "EQUIMAP_AREAS")]
        areas: Option<PathBuf>,
        /// Serve tiles from this PMTiles archive instead of generating them from the atlas.
        #[arg(long, env = "EQUIMAP_TILES")]
        tiles: Option<PathBuf>,
        /// Memory for the tile cache in MiB (compressed tiles); 0 turns it off.
        #[arg(long, env = "EQUIMAP_TILE_CACHE_MB", default_value_t = 64)]
        tile_cache_mb: usize,
        /// Highest zoom served.
        #[arg(long, env = "EQUIMAP_MAX_ZOOM", default_value_t = 16, value_parser = clap::value_parser!(u8).range(0..=22))]
        max_zoom: u8,
        /// The web map's built files.
        #[arg(long, env = "EQUIMAP_WEB", default_value = "web/dist")]
        web: PathBuf,
        /// Site reports and custom areas computed at once.
        #[arg(long, env = "EQUIMAP_SITE_CONCURRENCY", default_value_t = 2)]
        site_concurrency: usize,
        /// Site reports allowed to wait; beyond this a 503 with Retry-After.
        #[arg(long, env = "EQUIMAP_SITE_QUEUE", default_value_t = 64)]
        site_queue: u64,
        /// Longest a site report may take, queue included, in seconds.
        #[arg(long, env = "EQUIMAP_SITE_TIMEOUT_S", default_value_t = 20)]
        site_timeout_s: u64,
        /// The token that `POST /admin/reload` must carry (`Authorization: Bearer …`); unset
        /// disables the endpoint. SIGHUP reloads regardless.
        #[arg(long, env = "EQUIMAP_ADMIN_TOKEN", hide_env_values = true)]
        admin_token: Option<String>,
        /// Origins allowed to read the API and tiles from a browser, comma-separated; `*` for any.
        #[arg(
            long,
            env = "EQUIMAP_CORS_ORIGINS",
            default_value = "*",
            value_delimiter = ','
        )]
        cors_origins: Vec<String>,
    },
    /// Build vector tiles.
    Tiles {
        #[command(subcommand)]
        command: TilesCommand,
    },
    /// The planner's site report for one or more GeoJSON files, as the API gives it.
    Site(site::SiteArgs),
    /// Build an atlas from the published sources.
    Ingest {
        /// The sources directory (laid out as ../shared/data).
        #[arg(long, env = "EQUIMAP_SOURCES", default_value = "../shared/data")]
        sources: PathBuf,
        /// An English district code (E08000035 is Leeds), or `all` for England.
        #[arg(long, default_value = "E08000035")]
        lad: String,
        /// The atlas directory to write.
        #[arg(long, default_value = "boundaries")]
        out: PathBuf,
        /// Hide progress bars.
        #[arg(long)]
        quiet: bool,
    },
    /// Show what an atlas holds: feature counts, indicator coverage, periods and sources.
    Inspect {
        /// The atlas directory.
        #[arg(default_value = "boundaries")]
        atlas: PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cmd: Command) -> anyhow::Result<()> {
    match cmd {
        Command::Ingest {
            sources,
            lad,
            out,
            quiet,
        } => {
            let summary = equimap_ingest::run(&equimap_ingest::IngestOptions {
                sources,
                lad,
                out,
                progress: !quiet,
                check_known_counts: true,
            })?;
            emit(&summary.to_string());
            Ok(())
        }
        Command::Inspect { atlas } => {
            let atlas = equimap_atlas::Atlas::load(&atlas)?;
            emit(&inspect::report(&atlas));
            Ok(())
        }
        Command::Serve {
            atlas,
            addr,
            areas,
            tiles,
            tile_cache_mb,
            max_zoom,
            web,
            site_concurrency,
            site_queue,
            site_timeout_s,
            cors_origins,
            admin_token,
        } => serve(
            &atlas,
            addr,
            areas,
            tiles.as_deref(),
            tile_cache_mb,
            max_zoom,
            &web,
            (
                site_concurrency,
                site_queue,
                std::time::Duration::from_secs(site_timeout_s),
            ),
            cors_origins,
            admin_token,
        ),
        Command::Tiles {
            command:
                TilesCommand::Build {
                    out,
                    atlas,
                    min_zoom,
                    max_zoom,
                },
        } => {
            let summary = tiles_build::run(&atlas, &out, min_zoom, max_zoom)?;
            emit(&summary);
            Ok(())
        }
        Command::Site(args) => site::run(&args),
    }
}

/// Build the web map with npm when its output is missing or older than its sources, so that
/// `cargo run --release -- serve` on a fresh clone serves the map. Without npm, or if the build
/// fails, the server still starts and serves the API and tiles, and says why the map is missing.
fn ensure_web_built(dist: &std::path::Path) {
    let Some(web) = dist.parent().filter(|w| w.join("package.json").is_file()) else {
        return;
    };
    let newest = |dir: &std::path::Path| -> Option<std::time::SystemTime> {
        let mut stack = vec![dir.to_path_buf()];
        let mut newest = None;
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).ok()?.flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else if let Ok(m) = e.metadata().and_then(|m| m.modified()) {
                    newest = newest.max(Some(m));
                }
            }
        }
        newest
    };
    let built = std::fs::metadata(dist.join("index.html"))
        .and_then(|m| m.modified())
        .ok();
    let sources = [
        newest(&web.join("src")),
        std::fs::metadata(web.join("index.html"))
            .and_then(|m| m.modified())
            .ok(),
        std::fs::metadata(web.join("config.js"))
            .and_then(|m| m.modified())
            .ok(),
    ]
    .into_iter()
    .flatten()
    .max();
    if built.is_some() && built >= sources {
        return;
    }
    tracing::info!(
        "building the web map in {} (npm ci, npm run build)…",
        web.display()
    );
    let run = |args: &[&str]| {
        std::process::Command::new("npm")
            .args(args)
            .current_dir(web)
            .status()
    };
    let needs_install = !web.join("node_modules").is_dir();
    let ok = (!needs_install || run(&["ci", "--no-audit", "--no-fund"]).is_ok_and(|s| s.success()))
        && run(&["run", "build"]).is_ok_and(|s| s.success());
    if !ok {
        tracing::warn!(
            "could not build the web map (is Node/npm installed?); serving the API and tiles only"
        );
    }
}

/// Print to standard output; a closed pipe (`equimap inspect | head`) is not an error.
fn emit(text: &str) {
    use std::io::Write;
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}

#[allow(clippy::too_many_arguments)] // one per `serve` flag group, all from clap
fn serve(
    dir: &std::path::Path,
    addr: SocketAddr,
    areas: Option<PathBuf>,
    tiles_archive: Option<&std::path::Path>,
    tile_cache_mb: usize,
    max_zoom: u8,
    web_dir: &std::path::Path,
    limits: (usize, u64, std::time::Duration),
    cors_origins: Vec<String>,
    admin_token: Option<String>,
) -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let dir = dir.to_path_buf();
    let web_dir = web_dir.to_path_buf();
    let tiles_archive = tiles_archive.map(std::path::Path::to_path_buf);
    // Everything the server holds is built here, at start and again on every reload.
    let build = move || -> anyhow::Result<equimap_server::AppState> {
        // Load fully before binding: a bad atlas must stop us before we accept a connection.
        let atlas = equimap_atlas::Atlas::load(&dir)?;
        tracing::info!(district = %atlas.manifest.district_name, version = %atlas.manifest.version, "atlas loaded from {}", dir.display());
        let query = equimap_query::Query::new(atlas)?;
        if !query.unprojected_lsoas().is_empty() {
            tracing::warn!(
                "{} LSOA(s) lie outside the OSTN15 grid and are left out of site reports: {}",
                query.unprojected_lsoas().len(),
                query.unprojected_lsoas().join(", ")
            );
        }
        let areas_dir = areas.clone().unwrap_or_else(|| dir.join("areas"));
        let custom_areas = site::load_custom_areas(&query, &areas_dir)?;
        tracing::info!(
            "{} custom area(s) from {}",
            custom_areas.len(),
            areas_dir.display()
        );
        let config = equimap_server::tiles::TileConfig {
            cache_bytes: tile_cache_mb << 20,
            max_zoom,
            ..Default::default()
        };
        let source = if let Some(path) = tiles_archive.as_deref() {
            let reader = equimap_pmtiles::PmTilesReader::open(path)
                .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
            let name = path
                .file_stem()
                .map_or_else(|| "tiles".to_owned(), |s| s.to_string_lossy().into_owned());
            tracing::info!("serving tiles from {} as /tiles/{name}/…", path.display());
            equimap_server::tiles::TileSource::Archive {
                name,
                reader: Box::new(reader),
            }
        } else {
            let started = std::time::Instant::now();
            let t = equimap_tiles::atlas::AtlasTiles::from_atlas(&query.atlas, max_zoom)?;
            tracing::info!(
                "tile layers built in {:.2} s",
                started.elapsed().as_secs_f64()
            );
            equimap_server::tiles::TileSource::Atlas(Box::new(t))
        };
        let tiles = Some(equimap_server::tiles::TileService::new(source, config));
        ensure_web_built(&web_dir);
        let web = equimap_server::web::WebAssets::load(&web_dir)
            .map_err(|e| anyhow::anyhow!("{}: {e}", web_dir.display()))?;
        if web.is_empty() {
            tracing::warn!(
                "no web map files in {}: run `npm ci && npm run build` in web/ (only the API and tiles are served)",
                web_dir.display()
            );
        } else {
            tracing::info!("web map: {} files from {}", web.len(), web_dir.display());
        }
        let mut archives = std::collections::BTreeMap::new();
        for path in [
            tiles_archive.clone(),
            Some(std::path::PathBuf::from("tiles/leeds.pmtiles")),
        ]
        .into_iter()
        .flatten()
        {
            if path.is_file()
                && let Some(stem) = path.file_stem()
            {
                let bytes =
                    std::fs::read(&path).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
                archives.insert(
                    stem.to_string_lossy().into_owned(),
                    axum::body::Bytes::from(bytes),
                );
            }
        }
        Ok(equimap_server::AppState {
            custom_areas,
            tiles,
            web,
            archives,
            limits: equimap_server::ops::Limits::new(limits.0, limits.1, limits.2),
            cors_origins: cors_origins.clone(),
            ..equimap_server::AppState::new(query)
        })
    };
    // Load fully before binding: a bad atlas must stop us before we accept a connection.
    let state = Arc::new(build()?);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        tracing::info!("listening on http://{}", listener.local_addr()?);
        let reloader =
            reload::Reloader::new(equimap_server::router(state), Box::new(build), admin_token);
        reload::on_sighup(reloader.clone());
        axum::serve(listener, reload::router(reloader))
            .with_graceful_shutdown(shutdown_signal())
            .await?;
        Ok(())
    })
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { () = ctrl_c => {}, () = term => {} }
    tracing::info!("shutting down");
}
