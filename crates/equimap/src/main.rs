//! `equimap`: build, inspect and serve the health-inequality atlas.

mod inspect;
mod reload;
mod serve;
mod site;
mod tiles_build;
mod web_build;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// jemalloc returns freed memory to the system, which glibc's allocator did not do for the
/// transient memory of loading an atlas and making tile sets (see Cargo.toml and BENCHMARKS.md).
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

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
    /// Write the geography layers' tile index files into an atlas (`equimap ingest` writes
    /// them; this is for an atlas written before they existed).
    Index {
        /// The atlas directory.
        #[arg(long, env = "EQUIMAP_ATLAS", default_value = "boundaries")]
        atlas: PathBuf,
    },
}

#[derive(Subcommand)]
enum Command {
    /// Serve the atlas over HTTP.
    Serve(Box<serve::ServeArgs>),
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
        /// Also build every tile set and report its build time and memory (seconds per set
        /// for England).
        #[arg(long)]
        tiles: bool,
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
        Command::Inspect { atlas, tiles } => {
            let atlas = equimap_atlas::Atlas::load(&atlas)?;
            emit(&inspect::report(&atlas));
            if tiles {
                let max_zoom = equimap_server::tiles::TileConfig::default().max_zoom;
                emit(&inspect::tile_sizes(std::sync::Arc::new(atlas), max_zoom)?);
            }
            Ok(())
        }
        Command::Serve(args) => serve::serve(*args),
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
        Command::Tiles {
            command: TilesCommand::Index { atlas },
        } => {
            let atlas = equimap_atlas::Atlas::load(&atlas)?;
            for path in equimap_tiles::atlas::write_tile_indexes(&atlas)? {
                emit(&format!("{}\n", path.display()));
            }
            Ok(())
        }
        Command::Site(args) => site::run(&args),
    }
}

/// Print to standard output; a closed pipe (`equimap inspect | head`) is not an error.
fn emit(text: &str) {
    use std::io::Write;
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}
