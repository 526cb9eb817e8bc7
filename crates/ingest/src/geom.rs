//! Reading GeoJSON features and cleaning their geometry: valid, RFC 7946 winding, 6 decimals.

use std::collections::BTreeMap;

use equimap_crs::Crs;
use geo::orient::{Direction, Orient};
use geo::{
    Area, Coord, Geometry, LineString, MakeValid, MultiLineString, MultiPolygon, Polygon,
    Validation,
};
use rayon::prelude::*;
use serde_json::Value;

use crate::error::{IngestError, Result};
use crate::read::SourceBytes;

/// A GeoJSON feature reduced to what the ingest needs.
pub struct Feature {
    /// The geometry in WGS84; `None` for a feature with a null geometry.
    pub geometry: Option<Geometry<f64>>,
    /// The properties, with JSON values.
    pub properties: serde_json::Map<String, Value>,
}

impl Feature {
    /// A property as text: strings as they are, numbers and booleans printed, null as `None`.
    pub fn text(&self, key: &str) -> Option<String> {
        match self.properties.get(key)? {
            Value::Null => None,
            Value::String(s) => Some(s.trim().to_owned()).filter(|s| !s.is_empty()),
            other => Some(other.to_string()),
        }
    }
}

/// Parse a GeoJSON FeatureCollection. A `crs` member other than WGS84 is honoured for
/// British National Grid and refused otherwise; RFC 7946 files have none.
pub fn read_features(src: &SourceBytes) -> Result<Vec<Feature>> {
    let gj_err = |m: String| IngestError::GeoJson {
        path: src.path.clone(),
        message: m,
    };
    let gj =
        geojson::GeoJson::from_reader(src.data.as_slice()).map_err(|e| gj_err(e.to_string()))?;
    let geojson::GeoJson::FeatureCollection(fc) = gj else {
        return Err(gj_err("expected a FeatureCollection".to_owned()));
    };
    let crs = declared_crs(src, fc.foreign_members.as_ref())?;
    let mut out = Vec::with_capacity(fc.features.len());
    for (i, f) in fc.features.into_iter().enumerate() {
        let geometry = match f.geometry {
            None => None,
            Some(g) => {
                let mut geom: Geometry<f64> =
                    g.try_into()
                        .map_err(|e: geojson::Error| IngestError::Geometry {
                            path: src.path.clone(),
                            code: format!("#{i}"),
                            message: e.to_string(),
                        })?;
                if crs != Crs::Wgs84 {
                    equimap_crs::transform_geometry_to_wgs84(&crs, &mut geom).map_err(|e| {
                        IngestError::Geometry {
                            path: src.path.clone(),
                            code: format!("#{i}"),
                            message: e.to_string(),
                        }
                    })?;
                }
                Some(geom)
            }
        };
        out.push(Feature {
            geometry,
            properties: f.properties.unwrap_or_default(),
        });
    }
    Ok(out)
}

fn declared_crs(
    src: &SourceBytes,
    members: Option<&serde_json::Map<String, Value>>,
) -> Result<Crs> {
    let Some(crs) = members.and_then(|m| m.get("crs")) else {
        return Ok(Crs::Wgs84);
    };
    let name = crs
        .pointer("/properties/name")
        .and_then(Value::as_str)
        .unwrap_or_default();
    Crs::from_name(name).map_err(|_| IngestError::UnknownCrs {
        path: src.path.clone(),
        crs: if name.is_empty() {
            crs.to_string()
        } else {
            name.to_owned()
        },
    })
}

/// Round to 6 decimal places (about 0.1 m), as the atlas stores coordinates.
pub fn round6(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}

fn round_ring(ls: &LineString<f64>) -> LineString<f64> {
    let mut out: Vec<Coord<f64>> = Vec::with_capacity(ls.0.len());
    for c in &ls.0 {
        let r = Coord {
            x: round6(c.x),
            y: round6(c.y),
        };
        if out.last() != Some(&r) {
            out.push(r);
        }
    }
    let mut ls = LineString(out);
    ls.close();
    ls
}

fn round_polygon(p: &Polygon<f64>) -> Option<Polygon<f64>> {
    let ext = round_ring(p.exterior());
    if ext.0.len() < 4 {
        return None;
    }
    let holes = p
        .interiors()
        .iter()
        .map(round_ring)
        .filter(|r| r.0.len() >= 4)
        .collect();
    Some(Polygon::new(ext, holes))
}

