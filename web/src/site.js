// The planner's site tool: draw a polygon on the map (draw.js: click to add corners, with a
// keyboard route: "add corner at map centre") or upload a GeoJSON file (WGS84 or British National
// Grid; the server detects which), choose buffer rings, and get the site report from
// POST /api/site: rings on the map, tables, a chart, CSV and GeoJSON downloads and a print view.

import { post, qs, saveBlob } from './api.js';
import { decileStack } from './charts.js';
import { escapeHtml as esc, formatFixed, formatInt, formatPct, formatValue, isNum } from './format.js';
import { intervalText, significanceBadge, significanceKey } from './significance.js';
import { PolygonDrawer, parseJSON, readUpload } from './draw.js';

const BUFFERS = [200, 400, 800, 1600];
const DEFAULT_BUFFERS = [400, 800];
const EMPTY = { type: 'FeatureCollection', features: [] };

export class SiteTool {
  constructor(app) {
    this.app = app;
    this.map = app.map;
    this.body = null; // the request body (GeoJSON text)
    this.bodyName = null;
    this.report = null;
    this.drawer = new PolygonDrawer(app, {
      status: (msg) => this.status(msg),
      changed: () => this.buttons(),
      finished: (feature) => this.setInput(JSON.stringify({ ...feature, properties: { name: 'Drawn site' } }), 'drawn site'),
    });
  }

  render() {
    const boxes = BUFFERS.map(
      (b) => `<label class="check"><input type="checkbox" name="buffer" value="${b}"${DEFAULT_BUFFERS.includes(b) ? ' checked' : ''}> ${b >= 1000 ? `${b / 1000} km` : `${b} m`}</label>`,
    ).join('');
    return `<article class="site">
      <h2 id="panel-title" tabindex="-1">Site report</h2>
      <p>Who lives in and around a site: residents by age and deprivation decile, IMD score, health and fuel poverty compared with the district and England, life expectancy and GP practices, for the site and buffer rings around it.</p>
      <section aria-labelledby="site-input-h" class="no-print">
        <h3 id="site-input-h">1. The site</h3>
        <div class="actions">
          <button type="button" class="btn" data-site="draw" aria-pressed="false">Draw on map</button>
          <button type="button" class="btn" data-site="centre" disabled>Add corner at map centre</button>
          <button type="button" class="btn" data-site="finish" disabled>Finish shape</button>
          <button type="button" class="btn" data-site="clear">Clear</button>
        </div>
        <p class="muted small" id="draw-help">Click the map to add corners; click the first corner, double-click or press Enter to close the shape. Backspace removes the last corner, Escape stops. With a keyboard: move the map with the arrow keys and use “Add corner at map centre”.</p>
        <p class="small"><label for="site-file">Or upload a GeoJSON file</label> (Polygon, MultiPolygon, Feature or FeatureCollection; WGS84 or British National Grid):<br>
          <input type="file" id="site-file" accept=".geojson,.json,application/geo+json,application/json"></p>
        <p class="status" data-site="input-status" role="status"></p>
      </section>
      <section aria-labelledby="site-buf-h" class="no-print">
        <h3 id="site-buf-h">2. Buffer rings</h3>
        <fieldset class="buffers"><legend class="sr-only">Buffer distances around the site</legend>${boxes}</fieldset>
        <p class="small"><label for="site-buffers-other">Other distances in metres, comma-separated</label><br>
          <input type="text" id="site-buffers-other" inputmode="numeric" pattern="[0-9, ]*" placeholder="e.g. 300, 1200" size="16"></p>
        <button type="button" class="btn primary" data-site="run" disabled>Run site report</button>
      </section>
      <div data-site="result" aria-live="polite"></div>
    </article>`;
  }

  attach(root) {
    this.root = root;
    root.querySelector('[data-site="draw"]').addEventListener('click', () => (this.drawing ? this.stopDrawing() : this.startDrawing()));
    root.querySelector('[data-site="centre"]').addEventListener('click', () => this.drawer.addCentre());
    root.querySelector('[data-site="finish"]').addEventListener('click', () => this.drawer.finish());
    root.querySelector('[data-site="clear"]').addEventListener('click', () => this.clear());
    root.querySelector('[data-site="run"]').addEventListener('click', () => this.run());
    root.querySelector('#site-file').addEventListener('change', (e) => this.upload(e.target.files[0]));
    if (this.body) this.setInput(this.body, this.bodyName, { keepMap: true });
    if (this.report) this.showReport();
  }

