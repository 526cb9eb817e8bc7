//! Natural green space from OpenStreetMap: the tag files of issue #5, the access filter, the
//! de-duplication against OS Open Greenspace, and the merging of touching polygons into sites.

use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use geo::{
    Area, BooleanOps, BoundingRect, Geometry, InteriorPoint, Intersects, MultiPolygon, Polygon,
};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, RTree};

use crate::access::find;
use crate::read::{Sources, features, hstore_get};
use crate::report::Report;
use crate::sites::{Site, SiteCategory, Source, geometry_kind, project};
use crate::{GreenspaceError, Reachable};

/// The folder of the OpenStreetMap extract, relative to the sources directory.
pub const OSM_DIR: &str = "greenspace_osm_leeds";

/// The OpenStreetMap files read as natural green space: file name, the tag it holds, and the
/// label a site carries in its `function`. Meadow (mostly farmland), scrub, parks, gardens,
/// pitches, playgrounds and golf courses are not read: OS Open Greenspace covers the public
/// ones, and the rest are not natural green space open to the public.
pub const NATURAL_FILES: [(&str, &str, &str); 9] = [
    ("leeds-natural-wood.geojson", "natural=wood", "Wood"),
    ("leeds-landusage-forest.geojson", "landuse=forest", "Forest"),
    (
        "leeds-leisure-nature_reserve.geojson",
        "leisure=nature_reserve",
        "Nature reserve",
    ),
    ("leeds-leisure-common.geojson", "leisure=common", "Common"),
    (
        "leeds-landusage-village_green.geojson",
        "landuse=village_green",
        "Village green",
    ),
    ("leeds-natural-heath.geojson", "natural=heath", "Heath"),
    (
        "leeds-natural-grassland.geojson",
        "natural=grassland",
        "Grassland",
    ),
    (
        "leeds-landusage-recreation_ground.geojson",
        "landuse=recreation_ground",
        "Recreation ground",
    ),
    (
        "leeds-leisure-recreation_ground.geojson",
        "leisure=recreation_ground",
        "Recreation ground",
    ),
];

/// `access` values that make a feature private (issue #5).
pub const PRIVATE_ACCESS: [&str; 2] = ["private", "no"];

/// Pieces smaller than this (square metres) left over when a feature is clipped to the land
/// outside OS sites are slivers along a boundary both sources map, and are dropped.
pub const SLIVER_M2: f64 = 100.0;

/// Share of a feature's area inside OS Open Greenspace sites at or above which the feature is
/// taken to be the same place mapped twice and dropped; below it, only the overlap is cut off.
pub const DUPLICATE_SHARE: f64 = 0.5;

const OSM_ID: &[&str] = &["osm_way_id", "osm_id"];

/// One OpenStreetMap element that passed the tag, geometry and access rules.
struct Candidate {
    key: String,
    name: Option<String>,
    labels: BTreeSet<&'static str>,
    shape: MultiPolygon<f64>,
}

/// The natural sites, for the tile layer and for the access computation (same order).
pub(crate) struct NaturalData {
    pub sites: Vec<Site>,
    pub reachable: Vec<Reachable>,
}

