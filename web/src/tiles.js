// Where the vector tiles come from. Two modes, chosen by the runtime config (config.js):
//   tiles: "server"   one TileJSON per layer at /tiles/{layer}.json, tiles at /tiles/{layer}/{z}/{x}/{y}.mvt
//   tiles: "pmtiles"  one static archive (config.pmtilesUrl) holding every layer, read with HTTP
//                     range requests through the pmtiles protocol (loaded only in this mode).
// Either way the rest of the map asks `sourceOf(vectorLayer)` for {source, 'source-layer'}.

export const TILE_LAYERS = ['lsoa21', 'lsoa11', 'msoa21', 'msoa11', 'ward', 'committee', 'district', 'basemap', 'gp', 'greenspace', 'greenspace_access'];

async function fetchTileJSON(name) {
  const url = new URL(`tiles/${name}.json`, document.baseURI).href;
  try {
    const r = await fetch(url, { headers: { accept: 'application/json' } });
    const body = await r.json().catch(() => ({}));
    return { url, ok: r.ok, tj: r.ok ? body : null, error: r.ok ? null : body.error || '' };
  } catch {
    return { url, ok: false, tj: null, error: '' };
  }
}

/** The names of the tile sets the server lists at tiles/index.json, or null without one. */
async function fetchIndex() {
  try {
    const r = await fetch(new URL('tiles/index.json', document.baseURI).href, { headers: { accept: 'application/json' } });
    if (!r.ok) return null;
    const body = await r.json();
    return Array.isArray(body?.tilesets) ? body.tilesets.map((t) => t.name).filter((n) => typeof n === 'string') : null;
  } catch {
    return null;
  }
}

async function tileJSON(name) {
  const f = await fetchTileJSON(name);
  return f.ok ? f : null;
}

export async function loadTileSources(config, glReady = Promise.resolve(window.maplibregl)) {
  if (config.tiles === 'pmtiles') return loadPmtiles(config, glReady);
  if (config.tileset) return loadTileset(config.tileset);
  // The server lists its sets at tiles/index.json, so only those are asked for (an England atlas
  // has no ward set). `equimap serve --tiles archive.pmtiles` serves one set named after the file.
  const listed = await fetchIndex();
  let found;
  if (listed) {
    const own = listed.filter((n) => !TILE_LAYERS.includes(n));
    if (own.length === 1 && !listed.some((n) => TILE_LAYERS.includes(n))) return loadTileset(own[0]);
    found = await Promise.all(TILE_LAYERS.map((n) => (listed.includes(n) ? tileJSON(n) : null)));
  } else {
    // No index (tiles served by something else): ask for each layer; a 404 naming one other set
    // is a single archive.
    const first = await fetchTileJSON(TILE_LAYERS[0]);
    if (!first.ok) {
      const m = (first.error || '').match(/layers: ([\w-]+)\s*$/);
      if (m && !TILE_LAYERS.includes(m[1])) return loadTileset(m[1]);
    }
    const rest = await Promise.all(TILE_LAYERS.slice(1).map(tileJSON));
    found = [first.ok ? first : null, ...rest];
  }
  const sources = {};
  const layerToSource = new Map();
  const zooms = new Map();
  let bounds = null;
  found.forEach((f, i) => {
    if (!f) return;
    const name = TILE_LAYERS[i];
    const tj = f.tj;
    const tiles = (tj.tiles && tj.tiles.length ? tj.tiles : [`tiles/${name}/{z}/{x}/{y}.mvt`]).map((t) =>
      // Resolve relative templates against the TileJSON's own URL; keep {z}/{x}/{y} unescaped.
      decodeURI(new URL(t, f.url).href),
    );
    sources[name] = {
      type: 'vector',
      tiles,
      minzoom: tj.minzoom ?? 0,
      maxzoom: tj.maxzoom ?? 14,
      ...(Array.isArray(tj.bounds) && tj.bounds.length === 4 ? { bounds: tj.bounds } : {}),
    };
    const vls = Array.isArray(tj.vector_layers) && tj.vector_layers.length ? tj.vector_layers.map((v) => v.id) : [name];
    for (const id of vls) layerToSource.set(id, name);
    noteZooms(zooms, tj.vector_layers);
    if (name === 'district' && Array.isArray(tj.bounds)) bounds = tj.bounds;
  });
  return {
    mode: 'server',
    sources,
    bounds,
    has: (vectorLayer) => layerToSource.has(vectorLayer),
    sourceOf: (vectorLayer) => ({ source: layerToSource.get(vectorLayer), 'source-layer': vectorLayer }),
    ...zoomLookups(zooms),
  };
}