  status(msg) {
    const el = this.root?.querySelector('[data-site="input-status"]');
    if (el) el.textContent = msg;
  }

  buttons() {
    if (!this.root) return;
    const q = (s) => this.root.querySelector(`[data-site="${s}"]`);
    q('draw').setAttribute('aria-pressed', String(this.drawing));
    q('draw').textContent = this.drawing ? 'Stop drawing' : 'Draw on map';
    q('centre').disabled = !this.drawing;
    q('finish').disabled = !this.drawer.canFinish;
    q('run').disabled = !this.body;
  }

  startDrawing() {
    this.clearResult();
    this.body = null;
    this.drawer.start();
  }

  stopDrawing() {
    this.drawer.stop();
  }

  get drawing() {
    return this.drawer.drawing;
  }

  get vertices() {
    return this.drawer.vertices;
  }

  setInput(text, name, { keepMap = false } = {}) {
    this.body = text;
    this.bodyName = name;
    this.status(`Site ready: ${name}. Choose buffer rings and run the report.`);
    if (!keepMap && name !== 'drawn site') this.drawer.clearDraft();
    this.buttons();
  }

  async upload(file) {
    if (!file) return;
    this.drawer.reset();
    this.clearResult();
    const { text, error } = await readUpload(file);
    if (error) {
      this.status(error);
      return;
    }
    if (parseJSON(text) === null) {
      this.status(`${file.name} is not JSON: choose a GeoJSON file.`);
      return;
    }
    this.setInput(text, file.name);
    this.run();
  }

  buffers() {
    const ticked = [...this.root.querySelectorAll('input[name="buffer"]:checked')].map((i) => Number(i.value));
    const other = (this.root.querySelector('#site-buffers-other')?.value || '')
      .split(/[\s,;]+/)
      .map(Number)
      .filter((n) => Number.isFinite(n) && n > 0);
    return [...new Set([...ticked, ...other])].sort((a, b) => a - b);
  }

  clear() {
    this.drawer.reset();
    this.body = null;
    this.clearResult();
    const f = this.root?.querySelector('#site-file');
    if (f) f.value = '';
    this.status('');
    this.buttons();
  }

  clearResult() {
    this.report = null;
    this.geojson = null;
    this.map.getSource('site')?.setData(EMPTY);
    const r = this.root?.querySelector('[data-site="result"]');
    if (r) r.innerHTML = '';
  }

  url(format, buffers = this.buffers()) {
    return `api/site?${qs({ buffer_m: buffers.join(',') || undefined, format })}`;
  }

  async run() {
    if (!this.body) return;
    const result = this.root.querySelector('[data-site="result"]');
    result.innerHTML = '<p class="status">Running the site report…</p>';
    this.lastBuffers = this.buffers();
    try {
      const [json, gj] = await Promise.all([
        post(this.url('json', this.lastBuffers), this.body).then((r) => r.json()),
        post(this.url('geojson', this.lastBuffers), this.body).then((r) => r.json()),
      ]);
      this.report = json;
      this.geojson = gj;
      this.map.getSource('site')?.setData(gj);
      this.drawer.clearDraft();
      this.fit(gj);
      this.showReport();
      this.app.announce(`Site report ready: ${json.zones.length} zones.`);
    } catch (e) {
      this.report = null;
      result.innerHTML = `<p class="error" role="alert">The site report failed: ${esc(e.message)}</p>`;
    }
  }

  fit(gj) {
    const b = this.bounds(gj);
    if (b) this.app.fitBounds(b);
  }

  bounds(gj) {
    let b = null;
    const walk = (c) => {
      if (typeof c[0] === 'number') {
        b = b ? [Math.min(b[0], c[0]), Math.min(b[1], c[1]), Math.max(b[2], c[0]), Math.max(b[3], c[1])] : [c[0], c[1], c[0], c[1]];
      } else c.forEach(walk);
    };
    for (const f of gj.features || []) if (f.properties?.kind === 'zone') walk(f.geometry.coordinates);
    return b;
  }