fn round_multi(mp: &MultiPolygon<f64>) -> MultiPolygon<f64> {
    MultiPolygon(mp.0.iter().filter_map(round_polygon).collect())
}

/// What cleaning did to one area, for the ingest summary.
#[derive(Debug, Default, Clone, Copy)]
pub struct CleanReport {
    /// True if the geometry had to be repaired.
    pub repaired: bool,
    /// The relative change of area made by the repair (0.0 when none).
    pub area_change: f64,
}

/// Turn a polygonal geometry into a valid MultiPolygon with RFC 7946 winding (exterior rings
/// counter-clockwise) and coordinates rounded to 6 decimals.
///
/// Valid input is only rounded and re-oriented, never re-noded, so that borders shared vertex
/// for vertex with neighbours stay shared. Invalid input (spikes, self-intersections) is
/// repaired with a constrained triangulation, which changes only the broken parts.
pub fn clean_polygonal(
    geom: &Geometry<f64>,
) -> std::result::Result<(MultiPolygon<f64>, CleanReport), String> {
    let mp = match geom {
        Geometry::Polygon(p) => MultiPolygon(vec![p.clone()]),
        Geometry::MultiPolygon(mp) => mp.clone(),
        other => {
            return Err(format!(
                "expected a Polygon or MultiPolygon, found {}",
                type_name(other)
            ));
        }
    };
    let mut report = CleanReport::default();
    let mut mp = round_multi(&mp);
    if mp.0.is_empty() {
        return Err("the geometry is empty after removing degenerate rings".to_owned());
    }
    if !crate::valid::is_valid(&mp) {
        report.repaired = true;
        let before = mp.unsigned_area();
        let fixed = mp
            .make_valid()
            .map_err(|e| format!("invalid geometry could not be repaired: {e}"))?;
        mp = canonical(&round_multi(&fixed));
        if !crate::valid::is_valid(&mp) {
            let why = mp
                .validation_errors()
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; ");
            return Err(format!("geometry is still invalid after repair: {why}"));
        }
        if before > 0.0 {
            report.area_change = (mp.unsigned_area() - before).abs() / before;
        }
    }
    Ok((mp.orient(Direction::Default), report))
}

/// Put a repaired geometry in a canonical form: each ring starts at its smallest vertex and
/// polygons are sorted. The repair's output order is not stable between runs, and the atlas
/// must be byte-identical when rebuilt from the same sources.
pub(crate) fn canonical(mp: &MultiPolygon<f64>) -> MultiPolygon<f64> {
    let ring = |ls: &LineString<f64>| {
        let mut pts: Vec<Coord<f64>> = ls.0.clone();
        pts.pop(); // drop the closing point, rotate, close again
        if let Some(start) = (0..pts.len()).min_by(|&a, &b| {
            pts[a]
                .x
                .total_cmp(&pts[b].x)
                .then(pts[a].y.total_cmp(&pts[b].y))
        }) {
            pts.rotate_left(start);
        }
        let mut out = LineString(pts);
        out.close();
        out
    };
    let key = |p: &Polygon<f64>| {
        p.exterior()
            .0
            .first()
            .map(|c| (c.x, c.y))
            .unwrap_or_default()
    };
    let mut polys: Vec<Polygon<f64>> =
        mp.0.iter()
            .map(|p| {
                let mut holes: Vec<LineString<f64>> = p.interiors().iter().map(ring).collect();
                holes.sort_by(|a, b| {
                    let (ka, kb) = (a.0[0], b.0[0]);
                    ka.x.total_cmp(&kb.x).then(ka.y.total_cmp(&kb.y))
                });
                Polygon::new(ring(p.exterior()), holes)
            })
            .collect();
    polys.sort_by(|a, b| {
        let (ka, kb) = (key(a), key(b));
        ka.0.total_cmp(&kb.0).then(ka.1.total_cmp(&kb.1))
    });
    MultiPolygon(polys)
}

