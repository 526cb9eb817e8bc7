//! `equimap serve`: load everything, bind, serve, and reload on request.
//!
//! The first start builds the web map if it is stale ([`crate::web_build`]); a reload only loads
//! (atlas, indexes, custom areas, tiles, web files, archives) and never runs npm. What must
//! outlive a reload, the request-id counter and the site-report limiter, is made once here and
//! handed to every build.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use axum::body::Bytes;
use equimap_server::AppState;
use equimap_server::ops::{Limits, Ops};
use equimap_server::tiles::{TileConfig, TileService, TileSource};

use crate::reload;

/// The options of `equimap serve`.
#[derive(clap::Args)]
pub struct ServeArgs {
    /// The atlas directory.
    #[arg(long, env = "EQUIMAP_ATLAS", default_value = "boundaries")]
    pub atlas: PathBuf,
    /// Address to listen on.
    #[arg(long, env = "EQUIMAP_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// A directory of custom-area definitions (JSON); defaults to `<atlas>/areas`.
    #[arg(long, env = "EQUIMAP_AREAS")]
    pub areas: Option<PathBuf>,
    /// Serve tiles from this PMTiles archive instead of generating them from the atlas.
    #[arg(long, env = "EQUIMAP_TILES")]
    pub tiles: Option<PathBuf>,
    /// A directory whose `*.pmtiles` archives are served whole (with range requests) at
    /// `/tiles/{name}.pmtiles`; defaults to the directory of `--tiles`, else `tiles` beside the
    /// atlas directory (where `equimap tiles build` writes).
    #[arg(long, env = "EQUIMAP_ARCHIVES")]
    pub archives: Option<PathBuf>,
    /// Memory for the tile cache in MiB (compressed tiles); 0 turns it off.
    #[arg(long, env = "EQUIMAP_TILE_CACHE_MB", default_value_t = 64)]
    pub tile_cache_mb: usize,
    /// Highest zoom served.
    #[arg(long, env = "EQUIMAP_MAX_ZOOM", default_value_t = 16, value_parser = clap::value_parser!(u8).range(0..=22))]
    pub max_zoom: u8,
    /// The web map's built files.
    #[arg(long, env = "EQUIMAP_WEB", default_value = "web/dist")]
    pub web: PathBuf,
    /// Site reports and custom areas computed at once.
    #[arg(long, env = "EQUIMAP_SITE_CONCURRENCY", default_value_t = 2)]
    pub site_concurrency: usize,
    /// Site reports allowed to wait; beyond this a 503 with Retry-After.
    #[arg(long, env = "EQUIMAP_SITE_QUEUE", default_value_t = 64)]
    pub site_queue: u64,
    /// Longest a site report may take, queue included, in seconds.
    #[arg(long, env = "EQUIMAP_SITE_TIMEOUT_S", default_value_t = 20)]
    pub site_timeout_s: u64,
    /// The token that `POST /admin/reload` must carry (`Authorization: Bearer …`); unset
    /// disables the endpoint. SIGHUP reloads regardless.
    #[arg(long, env = "EQUIMAP_ADMIN_TOKEN", hide_env_values = true)]
    pub admin_token: Option<String>,
    /// Origins allowed to read the API and tiles from a browser, comma-separated; `*` for any.
    #[arg(
        long,
        env = "EQUIMAP_CORS_ORIGINS",
        default_value = "*",
        value_delimiter = ','
    )]
    pub cors_origins: Vec<String>,
}

impl ServeArgs {
    /// Where archives served whole are looked for.
    fn archive_dir(&self) -> PathBuf {
        if let Some(dir) = &self.archives {
            return dir.clone();
        }
        if let Some(parent) = self.tiles.as_deref().and_then(Path::parent) {
            return parent.to_path_buf();
        }
        self.atlas
            .parent()
            .map_or_else(|| PathBuf::from("tiles"), |p| p.join("tiles"))
    }
}

/// Everything needed to build the server's state, at start and on every reload. Tile sets are
/// named here and built on first use, so readiness waits for the atlas and the query indexes
/// only.
struct Loader {
    args: ServeArgs,
    ops: Arc<Ops>,
    limits: Arc<Limits>,
}

