// Footprints built on the map: a named set of LSOAs, MSOAs, wards or community committees
// (clicked on the map or with Enter at its centre, pasted or uploaded as a list of codes), or a
// polygon (drawn with draw.js or uploaded as GeoJSON). Its profile comes from
// POST /api/custom-area, the same API and definition format as `serve --areas DIR`, and the
// definition travels in the URL (`fp=`), so a reload or a copied link shows the same footprint.

import { getJSON, post, qs, saveBlob } from './api.js';
import { decileStack } from './charts.js';
import { geoLabel } from './catalogue.js';
import { parseCodeList } from './codes.js';
import { bboxOf } from './bbox.js';
import { PolygonDrawer, parseJSON, readUpload } from './draw.js';
import { escapeHtml as esc, formatFixed, formatInt, formatPct, isNum } from './format.js';
import { areaLink, indicatorTables } from './profile.js';
import { significanceKey } from './significance.js';
import { writeHashNow } from './state.js';

/** The geographies a footprint can be made of (the API's `geography`). */
export const FOOTPRINT_GEOGRAPHIES = ['lsoa21', 'msoa21', 'ward', 'committee'];
/** The most codes the API takes (custom.rs MAX_CODES). */
export const MAX_CODES = 5000;
/** Longer definitions are not put in the URL. */
const MAX_LINK_CHARS = 60000;
const EMPTY = { type: 'FeatureCollection', features: [] };
const PLURAL = { lsoa21: 'LSOAs', msoa21: 'MSOAs', ward: 'wards', committee: 'community committees' };

export class FootprintTool {
  constructor(app) {
    this.app = app;
    this.map = app.map;
    this.name = '';
    this.geography = null;
    this.codes = []; // members, in the order added
    this.names = new Map(); // code -> name, where known
    this.geometry = null; // or a polygon
    this.result = null;
    this.root = null;
    this.drawer = new PolygonDrawer(app, {
      status: (msg) => this.status(msg),
      changed: () => this.buttons(),
      finished: (feature) => this.setPolygon(feature.geometry, 'drawn polygon'),
    });
  }

  /** The definition as the API takes it, or null when there is nothing yet. */
  spec() {
    const name = this.name.trim() || 'My footprint';
    if (this.geometry) return { name, geometry: this.geometry };
    if (this.codes.length) return { name, geography: this.geography, codes: [...this.codes] };
    return null;
  }

  /** Take a definition from a shared link (already parsed); an unusable one is reported. */
  load(spec) {
    this.result = null;
    this.name = typeof spec.name === 'string' ? spec.name : '';
    if (spec.geometry) {
      this.geometry = spec.geometry;
      this.geography = null;
      this.codes = [];
    } else {
      this.geometry = null;
      this.geography = spec.geography;
      this.codes = Array.isArray(spec.codes) ? spec.codes.map(String) : [];
    }
  }