/// Reads the natural-green-space files and turns them into sites.
///
/// `os_polygons` are all OS Open Greenspace sites, of any function: where OS maps a site, its
/// function decides whether the land counts, so OpenStreetMap never adds it a second time.
// Not yet split into named steps (issue #13 left it; the lint is on for new code).
#[allow(clippy::too_many_lines)]
pub(crate) fn read_natural(
    src: &mut Sources,
    os_polygons: &[Polygon<f64>],
    report: &mut Report,
) -> Result<NaturalData, GreenspaceError> {
    let mut candidates: Vec<Candidate> = Vec::new();
    let mut by_key: HashMap<String, usize> = HashMap::new();
    let mut other_access: BTreeMap<String, usize> = BTreeMap::new();
    // Each candidate's polygons, in candidate order.
    let mut parts: Vec<Vec<Polygon<f64>>> = Vec::new();
    for (file, tag, label) in NATURAL_FILES {
        let (path, text) = src.read_text(&format!("{OSM_DIR}/{file}"))?;
        let feats = features(&path, &text, OSM_ID)?;
        let mut not_area: BTreeMap<&str, usize> = BTreeMap::new();
        let (mut duplicate, mut private, mut from_collections, mut kept) = (0, 0, 0, 0);
        for f in &feats {
            let polys: Vec<Polygon<f64>> = match &f.geometry {
                Some(Geometry::Polygon(p)) => vec![p.clone()],
                Some(Geometry::MultiPolygon(mp)) => mp.0.clone(),
                Some(Geometry::GeometryCollection(gc)) => {
                    let parts: Vec<Polygon<f64>> = gc
                        .iter()
                        .filter_map(|g| match g {
                            Geometry::Polygon(p) => Some(vec![p.clone()]),
                            Geometry::MultiPolygon(mp) => Some(mp.0.clone()),
                            _ => None,
                        })
                        .flatten()
                        .collect();
                    if !parts.is_empty() {
                        from_collections += 1;
                    }
                    parts
                }
                _ => Vec::new(),
            };
            if polys.is_empty() {
                let kind = f.geometry.as_ref().map_or("no geometry", geometry_kind);
                *not_area.entry(kind).or_default() += 1;
                continue;
            }
            // ogr2ogr writes closed ways with `osm_way_id` and multipolygon relations with
            // `osm_id`; the same element can sit in two files (landuse=forest + natural=wood).
            let key = if let Some(id) = f.id_like("osm_way_id") {
                format!("way/{id}")
            } else if let Some(id) = f.id_like("osm_id") {
                format!("relation/{id}")
            } else {
                return Err(GreenspaceError::MissingProperty {
                    path: path.clone(),
                    feature: f.describe(OSM_ID),
                    property: "osm_way_id or osm_id".to_owned(),
                    expected: "a string or a number",
                });
            };
            if let Some(&i) = by_key.get(&key) {
                candidates[i].labels.insert(label);
                duplicate += 1;
                continue;
            }
            let access = f
                .str("access")
                .map(str::to_owned)
                .or_else(|| f.str("other_tags").and_then(|t| hstore_get(t, "access")));
            if let Some(a) = access {
                if PRIVATE_ACCESS.contains(&a.as_str()) {
                    private += 1;
                    continue;
                }
                *other_access.entry(a).or_default() += 1;
            }
            by_key.insert(key.clone(), candidates.len());
            candidates.push(Candidate {
                key,
                name: f.str("name").map(str::to_owned),
                labels: BTreeSet::from([label]),
                // Dissolved below, once every file is read.
                shape: MultiPolygon(Vec::new()),
            });
            parts.push(polys);
            kept += 1;
        }
        let not_area = if not_area.is_empty() {
            "0".to_owned()
        } else {
            not_area
                .iter()
                .map(|(k, n)| format!("{n} {k}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        report.line(format!(
            "OpenStreetMap {file} ({tag}): {} read; dropped: not an area {not_area}, already read \
             in an earlier file {duplicate}, access=private|no {private}; kept {kept} \
             ({from_collections} from the polygons of a GeometryCollection)",
            feats.len()
        ));
    }
    report.line(format!(
        "OpenStreetMap: other access values kept: {}",
        if other_access.is_empty() {
            "none".to_owned()
        } else {
            other_access
                .iter()
                .map(|(k, n)| format!("{k} {n}"))
                .collect::<Vec<_>>()
                .join(", ")
        }
    ));

    // Dissolving each feature on its own repairs self-overlapping OSM rings, so that its area
    // and its overlap with OS below are measured correctly.
    let shapes: Vec<MultiPolygon<f64>> = parts.par_iter().map(geo::unary_union).collect();
    for (c, shape) in candidates.iter_mut().zip(shapes) {
        c.shape = shape;
    }
    let candidates = clip_to_unmapped(candidates, os_polygons, report);
    let merged = merge(&candidates);
    let mut sites = Vec::with_capacity(merged.len());
    let mut reachable = Vec::with_capacity(merged.len());
    let path = src.dir.join(OSM_DIR);
    let mut ids: HashMap<String, usize> = HashMap::new();
    for (shape, members) in merged {
        let bng = project(&path, &shape, || {
            format!("merged site of {}", members.join(", "))
        })?;
        let hectares = bng.unsigned_area() / 10_000.0;
        let names: BTreeSet<&str> = members
            .iter()
            .filter_map(|k| candidates[&**k].name.as_deref())
            .collect();
        let labels: BTreeSet<&str> = members
            .iter()
            .flat_map(|k| candidates[&**k].labels.iter().copied())
            .collect();
        let name = match names.len() {
            0 => None,
            1..=3 => Some(names.iter().copied().collect::<Vec<_>>().join("; ")),
            n => Some(format!(
                "{} and {} more",
                names.iter().take(3).copied().collect::<Vec<_>>().join("; "),
                n - 3
            )),
        };
        let base = match members.first() {
            Some(key) => format!("osm:{key}"),
            // Only if overlay rounding moved every member's interior point out of the merged
            // shape; name it by its first vertex so that ids stay unique and stable.
            None => shape
                .iter()
                .flat_map(|p| p.exterior().coords())
                .next()
                .map_or_else(
                    || "osm:".to_owned(),
                    |c| format!("osm:at/{:.6},{:.6}", c.x, c.y),
                ),
        };
        // A feature cut in two by an OS site leads two merged sites: number the later ones.
        let seen = ids.entry(base.clone()).or_default();
        *seen += 1;
        let id = if *seen == 1 {
            base
        } else {
            format!("{base}#{seen}")
        };
        reachable.push(Reachable::new(id.clone(), bng, hectares, Vec::new(), false));
        sites.push(Site {
            id,
            name,
            function: labels.into_iter().collect::<Vec<_>>().join(", "),
            category: SiteCategory::Natural,
            source: Source::OpenStreetMap,
            hectares,
            access_points: 0,
            group_hectares: hectares,
            geometry: shape,
        });
    }
    let small = sites.iter().filter(|s| s.hectares < 0.5).count();
    report.line(format!(
        "OpenStreetMap: {} features merged into {} natural sites (touching polygons joined), \
         {small} of them under 0.5 ha, {:.1} ha in all",
        candidates.len(),
        sites.len(),
        sites.iter().map(|s| s.hectares).sum::<f64>()
    ));
    Ok(NaturalData { sites, reachable })
}

fn rect_of(r: geo::Rect<f64>) -> Rectangle<[f64; 2]> {
    Rectangle::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y])
}