// Dense layers (England's LSOAs) start at a higher zoom, and carry codes, names and continuous
// values only from a deeper zoom than their deciles: TileJSON says so per vector layer in
// `minzoom` and `fields_minzoom`.
function noteZooms(zooms, vectorLayers) {
  for (const v of Array.isArray(vectorLayers) ? vectorLayers : []) {
    zooms.set(v.id, { minzoom: v.minzoom ?? 0, fields: v.fields_minzoom || {} });
  }
}

function zoomLookups(zooms) {
  return {
    /** The lowest zoom a vector layer has tiles at. */
    layerMinZoom: (vectorLayer) => zooms.get(vectorLayer)?.minzoom ?? 0,
    /** The lowest zoom a layer's tiles carry a field at (0: every zoom). */
    fieldMinZoom: (vectorLayer, field) => zooms.get(vectorLayer)?.fields[field] ?? 0,
  };
}

/** One tile set holding every layer (a PMTiles archive served by equimap). */
async function loadTileset(name) {
  const f = await tileJSON(name);
  if (!f) throw new Error(`no tile set ${name} at tiles/${name}.json`);
  const tj = f.tj;
  const ids = new Set((tj.vector_layers || []).map((v) => v.id));
  const zooms = new Map();
  noteZooms(zooms, tj.vector_layers);
  return {
    mode: 'tileset',
    sources: {
      equimap: {
        type: 'vector',
        tiles: (tj.tiles && tj.tiles.length ? tj.tiles : [`tiles/${name}/{z}/{x}/{y}.mvt`]).map((t) => decodeURI(new URL(t, f.url).href)),
        minzoom: tj.minzoom ?? 0,
        maxzoom: tj.maxzoom ?? 14,
        ...(Array.isArray(tj.bounds) && tj.bounds.length === 4 ? { bounds: tj.bounds } : {}),
      },
    },
    bounds: Array.isArray(tj.bounds) ? tj.bounds : null,
    has: (vectorLayer) => ids.has(vectorLayer),
    sourceOf: (vectorLayer) => ({ source: 'equimap', 'source-layer': vectorLayer }),
    ...zoomLookups(zooms),
  };
}

async function loadPmtiles(config, glReady) {
  const maplibregl = await glReady;
  const { Protocol, PMTiles } = await import('pmtiles');
  const protocol = new Protocol({ metadata: true });
  maplibregl.addProtocol('pmtiles', protocol.tile);
  const url = new URL(config.pmtilesUrl || 'tiles/leeds.pmtiles', document.baseURI).href;
  const archive = new PMTiles(url);
  protocol.add(archive);
  const [header, meta] = await Promise.all([archive.getHeader(), archive.getMetadata().catch(() => ({}))]);
  const ids = new Set((meta.vector_layers || []).map((v) => v.id));
  const zooms = new Map();
  noteZooms(zooms, meta.vector_layers);
  const bounds = [header.minLon, header.minLat, header.maxLon, header.maxLat];
  return {
    mode: 'pmtiles',
    sources: {
      equimap: {
        type: 'vector',
        url: `pmtiles://${url}`,
      },
    },
    bounds,
    has: (vectorLayer) => ids.size === 0 || ids.has(vectorLayer),
    sourceOf: (vectorLayer) => ({ source: 'equimap', 'source-layer': vectorLayer }),
    ...zoomLookups(zooms),
  };
}
