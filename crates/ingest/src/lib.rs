//! The ingest: published sources in, a checked atlas out.
//!
//! ```text
//! sources dir ──▶ membership (ONS lookups: which areas, which parents)
//!             ──▶ boundaries (choose file, repair, orient, round)      ──▶ geographies/*.fgb
//!             ──▶ community committees (whole wards, dissolved)       ──▶ geographies/committee.fgb
//!             ──▶ indicators (population, IoD2025, IoD2019, life exp.) ──▶ indicators/*
//!             ──▶ district trends (OHID Fingertips)                   ──▶ indicators/trends.*
//!             ──▶ reference layers (postcodes, places, GPs, basemap)   ──▶ reference/*
//!             ──▶ primary care (QOF registers, PCNs, practice IMD)     ──▶ reference/gp_*
//!             ──▶ manifest.json, then a full reload check
//!             ──▶ tile index files (equimap-tiles, from what loaded)   ──▶ geographies/*.tileindex
//!             ──▶ an atomic swap into place
//! ```
//!
//! Every mismatch between sources stops the ingest with a message naming the file, row and code;
//! nothing is dropped silently, and a failed ingest leaves the previous atlas untouched.

mod boundaries;
mod committees;
mod dissolve;
mod early;
mod error;
mod geom;
mod greenspace;
mod indicators;
mod membership;
mod primary_care;
mod read;
mod reference_layers;
mod residents;
pub mod sources;
mod trends;
mod valid;
mod wards;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use equimap_atlas::{AreaSet, Atlas, Geography, LayerRecord, Manifest, SourceRecord};
use indicatif::{ProgressBar, ProgressStyle};
use sha2::{Digest, Sha256};

pub use error::{IngestError, Result};
pub use geom::{clean_polygonal, read_features};
pub use membership::Selection;
pub use read::{SourceBytes, read_source};

/// What to ingest and where to write it.
#[derive(Debug, Clone)]
pub struct IngestOptions {
    /// The sources directory, laid out as `../shared/data`.
    pub sources: PathBuf,
    /// An English district code, or `all`.
    pub lad: String,
    /// The atlas directory to write (replaced atomically, entry by entry).
    pub out: PathBuf,
    /// Show progress bars (they are hidden anyway when stderr is not a terminal).
    pub progress: bool,
    /// Check the published area counts of known districts (Leeds: 482 LSOA11, 488 LSOA21,
    /// 107 MSOA11, 107 MSOA21, 33 wards). Only an excerpt of the sources, as the tests use,
    /// needs this off.
    pub check_known_counts: bool,
}

/// One geography in the summary: count, file used, repaired geometries with area change.
pub type GeographySummary = (Geography, usize, String, Vec<(String, String)>);

/// What an ingest did, for the closing summary.
#[derive(Debug, Clone)]
pub struct Summary {
    /// The district and its name.
    pub district: (String, String),
    /// Per geography: feature count, file used, and the repaired geometries with their
    /// relative area change.
    pub geographies: Vec<GeographySummary>,
    /// Number of indicators in the catalogue.
    pub indicators: usize,
    /// Reference layers and their row counts.
    pub reference_layers: Vec<(String, usize)>,
    /// Seconds taken.
    pub seconds: f64,
    /// Substitutions and omissions the user must know about.
    pub notes: Vec<String>,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "Atlas for {} ({}) built in {:.1} s",
            self.district.1, self.district.0, self.seconds
        )?;
        for (g, n, file, repaired) in &self.geographies {
            write!(f, "  {:<9} {n:>6} areas  from {file}", g.id())?;
            writeln!(f)?;
            for (code, what) in repaired {
                writeln!(f, "            {code}: {what}")?;
            }
        }
        writeln!(f, "  {} indicators", self.indicators)?;
        for (id, n) in &self.reference_layers {
            writeln!(f, "  reference {id}: {n}")?;
        }
        for n in &self.notes {
            writeln!(f, "  NOTE: {n}")?;
        }
        Ok(())
    }
}

const STEPS: u64 = 10;

