//! `equimap site`: the site report from the command line, for batches of sites; and loading
//! custom-area definitions for `serve --areas`.

use std::path::{Path, PathBuf};

use anyhow::Context;
use equimap_query::{CustomArea, CustomAreaSpec, Query};

/// Arguments of `equimap site`.
#[derive(clap::Args)]
pub struct SiteArgs {
    /// GeoJSON files (Polygon, MultiPolygon, Feature or FeatureCollection; WGS84 or BNG).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Buffer distances in metres, comma-separated (e.g. 400,800,1600).
    #[arg(long)]
    pub buffer: Option<String>,
    /// The input CRS if the files do not declare it (e.g. EPSG:27700).
    #[arg(long)]
    pub crs: Option<String>,
    /// Output format.
    #[arg(long, default_value = "json", value_parser = ["json", "csv", "geojson"])]
    pub format: String,
    /// Write one report per input into this directory instead of standard output.
    #[arg(long)]
    pub out_dir: Option<PathBuf>,
    /// The atlas directory.
    #[arg(long, env = "EQUIMAP_ATLAS", default_value = "boundaries")]
    pub atlas: PathBuf,
}

/// Run reports for every file; a bad file is reported and the others still run.
pub fn run(args: &SiteArgs) -> anyhow::Result<()> {
    let buffers = equimap_query::site::parse_buffers(args.buffer.as_deref())?;
    let query = Query::new(equimap_atlas::Atlas::load(&args.atlas)?)?;
    if let Some(dir) = &args.out_dir {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let mut failed = 0;
    for file in &args.files {
        match report(&query, file, &buffers, args) {
            Ok(text) => {
                if let Some(dir) = &args.out_dir {
                    let stem = file
                        .file_stem()
                        .map_or_else(|| "site".into(), |s| s.to_string_lossy().into_owned());
                    let out = dir.join(format!("{stem}.report.{}", args.format));
                    std::fs::write(&out, text)
                        .with_context(|| format!("writing {}", out.display()))?;
                    eprintln!("{}: written to {}", file.display(), out.display());
                } else {
                    use std::io::Write;
                    let _ = writeln!(std::io::stdout().lock(), "{text}");
                }
            }
            Err(e) => {
                failed += 1;
                eprintln!("error: {}: {e:#}", file.display());
            }
        }
    }
    if failed > 0 {
        anyhow::bail!("{failed} of {} site(s) failed", args.files.len());
    }
    Ok(())
}

fn report(query: &Query, file: &Path, buffers: &[f64], args: &SiteArgs) -> anyhow::Result<String> {
    let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    let site = equimap_query::site::parse_site(&bytes, args.crs.as_deref())?;
    let r = query.site_report(&site, buffers)?;
    Ok(match args.format.as_str() {
        "csv" => equimap_server::export::site_csv(&r),
        "geojson" => equimap_server::export::site_geojson(query, &r).to_string(),
        _ => serde_json::to_string_pretty(&r)?,
    })
}

/// Read every `*.json` custom-area definition in `dir` (sorted by file name). A missing
/// directory means none; a bad file stops start-up with its name and the reason.
pub fn load_custom_areas(query: &Query, dir: &Path) -> anyhow::Result<Vec<CustomArea>> {
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|f| {
            let text = std::fs::read(f).with_context(|| format!("reading {}", f.display()))?;
            let mut spec: CustomAreaSpec = serde_json::from_slice(&text)
                .with_context(|| format!("{}: not a custom-area definition", f.display()))?;
            if spec.id.is_none() {
                spec.id = f.file_stem().map(|s| s.to_string_lossy().into_owned());
            }
            query
                .custom_area(&spec)
                .with_context(|| format!("{}", f.display()))
        })
        .collect()
}