  showReport() {
    const r = this.report;
    const result = this.root?.querySelector('[data-site="result"]');
    if (!r || !result) return;
    const zones = r.zones;
    const rows = [
      ['Area (hectares)', (z) => formatFixed(z.area_ha, 1)],
      ['Residents (estimate)', (z) => formatInt(z.residents)],
      ['IMD 2025 score (resident-weighted)', (z) => formatFixed(z.imd2025_score, 1)],
      ['Residents in national decile 1', (z) => formatPct(z.share_decile1)],
      ['Residents in deciles 1–2 (Core20)', (z) => formatPct(z.share_decile12)],
      ['Female life expectancy (estimate, years)', (z) => formatFixed(z.le_female, 1)],
      ['Male life expectancy (estimate, years)', (z) => formatFixed(z.le_male, 1)],
      ['GP practices within', (z) => formatInt(z.gp_practices_within)],
      ['Patients registered at them', (z) => formatInt(z.gp_patients_within)],
    ];
    const zoneTable = `<div class="table-wrap" role="region" aria-label="Site and buffer zones" tabindex="0"><table class="data">
      <caption>The site and its buffer zones (each zone includes the site)</caption>
      <thead><tr><th scope="col">Measure</th>${zones.map((z) => `<th scope="col" class="num">${esc(z.label)}</th>`).join('')}</tr></thead>
      <tbody>${rows.map(([label, f]) => `<tr><th scope="row">${esc(label)}</th>${zones.map((z) => `<td class="num">${esc(f(z))}</td>`).join('')}</tr>`).join('')}</tbody>
    </table></div>`;
    const bands = zones[0]?.age_bands || [];
    const ageTable = bands.length
      ? `<div class="table-wrap" role="region" aria-label="Residents by age band" tabindex="0"><table class="data" data-site="age-bands">
      <caption>Residents by age band (estimates for each zone; the source and date of each band under its name)</caption>
      <thead><tr><th scope="col">Age</th>${zones.map((z) => `<th scope="col" class="num">${esc(z.label)}</th>`).join('')}</tr></thead>
      <tbody>${bands.map((b, i) => `<tr><th scope="row">${esc(b.label.replace(/^Residents aged /, ''))}<br><small class="source" title="${esc(b.method)}">${esc(b.estimate ? `Estimate: ${b.period}` : b.period)}</small></th>${zones.map((z) => `<td class="num">${esc(formatInt(z.age_bands?.[i]?.residents))}</td>`).join('')}</tr>`).join('')}</tbody>
    </table></div>`
      : '';
    const placed = zones.some((z) => z.residents_method === 'dasymetric')
      ? 'Residents are placed where they live: Output Area populations (mid-2022) on mapped residential land, or at the Output Area’s population-weighted centroid where none is mapped.'
      : 'Residents are spread evenly over each LSOA’s area (parks and industrial land included): this atlas has no Output Area data.';
    const fellBack = Math.max(0, ...zones.map((z) => z.lsoas_placed_by_area || 0));
    const methodNote = `<p class="small" data-site="residents-method">${esc(placed)}${fellBack ? ` ${fellBack} LSOA(s) without Output Area data are placed by area.` : ''} See Method below.</p>`;
    const outcomes = outcomesTable(zones, this.app.cat.districtName);
    const comps = (r.comparisons || [])
      .map(
        (c) => `<tr><th scope="row">${esc(c.label)}</th><td class="num">${esc(fmtRef(c.district?.value, c.unit))}</td><td class="num">${esc(fmtRef(c.england?.value, c.unit))}</td></tr>`,
      )
      .join('');
    const compTable = comps
      ? `<div class="table-wrap" role="region" aria-label="Comparisons" tabindex="0"><table class="data"><caption>For comparison</caption><thead><tr><th scope="col">Measure</th><th scope="col" class="num">${esc(this.app.cat.districtName)}</th><th scope="col" class="num">England</th></tr></thead><tbody>${comps}</tbody></table></div>`
      : '';
    // Each practice's recorded prevalence of the condition chosen for the practices layer.
    const cond = this.app.practices?.condition || 'DEP';
    const prev = (g) => {
      const p = g.registers?.prevalence?.find((x) => x.condition === cond);
      if (!p || !isNum(p.value)) return '<td>–</td>';
      return `<td class="num">${formatFixed(p.value, 1)}%<br><small>${isNum(p.lower) ? `${formatFixed(p.lower, 1)}–${formatFixed(p.upper, 1)}%` : ''}</small><br>${significanceBadge(p.england?.comparison)}</td>`;
    };
    const condLabel = (r.nearest_gp_practices || []).flatMap((g) => g.registers?.prevalence || []).find((x) => x.condition === cond)?.label;
    const gps = (r.nearest_gp_practices || [])
      .map(
        (g) => `<tr><th scope="row">${esc(g.name)}<br><small>${esc(g.postcode || '')} · ${esc(g.org_code)}${g.registers?.pcn ? ` · ${esc(g.registers.pcn.name)}` : ''}</small></th><td class="num">${formatInt(g.distance_m)} m</td><td class="num">${formatInt(g.registered_patients)}</td>${condLabel ? prev(g) : ''}</tr>`,
      )
      .join('');
    const gpTable = gps
      ? `<div class="table-wrap" role="region" aria-label="Nearest GP practices" tabindex="0"><table class="data"><caption>Nearest GP practices (straight-line distance from the site’s edge)</caption><thead><tr><th scope="col">Practice</th><th scope="col" class="num">Distance</th><th scope="col" class="num">Registered patients</th>${condLabel ? `<th scope="col" class="num">${esc(condLabel)}: recorded prevalence, 95% CI, vs England</th>` : ''}</tr></thead><tbody>${gps}</tbody></table>${condLabel ? '<p class="small muted">Recorded prevalence (QOF): diagnosed, coded patients over the practice’s list of the register’s ages; crude, not age-standardised. The condition is the one chosen for the GP practices layer.</p>' : ''}</div>`
      : '';
    const lsoaRows = (zones[zones.length - 1]?.lsoas || [])
      .map((l) => `<tr><th scope="row">${esc(l.name)} <small>${esc(l.code)}</small></th><td class="num">${formatPct(l.share, 0)}</td><td class="num">${formatInt(l.residents)}</td><td class="num">${isNum(l.imd2025_decile) ? l.imd2025_decile : '–'}</td></tr>`)
      .join('');
    const lsoaTable = lsoaRows
      ? `<details class="lsoas"><summary>LSOAs touched by “${esc(zones[zones.length - 1].label)}”</summary><div class="table-wrap" role="region" aria-label="LSOAs in the largest zone" tabindex="0"><table class="data"><caption class="sr-only">LSOAs in the largest zone</caption><thead><tr><th scope="col">LSOA</th><th scope="col" class="num">Share of its residents inside</th><th scope="col" class="num">Residents inside</th><th scope="col" class="num">IMD decile</th></tr></thead><tbody>${lsoaRows}</tbody></table></div></details>`
      : '';
    const notes = (r.notes || []).map((n) => `<li>${esc(n)}</li>`).join('');
    const method = (r.method || []).map((n) => `<li>${esc(n)}</li>`).join('');
    const attribution = (r.attribution || []).map((a) => `<li>${esc(a)}</li>`).join('');
    result.innerHTML = `<section aria-labelledby="site-res-h" class="site-result">
      <h3 id="site-res-h">Report${this.bodyName ? `: ${esc(this.bodyName)}` : ''}</h3>
      <p class="small muted">Input coordinates: ${esc(r.input_crs)}. ${esc(r.crs_detection || '')}</p>
      <div class="actions no-print">
        <button type="button" class="btn" data-site="csv">Download CSV</button>
        <button type="button" class="btn" data-site="geojson">Download GeoJSON</button>
        <button type="button" class="btn" data-site="print">Print report</button>
      </div>
      <img class="print-map" alt="Map of the site and its buffer rings">
      ${notes ? `<ul class="notes">${notes}</ul>` : ''}
      ${zoneTable}
      ${methodNote}
      ${ageTable}
      ${outcomes}
      <h4>Residents by national IMD 2025 decile</h4>
      ${decileStack(zones)}
      ${compTable}
      ${gpTable}
      ${lsoaTable}
      <details class="method"><summary>Method</summary><ul>${method}</ul></details>
      <section class="attribution-list"><h4>Sources and attribution</h4><ul>${attribution}</ul></section>
    </section>`;
    result.querySelector('[data-site="csv"]').addEventListener('click', () => this.download('csv'));
    result.querySelector('[data-site="geojson"]').addEventListener('click', () => this.download('geojson'));
    result.querySelector('[data-site="print"]').addEventListener('click', () => this.app.print('site'));
  }

