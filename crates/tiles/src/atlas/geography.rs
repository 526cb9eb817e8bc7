//! Geography layers: every area at every zoom served, within a byte budget per tile.

use std::collections::BTreeMap;

use equimap_atlas::{Atlas, Geography};
use geo::Geometry;

use super::{Banded, TileSetEntry, area_id};
use crate::{Feature, IndexOptions, LayerIndex, PropValue, TileError, TileOptions};

/// One geography's tile layer, ready to serve.
pub struct GeographyLayer {
    /// The features: each area's id, code, name and the catalogue indicators marked `in_tiles`.
    pub index: LayerIndex,
    /// Field types for TileJSON.
    pub fields: BTreeMap<String, &'static str>,
    /// The lowest zoom with tiles: 0 unless even the lightest tile of a lower zoom would break
    /// [`TILE_BUDGET`] (England's LSOAs below z6, where a tile holds all 33,755 of them).
    pub min_zoom: u8,
    /// The zoom from which tiles carry every property; below it, only ids and class indicators.
    pub detail_zoom: u8,
}

/// The most gzip bytes the busiest tile of a zoom may weigh: no tile may exceed 500 KB.
pub const TILE_BUDGET: usize = 500_000;

/// Where one tile at a zoom holds more than this many areas, the zoom is *dense*: its geometry is
/// simplified to 3 units instead of 1 (still under half a pixel).
pub const DENSE_FEATURES: usize = 5_000;

/// Builds one geography's tile layer.
///
/// Tiles are kept under [`TILE_BUDGET`] by measuring the busiest tile of each zoom, gzipped,
/// from zoom 0 up. Where a tile with every property is too heavy (England's LSOAs below z9, a
/// z6 tile holding 16,131 of them), that zoom carries each area's id and class indicators
/// (national deciles) only, and the code, name and continuous values start at
/// [`GeographyLayer::detail_zoom`]. Where even that is too heavy, the layer starts at
/// [`GeographyLayer::min_zoom`]. Within the zooms served no area is ever dropped. For Leeds
/// (482 LSOAs) both zooms are 0.
pub fn geography_layer(atlas: &Atlas, g: Geography) -> Result<GeographyLayer, TileError> {
    geography_layer_within(atlas, g, TILE_BUDGET)
}

/// [`geography_layer`] with another byte budget for the busiest tile of a zoom.
pub fn geography_layer_within(
    atlas: &Atlas,
    g: Geography,
    budget: usize,
) -> Result<GeographyLayer, TileError> {
    layer_within(atlas, g, budget, Source::Boundaries)
}

/// The options every geography layer is built with (the tile index file records them).
pub(super) fn index_options() -> IndexOptions {
    IndexOptions {
        dense_features: DENSE_FEATURES,
        ..IndexOptions::default()
    }
}

/// A geography's areas, in code order: each with its boundary.
fn areas(atlas: &Atlas, g: Geography) -> &[equimap_atlas::Area] {
    atlas
        .geographies
        .get(&g)
        .map_or(&[], |s| s.areas.as_slice())
}

/// A geography's layer as served, built from the boundaries, budget zooms found: what its tile
/// index file is written from.
pub(super) fn full_index(atlas: &Atlas, g: Geography) -> Result<LayerIndex, TileError> {
    Ok(layer_within(atlas, g, TILE_BUDGET, Source::Boundaries)?.index)
}

/// Where a layer's geometry comes from: built from the boundaries, or read from the tile index
/// file whose source hash was checked, with or without the full detail.
pub(super) type FromIndex<'a> = Option<(&'a [u8; 32], bool)>;

/// Where a layer's geometry comes from.
pub(super) enum Source<'a> {
    /// Built from the atlas's boundaries.
    Boundaries,
    /// Read from the tile index file whose source hash was checked, with or without the full
    /// detail.
    IndexFile(&'a [u8; 32], bool),
    /// Built beforehand from boundaries equal to the atlas's, without properties.
    Prebuilt(Box<LayerIndex>),
}

