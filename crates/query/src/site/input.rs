//! Reading a site: GeoJSON in, a valid BNG MultiPolygon out, with notes on what was fixed.

use equimap_crs::Crs;
use geo::{Area, Coord, LineString, MakeValid, MultiPolygon, Polygon, Validation};
use serde_json::Value;

use super::{MAX_BUFFER_M, MAX_RINGS, MAX_VERTICES};
use crate::QueryError;

/// A site ready for measuring.
#[derive(Debug, Clone)]
pub struct ParsedSite {
    /// The site in British National Grid metres.
    pub bng: MultiPolygon<f64>,
    /// The CRS the input was read in.
    pub crs: Crs,
    /// How the CRS was known: declared, or detected (with the ranges seen).
    pub crs_how: String,
    /// Repairs and assumptions made, for the report.
    pub notes: Vec<String>,
    /// Number of vertices read.
    pub vertices: usize,
}

type RawPolygon = Vec<Vec<[f64; 2]>>;

fn bad(msg: impl Into<String>) -> QueryError {
    QueryError::BadRequest(msg.into())
}

fn position(v: &Value) -> Result<[f64; 2], QueryError> {
    let arr = v.as_array().filter(|a| a.len() >= 2).ok_or_else(|| {
        bad(format!(
            "a position must be an array of at least two numbers, found {v}"
        ))
    })?;
    let x = arr[0]
        .as_f64()
        .ok_or_else(|| bad(format!("coordinate {} is not a number", arr[0])))?;
    let y = arr[1]
        .as_f64()
        .ok_or_else(|| bad(format!("coordinate {} is not a number", arr[1])))?;
    if !x.is_finite() || !y.is_finite() {
        return Err(bad("coordinates must be finite numbers"));
    }
    Ok([x, y])
}

fn polygon(v: &Value) -> Result<RawPolygon, QueryError> {
    let rings = v
        .as_array()
        .ok_or_else(|| bad("Polygon coordinates must be an array of rings"))?;
    if rings.is_empty() {
        return Err(bad("a Polygon needs at least one ring"));
    }
    rings
        .iter()
        .map(|r| {
            r.as_array()
                .ok_or_else(|| bad("a ring must be an array of positions"))?
                .iter()
                .map(position)
                .collect()
        })
        .collect()
}

/// Collect polygons and a declared CRS name from any GeoJSON object.
fn collect(
    v: &Value,
    out: &mut Vec<RawPolygon>,
    crs: &mut Option<String>,
    depth: usize,
) -> Result<(), QueryError> {
    if depth > 8 {
        return Err(bad("GeoJSON nested too deeply"));
    }
    if let Some(name) = v.pointer("/crs/properties/name").and_then(Value::as_str) {
        *crs = Some(name.to_owned());
    }
    let ty = v
        .get("type")
        .and_then(Value::as_str)
        .ok_or_else(|| bad("not GeoJSON: the object has no \"type\""))?;
    match ty {
        "FeatureCollection" => {
            let fs = v
                .get("features")
                .and_then(Value::as_array)
                .ok_or_else(|| bad("a FeatureCollection needs a \"features\" array"))?;
            for f in fs {
                collect(f, out, crs, depth + 1)?;
            }
        }
        "Feature" => match v.get("geometry") {
            Some(g) if !g.is_null() => collect(g, out, crs, depth + 1)?,
            _ => return Err(bad("a Feature of the site has no geometry")),
        },
        "GeometryCollection" => {
            for g in v
                .get("geometries")
                .and_then(Value::as_array)
                .ok_or_else(|| bad("a GeometryCollection needs \"geometries\""))?
            {
                collect(g, out, crs, depth + 1)?;
            }
        }
        "Polygon" => out.push(polygon(
            v.get("coordinates")
                .ok_or_else(|| bad("Polygon without coordinates"))?,
        )?),
        "MultiPolygon" => {
            for p in v
                .get("coordinates")
                .and_then(Value::as_array)
                .ok_or_else(|| bad("MultiPolygon coordinates must be an array"))?
            {
                out.push(polygon(p)?);
            }
        }
        other => {
            return Err(bad(format!(
                "wrong geometry type {other}: a site must be a Polygon or MultiPolygon (or a Feature or FeatureCollection of them)"
            )));
        }
    }
    Ok(())
}