  render() {
    return `<article class="footprint-tool">
      <h2 id="panel-title" tabindex="-1">Build a footprint</h2>
      <p class="no-print">Describe your own area (a Local Care Partnership, a school cluster, a regeneration zone) from LSOAs, MSOAs, wards or community committees, or draw it, and get the same profile as any area.</p>
      <p class="small no-print"><label for="fp-name">Name</label><br><input type="text" id="fp-name" maxlength="200" size="32" placeholder="My footprint"></p>
      <section aria-labelledby="fp-click-h" class="no-print">
        <h3 id="fp-click-h">1. Click areas on the map</h3>
        <p class="small muted" id="fp-click-help">While this panel is open, clicking an area adds it, clicking it again removes it. The areas are those the map shows by (“Show by”). With a keyboard: move the map with the arrow keys, then press Enter on the map or use the button.</p>
        <div class="actions">
          <button type="button" class="btn" data-fp="centre">Add or remove the area at the map centre</button>
          <button type="button" class="btn" data-fp="clear">Clear</button>
        </div>
        <div data-fp="members"></div>
      </section>
      <section aria-labelledby="fp-paste-h" class="no-print">
        <h3 id="fp-paste-h">2. Or paste or upload a list of codes</h3>
        <p class="small"><label for="fp-codes">LSOA (E01…), MSOA (E02…), ward (E05…) or committee (cc-…) codes, one geography, separated by commas or new lines; a CSV with a header row works too</label><br>
          <textarea id="fp-codes" rows="4" cols="34" spellcheck="false"></textarea></p>
        <button type="button" class="btn" data-fp="use-codes">Use these codes</button>
      </section>
      <section aria-labelledby="fp-draw-h" class="no-print">
        <h3 id="fp-draw-h">3. Or draw or upload a polygon</h3>
        <div class="actions">
          <button type="button" class="btn" data-fp="draw" aria-pressed="false">Draw on map</button>
          <button type="button" class="btn" data-fp="draw-centre" disabled>Add corner at map centre</button>
          <button type="button" class="btn" data-fp="finish" disabled>Finish shape</button>
        </div>
        <p class="small"><label for="fp-file">Upload a file</label>: a list of codes (CSV or text) or a GeoJSON polygon (WGS84 or British National Grid)<br>
          <input type="file" id="fp-file" accept=".csv,.txt,.geojson,.json,text/csv,text/plain,application/geo+json,application/json"></p>
      </section>
      <p class="status no-print" data-fp="status" role="status" aria-live="polite"></p>
      <div class="actions no-print"><button type="button" class="btn primary" data-fp="build" disabled>Show the profile</button></div>
      <div data-fp="result" aria-live="polite"></div>
    </article>`;
  }

  attach(root) {
    this.root = root;
    const on = (sel, f) => root.querySelector(`[data-fp="${sel}"]`).addEventListener('click', f);
    const name = root.querySelector('#fp-name');
    name.value = this.name;
    name.addEventListener('input', () => {
      this.name = name.value;
      this.remember();
    });
    on('centre', () => this.pickAt(this.map.project(this.map.getCenter()), this.map.getCenter()));
    on('clear', () => this.clear());
    on('use-codes', () => this.useCodes(root.querySelector('#fp-codes').value, 'the pasted list'));
    on('draw', () => (this.drawer.drawing ? this.drawer.stop() : this.startDrawing()));
    on('draw-centre', () => this.drawer.addCentre());
    on('finish', () => this.drawer.finish());
    on('build', () => this.build());
    root.querySelector('#fp-file').addEventListener('change', (e) => this.upload(e.target.files[0]));
    root.querySelector('[data-fp="members"]').addEventListener('click', (e) => {
      const b = e.target.closest('button[data-remove]');
      if (b) this.toggle(this.geography, b.dataset.remove);
    });
    this.showMembers();
    this.highlight();
    this.buttons();
    if (this.result) this.showResult();
  }

  detach() {
    this.drawer.reset();
    this.root = null;
    this.setHighlight(null, []);
  }

  /** True while map clicks add and remove areas. */
  get picking() {
    return !!this.root && !this.drawer.drawing;
  }

  status(msg, { error = false } = {}) {
    const el = this.root?.querySelector('[data-fp="status"]');
    if (!el) return;
    el.textContent = msg;
    el.classList.toggle('error', error);
    el.setAttribute('role', error ? 'alert' : 'status');
  }

  buttons() {
    if (!this.root) return;
    const q = (s) => this.root.querySelector(`[data-fp="${s}"]`);
    q('draw').setAttribute('aria-pressed', String(this.drawer.drawing));
    q('draw').textContent = this.drawer.drawing ? 'Stop drawing' : 'Draw on map';
    q('draw-centre').disabled = !this.drawer.drawing;
    q('finish').disabled = !this.drawer.canFinish;
    q('build').disabled = !this.spec();
  }

