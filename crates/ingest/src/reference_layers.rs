//! Reference layers stored with the atlas: postcodes and places for search, GP practices, and
//! OpenStreetMap basemap context for the map.

use std::collections::BTreeMap;
use std::path::Path;

use equimap_atlas::{
    GeometryType, GpPracticeRow, LayerRecord, PlaceRow, PostcodeRow, write_area_fgb,
};
use geo::{BoundingRect, Geometry, Intersects, MultiPolygon, Rect};

use crate::error::{IngestError, Result};
use crate::geom::{clean_lines, clean_polygonal, read_features, round6};
use crate::membership::Membership;
use crate::read::SourceLog;
use crate::sources::{self, OGL_ATTRIBUTION, OSM_ATTRIBUTION};

fn coord(v: f64) -> String {
    equimap_atlas::format_number(round6(v), 6)
}

/// Write every reference layer into `dir/reference`, returning their manifest records.
pub fn build(
    log: &mut SourceLog,
    m: &Membership,
    dir: &Path,
    districts: &[MultiPolygon<f64>],
) -> Result<BTreeMap<String, LayerRecord>> {
    let extent = extent_of(districts)?;
    let out = dir.join("reference");
    std::fs::create_dir_all(&out).map_err(|e| IngestError::io(&out, e))?;
    let mut layers = BTreeMap::new();
    if log.exists(sources::POSTCODES) {
        layers.insert("postcodes".to_owned(), postcodes(log, m, dir)?);
    }
    if log.exists(sources::PLACES) {
        layers.insert("places".to_owned(), places(log, dir, extent, districts)?);
    }
    if log.exists(sources::GP_PRACTICES) {
        layers.insert("gp_practices".to_owned(), gp_practices(log, m, dir)?);
    }
    for (id, path, vintage) in sources::BASEMAP {
        if log.exists(path)
            && let Some(record) = basemap_layer(log, dir, extent, id, path, vintage)?
        {
            layers.insert(format!("basemap_{id}"), record);
        }
    }
    Ok(layers)
}

/// The bounding box of the selected districts.
fn extent_of(districts: &[MultiPolygon<f64>]) -> Result<Rect<f64>> {
    districts
        .iter()
        .filter_map(BoundingRect::bounding_rect)
        .reduce(|a, b| {
            Rect::new(
                geo::coord! { x: a.min().x.min(b.min().x), y: a.min().y.min(b.min().y) },
                geo::coord! { x: a.max().x.max(b.max().x), y: a.max().y.max(b.max().y) },
            )
        })
        .ok_or_else(|| IngestError::Check("the selection has no district geometry".to_owned()))
}

/// Write a layer's rows through the atlas's format and describe it for the manifest.
fn write_layer<T: serde::Serialize>(
    dir: &Path,
    file: &str,
    rows: &[T],
    describe: impl FnOnce(usize) -> LayerRecord,
) -> Result<LayerRecord> {
    equimap_atlas::write_rows(&dir.join(file), rows)?;
    Ok(describe(rows.len()))
}

/// Live postcodes of the selected districts, for search.
fn postcodes(log: &mut SourceLog, m: &Membership, dir: &Path) -> Result<LayerRecord> {
    let csv = log.csv(sources::POSTCODES, "postcode search")?;
    let c = |n| csv.col(n);
    let (pc, q, e, n, lat, lon, lad) = (
        c("postcode")?,
        c("positional_quality")?,
        c("easting")?,
        c("northing")?,
        c("lat")?,
        c("lon")?,
        c("lad_cd")?,
    );
    let mut rows = Vec::new();
    for row in csv.rows() {
        if !m.districts.contains_key(row.str(lad)) {
            continue;
        }
        rows.push(PostcodeRow {
            postcode: row.req(pc)?.to_owned(),
            lon: round6(row.req_num(lon)?),
            lat: round6(row.req_num(lat)?),
            easting: row.req_num(e)? as u32,
            northing: row.req_num(n)? as u32,
            positional_quality: row.req_num(q)? as u8,
        });
    }
    rows.sort_by_cached_key(|r| {
        [
            r.postcode.clone(),
            coord(r.lon),
            coord(r.lat),
            r.easting.to_string(),
            r.northing.to_string(),
            r.positional_quality.to_string(),
        ]
    });
    write_layer(dir, equimap_atlas::POSTCODES_FILE, &rows, |count| {
        LayerRecord {
        file: equimap_atlas::POSTCODES_FILE.to_owned(),
        count,
        source: "OS Code-Point Open 2025.4.0 with ONS NSPL May 2025 latitude/longitude".to_owned(),
        vintage: "October 2025".to_owned(),
        licence: "Open Government Licence v3.0".to_owned(),
        attribution: "Contains OS data © Crown copyright and database right 2025; Contains Royal Mail data © Royal Mail copyright and database right 2025; Source: Office for National Statistics licensed under the Open Government Licence v.3.0".to_owned(),
    }
    })
}