/// Drops candidates that are mostly OS-mapped land and cuts the OS-mapped part off the rest.
fn clip_to_unmapped(
    candidates: Vec<Candidate>,
    os_polygons: &[Polygon<f64>],
    report: &mut Report,
) -> BTreeMap<String, Candidate> {
    // OS sites overlap each other (play spaces inside parks); dissolve them first so the cover
    // handed to the overlay is a valid MultiPolygon.
    let cover = geo::unary_union(os_polygons);
    let tree: RTree<GeomWithData<Rectangle<[f64; 2]>, usize>> = RTree::bulk_load(
        cover
            .iter()
            .enumerate()
            .filter_map(|(i, p)| Some(GeomWithData::new(rect_of(p.bounding_rect()?), i)))
            .collect(),
    );
    let clips: Vec<Clip> = candidates
        .into_par_iter()
        .map(|c| clip_one(c, &cover, &tree))
        .collect();
    let (mut dropped, mut clipped, mut untouched, mut empty, mut slivers) = (0, 0, 0, 0, 0);
    let mut out = BTreeMap::new();
    for clip in clips {
        let kept = match clip {
            Clip::Empty(n) => {
                slivers += n;
                empty += 1;
                continue;
            }
            Clip::Dropped => {
                dropped += 1;
                continue;
            }
            Clip::Untouched(c) => {
                untouched += 1;
                c
            }
            Clip::Clipped(c, n) => {
                slivers += n;
                clipped += 1;
                c
            }
        };
        out.insert(kept.key.clone(), kept);
    }
    report.line(format!(
        "OpenStreetMap vs OS Open Greenspace (sites of any function): {dropped} features dropped \
         (at least {:.0}% of their area is an OS site: the same place mapped twice), {clipped} \
         clipped to the part outside OS sites ({slivers} slivers under {SLIVER_M2} m² left by \
         clipping dropped), {untouched} not overlapping, {empty} left without area",
        DUPLICATE_SHARE * 100.0
    ));
    out
}

/// What clipping did to one candidate.
enum Clip {
    /// Nothing left (after dropping this many slivers).
    Empty(usize),
    /// Mostly an OS site already: the same place mapped twice.
    Dropped,
    /// No OS site overlaps it.
    Untouched(Candidate),
    /// Cut to the part outside OS sites, after dropping this many slivers.
    Clipped(Candidate, usize),
}