fn progress(enabled: bool) -> ProgressBar {
    let pb = if enabled {
        ProgressBar::new(STEPS)
    } else {
        ProgressBar::hidden()
    };
    pb.set_style(
        ProgressStyle::with_template("{spinner} [{pos}/{len}] {wide_msg} {elapsed}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    pb.enable_steady_tick(std::time::Duration::from_millis(120));
    pb
}

/// Run the ingest: lookups and membership, boundaries, indicators, trends, then the atlas
/// written beside the target, checked by loading it, and swapped into place.
pub fn run(opts: &IngestOptions) -> Result<Summary> {
    let started = Instant::now();
    let sel = Selection::parse(&opts.lad)?;
    if !opts.sources.is_dir() {
        return Err(IngestError::Usage(format!(
            "sources directory {} does not exist; point --sources at the published data (e.g. ../shared/data)",
            opts.sources.display()
        )));
    }
    let pb = progress(opts.progress);
    let mut log = read::SourceLog::new(&opts.sources);
    let early = early::EarlyReads::start(&log, &sel);

    let (geometry_jobs, tile_geometry) = tile_geometry_in_background();
    let Made {
        m,
        committees,
        built,
        assignment,
        mut notes,
    } = lookups_and_boundaries(&mut log, &sel, opts, &pb, &geometry_jobs)?;
    let _ = geometry_jobs.send(GeometryJob::Rest(std::sync::Arc::clone(&built)));
    drop(geometry_jobs);

    // Build beside the target, then check that it loads, then swap.
    let tmp = staging_dir(&opts.out)?;
    let dir = tmp.path();
    let england = sel == Selection::England;
    let mut b = indicators::Builder::new(sel.code(), &m.name);
    // The context layers (postcodes, places, GP practices and registers, basemap) need only
    // the boundaries: they are made on a thread of their own while the indicators are built.
    let (made, context) = std::thread::scope(|s| {
        let mut context_log = log.fork();
        let (m, built) = (&m, &built);
        let context = s.spawn(move || {
            let mut notes = Vec::new();
            let layers = context_layers(&mut context_log, m, dir, built, england, &mut notes);
            (layers, notes, context_log)
        });
        let made = build_indicators(&mut log, m, &mut b, built, early, &pb, &mut notes);
        let context = joined(context);
        (made, context)
    });
    let made = made?;
    let (context_layers, context_notes, context_log) = context;
    let mut reference_layers = context_layers?;
    log.merge(context_log);
    pb.set_message("District trends");
    let trends = district_trends(&mut log, &m, &mut notes)?;
    log.clear_cache();

    if let Some(c) = &committees
        && built.contains_key(&Geography::Committee)
    {
        b.aggregate_level(
            Geography::Ward,
            Geography::Committee,
            &c.of_ward(),
            "committee's wards",
        );
    }
    let (mut catalogue, tables, references) = b.finish(&area_codes(&built));

    pb.set_message("Writing boundaries and indicators");
    let geo_records = write_tables_and_boundaries(
        dir,
        &built,
        &mut catalogue,
        &tables,
        &references,
        assignment.as_ref(),
    )?;
    pb.inc(1);
    trends.write(dir)?;
    pb.inc(1);

    pb.set_message("Reference layers");
    notes.extend(context_notes);
    reference_layers.extend(write_made_layers(dir, made, &mut notes)?);
    if let Some(c) = &committees
        && built.contains_key(&Geography::Committee)
    {
        reference_layers.insert("community_committees".to_owned(), c.write(dir)?);
        notes.push(c.note());
    }
    pb.inc(1);

    let manifest = manifest(&log, &sel, &m, geo_records, reference_layers.clone());
    manifest.write(&dir.join("manifest.json"))?;
    // The atlas must load exactly as the server will load it before it replaces anything. The
    // tile index files are built from what loaded, so they match what a server will read.
    pb.set_message("Tile index files");
    load_and_write_tile_indexes(dir, &built, tile_geometry)?;
    swap_into_place(dir, &opts.out)?;
    pb.finish_and_clear();

    Ok(summary(
        &sel,
        &m,
        &built,
        catalogue.indicators.len(),
        &reference_layers,
        started,
        notes,
    ))
}

/// The membership, the community committees and every geography's boundaries, with the notes
/// they make. The LSOA 2021 boundaries go to the tile geometry thread as soon as they are made.
fn lookups_and_boundaries(
    log: &mut read::SourceLog,
    sel: &Selection,
    opts: &IngestOptions,
    pb: &ProgressBar,
    geometry_jobs: &std::sync::mpsc::Sender<GeometryJob>,
) -> Result<Made> {
    pb.set_message("Reading the ONS lookups");
    let (m, committees, prepared) =
        membership_step(log, sel, opts.check_known_counts, &|areas: &AreaSet| {
            // The LSOAs' geometry need not wait for the other geographies: it is the largest.
            let _ = geometry_jobs.send(GeometryJob::Areas(Geography::Lsoa21, areas.areas.clone()));
        })?;
    pb.inc(1);
    let mut notes: Vec<String> = ward_fallback_note(&m).into_iter().collect();
    let (built, assignment) =
        boundaries::build_all(log, &m, sel, pb, &mut notes, committees.as_ref(), prepared)?;
    pb.inc(1);
    Ok(Made {
        m,
        committees,
        built: std::sync::Arc::new(built),
        assignment,
        notes,
    })
}

/// What [`lookups_and_boundaries`] makes.
struct Made {
    m: membership::Membership,
    committees: Option<committees::Committees>,
    built: std::sync::Arc<BTreeMap<Geography, boundaries::BuiltGeography>>,
    assignment: Option<wards::Assignment>,
    notes: Vec<String>,
}

/// The membership (with the May 2025 wards where the selection takes them, `wards`) and the
/// community committees, attached after the wards are settled.
fn membership_step(
    log: &mut read::SourceLog,
    sel: &Selection,
    check_known_counts: bool,
    lsoa21_built: &(dyn Fn(&AreaSet) + Sync),
) -> Result<(
    membership::Membership,
    Option<committees::Committees>,
    Option<wards::Prepared>,
)> {
    let mut m = membership::Membership::build(log, sel)?;
    if check_known_counts {
        m.check_known_counts(sel)?;
    }
    let prepared = wards::prepare(log, &mut m, sel, lsoa21_built)?;
    let committees = committees::Committees::read(log, &m)?;
    if let Some(c) = &committees {
        c.attach(&mut m);
    }
    Ok((m, committees, prepared))
}

/// What the indicator steps make beside the indicator tables: the green-space layers (when
/// their sources are present) and the resident points.
struct MadeLayers {
    green: Option<Box<equimap_greenspace::GreenspaceOutput>>,
    placed: residents::Outcome,
}

/// Every indicator, in catalogue order: population and age, the IoD 2025 and 2019 and the
/// change between them, life expectancy, Census 2021 health, fuel poverty, green-space access;
/// then the resident points, which need the LSOA populations. Green space and the resident
/// points need only the populations and the boundaries, so each is made on a thread of its own
/// while this one reads the deprivation and health sources; what each adds to the atlas is
/// added in the same order as before, so the output does not depend on the threads.
fn build_indicators(
    log: &mut read::SourceLog,
    m: &membership::Membership,
    b: &mut indicators::Builder,
    built: &BTreeMap<Geography, boundaries::BuiltGeography>,
    early: early::EarlyReads,
    pb: &ProgressBar,
    notes: &mut Vec<String>,
) -> Result<MadeLayers> {
    pb.set_message("Population");
    let pops = indicators::population(log, m, b)?;
    indicators::age_bands(log, m, b)?;
    pb.inc(1);
    let (mut green_log, mut residents_log) = (log.fork(), log.fork());
    let area_sets: BTreeMap<Geography, equimap_atlas::AreaSet> =
        built.iter().map(|(g, bg)| (*g, bg.areas.clone())).collect();
    let (green, placed, main) = std::thread::scope(|s| {
        let (early_green, early_land) = (early.green, early.land);
        let green = s.spawn(|| {
            greenspace::compute(&mut green_log, m, &area_sets, &pops.lsoa21, early_green)
        });
        let placed = s.spawn(|| {
            residents::build(
                &mut residents_log,
                &built[&Geography::Lsoa21].areas,
                &pops.lsoa21,
                early_land,
            )
        });
        let main = deprivation_and_health(log, m, b, &pops, pb);
        (joined(green), joined(placed), main)
    });
    main?;
    let (green, placed) = (green?, placed?);
    log.merge(green_log);
    log.merge(residents_log);
    let green = match green {
        greenspace::Outcome::Built(out) => {
            greenspace::add_indicators(b, &out);
            notes.extend(out.report.iter().map(|l| format!("green space: {l}")));
            Some(out)
        }
        greenspace::Outcome::Skipped(why) => {
            notes.push(why);
            None
        }
    };
    pb.inc(1);
    Ok(MadeLayers { green, placed })
}

/// The IoD 2025 and 2019 and the change between them, life expectancy, Census 2021 health and
/// fuel poverty.
fn deprivation_and_health(
    log: &mut read::SourceLog,
    m: &membership::Membership,
    b: &mut indicators::Builder,
    pops: &indicators::Populations,
    pb: &ProgressBar,
) -> Result<()> {
    pb.set_message("IoD2025");
    indicators::iod2025(
        log,
        m,
        b,
        &pops.lsoa21,
        &pops.lsoa21_period,
        &pops.england_lsoa21_census,
    )?;
    pb.inc(1);
    pb.set_message("IoD2019");
    indicators::iod2019(log, m, b)?;
    indicators::imd_change(log, m, b, &pops.lsoa11)?;
    pb.inc(1);
    pb.set_message("Life expectancy");
    indicators::life_expectancy(log, m, b, pops)?;
    pb.set_message("Census 2021 health and fuel poverty");
    let england_lsoas: indicators::CodeSet<'_> = pops
        .england_lsoa21_census
        .keys()
        .map(String::as_str)
        .collect();
    indicators::census_health(log, m, b, &england_lsoas)?;
    indicators::fuel_poverty(log, m, b, &england_lsoas)?;
    Ok(())
}

/// What the tile geometry thread is given: one geography's areas as soon as they are made, or
/// the built geographies, of which it makes those it has not made yet.
enum GeometryJob {
    Areas(Geography, Vec<equimap_atlas::Area>),
    Rest(std::sync::Arc<BTreeMap<Geography, boundaries::BuiltGeography>>),
}

/// A geography's tile geometry, with the areas it was made from when they are not those built.
type MadeGeometry = (
    Geography,
    equimap_tiles::atlas::TileGeometry,
    Option<Vec<equimap_atlas::Area>>,
);

/// The tile layers' geometry (the shared-arc simplification at every zoom, most of the tile
/// index files' making), built on a thread of its own from the boundaries in memory, each
/// geography as soon as it is sent, while the indicators and the other files are made; the
/// files are written from it once the atlas loads back and its boundaries are found equal to
/// these (`write_tile_indexes_with`). The thread stops when the sender is dropped, so a failed
/// ingest does not leave it working.
fn tile_geometry_in_background() -> (
    std::sync::mpsc::Sender<GeometryJob>,
    std::thread::JoinHandle<Vec<MadeGeometry>>,
) {
    use equimap_tiles::atlas::TileGeometry;
    let (tx, rx) = std::sync::mpsc::channel();
    let handle = std::thread::spawn(move || {
        let mut made: Vec<MadeGeometry> = Vec::new();
        for job in rx {
            match job {
                GeometryJob::Areas(g, areas) => {
                    made.push((g, TileGeometry::build(g, &areas), Some(areas)));
                }
                GeometryJob::Rest(built) => {
                    let mut order: Vec<&Geography> = built
                        .keys()
                        .filter(|g| !made.iter().any(|(d, ..)| d == *g))
                        .collect();
                    order.sort_by_key(|g| std::cmp::Reverse(built[*g].areas.len()));
                    for g in order {
                        made.push((*g, TileGeometry::build(*g, &built[g].areas.areas), None));
                    }
                }
            }
        }
        made
    });
    (tx, handle)
}

/// Loads the atlas as a server will, then writes its tile index files from what loaded, with
/// the geometry built in the background where its boundaries are those that loaded.
fn load_and_write_tile_indexes(
    dir: &Path,
    built: &BTreeMap<Geography, boundaries::BuiltGeography>,
    tile_geometry: std::thread::JoinHandle<Vec<MadeGeometry>>,
) -> Result<()> {
    let atlas = Atlas::load(dir)?;
    let made = tile_geometry
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
    let (geometry, sent): (Vec<_>, Vec<_>) = made.into_iter().map(|(g, t, a)| ((g, t), a)).unzip();
    let prebuilt = geometry
        .into_iter()
        .zip(&sent)
        .filter_map(|((g, t), sent)| {
            let areas = match sent {
                Some(a) => a.as_slice(),
                None => built.get(&g)?.areas.areas.as_slice(),
            };
            Some((areas, t))
        })
        .collect();
    equimap_tiles::atlas::write_tile_indexes_with(&atlas, prebuilt)?;
    Ok(())
}

/// The result of a scoped thread; a panic there carries on here.
pub(crate) fn joined<T>(h: std::thread::ScopedJoinHandle<'_, T>) -> T {
    h.join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

/// OHID Fingertips trends for the selection's districts; a note names districts without any.
fn district_trends(
    log: &mut read::SourceLog,
    m: &membership::Membership,
    notes: &mut Vec<String>,
) -> Result<equimap_atlas::Trends> {
    let districts: std::collections::BTreeSet<String> = m
        .codes(Geography::District)
        .into_iter()
        .map(str::to_owned)
        .collect();
    let (trends, no_trends) = trends::build(log, &districts)?;
    if !no_trends.is_empty() {
        notes.push(format!(
            "no Fingertips trends for {} district(s): {}",
            no_trends.len(),
            no_trends.join(", ")
        ));
    }
    Ok(trends)
}

/// Postcodes, places, GP practices and the basemap, then GP registers and PCNs; returns every
/// layer's manifest record.
fn context_layers(
    log: &mut read::SourceLog,
    m: &membership::Membership,
    dir: &Path,
    built: &BTreeMap<Geography, boundaries::BuiltGeography>,
    england: bool,
    notes: &mut Vec<String>,
) -> Result<BTreeMap<String, LayerRecord>> {
    let districts: Vec<geo::MultiPolygon<f64>> = built[&Geography::District]
        .areas
        .areas
        .iter()
        .map(|a| a.geometry.clone())
        .collect();
    let mut layers = reference_layers::build(log, m, dir, &districts)?;
    layers.extend(primary_care_step(log, england, dir, notes)?);
    Ok(layers)
}

/// The green-space and resident layers the indicator steps made; returns their manifest
/// records.
fn write_made_layers(
    dir: &Path,
    made: MadeLayers,
    notes: &mut Vec<String>,
) -> Result<BTreeMap<String, LayerRecord>> {
    let mut layers = BTreeMap::new();
    if let Some(out) = &made.green {
        layers.extend(greenspace::write_layers(dir, out)?);
    }
    match made.placed {
        residents::Outcome::Built(layer) => {
            layer.write(dir)?;
            notes.extend(residents::summary(&layer));
            layers.insert("residents".to_owned(), residents::record(&layer));
        }
        residents::Outcome::Skipped(why) => notes.push(why),
    }
    Ok(layers)
}

/// GP registers, PCNs and practice deprivation, for the practices of the GP layer just written
/// (every QOF practice for England); a note instead when the sources lack the QOF files.
fn primary_care_step(
    log: &mut read::SourceLog,
    england: bool,
    dir: &Path,
    notes: &mut Vec<String>,
) -> Result<BTreeMap<String, LayerRecord>> {
    if !primary_care::available(log) {
        notes.push(format!(
            "no GP registers: {} is not in the sources, so the atlas has no practice prevalence or PCNs",
            sources::QOF
        ));
        return Ok(BTreeMap::new());
    }
    let gps: BTreeMap<String, String> = equimap_atlas::read_layer::<equimap_atlas::GpPracticeRow>(
        dir,
        equimap_atlas::GP_PRACTICES_FILE,
    )?
    .into_iter()
    .map(|g| (g.org_code, g.name))
    .collect();
    let built = primary_care::build(log, (!england).then_some(&gps), dir)?;
    notes.extend(built.notes);
    Ok(built.layers)
}

/// The entries an ingest owns inside the atlas directory. Anything else there (for example
/// `areas/`, the custom-area examples) is left alone.
const OWNED: [&str; 4] = ["geographies", "indicators", "reference", "manifest.json"];
/// What the ingest reports when it is done.
fn summary(
    sel: &Selection,
    m: &membership::Membership,
    built: &BTreeMap<Geography, boundaries::BuiltGeography>,
    indicators: usize,
    reference_layers: &BTreeMap<String, LayerRecord>,
    started: Instant,
    notes: Vec<String>,
) -> Summary {
    Summary {
        district: (sel.code().to_owned(), m.name.clone()),
        geographies: built
            .iter()
            .map(|(g, bg)| {
                (
                    *g,
                    bg.areas.len(),
                    bg.file.path.to_owned(),
                    bg.repaired.clone(),
                )
            })
            .collect(),
        indicators,
        reference_layers: reference_layers
            .iter()
            .map(|(k, v)| (k.clone(), v.count))
            .collect(),
        seconds: started.elapsed().as_secs_f64(),
        notes,
    }
}

/// A note naming LSOA11s whose 2019 ward no longer exists, if any.
fn ward_fallback_note(m: &membership::Membership) -> Option<String> {
    if m.ward_fallbacks.is_empty() {
        return None;
    }
    let shown: Vec<String> = m
        .ward_fallbacks
        .iter()
        .take(5)
        .map(|(l, w19, w)| format!("{l} ({w19} → {w})"))
        .collect();
    Some(format!(
        "{} LSOA11s were in 2019 wards that no longer exist and have no listed code change; each was given the current ward of its 2021 successor, e.g. {}",
        m.ward_fallbacks.len(),
        shown.join(", ")
    ))
}

/// An empty directory beside `out`, where the atlas is built before it is swapped in.
fn staging_dir(out: &Path) -> Result<tempfile::TempDir> {
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(|e| IngestError::io(parent, e))?;
    tempfile::Builder::new()
        .prefix(".equimap-ingest-")
        .tempdir_in(parent)
        .map_err(|e| IngestError::io(parent, e))
}

/// Write every geography's FlatGeobuf and return their manifest records.
/// Each geography's area codes, in order.
fn area_codes(
    built: &BTreeMap<Geography, boundaries::BuiltGeography>,
) -> BTreeMap<Geography, Vec<String>> {
    built
        .iter()
        .map(|(g, bg)| (*g, bg.areas.areas.iter().map(|a| a.code.clone()).collect()))
        .collect()
}

/// The boundary files and the indicator files (the catalogue labelled with how the wards were
/// assigned), written at once, each file on its own (England's took 3 s on one core). Returns
/// the boundary files' manifest records.
fn write_tables_and_boundaries(
    dir: &Path,
    built: &BTreeMap<Geography, boundaries::BuiltGeography>,
    catalogue: &mut equimap_atlas::Catalogue,
    tables: &BTreeMap<Geography, equimap_atlas::IndicatorTable>,
    references: &equimap_atlas::References,
    assignment: Option<&wards::Assignment>,
) -> Result<BTreeMap<Geography, LayerRecord>> {
    if let Some(a) = assignment {
        a.label_catalogue(catalogue);
    }
    for sub in ["geographies", "indicators"] {
        std::fs::create_dir_all(dir.join(sub)).map_err(|e| IngestError::io(dir.join(sub), e))?;
    }
    let (geo_records, written) = rayon::join(
        || write_geographies(dir, built),
        || write_indicators(dir, catalogue, tables, references),
    );
    let mut geo_records = geo_records?;
    written?;
    if let Some(a) = assignment {
        a.label_records(&mut geo_records);
    }
    Ok(geo_records)
}

fn write_geographies(
    dir: &Path,
    built: &BTreeMap<Geography, boundaries::BuiltGeography>,
) -> Result<BTreeMap<Geography, LayerRecord>> {
    use rayon::prelude::*;
    let written: Vec<Result<()>> = built
        .par_iter()
        .map(|(g, bg)| Ok(bg.areas.write(*g, &Atlas::geography_path(dir, *g))?))
        .collect();
    written.into_iter().collect::<Result<Vec<()>>>()?;
    Ok(built
        .iter()
        .map(|(g, bg)| {
            let record = LayerRecord {
                file: format!("geographies/{}.fgb", g.id()),
                count: bg.areas.len(),
                source: format!("{} ({})", bg.file.describe, bg.file.path),
                vintage: g.label().to_owned(),
                licence: "Open Government Licence v3.0".to_owned(),
                attribution: sources::OGL_ATTRIBUTION.to_owned(),
            };
            (*g, record)
        })
        .collect())
}

/// Write the catalogue, one indicator table per geography and the reference values.
fn write_indicators(
    dir: &Path,
    catalogue: &equimap_atlas::Catalogue,
    tables: &BTreeMap<Geography, equimap_atlas::IndicatorTable>,
    references: &equimap_atlas::References,
) -> Result<()> {
    use rayon::prelude::*;
    catalogue.write(&dir.join("indicators").join("catalogue.json"))?;
    let written: Vec<Result<()>> = tables
        .par_iter()
        .map(|(g, t)| {
            Ok(t.write_csv(&Atlas::table_path(dir, *g), &|c| {
                catalogue.column_decimals(c)
            })?)
        })
        .collect();
    written.into_iter().collect::<Result<Vec<()>>>()?;
    references.write(&dir.join("indicators").join("reference.csv"))?;
    Ok(())
}

/// The manifest: what was built from which source files. The version is a hash of the
/// sources' paths and digests and of this program's version.
fn manifest(
    log: &read::SourceLog,
    sel: &Selection,
    m: &membership::Membership,
    geographies: BTreeMap<Geography, LayerRecord>,
    reference_layers: BTreeMap<String, LayerRecord>,
) -> Manifest {
    let sources: Vec<SourceRecord> = log
        .entries
        .iter()
        .map(|(path, (sha, bytes, uses))| SourceRecord {
            path: path.clone(),
            sha256: sha.clone(),
            bytes: *bytes,
            used_for: uses.join("; "),
        })
        .collect();
    let mut h = Sha256::new();
    for s in &sources {
        h.update(s.path.as_bytes());
        h.update(s.sha256.as_bytes());
    }
    h.update(env!("CARGO_PKG_VERSION").as_bytes());
    let version: String = h.finalize().iter().take(8).fold(String::new(), |mut v, b| {
        use std::fmt::Write;
        let _ = write!(v, "{b:02x}");
        v
    });
    Manifest {
        format: Manifest::FORMAT,
        district: sel.code().to_owned(),
        district_name: m.name.clone(),
        version,
        geographies,
        reference_layers,
        sources,
        attribution: vec![
            sources::OGL_ATTRIBUTION.to_owned(),
            sources::MHCLG_ATTRIBUTION.to_owned(),
            sources::DESNZ_ATTRIBUTION.to_owned(),
            sources::OSM_ATTRIBUTION.to_owned(),
        ],
    }
}

fn swap_into_place(built: &Path, out: &Path) -> Result<()> {
    std::fs::create_dir_all(out).map_err(|e| IngestError::io(out, e))?;
    let old = tempfile::Builder::new()
        .prefix(".equimap-old-")
        .tempdir_in(out)
        .map_err(|e| IngestError::io(out, e))?;
    // OWNED lists manifest.json last, so a reader never sees a new manifest over old files.
    for name in OWNED {
        let target = out.join(name);
        if target.exists() {
            std::fs::rename(&target, old.path().join(name))
                .map_err(|e| IngestError::io(&target, e))?;
        }
        let src = built.join(name);
        if src.exists() {
            std::fs::rename(&src, &target).map_err(|e| IngestError::io(&target, e))?;
        }
    }
    Ok(())
}