/// Gazetteer places inside the selected districts, for search.
fn places(
    log: &mut SourceLog,
    dir: &Path,
    extent: Rect<f64>,
    districts: &[MultiPolygon<f64>],
) -> Result<LayerRecord> {
    let csv = log.csv(sources::PLACES, "place search")?;
    let c = |n| csv.col(n);
    let (name, ty, sub, lat, lon, code, pop, src, lic) = (
        c("name")?,
        c("type")?,
        c("subtype")?,
        c("lat")?,
        c("lon")?,
        c("code")?,
        c("population")?,
        c("source")?,
        c("licence")?,
    );
    let mut rows = Vec::new();
    for row in csv.rows() {
        let (x, y) = (row.req_num(lon)?, row.req_num(lat)?);
        // Only places inside the district: the gazetteer also names places just outside.
        let p = geo::Point::new(x, y);
        if !extent.intersects(&p) || !districts.iter().any(|d| d.intersects(&p)) {
            continue;
        }
        rows.push(PlaceRow {
            name: row.req(name)?.to_owned(),
            kind: row.str(ty).to_owned(),
            subtype: row.str(sub).to_owned(),
            lon: round6(x),
            lat: round6(y),
            code: row.str(code).to_owned(),
            population: row.num(pop)?.map(|v| v as u64),
            source: row.str(src).to_owned(),
            licence: row.str(lic).to_owned(),
        });
    }
    rows.sort_by_cached_key(|r| {
        [
            r.name.clone(),
            r.kind.clone(),
            r.subtype.clone(),
            coord(r.lon),
            coord(r.lat),
            r.code.clone(),
            r.population.map(|p| p.to_string()).unwrap_or_default(),
            r.source.clone(),
            r.licence.clone(),
        ]
    });
    write_layer(dir, equimap_atlas::PLACES_FILE, &rows, |count| {
        LayerRecord {
        file: equimap_atlas::PLACES_FILE.to_owned(),
        count,
        source: "Gazetteer of GeoNames towns, ONS wards, House of Commons Library MSOA names, Code-Point Open postcode districts and OpenStreetMap parks".to_owned(),
        vintage: "2013–2025 (per row)".to_owned(),
        licence: "Per row: OGL v3, CC BY 4.0, Open Parliament Licence, ODbL 1.0".to_owned(),
        attribution: format!("{OGL_ATTRIBUTION}; GeoNames (CC BY 4.0); House of Commons Library (Open Parliament Licence); {OSM_ATTRIBUTION}"),
    }
    })
}