impl<'a> From<FromIndex<'a>> for Source<'a> {
    fn from(f: FromIndex<'a>) -> Self {
        f.map_or(Self::Boundaries, |(hash, with_base)| {
            Self::IndexFile(hash, with_base)
        })
    }
}

/// The layer of geography `g` as served, its geometry built from `areas` (the atlas's, before
/// it is written), without properties: what the ingest builds while it makes the indicators.
pub(super) fn geometry_only(
    g: Geography,
    areas: &[equimap_atlas::Area],
) -> Result<LayerIndex, TileError> {
    let features = areas.iter().map(|a| Feature {
        id: area_id(&a.code),
        geometry: Geometry::MultiPolygon(a.geometry.clone()),
        properties: Vec::new(),
    });
    LayerIndex::new(g.id(), features, &index_options())
}

/// A geography's layer as served, from geometry built beforehand by [`geometry_only`] from the
/// same boundaries, budget zooms found: what its tile index file is written from.
pub(super) fn full_index_from(
    atlas: &Atlas,
    g: Geography,
    geometry: LayerIndex,
) -> Result<LayerIndex, TileError> {
    Ok(layer_within(atlas, g, TILE_BUDGET, Source::Prebuilt(Box::new(geometry)))?.index)
}

fn layer_within<'a>(
    atlas: &Atlas,
    g: Geography,
    budget: usize,
    source: impl Into<Source<'a>>,
) -> Result<GeographyLayer, TileError> {
    let defs: Vec<&equimap_atlas::IndicatorDef> =
        atlas.catalogue.at(g).filter(|d| d.in_tiles).collect();
    let mut fields: BTreeMap<String, &'static str> =
        BTreeMap::from([("code".to_owned(), "String"), ("name".to_owned(), "String")]);
    for d in &defs {
        fields.insert(d.id.clone(), "Number");
    }
    let table = atlas.tables.get(&g);
    // Columns looked up once, each area's row once (not a hash lookup per value).
    let columns: Vec<(&str, Option<usize>)> = defs
        .iter()
        .map(|d| (d.id.as_str(), table.and_then(|t| t.column_index(&d.id))))
        .collect();
    let properties = |a: &equimap_atlas::Area| {
        let mut properties = Vec::with_capacity(2 + columns.len());
        properties.push(("code".to_owned(), PropValue::String(a.code.clone())));
        properties.push(("name".to_owned(), PropValue::String(a.name.clone())));
        let row = table.and_then(|t| Some((t, t.row_index(&a.code)?)));
        for (id, c) in &columns {
            if let (Some((t, r)), Some(c)) = (row, c)
                && let Some(v) = t.value_at(r, *c)
            {
                properties.push(((*id).to_owned(), PropValue::Double(v)));
            }
        }
        properties
    };
    let with_properties = || {
        areas(atlas, g)
            .iter()
            .map(|a| (area_id(&a.code), properties(a)))
    };
    let mut index = match source.into() {
        Source::IndexFile(hash, with_base) => {
            super::tileindex::read(atlas, g, hash, with_properties(), with_base)?
        }
        Source::Prebuilt(mut index) => {
            index.set_properties(with_properties())?;
            *index
        }
        Source::Boundaries => {
            let features = areas(atlas, g).iter().map(|a| Feature {
                id: area_id(&a.code),
                geometry: Geometry::MultiPolygon(a.geometry.clone()),
                properties: properties(a),
            });
            LayerIndex::new(g.id(), features, &index_options())?
        }
    };
    let heavy: Vec<&str> = ["code", "name"]
        .into_iter()
        .chain(
            defs.iter()
                .filter(|d| !is_class(d.kind))
                .map(|d| d.id.as_str()),
        )
        .collect();
    let (min_zoom, detail_zoom) = fit_budget_once(&mut index, &heavy, budget)?;
    Ok(GeographyLayer {
        index,
        fields,
        min_zoom,
        detail_zoom,
    })
}

