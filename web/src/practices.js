// GP practices coloured by a QOF register's recorded prevalence, and the practice and PCN
// profiles. A PCN is a list of practices, not an area: it is shown as its practices, never as a
// boundary, and the panels say why.

import { getJSON, qs } from './api.js';
import { PRACTICE_RAMP, PRACTICE_RINGS, quantileBreaks } from './colours.js';
import { escapeHtml as esc, formatInt, formatFixed } from './format.js';
import { significanceBadge } from './significance.js';
import { writeHashNow } from './state.js';

const $ = (s) => document.querySelector(s);
// Darker = higher recorded prevalence; oranges, never the choropleth's viridis (colours.js).
const RAMP = PRACTICE_RAMP;
const RADIUS = ['interpolate', ['linear'], ['sqrt', ['get', 'list_size']], 30, 3, 80, 6, 160, 12];
const pct = (v) => (Number.isFinite(v) ? `${formatFixed(v, 1)}%` : '–');
const ci = (p) => (Number.isFinite(p.lower) ? `${formatFixed(p.lower, 1)}–${formatFixed(p.upper, 1)}%` : 'no interval');
const sig = (b) => (b ? `${significanceBadge(b.comparison) || 'not compared'} <span class="muted">(${pct(b.value)})</span>` : '–');

export class Practices {
  constructor(app) {
    this.app = app;
    this.catalogue = null;
    this.condition = app.state.practices || 'DEP';
    this.shown = Boolean(app.state.practices);
    this.members = [];
  }

