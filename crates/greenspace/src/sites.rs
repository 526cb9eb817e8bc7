//! Sites and entrances: the public types of the tile layers, and OS Open Greenspace's sites
//! and access points with the function filter of issue #5.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use geo::{Area, Geometry, MultiPolygon, Point, Polygon};

use crate::read::{Sources, features};
use crate::report::Report;
use crate::{GreenspaceError, Reachable};

/// The attribution OS Open Greenspace's licence (OGL v3) asks for.
pub const OS_ATTRIBUTION: &str = "Contains OS data © Crown copyright and database right 2025";
/// The attribution OpenStreetMap's licence (ODbL 1.0) asks for.
pub const OSM_ATTRIBUTION: &str = "© OpenStreetMap contributors";

/// The OS Open Greenspace sites file, relative to the sources directory.
pub const OS_SITES_FILE: &str =
    "greenspace_os_open_greenspace_leeds/os_greenspace_sites_leeds.geojson";
/// The OS Open Greenspace access points file, relative to the sources directory.
pub const OS_ACCESS_FILE: &str =
    "greenspace_os_open_greenspace_leeds/os_greenspace_access_points_leeds.geojson";

/// OS Open Greenspace functions that count as public green space (issue #5).
pub const COUNTED_FUNCTIONS: [&str; 3] = ["Public Park Or Garden", "Playing Field", "Play Space"];
/// The function whose entrances the "distance to a park" indicator measures to.
pub const PARK_FUNCTION: &str = "Public Park Or Garden";

/// Where a site's geometry comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Source {
    /// Ordnance Survey's OS Open Greenspace (OGL v3).
    OsOpenGreenspace,
    /// OpenStreetMap (ODbL 1.0).
    OpenStreetMap,
}

impl Source {
    /// The name shown in the tile layer's `source` property.
    pub fn name(self) -> &'static str {
        match self {
            Source::OsOpenGreenspace => "OS Open Greenspace",
            Source::OpenStreetMap => "OpenStreetMap",
        }
    }

    /// The attribution statement the source's licence asks for.
    pub fn attribution(self) -> &'static str {
        match self {
            Source::OsOpenGreenspace => OS_ATTRIBUTION,
            Source::OpenStreetMap => OSM_ATTRIBUTION,
        }
    }

    /// The licence.
    pub fn licence(self) -> &'static str {
        match self {
            Source::OsOpenGreenspace => "OGL v3",
            Source::OpenStreetMap => "ODbL 1.0",
        }
    }
}

/// What a site is for the standards: counted (public or natural) or an optional category that
/// is mapped but never counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SiteCategory {
    /// OS Open Greenspace public park or garden, playing field or play space.
    Public,
    /// OpenStreetMap natural or semi-natural green space (woods, heath, commons, ...).
    Natural,
    /// OS Open Greenspace cemetery (optional category; not counted).
    Cemetery,
    /// OS Open Greenspace religious grounds (optional category; not counted).
    ReligiousGrounds,
    /// OS Open Greenspace allotments or community growing spaces (optional; not counted).
    Allotments,
}

impl SiteCategory {
    /// A stable id for tile properties.
    pub fn id(self) -> &'static str {
        match self {
            SiteCategory::Public => "public",
            SiteCategory::Natural => "natural",
            SiteCategory::Cemetery => "cemetery",
            SiteCategory::ReligiousGrounds => "religious_grounds",
            SiteCategory::Allotments => "allotments",
        }
    }

    /// True for the categories the Natural England standards are measured against.
    pub fn counts_toward_standards(self) -> bool {
        matches!(self, SiteCategory::Public | SiteCategory::Natural)
    }
}

/// What happens to an OS Open Greenspace site of a given function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OsRule {
    /// Public green space: counted toward the standards.
    Counted,
    /// Kept for the map as an optional category, never counted.
    Optional(SiteCategory),
    /// Left out: golf courses, bowling greens, tennis courts, other sports facilities, and any
    /// function this crate does not know.
    Excluded,
}

/// The rule of issue #5 for an OS Open Greenspace `function`.
pub fn os_function_rule(function: &str) -> OsRule {
    match function {
        f if COUNTED_FUNCTIONS.contains(&f) => OsRule::Counted,
        "Cemetery" => OsRule::Optional(SiteCategory::Cemetery),
        "Religious Grounds" => OsRule::Optional(SiteCategory::ReligiousGrounds),
        "Allotments Or Community Growing Spaces" => OsRule::Optional(SiteCategory::Allotments),
        _ => OsRule::Excluded,
    }
}