/// Finds the zooms at which `index`'s busiest tile fits `budget` gzip bytes, first without the
/// `heavy` properties (the layer's minimum zoom), then with them (the detail zoom), and leaves
/// the heavy properties set to start at the detail zoom.
fn fit_budget(
    index: &mut LayerIndex,
    heavy: &[&str],
    budget: usize,
) -> Result<(u8, u8), TileError> {
    let weight = |index: &LayerIndex, z: u8| -> Result<usize, TileError> {
        let Some((x, y, _)) = index.busiest_tile_at(z) else {
            return Ok(0);
        };
        let raw = index.tile(z, x, y, &TileOptions::default())?;
        Ok(gzip_len(&raw))
    };
    let set_heavy = |index: &mut LayerIndex, z: u8| {
        for key in heavy {
            index.set_property_min_zoom(key, z);
        }
    };
    // Zooms are tried from 0 up until one fits with every property; any zoom before it that
    // does not fit even without the heavy properties moves the minimum zoom past it. Bytes do
    // not fall steadily towards zoom 0 (England's LSOAs weigh more at z5 than at z0, where most
    // are one-unit boxes), so every zoom is tried. Deeper zooms have fewer areas per tile.
    // Each zoom is weighed without the heavy properties first: a tile too heavy without them is
    // too heavy with them (their code, name and values add kilobytes), and is not made again.
    let top = index.max_zoom();
    let (mut min_zoom, mut detail) = (0, top);
    for z in 0..top {
        set_heavy(index, u8::MAX);
        if weight(index, z)? > budget {
            min_zoom = z + 1;
            continue;
        }
        set_heavy(index, z);
        if weight(index, z)? <= budget {
            detail = z;
            break;
        }
    }
    set_heavy(index, detail);
    Ok((min_zoom, detail))
}

/// [`fit_budget`], or its result kept in the index (from its tile index file) when the layer's
/// properties, heavy keys and budget are those it was found for: the search renders and gzips
/// the busiest tiles of up to 17 zooms (most of a second for England's LSOAs). The zooms found
/// are kept in the index, so its tile index file carries them.
fn fit_budget_once(
    index: &mut LayerIndex,
    heavy: &[&str],
    budget: usize,
) -> Result<(u8, u8), TileError> {
    use sha2::Digest;
    let mut key = sha2::Sha256::new();
    key.update(index.properties_digest());
    for k in heavy {
        key.update((k.len() as u64).to_le_bytes());
        key.update(k.as_bytes());
    }
    key.update((budget as u64).to_le_bytes());
    let key: [u8; 32] = key.finalize().into();
    if let Some((min_zoom, detail)) = index.budget_fit(&key) {
        for k in heavy {
            index.set_property_min_zoom(k, detail);
        }
        return Ok((min_zoom, detail));
    }
    let (min_zoom, detail) = fit_budget(index, heavy, budget)?;
    index.keep_budget_fit(key, min_zoom, detail);
    Ok((min_zoom, detail))
}

/// Length of `raw` gzipped at level 1, as the server sends it.
fn gzip_len(raw: &[u8]) -> usize {
    use std::io::Write;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(1));
    // Writing to a Vec cannot fail.
    let _ = gz.write_all(raw);
    gz.finish().map_or(raw.len(), |v| v.len())
}

/// Whether an indicator is a national class (a decile): ten values, which cost a tile almost
/// nothing, and what a national overview shows. Quintiles within the district are left to the
/// detail zoom with the continuous values.
fn is_class(kind: equimap_atlas::Kind) -> bool {
    matches!(kind, equimap_atlas::Kind::Decile)
}

/// The tile set of one geography.
pub(super) fn geography_set(
    atlas: &Atlas,
    g: Geography,
    budget: usize,
    attribution: &str,
    from_index: FromIndex<'_>,
) -> Result<(String, TileSetEntry), TileError> {
    let GeographyLayer {
        index,
        fields,
        min_zoom,
        ..
    } = layer_within(atlas, g, budget, from_index)?;
    let description = format!(
        "{} boundaries with their code, name and the indicators the map styles by",
        atlas.geography_label(g)
    );
    Ok((
        g.id().to_owned(),
        TileSetEntry {
            layers: vec![Banded {
                name: g.id().to_owned(),
                bands: vec![(min_zoom, index)],
                fields,
                description: description.clone(),
            }],
            min_zoom,
            attribution: attribution.to_owned(),
            description,
        },
    ))
}