impl Loader {
    /// Load everything into a new state. Fails, naming the file, on anything unreadable.
    fn build(&self) -> anyhow::Result<AppState> {
        let query = self.load_query()?;
        let custom_areas = self.load_custom_areas(&query)?;
        let archives = self.load_archives()?;
        let tiles = self.tile_service(&query, &archives)?;
        prepare_served_sets(&tiles)?;
        let tiles = Some(tiles);
        let web = self.load_web()?;
        Ok(AppState {
            custom_areas,
            tiles,
            web,
            archives,
            ops: self.ops.clone(),
            limits: self.limits.clone(),
            cors_origins: self.args.cors_origins.clone(),
            ..AppState::new(query)
        })
    }

    fn load_query(&self) -> anyhow::Result<equimap_query::Query> {
        let dir = &self.args.atlas;
        let atlas = equimap_atlas::Atlas::load(dir)?;
        tracing::info!(district = %atlas.manifest.district_name, version = %atlas.manifest.version, "atlas loaded from {}", dir.display());
        Ok(equimap_query::Query::new(atlas)?)
    }

    fn load_custom_areas(
        &self,
        query: &equimap_query::Query,
    ) -> anyhow::Result<Vec<equimap_query::CustomArea>> {
        let dir = self
            .args
            .areas
            .clone()
            .unwrap_or_else(|| self.args.atlas.join("areas"));
        let areas = crate::site::load_custom_areas(query, &dir)?;
        tracing::info!("{} custom area(s) from {}", areas.len(), dir.display());
        Ok(areas)
    }

    /// Every `*.pmtiles` of the archive directory, each read once; the `--tiles` archive is
    /// read even when it lies elsewhere, since the tile service reads from the same bytes.
    fn load_archives(&self) -> anyhow::Result<std::collections::BTreeMap<String, Bytes>> {
        let dir = self.args.archive_dir();
        let mut paths: Vec<PathBuf> = match std::fs::read_dir(&dir) {
            Ok(entries) => entries
                .map(|e| e.map(|e| e.path()))
                .collect::<Result<Vec<_>, _>>()
                .with_context(|| format!("listing {}", dir.display()))?
                .into_iter()
                .filter(|p| p.extension().is_some_and(|x| x == "pmtiles") && p.is_file())
                .collect(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(e) => return Err(e).with_context(|| format!("listing {}", dir.display())),
        };
        paths.extend(self.args.tiles.clone());
        let mut archives = std::collections::BTreeMap::new();
        for path in paths {
            let name = archive_name(&path);
            if archives.contains_key(&name) {
                continue;
            }
            let bytes = std::fs::read(&path).with_context(|| format!("{}", path.display()))?;
            tracing::info!("serving {} at /tiles/{name}.pmtiles", path.display());
            archives.insert(name, Bytes::from(bytes));
        }
        Ok(archives)
    }

    fn tile_service(
        &self,
        query: &equimap_query::Query,
        archives: &std::collections::BTreeMap<String, Bytes>,
    ) -> anyhow::Result<TileService> {
        let config = TileConfig {
            cache_bytes: self.args.tile_cache_mb << 20,
            max_zoom: self.args.max_zoom,
            ..TileConfig::default()
        };
        let source = if let Some(path) = self.args.tiles.as_deref() {
            let name = archive_name(path);
            let bytes = archives
                .get(&name)
                .with_context(|| format!("{} was not loaded", path.display()))?;
            // A `Bytes` clone shares the archive already in memory (for /tiles/<name>.pmtiles).
            let reader = equimap_pmtiles::PmTilesReader::from_bytes(bytes.clone())
                .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
            tracing::info!("serving tiles from {} as /tiles/{name}/…", path.display());
            TileSource::Archive {
                name,
                reader: Box::new(reader),
            }
        } else {
            // Each set is made on its first request (off the async threads), not here: read from
            // its tile index file, checked now, or built where the atlas has none.
            let t = equimap_tiles::atlas::AtlasTiles::open(query.atlas.clone(), self.args.max_zoom)
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            TileSource::Atlas(Box::new(t))
        };
        Ok(TileService::new(source, config))
    }

    fn load_web(&self) -> anyhow::Result<equimap_server::web::WebAssets> {
        let dir = &self.args.web;
        let web = equimap_server::web::WebAssets::load(dir)
            .with_context(|| format!("{}", dir.display()))?;
        if web.is_empty() {
            tracing::warn!(
                "no web map files in {}: run `npm ci && npm run build` in web/ (only the API and tiles are served)",
                dir.display()
            );
        } else {
            tracing::info!("web map: {} files from {}", web.len(), dir.display());
        }
        Ok(web)
    }
}

/// The state in service, so that a reload can see which tile sets it has built.
static SERVING: std::sync::Mutex<std::sync::Weak<AppState>> =
    std::sync::Mutex::new(std::sync::Weak::new());

/// On a reload, builds in the new state the tile sets the state in service has built, before
/// the new one is swapped in: the sets clients are using keep answering at once, and only the
/// sets nobody has asked for wait for their first request. Nothing to do at the first start.
fn prepare_served_sets(tiles: &TileService) -> anyhow::Result<()> {
    let serving = SERVING
        .lock()
        .map_or_else(|p| p.into_inner().upgrade(), |w| w.upgrade());
    let Some(old) = serving.as_ref().and_then(|s| s.tiles.as_ref()) else {
        return Ok(());
    };
    for (name, _) in old.built() {
        let started = Instant::now();
        tiles.prepare(&name).map_err(|e| anyhow::anyhow!("{e}"))?;
        tracing::info!(
            "tile set {name} built for the new atlas in {:.2} s",
            started.elapsed().as_secs_f64()
        );
    }
    Ok(())
}

/// An archive's name in URLs: its file stem.
fn archive_name(path: &Path) -> String {
    path.file_stem()
        .map_or_else(|| "tiles".to_owned(), |s| s.to_string_lossy().into_owned())
}

fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt().with_env_filter(filter).init();
}