/// Clip one candidate to the part outside the OS sites (`cover`, indexed by `tree`).
fn clip_one(
    mut c: Candidate,
    cover: &MultiPolygon<f64>,
    tree: &RTree<GeomWithData<Rectangle<[f64; 2]>, usize>>,
) -> Clip {
    let Some(r) = c.shape.bounding_rect() else {
        return Clip::Empty(0);
    };
    let env = AABB::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]);
    let mut near: Vec<usize> = tree
        .locate_in_envelope_intersecting(env)
        .map(|g| g.data)
        .filter(|&i| cover.0[i].intersects(&c.shape))
        .collect();
    near.sort_unstable();
    let area = c.shape.unsigned_area();
    if area <= 0.0 {
        return Clip::Empty(0);
    }
    if near.is_empty() {
        return Clip::Untouched(c);
    }
    let local = MultiPolygon(near.iter().map(|&i| cover.0[i].clone()).collect());
    let overlap = c.shape.intersection(&local).unsigned_area();
    if overlap >= DUPLICATE_SHARE * area {
        return Clip::Dropped;
    }
    if overlap <= 0.0 {
        return Clip::Untouched(c);
    }
    let (rest, n) = without_slivers(c.shape.difference(&local));
    if rest.0.is_empty() {
        return Clip::Empty(n);
    }
    c.shape = rest;
    Clip::Clipped(c, n)
}

/// Drops the polygons under [`SLIVER_M2`], measured in BNG; returns the rest and how many went.
fn without_slivers(mp: MultiPolygon<f64>) -> (MultiPolygon<f64>, usize) {
    let before = mp.0.len();
    let kept: Vec<Polygon<f64>> =
        mp.0.into_iter()
            .filter(|p| {
                // A part that cannot be projected is kept: projecting the merged site later fails
                // with the file and feature named, which is better than dropping it here.
                equimap_crs::geometry_to_bng(&Geometry::Polygon(p.clone()))
                    .map_or(true, |g| g.unsigned_area() >= SLIVER_M2)
            })
            .collect();
    let dropped = before - kept.len();
    (MultiPolygon(kept), dropped)
}

/// Dissolves the candidates and groups polygons that touch (even at a single point) into
/// sites; returns each site's shape with its member keys, sorted.
fn merge(candidates: &BTreeMap<String, Candidate>) -> Vec<(MultiPolygon<f64>, Vec<String>)> {
    let union = geo::unary_union(candidates.values().flat_map(|c| c.shape.iter()));
    let polys = union.0;
    let tree: RTree<GeomWithData<Rectangle<[f64; 2]>, usize>> = RTree::bulk_load(
        polys
            .iter()
            .enumerate()
            .filter_map(|(i, p)| Some(GeomWithData::new(rect_of(p.bounding_rect()?), i)))
            .collect(),
    );
    let mut parent: Vec<usize> = (0..polys.len()).collect();
    for (i, p) in polys.iter().enumerate() {
        let Some(r) = p.bounding_rect() else { continue };
        let env = AABB::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]);
        for g in tree.locate_in_envelope_intersecting(env) {
            let j = g.data;
            if j > i && find(&mut parent, i) != find(&mut parent, j) && p.intersects(&polys[j]) {
                let (a, b) = (find(&mut parent, i), find(&mut parent, j));
                parent[a.max(b)] = a.min(b);
            }
        }
    }
    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for i in 0..polys.len() {
        let root = find(&mut parent, i);
        groups.entry(root).or_default().push(i);
    }
    let mut members: BTreeMap<usize, BTreeSet<String>> = BTreeMap::new();
    for c in candidates.values() {
        for part in &c.shape {
            let Some(pt) = part.interior_point() else {
                continue;
            };
            if let Some(g) = tree
                .locate_all_at_point([pt.x(), pt.y()])
                .find(|g| polys[g.data].intersects(&pt))
            {
                members
                    .entry(find(&mut parent, g.data))
                    .or_default()
                    .insert(c.key.clone());
            }
        }
    }
    let mut out: Vec<(MultiPolygon<f64>, Vec<String>)> = groups
        .into_iter()
        .map(|(root, idx)| {
            let shape = MultiPolygon(idx.iter().map(|&i| polys[i].clone()).collect());
            let keys = members
                .remove(&root)
                .unwrap_or_default()
                .into_iter()
                .collect();
            (shape, keys)
        })
        .collect();
    out.sort_by(|a, b| a.1.cmp(&b.1));
    out
}
