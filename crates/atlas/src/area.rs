use std::collections::BTreeMap;
use std::path::Path;

use flatgeobuf::GeometryType;
use geo::{Geometry, MultiPolygon};

use crate::codeindex::CodeIndex;
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
    pub parents: Parents,
    /// The boundary in WGS84 longitude/latitude, exterior rings counter-clockwise (RFC 7946).
    pub geometry: MultiPolygon<f64>,
}

/// The codes of the areas an area belongs to, by geography: a few pairs in geography order,
/// read like a `BTreeMap<Geography, String>` (which took a 320-byte node an area: 20 MB for
/// England's LSOAs of both vintages).
///
/// ```
/// use equimap_atlas::{Geography, Parents};
/// let p: Parents = [(Geography::District, "E08000035".to_owned()),
///                   (Geography::Msoa21, "E02002373".to_owned())].into_iter().collect();
/// assert_eq!(p[&Geography::Msoa21], "E02002373");
/// assert_eq!(p.get(&Geography::Ward), None);
/// assert_eq!(p.iter().next().map(|(g, _)| *g), Some(Geography::Msoa21));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Parents(Box<[(Geography, String)]>);

impl Parents {
    /// The parent code at a geography.
    pub fn get(&self, g: &Geography) -> Option<&String> {
        self.0
            .binary_search_by(|(k, _)| k.cmp(g))
            .ok()
            .map(|i| &self.0[i].1)
    }

    /// (geography, code) pairs, smallest geography first.
    pub fn iter(&self) -> impl Iterator<Item = (&Geography, &String)> {
        self.0.iter().map(|(g, c)| (g, c))
    }

    /// The codes, in geography order.
    pub fn values(&self) -> impl Iterator<Item = &String> {
        self.0.iter().map(|(_, c)| c)
    }

    /// Number of parents.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True when the area records no parent.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl std::ops::Index<&Geography> for Parents {
    type Output = String;

    /// The parent code at a geography; panics when there is none, as a map's index does.
    fn index(&self, g: &Geography) -> &String {
        match self.get(g) {
            Some(c) => c,
            None => panic!("no parent at {g}"),
        }
    }
}

impl FromIterator<(Geography, String)> for Parents {
    /// As a map collects: in geography order, a repeated geography keeping its last code.
    fn from_iter<I: IntoIterator<Item = (Geography, String)>>(iter: I) -> Self {
        let map: BTreeMap<Geography, String> = iter.into_iter().collect();
        Self::from(map)
    }
}

impl From<BTreeMap<Geography, String>> for Parents {
    fn from(map: BTreeMap<Geography, String>) -> Self {
        Self(map.into_iter().collect())
    }
}

impl<'a> IntoIterator for &'a Parents {
    type Item = (&'a Geography, &'a String);
    type IntoIter = std::iter::Map<
        std::slice::Iter<'a, (Geography, String)>,
        fn(&'a (Geography, String)) -> (&'a Geography, &'a String),
    >;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|(g, c)| (g, c))
    }
}

/// All the areas of one geography, with a lookup by code.
#[derive(Debug, Clone, Default)]
pub struct AreaSet {
    /// The areas in file order.
    pub areas: Vec<Area>,
    by_code: CodeIndex,
}

impl AreaSet {
    /// Build a set; codes must be unique.
    pub fn new(areas: Vec<Area>) -> Result<Self, String> {
        let codes: Vec<&str> = areas.iter().map(|a| a.code.as_str()).collect();
        let by_code = CodeIndex::new(&codes).map_err(|c| format!("area code {c} appears twice"))?;
        Ok(Self { areas, by_code })
    }

    /// The area with this code.
    pub fn get(&self, code: &str) -> Option<&Area> {
        self.index_of(code).map(|i| &self.areas[i])
    }

    /// The index of the area with this code.
    pub fn index_of(&self, code: &str) -> Option<usize> {
        self.by_code
            .find(self.areas.len(), |i| self.areas[i].code.as_str(), code)
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
                + a.parents.len() * size_of::<(Geography, String)>()
                + a.parents.values().map(String::capacity).sum::<usize>();
            geometry + text
        };
        self.areas.capacity() * size_of::<Area>()
            + self.areas.iter().map(area).sum::<usize>()
            + self.by_code.heap_bytes()
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