/// GP practices of the selected districts with their registered patients.
fn gp_practices(log: &mut SourceLog, m: &Membership, dir: &Path) -> Result<LayerRecord> {
    let csv = log.csv(sources::GP_PRACTICES, "GP practices")?;
    let c = |n| csv.col(n);
    let (org, name, addr, pc, list, lat, lon, lad) = (
        c("org_code")?,
        c("name")?,
        c("address")?,
        c("postcode")?,
        c(sources::GP_LIST_SIZE_COLUMN)?,
        c("lat")?,
        c("lon")?,
        c("postcode_lad_cd")?,
    );
    let mut rows = Vec::new();
    for row in csv.rows() {
        if !m.districts.contains_key(row.str(lad)) {
            continue;
        }
        rows.push(GpPracticeRow {
            org_code: row.req(org)?.to_owned(),
            name: row.req(name)?.to_owned(),
            address: row.str(addr).to_owned(),
            postcode: row.str(pc).to_owned(),
            registered_patients: row.req_num(list)?.round() as u32,
            lon: round6(row.req_num(lon)?),
            lat: round6(row.req_num(lat)?),
        });
    }
    rows.sort_by_cached_key(|r| {
        [
            r.org_code.clone(),
            r.name.clone(),
            r.address.clone(),
            r.postcode.clone(),
            r.registered_patients.to_string(),
            coord(r.lon),
            coord(r.lat),
        ]
    });
    let date = sources::GP_LIST_SIZE_DATE;
    write_layer(dir, equimap_atlas::GP_PRACTICES_FILE, &rows, |count| {
        LayerRecord {
        file: equimap_atlas::GP_PRACTICES_FILE.to_owned(),
        count,
        source: format!("NHS England Organisation Data Service (epraccur, September 2025) with Patients Registered at a GP Practice, {date}"),
        vintage: format!("registered patients at {date}"),
        licence: "Open Government Licence v3.0".to_owned(),
        attribution: "Contains public sector information licensed under the Open Government Licence v3.0 (NHS England)".to_owned(),
    }
    })
}

/// One OpenStreetMap basemap layer clipped to the selection's extent, or `None` when nothing
/// falls inside it.
fn basemap_layer(
    log: &mut SourceLog,
    dir: &Path,
    extent: Rect<f64>,
    id: &str,
    path: &str,
    vintage: &str,
) -> Result<Option<LayerRecord>> {
    let src = log.read(path, "basemap context")?;
    let mut feats = Vec::new();
    let mut polygonal = None;
    for (i, f) in read_features(&src)?.into_iter().enumerate() {
        let Some(g) = f.geometry.as_ref() else {
            continue;
        };
        if !g.bounding_rect().is_some_and(|r| r.intersects(&extent)) {
            continue;
        }
        let is_poly = matches!(g, Geometry::Polygon(_) | Geometry::MultiPolygon(_));
        let geom = clean_basemap_geometry(g, is_poly).map_err(|message| IngestError::Geometry {
            path: src.path.clone(),
            code: f.text("osm_id").unwrap_or(format!("#{i}")),
            message,
        })?;
        polygonal.get_or_insert(is_poly);
        feats.push((
            f.text("osm_id").unwrap_or_default(),
            geom,
            vec![f.text("class"), f.text("name"), f.text("ref")],
        ));
    }
    if feats.is_empty() {
        return Ok(None);
    }
    // Sort by OSM id so the file does not depend on the source's order.
    feats.sort_by(|a, b| a.0.cmp(&b.0));
    let rows: Vec<(Geometry<f64>, Vec<Option<String>>)> =
        feats.into_iter().map(|(_, g, p)| (g, p)).collect();
    let file = format!("reference/basemap_{id}.fgb");
    let gt = if polygonal == Some(true) {
        GeometryType::MultiPolygon
    } else {
        GeometryType::MultiLineString
    };
    write_area_fgb(&dir.join(&file), id, gt, &["class", "name", "ref"], &rows)?;
    Ok(Some(LayerRecord {
        file,
        count: rows.len(),
        source: "OpenStreetMap extracts for West Yorkshire (Open Innovations)".to_owned(),
        vintage: vintage.to_owned(),
        licence: "Open Database Licence 1.0".to_owned(),
        attribution: OSM_ATTRIBUTION.to_owned(),
    }))
}

/// A basemap polygon repaired into a multipolygon, or a line cleaned into a multilinestring.
fn clean_basemap_geometry(
    g: &Geometry<f64>,
    is_poly: bool,
) -> std::result::Result<Geometry<f64>, String> {
    Ok(if is_poly {
        Geometry::MultiPolygon(clean_polygonal(g)?.0)
    } else {
        Geometry::MultiLineString(clean_lines(g)?)
    })
}