/// Parse a site from a GeoJSON body. `crs_param` overrides the CRS (e.g. `EPSG:27700`).
pub fn parse_site(body: &[u8], crs_param: Option<&str>) -> Result<ParsedSite, QueryError> {
    let v: Value = serde_json::from_slice(body).map_err(|e| bad(format!("malformed JSON: {e}")))?;
    let mut raw = Vec::new();
    let mut declared = None;
    collect(&v, &mut raw, &mut declared, 0)?;
    if raw.is_empty() {
        return Err(bad("the GeoJSON holds no polygon"));
    }
    let vertices: usize = raw.iter().flatten().map(Vec::len).sum();
    if vertices > MAX_VERTICES {
        return Err(bad(format!(
            "the site has {vertices} vertices; at most {MAX_VERTICES} are accepted"
        )));
    }
    let (crs, crs_how) = if let Some(name) = crs_param.map(str::to_owned).or(declared) {
        let crs = Crs::from_name(&name).map_err(|e| bad(format!("CRS {name:?}: {e}")))?;
        (crs, format!("declared as {name}"))
    } else {
        let d = equimap_crs::detect_crs(raw.iter().flatten().flatten().map(|p| (p[0], p[1])))
            .map_err(|e| {
                bad(format!(
                    "could not tell the CRS: {e}; declare it with ?crs=EPSG:27700 or EPSG:4326"
                ))
            })?;
        (
            d.crs,
            format!("detected from coordinate ranges: {}", d.reason),
        )
    };
    let mut notes = Vec::new();
    let mut polys = Vec::with_capacity(raw.len());
    for (pi, rp) in raw.iter().enumerate() {
        let mut rings = Vec::with_capacity(rp.len());
        for (ri, ring) in rp.iter().enumerate() {
            let mut coords = Vec::with_capacity(ring.len() + 1);
            for p in ring {
                let (x, y) = to_bng(crs, p[0], p[1])?;
                coords.push(Coord { x, y });
            }
            if coords.first() != coords.last() {
                notes.push(format!(
                    "ring {ri} of polygon {pi} was not closed; it was closed"
                ));
                if let Some(&c) = coords.first() {
                    coords.push(c);
                }
            }
            if coords.len() < 4 {
                return Err(bad(format!(
                    "ring {ri} of polygon {pi} has {} positions; a ring needs at least 4 (3 corners and the closing one)",
                    coords.len()
                )));
            }
            rings.push(LineString(coords));
        }
        let mut it = rings.into_iter();
        if let Some(ext) = it.next() {
            polys.push(Polygon::new(ext, it.collect()));
        }
    }
    let mut mp = MultiPolygon(polys);
    if !mp.is_valid() {
        let before = mp.unsigned_area();
        let why: Vec<String> = mp
            .validation_errors()
            .iter()
            .take(3)
            .map(ToString::to_string)
            .collect();
        mp = mp.make_valid().map_err(|e| {
            bad(format!(
                "the site's geometry is invalid ({}) and could not be repaired: {e}",
                why.join("; ")
            ))
        })?;
        let after = mp.unsigned_area();
        notes.push(format!("the site's geometry was invalid ({}); it was repaired, changing its area from {:.0} m² to {:.0} m²", why.join("; "), before, after));
    }
    if mp.unsigned_area() < 1.0 {
        return Err(bad("the site has no area (under 1 m²)"));
    }
    Ok(ParsedSite {
        bng: mp,
        crs,
        crs_how,
        notes,
        vertices,
    })
}

fn to_bng(crs: Crs, x: f64, y: f64) -> Result<(f64, f64), QueryError> {
    let (lon, lat) = equimap_crs::to_wgs84(&crs, x, y)
        .map_err(|e| bad(format!("coordinate ({x}, {y}) is out of range: {e}")))?;
    equimap_crs::from_wgs84(&Crs::BritishNationalGrid, lon, lat).map_err(|e| {
        bad(format!(
            "coordinate ({x}, {y}) is outside Great Britain's grid: {e}"
        ))
    })
}

/// Parse `buffer_m`: comma-separated metres, each above 0 and at most 5 km, at most 5 rings.
pub fn parse_buffers(s: Option<&str>) -> Result<Vec<f64>, QueryError> {
    let Some(s) = s.filter(|s| !s.trim().is_empty()) else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for part in s.split(',') {
        let v: f64 = part
            .trim()
            .parse()
            .map_err(|_| bad(format!("buffer {part:?} is not a number of metres")))?;
        if !(v > 0.0 && v <= MAX_BUFFER_M) {
            return Err(bad(format!(
                "buffer {v} m is out of range: each ring must be above 0 and at most {MAX_BUFFER_M} m"
            )));
        }
        out.push(v);
    }
    out.sort_by(f64::total_cmp);
    out.dedup();
    if out.len() > MAX_RINGS {
        return Err(bad(format!(
            "{} buffer rings asked for; at most {MAX_RINGS}",
            out.len()
        )));
    }
    Ok(out)
}