  /** Keep the definition in the URL, unless it is too long for a link (a detailed polygon). */
  remember() {
    const spec = this.spec();
    this.tooLong = !!spec && JSON.stringify(spec).length > MAX_LINK_CHARS;
    this.app.state.footprint = this.tooLong ? null : spec;
    writeHashNow(this.app.state);
  }

  // ------------------------------------------------------------ members

  /** A map click (or Enter at the centre) while picking: add or remove the area there. */
  async pickAt(point, lngLat) {
    const geo = this.app.state.geo;
    if (!FOOTPRINT_GEOGRAPHIES.includes(geo)) {
      this.status(`A footprint is made of LSOAs (2021), MSOAs (2021), wards or community committees; the map shows ${geoLabel(geo)} areas. Change “Show by”.`, { error: true });
      return;
    }
    const f = this.app.featureAt(point, ['choro-fill']);
    let code = f?.properties.code;
    let name = f?.properties.name;
    if (f && !code) {
      try {
        const r = await getJSON(`api/point?${qs({ lon: lngLat.lng.toFixed(6), lat: lngLat.lat.toFixed(6) })}`);
        const a = (r.areas || []).find((x) => x.geography === geo);
        code = a?.code;
        name = a?.name;
      } catch {
        /* nothing here */
      }
    }
    if (!code) {
      this.status('No area there: click inside an area of the map.', { error: true });
      return;
    }
    if (name) this.names.set(code, name);
    this.toggle(geo, code);
  }

  toggle(geo, code) {
    if (this.geometry) {
      this.status('This footprint is a polygon: clear it to build one from areas.', { error: true });
      return;
    }
    if (this.codes.length && geo !== this.geography) {
      this.status(`This footprint is made of ${PLURAL[this.geography]}: show the map by ${geoLabel(this.geography)} to add to it, or clear it to start again with ${PLURAL[geo]}.`, { error: true });
      return;
    }
    const name = this.names.get(code) || code;
    const i = this.codes.indexOf(code);
    if (i >= 0) {
      this.codes.splice(i, 1);
      this.status(`Removed ${name}; ${this.countText()}.`);
    } else if (this.codes.length >= MAX_CODES) {
      this.status(`A footprint holds at most ${formatInt(MAX_CODES)} areas.`, { error: true });
      return;
    } else {
      this.codes.push(code);
      this.geography = geo;
      this.status(`Added ${name}; ${this.countText()}.`);
    }
    if (!this.codes.length) this.geography = null;
    this.changed();
  }

  countText() {
    const n = this.codes.length;
    if (!n || !this.geography) return 'the footprint is empty';
    return n ? `${n} ${n === 1 ? PLURAL[this.geography].replace(/s$/, '') : PLURAL[this.geography]} in the footprint` : 'the footprint is empty';
  }

  changed() {
    this.result = null;
    const r = this.root?.querySelector('[data-fp="result"]');
    if (r) r.innerHTML = '';
    this.showMembers();
    this.highlight();
    this.buttons();
    this.remember();
  }

  showMembers() {
    const el = this.root?.querySelector('[data-fp="members"]');
    if (!el) return;
    if (this.geometry) {
      el.innerHTML = '<p class="small">The footprint is a polygon.</p>';
      return;
    }
    if (!this.codes.length) {
      el.innerHTML = '<p class="small muted">No areas yet.</p>';
      return;
    }
    const items = this.codes
      .map((c) => {
        const n = this.names.get(c);
        return `<li>${esc(n || c)}${n ? ` <span class="code small">${esc(c)}</span>` : ''} <button type="button" class="btn small" data-remove="${esc(c)}" aria-label="Remove ${esc(n || c)}">Remove</button></li>`;
      })
      .join('');
    el.innerHTML = `<p class="small"><strong>${esc(this.countText())}</strong> (${esc(geoLabel(this.geography))})</p><ul class="fp-members">${items}</ul>`;
  }