/// One green-space site for the `greenspace` tile layer.
#[derive(Debug, Clone, PartialEq)]
pub struct Site {
    /// OS Open Greenspace GUID, or `osm:` and the smallest OSM element of a merged natural site.
    pub id: String,
    /// The site's name (OS `distName1`; for OSM the distinct member names, at most three).
    pub name: Option<String>,
    /// OS function, or the OSM categories merged into the site ("Grassland, Wood").
    pub function: String,
    /// Counted or optional category.
    pub category: SiteCategory,
    /// Where the geometry comes from.
    pub source: Source,
    /// Area in hectares, planar in British National Grid (OSTN15).
    pub hectares: f64,
    /// Number of OS access points; 0 for OSM sites, which are reached through their edge.
    pub access_points: usize,
    /// For counted sites, the hectares of the group of touching counted sites (OS and OSM
    /// together) it belongs to, which is the size the standards judge; for optional
    /// categories, its own hectares.
    pub group_hectares: f64,
    /// The boundary in WGS84 longitude/latitude.
    pub geometry: MultiPolygon<f64>,
}

/// One entrance for the `greenspace_access` tile layer.
#[derive(Debug, Clone, PartialEq)]
pub struct AccessPoint {
    /// OS access point GUID.
    pub id: String,
    /// The site it opens onto (`Site::id`).
    pub site_id: String,
    /// OS `accessType` ("Pedestrian", "Motor Vehicle And Pedestrian").
    pub access_type: String,
    /// The site's function.
    pub site_function: String,
    /// The site's name.
    pub site_name: Option<String>,
    /// The site's category.
    pub category: SiteCategory,
    /// The position in WGS84 longitude/latitude.
    pub geometry: Point<f64>,
}

/// OS Open Greenspace after the function filter.
pub(crate) struct OsData {
    /// Counted and optional sites, sorted by id.
    pub sites: Vec<Site>,
    /// Entrances of those sites, sorted by id.
    pub access_points: Vec<AccessPoint>,
    /// The counted sites, projected, with their entrances.
    pub reachable: Vec<Reachable>,
    /// Every site of any function in WGS84: OpenStreetMap is clipped to land OS does not map.
    pub all_polygons: Vec<Polygon<f64>>,
}

const OS_ID: &[&str] = &["id"];

