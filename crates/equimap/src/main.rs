//! `equimap`: build, inspect and serve the health-inequality atlas.

mod inspect;
mod site;

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
    },
    /// The planner's site report for one or more GeoJSON files, as the API gives it.
    Site {
        /// GeoJSON files (Polygon, MultiPolygon, Feature or FeatureCollection; WGS84 or BNG).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Buffer distances in metres, comma-separated (e.g. 400,800,1600).
        #[arg(long)]
        buffer: Option<String>,
        /// The input CRS if the files do not declare it (e.g. EPSG:27700).
        #[arg(long)]
        crs: Option<String>,
        /// Output format.
        #[arg(long, default_value = "json", value_parser = ["json", "csv", "geojson"])]
        format: String,
        /// Write one report per input into this directory instead of standard output.
        #[arg(long)]
        out_dir: Option<PathBuf>,
        /// The atlas directory.
        #[arg(long, env = "EQUIMAP_ATLAS", default_value = "boundaries")]
        atlas: PathBuf,
    },
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
        Command::Serve { atlas, addr, areas } => serve(&atlas, addr, areas),
        Command::Site {
            files,
            buffer,
            crs,
            format,
            out_dir,
            atlas,
        } => site::run(&site::SiteArgs {
            files,
            buffer,
            crs,
            format,
            out_dir,
            atlas,
        }),
    }
}

/// Print to standard output; a closed pipe (`equimap inspect | head`) is not an error.
fn emit(text: &str) {
    use std::io::Write;
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}

fn serve(dir: &std::path::Path, addr: SocketAddr, areas: Option<PathBuf>) -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    // Load fully before binding: a bad atlas must stop us before we accept a connection.
    let atlas = equimap_atlas::Atlas::load(dir)?;
    tracing::info!(district = %atlas.manifest.district_name, version = %atlas.manifest.version, "atlas loaded from {}", dir.display());
    let query = equimap_query::Query::new(atlas)?;
    let areas_dir = areas.unwrap_or_else(|| dir.join("areas"));
    let custom_areas = site::load_custom_areas(&query, &areas_dir)?;
    tracing::info!(
        "{} custom area(s) from {}",
        custom_areas.len(),
        areas_dir.display()
    );
    let state = Arc::new(equimap_server::AppState {
        query,
        custom_areas,
    });
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        tracing::info!("listening on http://{}", listener.local_addr()?);
        axum::serve(listener, equimap_server::router(state))
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
