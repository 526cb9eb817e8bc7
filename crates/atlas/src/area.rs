use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use flatgeobuf::GeometryType;
use geo::{Geometry, MultiPolygon};

use crate::{AtlasError, Geography, read_fgb, write_area_fgb};

/// One area of a geography: an LSOA, an MSOA, a ward or the district.
#[derive(Debug, Clone, PartialEq)]
pub struct Area {
    /// The ONS code, e.g. `E01011264`.
    pub code: String,
    /// The ONS name, e.g. `Leeds 011A`.
    pub name: String,
    /// A friendlier name where one is published (House of Commons Library MSOA names).
    pub alt_name: Option<String>,
    /// Codes of the areas this one belongs to, by geography.
    pub parents: BTreeMap<Geography, String>,
    /// The boundary in WGS84 longitude/latitude, exterior rings counter-clockwise (RFC 7946).
    pub geometry: MultiPolygon<f64>,
}

/// All the areas of one geography, with a lookup by code.
#[derive(Debug, Clone, Default)]
pub struct AreaSet {
    /// The areas in file order.
    pub areas: Vec<Area>,
    by_code: HashMap<String, usize>,
}

impl AreaSet {
    /// Build a set; codes must be unique.
    pub fn new(areas: Vec<Area>) -> Result<Self, String> {
        let mut by_code = HashMap::with_capacity(areas.len());
        for (i, a) in areas.iter().enumerate() {
            if by_code.insert(a.code.clone(), i).is_some() {
                return Err(format!("area code {} appears twice", a.code));
            }
        }
        Ok(Self { areas, by_code })
    }

    /// The area with this code.
    pub fn get(&self, code: &str) -> Option<&Area> {
        self.by_code.get(code).map(|&i| &self.areas[i])
    }

    /// The index of the area with this code.
    pub fn index_of(&self, code: &str) -> Option<usize> {
        self.by_code.get(code).copied()
    }

    /// Bytes the set holds in memory: coordinates, rings and polygons, codes, names and
    /// parents (each allocation counted at its capacity; allocator overhead not counted).
    pub fn heap_bytes(&self) -> usize {
        use std::mem::size_of;
        let ring = |l: &geo::LineString<f64>| l.0.capacity() * size_of::<geo::Coord<f64>>();
        let area = |a: &Area| {
            let geometry: usize = a
                .geometry
                .0
                .iter()
                .map(|p| {
                    ring(p.exterior())
                        + p.interiors().iter().map(ring).sum::<usize>()
                        + std::mem::size_of_val(p.interiors())
                })
                .sum::<usize>()
                + a.geometry.0.capacity() * size_of::<geo::Polygon<f64>>();
            let text = a.code.capacity()
                + a.name.capacity()
                + a.alt_name.as_ref().map_or(0, String::capacity)
                + a.parents
                    .values()
                    .map(|c| c.capacity() + size_of::<(Geography, String)>())
                    .sum::<usize>();
            geometry + text
        };
        self.areas.capacity() * size_of::<Area>()
            + self.areas.iter().map(area).sum::<usize>()
            + self.by_code.capacity() * (size_of::<(String, usize)>() + 1)
            + self.by_code.keys().map(String::capacity).sum::<usize>()
    }

    /// Number of areas.
    pub fn len(&self) -> usize {
        self.areas.len()
    }

    /// True when there are no areas.
    pub fn is_empty(&self) -> bool {
        self.areas.is_empty()
    }

    /// The attribute columns stored for a geography: code, name, alt name, then parent codes.
    pub fn columns(geography: Geography) -> Vec<&'static str> {
        let mut cols = vec!["code", "name", "name_alt"];
        cols.extend(geography.parents().iter().map(|p| p.id()));
        cols
    }

    /// Write the set as `geographies/<geography>.fgb`.
    pub fn write(&self, geography: Geography, path: &Path) -> Result<(), AtlasError> {
        let features: Vec<(Geometry<f64>, Vec<Option<String>>)> = self
            .areas
            .iter()
            .map(|a| {
                let mut values = vec![
                    Some(a.code.clone()),
                    Some(a.name.clone()),
                    a.alt_name.clone(),
                ];
                values.extend(
                    geography
                        .parents()
                        .iter()
                        .map(|p| a.parents.get(p).cloned()),
                );
                (Geometry::MultiPolygon(a.geometry.clone()), values)
            })
            .collect();
        write_area_fgb(
            path,
            geography.id(),
            GeometryType::MultiPolygon,
            &Self::columns(geography),
            &features,
        )
    }

    /// Read `geographies/<geography>.fgb`, sorted by code so that order does not depend on the
    /// spatial index.
    pub fn read(geography: Geography, path: &Path) -> Result<Self, AtlasError> {
        let mut areas = Vec::new();
        for (i, (geom, props)) in read_fgb(path)?.into_iter().enumerate() {
            let code = props
                .get("code")
                .cloned()
                .ok_or_else(|| AtlasError::invalid(path, format!("feature {i} has no code")))?;
            let name = props.get("name").cloned().unwrap_or_default();
            let geometry = match geom {
                Geometry::MultiPolygon(mp) => mp,
                Geometry::Polygon(p) => MultiPolygon(vec![p]),
                other => {
                    return Err(AtlasError::invalid(
                        path,
                        format!(
                            "area {code} has a {} geometry, expected polygons",
                            kind_name(&other)
                        ),
                    ));
                }
            };
            let parents = geography
                .parents()
                .iter()
                .filter_map(|p| props.get(p.id()).map(|c| (*p, c.clone())))
                .collect();
            areas.push(Area {
                code,
                name,
                alt_name: props.get("name_alt").cloned(),
                parents,
                geometry,
            });
        }
        areas.sort_by(|a, b| a.code.cmp(&b.code));
        Self::new(areas).map_err(|m| AtlasError::invalid(path, m))
    }
}

/// The name of a geometry's type, for messages.
pub fn kind_name(g: &Geometry<f64>) -> &'static str {
    match g {
        Geometry::Point(_) => "Point",
        Geometry::Line(_) => "Line",
        Geometry::LineString(_) => "LineString",
        Geometry::Polygon(_) => "Polygon",
        Geometry::MultiPoint(_) => "MultiPoint",
        Geometry::MultiLineString(_) => "MultiLineString",
        Geometry::MultiPolygon(_) => "MultiPolygon",
        Geometry::GeometryCollection(_) => "GeometryCollection",
        Geometry::Rect(_) => "Rect",
        Geometry::Triangle(_) => "Triangle",
    }
}