/// The router over a freshly built state, with the gradients computed and the LSOAs projected
/// to BNG for site reports in the background: the server is ready at once, and a gradient or
/// site report asked for before its turn computes what it needs itself. The warm-up runs at the
/// lowest priority: it takes 2-3 s of a core, which on two cores the first seconds of serving
/// (and bench/before_after.sh's wrk runs) had to share (issue 13).
pub fn serving(state: Arc<AppState>) -> axum::Router {
    if let Ok(mut serving) = SERVING.lock() {
        *serving = Arc::downgrade(&state);
    }
    let warm = state.clone();
    std::thread::spawn(move || {
        lowest_priority();
        let started = Instant::now();
        let n = warm.query.warm_gradients();
        tracing::info!(
            "{n} gradients computed in {:.2} s",
            started.elapsed().as_secs_f64()
        );
        let outside = warm.query.unprojected_lsoas();
        if !outside.is_empty() {
            tracing::warn!(
                "{} LSOA(s) lie outside the OSTN15 grid and are left out of site reports: {}",
                outside.len(),
                outside.join(", ")
            );
        }
    });
    equimap_server::router(state)
}

/// Run the calling thread at the lowest priority (nice 19). On Linux a thread id names one
/// thread; elsewhere `setpriority` would lower the whole process, so it is left alone there.
fn lowest_priority() {
    #[cfg(target_os = "linux")]
    if let Err(e) = rustix::process::setpriority_process(Some(rustix::thread::gettid()), 19) {
        tracing::debug!("the gradient warm-up keeps its priority: {e}");
    }
}

/// Serve until SIGTERM or Ctrl-C.
pub fn serve(args: ServeArgs) -> anyhow::Result<()> {
    init_tracing();
    // Only the first start builds the web map; a reload serves what is built.
    crate::web_build::ensure_web_built(&args.web);
    let addr = args.addr;
    let token = args.admin_token.clone();
    let loader = Loader {
        limits: Arc::new(Limits::new(
            args.site_concurrency,
            args.site_queue,
            Duration::from_secs(args.site_timeout_s),
        )),
        ops: Arc::default(),
        args,
    };
    // Load fully before binding: a bad atlas must stop us before we accept a connection.
    let state = Arc::new(loader.build()?);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        tracing::info!("listening on http://{}", listener.local_addr()?);
        let build = Box::new(move || loader.build());
        let reloader = reload::Reloader::new(serving(state), build, token);
        reload::on_sighup(reloader.clone());
        axum::serve(listener, reload::router(reloader))
            .with_graceful_shutdown(shutdown_signal())
            .await?;
        Ok(())
    })
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::warn!("cannot listen for Ctrl-C: {e}");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::warn!("cannot listen for SIGTERM: {e}");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { () = ctrl_c => {}, () = term => {} }
    tracing::info!("shutting down");
}