  clear() {
    this.drawer.reset();
    this.codes = [];
    this.geography = null;
    this.geometry = null;
    this.map.getSource('selection')?.setData(EMPTY);
    const f = this.root?.querySelector('#fp-file');
    if (f) f.value = '';
    this.status('Cleared.');
    this.changed();
  }

  /** The members drawn over the map: a fill and an outline on the tiles of their geography. */
  highlight() {
    this.setHighlight(this.geography, this.codes);
  }

  setHighlight(geo, codes) {
    const map = this.map;
    for (const id of ['footprint-line', 'footprint-fill']) if (map.getLayer(id)) map.removeLayer(id);
    if (!geo || !codes.length || !this.app.tiles.has(geo)) return;
    const src = this.app.tiles.sourceOf(geo);
    const filter = ['in', ['get', 'code'], ['literal', codes]];
    const before = map.getLayer('selection-casing') ? 'selection-casing' : undefined;
    map.addLayer({ id: 'footprint-fill', type: 'fill', ...src, filter, paint: { 'fill-color': '#6a3d9a', 'fill-opacity': 0.35 } }, before);
    map.addLayer({ id: 'footprint-line', type: 'line', ...src, filter, paint: { 'line-color': '#3f007d', 'line-width': 2.5 } }, before);
  }

  // ------------------------------------------------------------ lists and polygons

  useCodes(text, source) {
    const parsed = parseCodeList(text);
    if (parsed.error) {
      this.status(`${source}: ${parsed.error}`, { error: true });
      return false;
    }
    if (parsed.codes.length > MAX_CODES) {
      this.status(`${source} holds ${formatInt(parsed.codes.length)} codes, over the limit of ${formatInt(MAX_CODES)}.`, { error: true });
      return false;
    }
    this.drawer.reset();
    this.geometry = null;
    this.map.getSource('selection')?.setData(EMPTY);
    this.geography = parsed.geography;
    this.codes = parsed.codes;
    this.status(`${parsed.codes.length} ${PLURAL[parsed.geography]} read from ${source}.`);
    this.changed();
    this.build();
    return true;
  }

  startDrawing() {
    this.codes = [];
    this.geography = null;
    this.geometry = null;
    this.changed();
    this.drawer.start();
  }

  setPolygon(geometry, source) {
    this.codes = [];
    this.geography = null;
    this.geometry = geometry;
    this.status(`Footprint ready: ${source}.`);
    this.changed();
    this.build();
  }

  /** A file: GeoJSON (a polygon) or a list of codes; anything else says what it is not. */
  async upload(file) {
    if (!file) return;
    this.drawer.reset();
    const { text, error } = await readUpload(file);
    if (error) {
      this.status(error, { error: true });
      return;
    }
    const json = parseJSON(text);
    if (json !== null) {
      const geometry = polygonOf(json);
      if (!geometry) {
        this.status(`${file.name} is JSON but holds no Polygon or MultiPolygon: it is neither a polygon nor a list of codes.`, { error: true });
        return;
      }
      this.drawer.clearDraft();
      this.setPolygon(geometry, file.name);
      return;
    }
    const parsed = parseCodeList(text);
    if (parsed.error) {
      this.status(`${file.name} is neither a GeoJSON polygon nor a list of area codes. ${parsed.error}`, { error: true });
      return;
    }
    this.useCodes(text, file.name);
  }

  // ------------------------------------------------------------ profile

  async build() {
    const spec = this.spec();
    const result = this.root?.querySelector('[data-fp="result"]');
    if (!spec || !result) return;
    this.remember();
    result.innerHTML = '<p class="status">Building the profile…</p>';
    const token = (this.token = (this.token || 0) + 1);
    try {
      const r = await post('api/custom-area', JSON.stringify(spec)).then((x) => x.json());
      if (token !== this.token) return;
      this.result = r;
      for (const m of r.members || []) this.names.set(m.code, m.name);
      this.showMembers();
      if (r.geometry) this.map.getSource('selection')?.setData({ type: 'Feature', properties: {}, geometry: r.geometry });
      this.showResult();
      this.app.announce(`Profile of ${r.name} ready.`);
    } catch (e) {
      if (token !== this.token) return;
      this.result = null;
      result.innerHTML = `<p class="error" role="alert" data-fp="error">The footprint could not be profiled: ${esc(e.message)}</p>`;
    }
  }

