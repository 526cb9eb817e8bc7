// A stand-in for the server's tile routes, used only while `equimap serve` has no /tiles.
//
// It follows the contract the web map is written against:
//   GET /tiles/{layer}.json          TileJSON 3.0 (vector_layers, bounds, center, minzoom, maxzoom)
//   GET /tiles/{layer}/{z}/{x}/{y}.mvt  gzip MVT, 204 when empty
// Layers lsoa21, lsoa11, msoa21, msoa11, ward, district carry `code`, `name` and the catalogue
// indicators with `in_tiles` at that geography; `basemap` has roads, rail, waterways, water and
// urban; `gp` the GP practices; `greenspace` and `greenspace_access` the green-space layers.
// Everything is read from the atlas directory (FlatGeobuf + CSV), cut with geojson-vt and
// encoded with vt-pbf. Feature ids are integers (file order + 1), as MapLibre feature-state needs.

import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { geojson as fgb } from 'flatgeobuf';
import geojsonvt from 'geojson-vt';
import vtpbf from 'vt-pbf';

const AREA_LAYERS = ['lsoa21', 'lsoa11', 'msoa21', 'msoa11', 'ward', 'district'];
const BASEMAP = {
  roads: 'basemap_roads.fgb',
  rail: 'basemap_rail.fgb',
  waterways: 'basemap_waterways.fgb',
  water: 'basemap_water.fgb',
  urban: 'basemap_urban.fgb',
};
const MAXZOOM = 14;

function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') { field += '"'; i++; } else quoted = false;
      } else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field); field = '';
      if (row.length > 1 || row[0] !== '') rows.push(row);
      row = [];
    } else field += c;
  }
  if (field !== '' || row.length) { row.push(field); rows.push(row); }
  return rows.filter((r) => !r[0].startsWith('#'));
}

async function readFgb(path) {
  const feats = [];
  for await (const f of fgb.deserialize(new Uint8Array(readFileSync(path)))) feats.push(f);
  return feats;
}

function bboxOf(features) {
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  const walk = (c) => {
    if (typeof c[0] === 'number') {
      x0 = Math.min(x0, c[0]); y0 = Math.min(y0, c[1]);
      x1 = Math.max(x1, c[0]); y1 = Math.max(y1, c[1]);
    } else c.forEach(walk);
  };
  for (const f of features) walk(f.geometry.coordinates);
  return [x0, y0, x1, y1];
}

export async function createMockTiles(atlasDir) {
  const catalogue = JSON.parse(readFileSync(join(atlasDir, 'indicators/catalogue.json'), 'utf8'));
  const layers = new Map(); // name -> { vt: {sublayer: index}, fields, bounds }

  const vtOptions = { maxZoom: MAXZOOM, indexMaxZoom: 5, indexMaxPoints: 100000, tolerance: 3, extent: 4096, buffer: 64 };

  function addLayer(name, sublayers) {
    const vt = {};
    const fields = {};
    let all = [];
    for (const [sub, features] of Object.entries(sublayers)) {
      features.forEach((f, i) => { f.id = i + 1; });
      vt[sub] = geojsonvt({ type: 'FeatureCollection', features }, vtOptions);
      const fl = {};
      for (const f of features) for (const [k, v] of Object.entries(f.properties)) fl[k] = typeof v === 'number' ? 'Number' : 'String';
      fields[sub] = fl;
      all = all.concat(features);
    }
    layers.set(name, { vt, fields, bounds: bboxOf(all) });
  }

  for (const g of AREA_LAYERS) {
    const feats = await readFgb(join(atlasDir, `geographies/${g}.fgb`));
    const inTiles = catalogue.indicators
      .filter((d) => d.in_tiles && d.levels.some((l) => l.geography === g))
      .map((d) => d.id);
    const csv = parseCsv(readFileSync(join(atlasDir, `indicators/${g}.csv`), 'utf8'));
    const header = csv[0];
    const byCode = new Map(csv.slice(1).map((r) => [r[0], r]));
    for (const f of feats) {
      const p = { code: f.properties.code, name: f.properties.name };
      const row = byCode.get(p.code);
      if (row) {
        for (const id of inTiles) {
          const j = header.indexOf(id);
          if (j > 0 && row[j] !== '') p[id] = Number(row[j]);
        }
      }
      f.properties = p;
    }
    addLayer(g, { [g]: feats });
  }

  const basemap = {};
  for (const [sub, file] of Object.entries(BASEMAP)) {
    const path = join(atlasDir, 'reference', file);
    if (existsSync(path)) basemap[sub] = await readFgb(path);
  }
  addLayer('basemap', basemap);

  const gpCsv = parseCsv(readFileSync(join(atlasDir, 'reference/gp_practices.csv'), 'utf8'));
  const gh = gpCsv[0];
  const gp = gpCsv.slice(1).map((r) => ({
    type: 'Feature',
    geometry: { type: 'Point', coordinates: [Number(r[gh.indexOf('lon')]), Number(r[gh.indexOf('lat')])] },
    properties: {
      org_code: r[gh.indexOf('org_code')],
      name: r[gh.indexOf('name')],
      registered_patients: Number(r[gh.indexOf('registered_patients')]),
    },
  }));
  addLayer('gp', { gp });

  for (const [name, file] of [['greenspace', 'greenspace_sites.fgb'], ['greenspace_access', 'greenspace_access.fgb']]) {
    const path = join(atlasDir, 'reference', file);
    if (!existsSync(path)) continue;
    const feats = await readFgb(path);
    for (const f of feats) {
      const p = {};
      for (const [k, v] of Object.entries(f.properties)) if (v !== null && v !== undefined) p[k] = v;
      f.properties = p;
    }
    addLayer(name, { [name]: feats });
  }

  return {
    layers: [...layers.keys()],
    tileJSON(name, origin) {
      const l = layers.get(name);
      if (!l) return null;
      const [x0, y0, x1, y1] = l.bounds;
      return {
        tilejson: '3.0.0',
        name,
        tiles: [`${origin}/tiles/${name}/{z}/{x}/{y}.mvt`],
        vector_layers: Object.entries(l.fields).map(([id, fields]) => ({ id, fields, minzoom: 0, maxzoom: MAXZOOM })),
        bounds: [x0, y0, x1, y1],
        center: [(x0 + x1) / 2, (y0 + y1) / 2, 10],
        minzoom: 0,
        maxzoom: MAXZOOM,
        attribution: 'mock tiles (tests/browser/mocktiles.mjs)',
      };
    },
    tile(name, z, x, y) {
      const l = layers.get(name);
      if (!l) return undefined;
      const out = {};
      for (const [sub, index] of Object.entries(l.vt)) {
        const t = index.getTile(z, x, y);
        if (t && t.features.length) out[sub] = t;
      }
      if (!Object.keys(out).length) return null;
      return gzipSync(Buffer.from(vtpbf.fromGeojsonVt(out, { version: 2 })));
    },
  };
}
