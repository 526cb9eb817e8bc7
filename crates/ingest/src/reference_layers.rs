//! Reference layers stored with the atlas: postcodes and places for search, GP practices, and
//! OpenStreetMap basemap context for the map.

use std::collections::BTreeMap;
use std::path::Path;

use equimap_atlas::LayerRecord;
use equimap_atlas::{GeometryType, write_area_fgb};
use geo::{BoundingRect, Geometry, Intersects, MultiPolygon, Rect};

use crate::error::{IngestError, Result};
use crate::geom::{clean_lines, clean_polygonal, read_features, round6};
use crate::membership::Membership;
use crate::read::SourceLog;
use crate::sources::{self, OGL_ATTRIBUTION, OSM_ATTRIBUTION};

fn write_csv(path: &Path, header: &[&str], rows: &[Vec<String>]) -> Result<()> {
    let err = |e: csv::Error| IngestError::Csv {
        path: path.to_owned(),
        message: e.to_string(),
    };
    let mut w = csv::Writer::from_path(path).map_err(err)?;
    w.write_record(header).map_err(err)?;
    for r in rows {
        w.write_record(r).map_err(err)?;
    }
    w.flush().map_err(|e| IngestError::io(path, e))
}

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
    let extent = districts
        .iter()
        .filter_map(BoundingRect::bounding_rect)
        .reduce(|a, b| {
            Rect::new(
                geo::coord! { x: a.min().x.min(b.min().x), y: a.min().y.min(b.min().y) },
                geo::coord! { x: a.max().x.max(b.max().x), y: a.max().y.max(b.max().y) },
            )
        })
        .ok_or_else(|| IngestError::Check("the selection has no district geometry".to_owned()))?;
    let out = dir.join("reference");
    std::fs::create_dir_all(&out).map_err(|e| IngestError::io(&out, e))?;
    let mut layers = BTreeMap::new();
    let in_sel = |lad: &str| m.districts.contains_key(lad);

    if log.exists(sources::POSTCODES) {
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
            if !in_sel(row.str(lad)) {
                continue;
            }
            let (x, y) = (row.req_num(lon)?, row.req_num(lat)?);
            rows.push(vec![
                row.req(pc)?.to_owned(),
                coord(x),
                coord(y),
                row.str(e).to_owned(),
                row.str(n).to_owned(),
                row.str(q).to_owned(),
            ]);
        }
        rows.sort();
        write_csv(
            &out.join("postcodes.csv"),
            &[
                "postcode",
                "lon",
                "lat",
                "easting",
                "northing",
                "positional_quality",
            ],
            &rows,
        )?;
        layers.insert("postcodes".to_owned(), LayerRecord {
            file: "reference/postcodes.csv".to_owned(),
            count: rows.len(),
            source: "OS Code-Point Open 2025.4.0 with ONS NSPL May 2025 latitude/longitude".to_owned(),
            vintage: "October 2025".to_owned(),
            licence: "Open Government Licence v3.0".to_owned(),
            attribution: "Contains OS data © Crown copyright and database right 2025; Contains Royal Mail data © Royal Mail copyright and database right 2025; Source: Office for National Statistics licensed under the Open Government Licence v.3.0".to_owned(),
        });
    }

    if log.exists(sources::PLACES) {
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
            rows.push(vec![
                row.req(name)?.to_owned(),
                row.str(ty).to_owned(),
                row.str(sub).to_owned(),
                coord(x),
                coord(y),
                row.str(code).to_owned(),
                row.str(pop).to_owned(),
                row.str(src).to_owned(),
                row.str(lic).to_owned(),
            ]);
        }
        rows.sort();
        write_csv(
            &out.join("places.csv"),
            &[
                "name",
                "type",
                "subtype",
                "lon",
                "lat",
                "code",
                "population",
                "source",
                "licence",
            ],
            &rows,
        )?;
        layers.insert("places".to_owned(), LayerRecord {
            file: "reference/places.csv".to_owned(),
            count: rows.len(),
            source: "Gazetteer of GeoNames towns, ONS wards, House of Commons Library MSOA names, Code-Point Open postcode districts and OpenStreetMap parks".to_owned(),
            vintage: "2013–2025 (per row)".to_owned(),
            licence: "Per row: OGL v3, CC BY 4.0, Open Parliament Licence, ODbL 1.0".to_owned(),
            attribution: format!("{OGL_ATTRIBUTION}; GeoNames (CC BY 4.0); House of Commons Library (Open Parliament Licence); {OSM_ATTRIBUTION}"),
        });
    }

    if log.exists(sources::GP_PRACTICES) {
        let csv = log.csv(sources::GP_PRACTICES, "GP practices")?;
        let c = |n| csv.col(n);
        let (org, name, addr, pc, list, lat, lon, lad) = (
            c("org_code")?,
            c("name")?,
            c("address")?,
            c("postcode")?,
            c("list_size_2026_04")?,
            c("lat")?,
            c("lon")?,
            c("postcode_lad_cd")?,
        );
        let mut rows = Vec::new();
        for row in csv.rows() {
            if !in_sel(row.str(lad)) {
                continue;
            }
            let patients = row.req_num(list)?;
            rows.push(vec![
                row.req(org)?.to_owned(),
                row.req(name)?.to_owned(),
                row.str(addr).to_owned(),
                row.str(pc).to_owned(),
                equimap_atlas::format_number(patients, 0),
                coord(row.req_num(lon)?),
                coord(row.req_num(lat)?),
            ]);
        }
        rows.sort();
        write_csv(
            &out.join("gp_practices.csv"),
            &[
                "org_code",
                "name",
                "address",
                "postcode",
                "registered_patients",
                "lon",
                "lat",
            ],
            &rows,
        )?;
        layers.insert("gp_practices".to_owned(), LayerRecord {
            file: "reference/gp_practices.csv".to_owned(),
            count: rows.len(),
            source: "NHS England Organisation Data Service (epraccur, September 2025) with Patients Registered at a GP Practice, 1 April 2026".to_owned(),
            vintage: "registered patients at 1 April 2026".to_owned(),
            licence: "Open Government Licence v3.0".to_owned(),
            attribution: "Contains public sector information licensed under the Open Government Licence v3.0 (NHS England)".to_owned(),
        });
    }

    for (id, path, vintage) in sources::BASEMAP {
        if !log.exists(path) {
            continue;
        }
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
            let geom = if is_poly {
                Geometry::MultiPolygon(
                    clean_polygonal(g)
                        .map_err(|message| IngestError::Geometry {
                            path: src.path.clone(),
                            code: f.text("osm_id").unwrap_or(format!("#{i}")),
                            message,
                        })?
                        .0,
                )
            } else {
                Geometry::MultiLineString(clean_lines(g).map_err(|message| {
                    IngestError::Geometry {
                        path: src.path.clone(),
                        code: f.text("osm_id").unwrap_or(format!("#{i}")),
                        message,
                    }
                })?)
            };
            polygonal.get_or_insert(is_poly);
            feats.push((
                f.text("osm_id").unwrap_or_default(),
                geom,
                vec![f.text("class"), f.text("name"), f.text("ref")],
            ));
        }
        if feats.is_empty() {
            continue;
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
        layers.insert(
            format!("basemap_{id}"),
            LayerRecord {
                file,
                count: rows.len(),
                source: "OpenStreetMap extracts for West Yorkshire (Open Innovations)".to_owned(),
                vintage: vintage.to_owned(),
                licence: "Open Database Licence 1.0".to_owned(),
                attribution: OSM_ATTRIBUTION.to_owned(),
            },
        );
    }
    Ok(layers)
}