  showResult() {
    const r = this.result;
    const el = this.root?.querySelector('[data-fp="result"]');
    if (!r || !el) return;
    const cat = this.app.cat;
    const f = r.figures || {};
    const notes = (r.notes || []).map((n) => `<li>${esc(n)}</li>`).join('');
    const attribution = (r.attribution || []).map((a) => `<li>${esc(a)}</li>`).join('');
    el.innerHTML = `<section aria-labelledby="fp-res-h" class="footprint-profile profile">
      <h3 id="fp-res-h" data-fp="name">${esc(r.name)}</h3>
      <p class="kicker">Footprint · ${esc(r.definition)}</p>
      <div class="actions no-print">
        <button type="button" class="btn" data-fp-action="share"${this.tooLong ? ' disabled' : ''}>Copy link</button>
        <button type="button" class="btn" data-fp-action="csv">Download CSV</button>
        <button type="button" class="btn" data-fp-action="geojson">Download GeoJSON</button>
        <button type="button" class="btn" data-fp-action="print">Print profile</button>
      </div>
      <img class="print-map" alt="Map of the footprint ${esc(r.name)}">
      ${this.tooLong ? '<p class="note" role="note">This polygon is too detailed to share by link: download it as GeoJSON and share the file.</p>' : ''}
      <p class="note" role="note">Every figure is an <span class="badge est">estimate</span> for this footprint: counts (numerator and denominator) are summed over its LSOAs (2021), each times its share of residents, and divided, never averaged; other indicators are resident-weighted means of the LSOA values. The method is under each value’s badge.</p>
      <table class="data fp-figures"><caption>Summary</caption><tbody>
        <tr><th scope="row">Residents (estimate)</th><td class="num" data-fp="residents">${esc(formatInt(f.residents))}</td></tr>
        <tr><th scope="row">IMD 2025 score (resident-weighted)</th><td class="num">${esc(formatFixed(f.imd2025_score, 1))}</td></tr>
        <tr><th scope="row">Residents in national decile 1</th><td class="num">${esc(formatPct(f.share_decile1))}</td></tr>
        <tr><th scope="row">Residents in deciles 1–2 (Core20)</th><td class="num">${esc(formatPct(f.share_decile12))}</td></tr>
        <tr><th scope="row">LSOAs (2021) covered</th><td class="num">${esc(formatInt((r.lsoas || []).length))}</td></tr>
      </tbody></table>
      <h4>Inequality inside the footprint: its residents by national IMD 2025 decile</h4>
      ${decileStack([{ label: 'Footprint', residents_by_decile: f.residents_by_decile }])}
      ${membersTable(r)}
      ${lsoaTable(r)}
      <h4>All indicators, compared with ${esc(cat.districtName)} and England</h4>
      ${significanceKey()}
      ${indicatorTables(r.indicators || [], cat, { areaHeading: 'This footprint' })}
      ${notes ? `<details class="method" open><summary>Method and notes</summary><ul>${notes}</ul></details>` : ''}
      <section class="attribution-list"><h4>Sources and attribution</h4><ul>${attribution}</ul></section>
    </section>`;
    el.querySelector('[data-fp-action="share"]').addEventListener('click', () => this.app.share());
    el.querySelector('[data-fp-action="csv"]').addEventListener('click', () => this.download('csv'));
    el.querySelector('[data-fp-action="geojson"]').addEventListener('click', () => this.download('geojson'));
    el.querySelector('[data-fp-action="print"]').addEventListener('click', () => this.app.print('footprint'));
  }