/// Lines rounded to 6 decimals; polygons are refused.
pub fn clean_lines(geom: &Geometry<f64>) -> std::result::Result<MultiLineString<f64>, String> {
    let parts: Vec<LineString<f64>> = match geom {
        Geometry::LineString(l) => vec![l.clone()],
        Geometry::MultiLineString(m) => m.0.clone(),
        other => return Err(format!("expected a LineString, found {}", type_name(other))),
    };
    let parts = parts
        .iter()
        .map(|l| {
            let mut out: Vec<Coord<f64>> = Vec::with_capacity(l.0.len());
            for c in &l.0 {
                let r = Coord {
                    x: round6(c.x),
                    y: round6(c.y),
                };
                if out.last() != Some(&r) {
                    out.push(r);
                }
            }
            LineString(out)
        })
        .filter(|l| l.0.len() >= 2)
        .collect();
    Ok(MultiLineString(parts))
}

pub use equimap_atlas::kind_name as type_name;

/// Areas by code: name and cleaned boundary.
pub type NamedAreas = BTreeMap<String, (String, MultiPolygon<f64>)>;

/// Polygonal features keyed by a code property, cleaned. Duplicate codes are an error.
pub fn areas_by_code(
    src: &SourceBytes,
    code_prop: &str,
    name_prop: &str,
) -> Result<(NamedAreas, Vec<(String, String)>)> {
    let (areas, changes, _) = areas_with_property(src, code_prop, name_prop, "")?;
    Ok((areas, changes))
}

/// Areas with the repairs made to them and one more property of each (by code).
/// What [`clean_polygonal`] gives for one geometry.
type CleanResult = std::result::Result<(MultiPolygon<f64>, CleanReport), String>;

pub type AreasWithProperty = (NamedAreas, Vec<(String, String)>, BTreeMap<String, String>);

/// [`areas_by_code`], and one more property of each area (by code) where it has one.
pub fn areas_with_property(
    src: &SourceBytes,
    code_prop: &str,
    name_prop: &str,
    extra_prop: &str,
) -> Result<AreasWithProperty> {
    let mut out: NamedAreas = BTreeMap::new();
    let mut changes = Vec::new();
    let mut extra = BTreeMap::new();
    let features = read_features(src)?;
    // Repair is most of the time of a boundary file (England's 6,826 wards: 1.5 s of CPU), and
    // each feature's is independent: made in parallel, then taken in feature order below, so
    // the first bad feature is still the one reported.
    let mut cleaned: Vec<Option<CleanResult>> = features
        .par_iter()
        .map(|f| f.geometry.as_ref().map(clean_polygonal))
        .collect();
    for (i, f) in features.into_iter().enumerate() {
        let code = f.text(code_prop).ok_or_else(|| IngestError::Geometry {
            path: src.path.clone(),
            code: format!("#{i}"),
            message: format!("no {code_prop:?} property"),
        })?;
        let name = f.text(name_prop).unwrap_or_default();
        if let Some(v) = f.text(extra_prop) {
            extra.insert(code.clone(), v);
        }
        let clean = cleaned[i].take().ok_or_else(|| IngestError::Geometry {
            path: src.path.clone(),
            code: code.clone(),
            message: "null geometry".to_owned(),
        })?;
        let geom_err = |message| IngestError::Geometry {
            path: src.path.clone(),
            code: code.clone(),
            message,
        };
        let (mut mp, rep) = clean.map_err(geom_err)?;
        if rep.repaired {
            changes.push((
                code.clone(),
                format!(
                    "repaired invalid geometry (area changed by {:.5}%)",
                    rep.area_change * 100.0
                ),
            ));
        }
        if let Some((prev_name, prev)) = out.remove(&code) {
            // A few national files publish one area as several features (e.g. a ward split by
            // a district boundary). The same code and name is one area: merge the parts.
            // A different name under the same code is a real conflict.
            if prev_name != name {
                return Err(geom_err(format!(
                    "this code appears twice, named {prev_name:?} and {name:?}"
                )));
            }
            let mut parts = prev.0;
            parts.extend(mp.0);
            mp = clean_polygonal(&Geometry::MultiPolygon(MultiPolygon(parts)))
                .map_err(geom_err)?
                .0;
            changes.push((
                code.clone(),
                "merged features published separately under the same code and name".to_owned(),
            ));
        }
        out.insert(code, (name, mp));
    }
    Ok((out, changes, extra))
}