  /** Reads the catalogue, adds the map layers and the control; an atlas without GP registers
   * says so in the control instead. */
  async init() {
    const block = document.createElement('section');
    block.className = 'block';
    block.id = 'practice-block';
    block.setAttribute('aria-labelledby', 'practice-h');
    $('#overlays').closest('section').after(block);
    try {
      this.catalogue = await getJSON('api/primary-care');
    } catch (e) {
      block.innerHTML = `<h2 id="practice-h">GP practice registers</h2><p class="small">Not in this atlas: ${esc(e.message)}</p>`;
      return;
    }
    const c = this.catalogue;
    block.innerHTML = `<h2 id="practice-h">GP practice registers</h2>
      <label class="check"><input type="checkbox" id="practice-toggle"${this.shown ? ' checked' : ''}> GP practices by recorded prevalence</label>
      <label class="field" for="practice-condition">Condition</label>
      <select id="practice-condition">${c.conditions
        .map((k) => `<option value="${esc(k.condition)}"${k.condition === this.condition ? ' selected' : ''}>${esc(k.label)}</option>`)
        .join('')}</select>
      <p class="small muted">QOF ${esc(c.period)}; PCNs as at ${esc(c.membership_as_at)}.</p>`;
    $('#practice-toggle').addEventListener('change', (e) => this.setShown(e.target.checked));
    $('#practice-condition').addEventListener('change', (e) => {
      this.condition = e.target.value;
      this.setShown(true);
    });
    const map = this.app.map;
    map.addSource('practices', { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
    // Two rings: a dark one under a white one, so a circle stands out on any choropleth colour.
    map.addLayer({ id: 'practice-ring', type: 'circle', source: 'practices', layout: { visibility: 'none' }, paint: {
      'circle-radius': RADIUS, 'circle-color': PRACTICE_RINGS.outer, 'circle-stroke-color': PRACTICE_RINGS.outer, 'circle-stroke-width': 3 } });
    map.addLayer({ id: 'practice-circle', type: 'circle', source: 'practices', layout: { visibility: 'none' }, paint: {
      'circle-radius': RADIUS, 'circle-color': '#888', 'circle-stroke-color': PRACTICE_RINGS.inner, 'circle-stroke-width': 1.5 } });
    // A PCN's practices: a wider ring, dark on white, around each circle.
    const outer = ['interpolate', ['linear'], ['sqrt', ['get', 'list_size']], 30, 7, 80, 10, 160, 16];
    const none = ['in', ['get', 'code'], ['literal', []]];
    map.addLayer({ id: 'practice-member-halo', type: 'circle', source: 'practices', filter: none, paint: {
      'circle-radius': outer, 'circle-color': 'rgba(0,0,0,0)', 'circle-stroke-color': PRACTICE_RINGS.inner, 'circle-stroke-width': 6 } });
    map.addLayer({ id: 'practice-member', type: 'circle', source: 'practices', filter: none, paint: {
      'circle-radius': outer, 'circle-color': 'rgba(0,0,0,0)', 'circle-stroke-color': PRACTICE_RINGS.outer, 'circle-stroke-width': 2.5 } });
    map.on('click', 'practice-circle', (e) => {
      const f = e.features?.[0];
      if (f) this.openPractice(f.properties.code);
    });
    if (this.shown) await this.setShown(true);
  }

  async setShown(on) {
    this.shown = on;
    $('#practice-toggle') && ($('#practice-toggle').checked = on);
    this.app.state.practices = on ? this.condition : null;
    writeHashNow(this.app.state);
    const map = this.app.map;
    for (const id of ['practice-ring', 'practice-circle']) map.setLayoutProperty(id, 'visibility', on ? 'visible' : 'none');
    if (!on) {
      this.renderLegend(null);
      return;
    }
    const data = await getJSON(`api/practices?${qs({ condition: this.condition })}`);
    const values = data.features.map((f) => f.properties.value);
    const breaks = quantileBreaks(values, 5);
    const colour = ['step', ['get', 'value'], RAMP[0]];
    breaks.forEach((b, i) => colour.push(b, RAMP[i + 1]));
    map.getSource('practices').setData(data);
    map.setPaintProperty('practice-circle', 'circle-color', colour);
    this.renderLegend(data, breaks);
  }

  renderLegend(data, breaks = []) {
    let el = $('#practice-legend');
    if (!data) {
      el?.remove();
      return;
    }
    if (!el) {
      el = document.createElement('div');
      el.id = 'practice-legend';
      el.className = 'practice-legend';
      $('#legend-content').append(el);
    }
    const edges = [Math.min(...data.features.map((f) => f.properties.value)), ...breaks, Math.max(...data.features.map((f) => f.properties.value))];
    const items = RAMP.slice(0, breaks.length + 1)
      .map((c, i) => `<li><span class="swatch round practice" style="background:${c}" aria-hidden="true"></span>${pct(edges[i])} to ${pct(edges[i + 1])}</li>`)
      .join('');
    const area = this.catalogue.conditions.find((k) => k.condition === this.condition);
    el.innerHTML = `<p class="legend-title">GP practices: ${esc(area?.label || this.condition)}, recorded prevalence</p>
      <p class="legend-sub">% of ${esc(area?.ages || 'patients')} · QOF ${esc(data.period)} · circle size: list size; orange circles ringed white and dark, drawn over the area colours</p>
      <ul class="legend-items" aria-label="Practice colour key">${items}</ul>
      <p class="legend-note">${esc(this.app.cat.districtName)} practices ${pct(data.district)}, England ${pct(data.england)}.</p>
      <p class="legend-note caveat-text">Recorded prevalence counts diagnosed, coded patients; crude, not age-standardised.</p>`;
  }

  /** Opens a practice or PCN from a search result or the URL. */
  open(kind, code, opts) {
    return kind === 'pcn' ? this.openPcn(code, opts) : this.openPractice(code, opts);
  }

  async load(kind, url, code, opts = {}) {
    const body = this.app.showPanel(kind);
    this.app.state.area = null;
    this.app.state.gp = { kind, code };
    writeHashNow(this.app.state);
    body.innerHTML = '<p class="status">Loading…</p>';
    try {
      return { body, p: await getJSON(url) };
    } catch (e) {
      body.innerHTML = `<h2 id="panel-title" tabindex="-1">${kind === 'pcn' ? 'PCN' : 'Practice'} not found</h2><p class="error" role="alert">${esc(e.message)}</p>`;
      if (opts.focus !== false) this.app.focusPanel();
      return null;
    }
  }

  table(p) {
    const rows = p.prevalence
      .map((r) => `<tr><th scope="row">${esc(r.label)}<br><span class="muted small">% of ${esc(r.denominator)}</span></th>
        <td>${pct(r.value)}<br><span class="muted small">${ci(r)}</span></td><td class="small">${formatInt(r.register)} / ${formatInt(r.list_size)}</td>
        <td class="small">${sig(r.district)}</td><td class="small">${sig(r.england)}</td></tr>`)
      .join('');
    const place = esc(this.app.cat.districtName);
    return `<table class="prevalence"><caption>Recorded prevalence, QOF ${esc(p.period)}, with 95% confidence intervals</caption>
      <thead><tr><th scope="col">Register</th><th scope="col">Prevalence</th><th scope="col">Register / list</th><th scope="col">vs ${place} practices</th><th scope="col">vs England</th></tr></thead>
      <tbody>${rows}</tbody></table>
      <p class="caveat-text">${esc(p.caveat)}</p>
      <details class="method"><summary>Method</summary><p>${esc(p.method)}</p></details>`;
  }

  async openPractice(code, opts = {}) {
    const got = await this.load('practice', `api/practices/${encodeURIComponent(code)}`, code, opts);
    if (!got) return;
    const { body, p } = got;
    this.highlight([p.code]);
    const pcn = p.pcn
      ? `<p>Primary Care Network: <button type="button" class="link" data-pcn="${esc(p.pcn.code)}">${esc(p.pcn.name)}</button> (as at ${esc(p.pcn.as_at)})</p>`
      : `<p>${esc(p.pcn_note)}</p>`;
    const dep = Number.isFinite(p.imd2025_decile) ? `<p>Deprivation of its registered patients (IMD 2025): decile ${p.imd2025_decile} of English practices (1 = most deprived), score ${formatFixed(p.imd2025_score, 1)}.</p>` : '<p>No IMD 2025 score is published for this practice.</p>';
    body.innerHTML = `<h2 id="panel-title" tabindex="-1">${esc(p.name)}</h2><p class="muted">GP practice ${esc(p.code)}</p>${pcn}${dep}${this.table(p)}`;
    this.wire(body);
    if (opts.fly !== false && Number.isFinite(p.lon)) this.app.map.flyTo({ center: [p.lon, p.lat], zoom: Math.max(this.app.map.getZoom(), 13), duration: 600 });
    if (opts.focus !== false) this.app.focusPanel();
    this.app.announce(`Practice ${p.name} opened.`);
  }

  async openPcn(code, opts = {}) {
    const got = await this.load('pcn', `api/pcns/${encodeURIComponent(code)}`, code, opts);
    if (!got) return;
    const { body, p } = got;
    if (!this.shown) await this.setShown(true);
    this.highlight(p.practices.map((x) => x.code));
    const list = (xs) => xs
      .map((x) => `<li><button type="button" class="link" data-practice="${esc(x.code)}">${esc(x.name)}</button> <span class="muted small">${esc(x.code)}${x.in_district ? '' : ` · outside ${esc(this.app.cat.districtName)}`}</span></li>`)
      .join('');
    const former = p.former_practices.length ? `<p class="small">Also in this PCN as at February 2023, since closed or moved (not summed):</p><ul class="small">${list(p.former_practices)}</ul>` : '';
    body.innerHTML = `<h2 id="panel-title" tabindex="-1">${esc(p.name)}</h2>
      <p class="muted">Primary Care Network ${esc(p.code)} · membership as at ${esc(p.as_at)}</p>
      <p class="note" role="note">${esc(p.no_boundary)}</p>
      <h3>Its ${p.practices.length} practices <span class="muted small">(outlined on the map)</span></h3><ul class="pcn-practices">${list(p.practices)}</ul>${former}
      ${this.table(p)}`;
    this.wire(body);
    const pts = p.practices.filter((x) => Number.isFinite(x.lon));
    if (opts.fly !== false && pts.length) {
      const xs = pts.map((x) => x.lon);
      const ys = pts.map((x) => x.lat);
      this.app.map.fitBounds([[Math.min(...xs), Math.min(...ys)], [Math.max(...xs), Math.max(...ys)]], { padding: 80, maxZoom: 14, duration: 600 });
    }
    if (opts.focus !== false) this.app.focusPanel();
    this.app.announce(`PCN ${p.name} opened: ${p.practices.length} practices outlined on the map.`);
  }

  wire(body) {
    body.querySelectorAll('[data-pcn]').forEach((b) => b.addEventListener('click', () => this.openPcn(b.dataset.pcn)));
    body.querySelectorAll('[data-practice]').forEach((b) => b.addEventListener('click', () => this.openPractice(b.dataset.practice)));
  }

  highlight(codes) {
    this.members = codes;
    for (const id of ['practice-member-halo', 'practice-member']) this.app.map.setFilter(id, ['in', ['get', 'code'], ['literal', codes]]);
  }
}