/// Reads and filters OS Open Greenspace.
// Not yet split into named steps (issue #13 left it; the lint is on for new code).
#[allow(clippy::too_many_lines)]
pub(crate) fn read_os(src: &mut Sources, report: &mut Report) -> Result<OsData, GreenspaceError> {
    let (path, text) = src.read_text(OS_SITES_FILE)?;
    let feats = features(&path, &text, OS_ID)?;
    let mut by_function: BTreeMap<String, (usize, OsRule)> = BTreeMap::new();
    let mut sites = Vec::new();
    let mut bng_of = Vec::new();
    let mut all_polygons = Vec::new();
    let mut index_of: HashMap<String, usize> = HashMap::new();
    let mut seen = HashMap::new();
    let mut max_area_diff = 0.0_f64;
    for f in &feats {
        let id = f.required_str(&path, "id", OS_ID)?.to_owned();
        let function = f.required_str(&path, "function", OS_ID)?.to_owned();
        if seen.insert(id.clone(), f.index).is_some() {
            return Err(GreenspaceError::InvalidFeature {
                path: path.clone(),
                feature: f.describe(OS_ID),
                problem: "the site id appears twice".to_owned(),
            });
        }
        let mp = polygons(&path, f.geometry.as_ref(), || f.describe(OS_ID))?;
        all_polygons.extend(mp.0.iter().cloned());
        let rule = os_function_rule(&function);
        by_function.entry(function.clone()).or_insert((0, rule)).0 += 1;
        let category = match rule {
            OsRule::Counted => SiteCategory::Public,
            OsRule::Optional(c) => c,
            OsRule::Excluded => continue,
        };
        let bng = project(&path, &mp, || f.describe(OS_ID))?;
        let hectares = bng.unsigned_area() / 10_000.0;
        if let Some(published) = f
            .properties
            .get("area_ha")
            .and_then(serde_json::Value::as_f64)
        {
            max_area_diff = max_area_diff.max((published - hectares).abs());
        }
        index_of.insert(id.clone(), sites.len());
        sites.push(Site {
            id,
            name: f.str("distName1").map(str::to_owned),
            function,
            category,
            source: Source::OsOpenGreenspace,
            hectares,
            access_points: 0,
            group_hectares: hectares,
            geometry: mp,
        });
        bng_of.push(bng);
    }
    report.line(format!(
        "OS Open Greenspace: {} sites read from {}",
        feats.len(),
        OS_SITES_FILE
    ));
    for (function, (n, rule)) in &by_function {
        let what = match rule {
            OsRule::Counted => "kept, counted",
            OsRule::Optional(_) => "kept as an optional category, not counted",
            OsRule::Excluded => "dropped (not public green space)",
        };
        report.line(format!("  function {function:?}: {n} {what}"));
    }
    report.line(format!(
        "  largest difference between our OSTN15 area and the file's area_ha: {max_area_diff:.4} ha"
    ));

    let (path, text) = src.read_text(OS_ACCESS_FILE)?;
    let feats = features(&path, &text, OS_ID)?;
    let mut entrances: Vec<Vec<[f64; 2]>> = vec![Vec::new(); sites.len()];
    let mut access_points = Vec::new();
    let (mut of_excluded, mut unknown) = (0, 0);
    for f in &feats {
        let id = f.required_str(&path, "id", OS_ID)?.to_owned();
        let site_ref = f.required_str(&path, "refToGSite", OS_ID)?;
        let access_type = f.required_str(&path, "accessType", OS_ID)?.to_owned();
        let Some(Geometry::Point(point)) = f.geometry else {
            return Err(GreenspaceError::BrokenGeometry {
                path: path.clone(),
                feature: f.describe(OS_ID),
                problem: "an access point must be a Point".to_owned(),
            });
        };
        let Some(&i) = index_of.get(site_ref) else {
            if seen.contains_key(site_ref) {
                of_excluded += 1;
            } else {
                unknown += 1;
            }
            continue;
        };
        let (x, y) =
            equimap_crs::from_wgs84(&equimap_crs::Crs::BritishNationalGrid, point.x(), point.y())
                .map_err(|e| GreenspaceError::BrokenGeometry {
                path: path.clone(),
                feature: f.describe(OS_ID),
                problem: e.to_string(),
            })?;
        entrances[i].push([x, y]);
        let site = &mut sites[i];
        site.access_points += 1;
        access_points.push(AccessPoint {
            id,
            site_id: site.id.clone(),
            access_type,
            site_function: site.function.clone(),
            site_name: site.name.clone(),
            category: site.category,
            geometry: point,
        });
    }
    access_points.sort_by(|a, b| a.id.cmp(&b.id));
    report.line(format!(
        "OS Open Greenspace: {} access points read; {} kept (entrances of kept sites), \
         {of_excluded} dropped with their excluded sites, {unknown} name no site in the file",
        feats.len(),
        access_points.len()
    ));

    let mut reachable = Vec::new();
    let mut without = BTreeMap::<&str, usize>::new();
    for (i, (site, bng)) in sites.iter().zip(bng_of).enumerate() {
        if site.category != SiteCategory::Public {
            continue;
        }
        if entrances[i].is_empty() {
            *without.entry(site.function.as_str()).or_default() += 1;
        }
        reachable.push(Reachable::new(
            site.id.clone(),
            bng,
            site.hectares,
            std::mem::take(&mut entrances[i]),
            site.function == PARK_FUNCTION,
        ));
    }
    let n_without: usize = without.values().sum();
    report.line(format!(
        "  counted sites without access points (reached through their boundary instead): \
         {n_without} of {} ({})",
        reachable.len(),
        without
            .iter()
            .map(|(f, n)| format!("{f} {n}"))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    Ok(OsData {
        sites,
        access_points,
        reachable,
        all_polygons,
    })
}

/// The polygons of a geometry that must be polygonal.
fn polygons(
    path: &Path,
    g: Option<&Geometry<f64>>,
    feature: impl Fn() -> String,
) -> Result<MultiPolygon<f64>, GreenspaceError> {
    match g {
        Some(Geometry::Polygon(p)) => Ok(MultiPolygon(vec![p.clone()])),
        Some(Geometry::MultiPolygon(mp)) => Ok(mp.clone()),
        other => Err(GreenspaceError::BrokenGeometry {
            path: path.to_owned(),
            feature: feature(),
            problem: format!(
                "a site must be a Polygon or MultiPolygon, found {}",
                other.map_or("no geometry", geometry_kind)
            ),
        }),
    }
}

/// Projects WGS84 polygons to British National Grid, naming the feature on failure.
pub(crate) fn project(
    path: &Path,
    mp: &MultiPolygon<f64>,
    feature: impl Fn() -> String,
) -> Result<MultiPolygon<f64>, GreenspaceError> {
    let problem = match equimap_crs::geometry_to_bng(&Geometry::MultiPolygon(mp.clone())) {
        Ok(Geometry::MultiPolygon(out)) => return Ok(out),
        // map_coords keeps the geometry type; say so rather than panic if that ever changes.
        Ok(other) => format!("projection returned a {}", geometry_kind(&other)),
        Err(e) => e.to_string(),
    };
    Err(GreenspaceError::BrokenGeometry {
        path: path.to_owned(),
        feature: feature(),
        problem,
    })
}

/// The GeoJSON name of a geometry's type.
pub(crate) fn geometry_kind(g: &Geometry<f64>) -> &'static str {
    match g {
        Geometry::Point(_) => "Point",
        Geometry::Line(_) | Geometry::LineString(_) => "LineString",
        Geometry::Polygon(_) | Geometry::Rect(_) | Geometry::Triangle(_) => "Polygon",
        Geometry::MultiPoint(_) => "MultiPoint",
        Geometry::MultiLineString(_) => "MultiLineString",
        Geometry::MultiPolygon(_) => "MultiPolygon",
        Geometry::GeometryCollection(_) => "GeometryCollection",
    }
}
