//! Green-space access through the ingest: run `equimap-greenspace` when its sources cover the
//! selection, add its indicators to the catalogue and write its two map layers.

use std::collections::BTreeMap;
use std::path::Path;

use equimap_atlas::{AreaSet, Geography, GeometryType, LayerRecord, write_area_fgb};
use equimap_greenspace::{GreenspaceInputs, GreenspaceOutput};
use geo::Geometry;

use crate::error::{IngestError, Result};
use crate::indicators::Builder;
use crate::membership::Membership;
use crate::read::SourceLog;

/// Why green space was not built, or its output.
pub enum Outcome {
    /// Built.
    Built(Box<GreenspaceOutput>),
    /// Not built, and why (for the summary).
    Skipped(String),
}

/// Compute green-space access if the sources hold what it needs for the whole selection.
pub fn compute(
    log: &mut SourceLog,
    m: &Membership,
    areas: &BTreeMap<Geography, AreaSet>,
    lsoa21_population: &BTreeMap<String, f64>,
    early: Option<std::thread::JoinHandle<crate::early::GreenSites>>,
) -> Result<Outcome> {
    for f in [
        equimap_greenspace::OA_FILE,
        equimap_greenspace::OS_SITES_FILE,
        equimap_greenspace::OS_ACCESS_FILE,
    ] {
        if !log.exists(f) {
            return Ok(Outcome::Skipped(format!(
                "green-space access not built: {f} is not in the sources"
            )));
        }
    }
    // The OA centroids cover one district; every LSOA of the selection needs its OAs.
    let oas = log.csv(equimap_greenspace::OA_FILE, "green-space access: residents")?;
    let col = oas.col("lsoa21_cd")?;
    let covered: std::collections::BTreeSet<String> =
        oas.rows().map(|r| r.str(col).to_owned()).collect();
    let missing = m
        .codes(Geography::Lsoa21)
        .into_iter()
        .filter(|c| !covered.contains(*c))
        .count();
    if missing > 0 {
        return Ok(Outcome::Skipped(format!(
            "green-space access not built: {missing} LSOAs of the selection have no Output Area centroids in {}",
            equimap_greenspace::OA_FILE
        )));
    }
    let (code, name) = m
        .districts
        .iter()
        .next()
        .map_or(("", ""), |(c, n)| (c.as_str(), n.as_str()));
    let inputs = GreenspaceInputs {
        sources: log.root(),
        areas,
        lsoa21_population,
        district: (code, name),
    };
    let sites = match early {
        Some(h) => crate::early::join(h),
        None => equimap_greenspace::read_sites(log.root()),
    };
    let out = sites
        .and_then(|sites| equimap_greenspace::compute_with(&inputs, sites))
        .map_err(|e| IngestError::Check(format!("green-space access: {e}")))?;
    for f in &out.source_files {
        log.read(&f.to_string_lossy(), "green-space access")?;
    }
    Ok(Outcome::Built(Box::new(out)))
}

/// Add the indicators, values and reference values to the builder.
pub fn add_indicators(b: &mut Builder, out: &GreenspaceOutput) {
    for d in &out.indicators {
        b.push_def(d.clone());
    }
    for (g, by_id) in &out.values {
        for (id, values) in by_id {
            b.set_all(*g, id, values.clone());
        }
    }
    for r in &out.references {
        b.push_reference(r.clone());
    }
}

/// Write `reference/greenspace_sites.fgb` and `reference/greenspace_access.fgb`.
pub fn write_layers(dir: &Path, out: &GreenspaceOutput) -> Result<BTreeMap<String, LayerRecord>> {
    let mut layers = BTreeMap::new();
    let sites: Vec<(Geometry<f64>, Vec<Option<String>>)> = out
        .sites
        .iter()
        .map(|s| {
            (
                Geometry::MultiPolygon(s.geometry.clone()),
                vec![
                    Some(s.id.clone()),
                    s.name.clone(),
                    Some(s.function.clone()),
                    Some(s.category.id().to_owned()),
                    Some(s.source.name().to_owned()),
                    Some(equimap_atlas::format_number(s.hectares, 3)),
                ],
            )
        })
        .collect();
    let file = "reference/greenspace_sites.fgb";
    write_area_fgb(
        &dir.join(file),
        "greenspace",
        GeometryType::MultiPolygon,
        &["id", "name", "function", "category", "source", "hectares"],
        &sites,
    )?;
    layers.insert("greenspace_sites".to_owned(), LayerRecord {
        file: file.to_owned(),
        count: sites.len(),
        source: "OS Open Greenspace (public sites and optional categories) and OpenStreetMap natural green space, selected and merged as docs/greenspace.md describes".to_owned(),
        vintage: "OS Open Greenspace 2025; OpenStreetMap July 2023".to_owned(),
        licence: "Open Government Licence v3.0 (OS); Open Database Licence 1.0 (OSM)".to_owned(),
        attribution: format!("{}; {}", equimap_greenspace::OS_ATTRIBUTION, equimap_greenspace::OSM_ATTRIBUTION),
    });
    let access: Vec<(Geometry<f64>, Vec<Option<String>>)> = out
        .access_points
        .iter()
        .map(|a| {
            (
                Geometry::Point(a.geometry),
                vec![
                    Some(a.id.clone()),
                    Some(a.site_id.clone()),
                    Some(a.access_type.clone()),
                    Some(a.site_function.clone()),
                    a.site_name.clone(),
                    Some(a.category.id().to_owned()),
                ],
            )
        })
        .collect();
    let file = "reference/greenspace_access.fgb";
    write_area_fgb(
        &dir.join(file),
        "greenspace_access",
        GeometryType::Point,
        &[
            "id",
            "site_id",
            "access_type",
            "site_function",
            "site_name",
            "category",
        ],
        &access,
    )?;
    layers.insert(
        "greenspace_access".to_owned(),
        LayerRecord {
            file: file.to_owned(),
            count: access.len(),
            source: "OS Open Greenspace access points of the kept sites".to_owned(),
            vintage: "OS Open Greenspace 2025".to_owned(),
            licence: "Open Government Licence v3.0".to_owned(),
            attribution: equimap_greenspace::OS_ATTRIBUTION.to_owned(),
        },
    );
    Ok(layers)
}
