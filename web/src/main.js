// equimap web map: the App wires the catalogue, the tiles, the map and the panels together. Its
// methods live in named modules, mixed into its prototype (each method's `this` is the App):
//   controls.js    the layer picker, "Show by", overlays, toolbar and announcements
//   mapview.js     the MapLibre map, clicks, hover and the tooltip
//   choropleth.js  classes, choropleth layers and the legend
//   panels.js      the side panel: profiles, table, Fairer Healthier Leeds, site tool, search, share
//   printing.js    print hooks, map capture and the print view

import { getJSON, cachedJSON, qs } from './api.js';
import { Catalogue, GEOGRAPHIES, familyOf, levelAt, defaultGeography, isMappable } from './catalogue.js';
import { loadTileSources } from './tiles.js';
import { parseHash, readWhere } from './state.js';
import { controlsMethods } from './controls.js';
import { mapviewMethods } from './mapview.js';
import { choroplethMethods } from './choropleth.js';
import { panelsMethods } from './panels.js';
import { printingMethods } from './printing.js';

export { ATTRIBUTION } from './attribution.js';

const DEFAULT_LAYER = 'imd2025_decile';

function readConfig() {
  const cfg = { tiles: 'server', pmtilesUrl: '/tiles/leeds.pmtiles', ...(window.EQUIMAP_CONFIG || {}) };
  const q = new URLSearchParams(location.search);
  if (q.get('tiles') === 'pmtiles' || q.get('tiles') === 'server') cfg.tiles = q.get('tiles');
  if (q.get('pmtiles')) cfg.pmtilesUrl = q.get('pmtiles');
  if (q.get('tileset')) cfg.tileset = q.get('tileset');
  return cfg;
}

/** MapLibre GL JS, once its script (loaded `async`, beside this module, so that the catalogue and
 * tile metadata are fetched while it compiles) has run. */
function maplibreReady() {
  if (window.maplibregl) return Promise.resolve(window.maplibregl);
  return new Promise((resolve, reject) => {
    const script = document.querySelector('script[src$="maplibre-gl.js"]');
    if (!script) return reject(new Error('maplibre-gl.js is not on the page'));
    script.addEventListener('load', () => (window.maplibregl ? resolve(window.maplibregl) : reject(new Error('MapLibre did not load'))));
    script.addEventListener('error', () => reject(new Error('maplibre-gl.js failed to load')));
  });
}

class App {
  constructor() {
    this.timings = { start: performance.now() };
    this.drawing = false;
    this.hovered = null;
    this.choroToken = 0;
    this.errors = [];
    this.baseTitle = document.title;
    window.__equimap = this;
  }

  async init() {
    this.config = readConfig();
    // Start MapLibre's tile workers now, while the catalogue loads, and use two: one worker (the
    // default on a two-core machine) parses every tile of the first view in turn.
    const glReady = maplibreReady().then((gl) => {
      gl.setWorkerCount?.(Math.max(2, Math.min(4, navigator.hardwareConcurrency || 2)));
      gl.prewarm?.();
      return gl;
    });
    // Start on the values of the layer in the URL (or the default) while the catalogue and the
    // tile metadata load: the first choropleth then goes into the map's initial style.
    const guess = parseHash();
    const gLayer = guess.layer || DEFAULT_LAYER;
    const gGeo = guess.geo || 'lsoa21';
    cachedJSON(`api/rank?${qs({ indicator: gLayer, geography: gGeo })}`).catch(() => {});
    cachedJSON(`api/rank?${qs({ indicator: 'population', geography: gGeo })}`).catch(() => {});
    const [catJson, tiles] = await Promise.all([getJSON('api/indicators'), loadTileSources(this.config, glReady)]);
    this.cat = new Catalogue(catJson);
    this.nameThePlace(this.cat.districtName);
    this.tiles = tiles;
    this.timings.catalogue = performance.now();

    const s = parseHash();
    const ind = this.cat.get(s.layer) && isMappable(this.cat.get(s.layer)) ? this.cat.get(s.layer) : this.cat.get(DEFAULT_LAYER) || this.cat.list.find(isMappable);
    let geo = s.geo && levelAt(ind, s.geo) && GEOGRAPHIES[s.geo] && familyOf(s.geo) !== 'district' ? s.geo : defaultGeography(ind);
    if (!tiles.has(geo)) geo = defaultGeography(ind);
    this.state = { layer: ind.id, geo, view: s.view, area: s.area, panel: s.panel, overlays: s.overlays, gp: s.gp, practices: s.practices, footprint: s.footprint, footprintError: s.footprintError, where: s.where };
    // `/?where=LS6 1AN`: the "where I live" view of a postcode, place or lon,lat.
    // The hash keeps it from then on (`where=`), so the query parameter is dropped.
    const query = new URLSearchParams(location.search);
    const where = query.get('where');
    if (where?.trim()) Object.assign(this.state, { where: readWhere(where), panel: 'where', area: null });
    if (query.has('where')) {
      query.delete('where');
      const rest = query.toString();
      history.replaceState(null, '', `${location.pathname}${rest ? `?${rest}` : ''}${location.hash}`);
    }

    this.buildControls();
    this.classes = await this.computeClasses(ind, geo);
    await glReady;
    this.buildMap();
  }
}

/** The page names the atlas's place (Leeds, another district, or England) where the HTML,
 * written for Leeds, names it before the catalogue has loaded. */
App.prototype.nameThePlace = function nameThePlace(place) {
  if (!place || place === 'the district') return;
  const tagline = `health inequality in ${place}`;
  document.title = `equimap · ${tagline}`;
  for (const el of document.querySelectorAll('.brand-sub, .print-place')) el.textContent = tagline;
  const outline = document.querySelector('#overlays input[value="district"]')?.parentElement;
  if (outline?.lastChild) outline.lastChild.textContent = place === 'England' ? ' District outlines' : ` ${place} district outline`;
};

Object.assign(App.prototype, controlsMethods, mapviewMethods, choroplethMethods, panelsMethods, printingMethods);

const app = new App();
app.init().catch((e) => {
  console.error(e);
  const el = document.getElementById('fatal');
  if (el) {
    el.hidden = false;
    el.textContent = `The map could not start: ${e.message}`;
  }
});