  async download(format) {
    try {
      const r = await post(this.url(format, this.lastBuffers), this.body);
      const blob = await r.blob();
      saveBlob(blob, format === 'csv' ? 'site-report.csv' : 'site-report.geojson');
    } catch (e) {
      this.app.announce(`Download failed: ${e.message}`);
    }
  }

  detach() {
    this.stopDrawing();
    this.root = null;
  }
}

// Health outcomes, fuel poverty and the deprivation shares of each zone: the value, its 95%
// interval and the comparison with the district and England, always in words beside the colour.
function outcomesTable(zones, districtName) {
  const list = zones[0]?.outcomes || [];
  if (!list.length) return '';
  const cell = (o) => {
    if (!o) return '<td class="num">–</td>';
    const ci = o.interval ? `<br><small class="ci" title="${esc(o.interval.method)}">${esc(intervalText(o.interval, o))}</small>` : '';
    const badges = o.vs_district || o.vs_england
      ? `<br>${significanceBadge(o.vs_district)} ${significanceBadge(o.vs_england)}`
      : isNum(o.value) && o.counts && !o.interval ? '<br><small class="not-tested">not tested (a classification, not a sample)</small>' : '';
    return `<td class="num" data-outcome="${esc(o.id)}">${esc(formatValue(o.value, o))}${ci}${badges}</td>`;
  };
  const ref = (o, key) => `<td class="num">${esc(formatValue(o[key]?.value, o))}</td>`;
  const rows = list
    .map((o, k) => `<tr><th scope="row">${esc(o.label)}</th>${zones.map((z) => cell(z.outcomes?.[k]?.id === o.id ? z.outcomes[k] : null)).join('')}${ref(o, 'district')}${ref(o, 'england')}</tr>`)
    .join('');
  // Each caveat once, under the first indicator it belongs to (several Census ones share one).
  const firstLabel = new Map();
  for (const o of list) if (o.caveat && !firstLabel.has(o.caveat)) firstLabel.set(o.caveat, o.label);
  const caveats = [...firstLabel.entries()].map(([c, label]) => `<li><strong>${esc(label)}:</strong> ${esc(c)}</li>`).join('');
  return `<h4 id="site-outcomes-h">Health and deprivation compared with ${esc(districtName)} and England</h4>
    <div class="table-wrap" role="region" aria-labelledby="site-outcomes-h" tabindex="0"><table class="data" data-site="outcomes">
      <caption>Estimates for each zone, with 95% intervals; Census 2021 health shares are crude, not age-standardised</caption>
      <thead><tr><th scope="col">Measure</th>${zones.map((z) => `<th scope="col" class="num">${esc(z.label)}</th>`).join('')}<th scope="col" class="num">${esc(districtName)}</th><th scope="col" class="num">England</th></tr></thead>
      <tbody>${rows}</tbody>
    </table></div>
    ${significanceKey()}
    <ul class="small" data-site="outcome-notes">
      <li>Each zone’s counts are estimates: each LSOA’s numerator and denominator weighted by the share of its residents placed inside the zone, then summed. The 95% intervals are Wilson score intervals on these apportioned counts, an approximation (see Method).</li>
      <li>A colour always comes with its words: the comparison is with the zone’s 95% interval; the first badge compares with ${esc(districtName)}, the second with England.</li>
      ${caveats}
    </ul>`;
}

function fmtRef(v, unit) {
  if (!isNum(v)) return '–';
  if (/^share/.test(unit || '')) return formatPct(v);
  return formatFixed(v, Math.abs(v) >= 1000 ? 0 : 2);
}