  /** The footprint's bounding box for the print map: its polygon's, else that of its members as
   * the map's tiles hold them (null when none is loaded: the view as it is). */
  bounds() {
    if (this.result?.geometry) return bboxOf(this.result.geometry);
    if (!this.geography || !this.codes.length) return null;
    const { source, 'source-layer': sourceLayer } = this.app.tiles.sourceOf(this.geography);
    const feats = this.map.querySourceFeatures(source, { sourceLayer, filter: ['in', ['get', 'code'], ['literal', this.codes]] });
    return feats.reduce((b, f) => {
      const fb = bboxOf(f.geometry);
      return b ? [Math.min(b[0], fb[0]), Math.min(b[1], fb[1]), Math.max(b[2], fb[2]), Math.max(b[3], fb[3])] : fb;
    }, null);
  }

  async download(format) {
    const spec = this.spec();
    if (!spec) return;
    try {
      const r = await post(`api/custom-area?${qs({ format })}`, JSON.stringify(spec));
      saveBlob(await r.blob(), `${fileName(spec.name)}.${format === 'csv' ? 'csv' : 'geojson'}`);
    } catch (e) {
      this.app.announce(`Download failed: ${e.message}`);
    }
  }
}

function membersTable(r) {
  const m = r.members || [];
  if (!m.length) return '';
  const rows = m.map((a) => `<tr><th scope="row">${areaLink(a)}</th><td>${esc(geoLabel(a.geography))}</td><td class="code">${esc(a.code)}</td></tr>`).join('');
  return `<h4 id="fp-members-h">Its member areas</h4><div class="table-wrap" role="region" aria-labelledby="fp-members-h" tabindex="0"><table class="data" data-fp="members-table"><caption class="sr-only">Member areas</caption><thead><tr><th scope="col">Area</th><th scope="col">Geography</th><th scope="col">Code</th></tr></thead><tbody>${rows}</tbody></table></div>`;
}

function lsoaTable(r) {
  const rows = (r.lsoas || [])
    .map((l) => `<tr><th scope="row">${esc(l.name)} <small>${esc(l.code)}</small></th><td class="num">${formatPct(l.share, 0)}</td><td class="num">${formatInt(l.residents)}</td><td class="num">${isNum(l.imd2025_decile) ? l.imd2025_decile : '–'}</td></tr>`)
    .join('');
  if (!rows) return '';
  return `<details class="lsoas"><summary>Its LSOAs (2021), with their IMD 2025 decile</summary><div class="table-wrap" role="region" aria-label="LSOAs in the footprint" tabindex="0"><table class="data"><caption class="sr-only">LSOAs in the footprint</caption><thead><tr><th scope="col">LSOA</th><th scope="col" class="num">Share of its residents inside</th><th scope="col" class="num">Residents inside</th><th scope="col" class="num">IMD decile</th></tr></thead><tbody>${rows}</tbody></table></div></details>`;
}

/** The polygon geometry of GeoJSON (a geometry, Feature or FeatureCollection), or null. */
export function polygonOf(json) {
  if (!json || typeof json !== 'object') return null;
  if (json.type === 'Polygon' || json.type === 'MultiPolygon') return json;
  if (json.type === 'Feature') return polygonOf(json.geometry);
  if (json.type === 'FeatureCollection' && Array.isArray(json.features)) {
    const polys = json.features.map((f) => polygonOf(f?.geometry)).filter(Boolean);
    if (!polys.length) return null;
    if (polys.length === 1) return polys[0];
    return { type: 'MultiPolygon', coordinates: polys.flatMap((p) => (p.type === 'Polygon' ? [p.coordinates] : p.coordinates)) };
  }
  return null;
}

function fileName(name) {
  return (name || 'footprint').replace(/[^\w-]+/g, '-').replace(/^-+|-+$/g, '').toLowerCase() || 'footprint';
}
