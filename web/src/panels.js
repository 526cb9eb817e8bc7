// The side panel: area profiles, the table view, the Fairer, Healthier Leeds list, the site
// tool, search results and sharing the view.
// Methods of the App (web/src/main.js), mixed into its prototype; `this` is the App.

import { getJSON } from './api.js';
import { geoLabel } from './catalogue.js';
import { escapeHtml as esc } from './format.js';
import { writeHashNow } from './state.js';
import { renderProfile, drawGradient } from './profile.js';
import { renderTable } from './table.js';
import { drawTrends } from './trends.js';
import { renderMarmot, drawMarmotGradient } from './marmot.js';
import { bboxOf } from './bbox.js';

const $ = (s, r = document) => r.querySelector(s);

export const panelsMethods = {
  showPanel(kind) {
    if (this.state.panel === 'site' && kind !== 'site') this.site?.detach();
    if (this.state.panel === 'footprint' && kind !== 'footprint') this.leaveFootprint();
    if (this.state.panel === 'where' && kind !== 'where') this.leaveWhere();
    const panel = $('#panel');
    panel.hidden = false;
    panel.dataset.kind = kind;
    document.body.classList.add('panel-open');
    this.state.panel = kind;
    if (kind !== 'profile') document.title = this.baseTitle;
    for (const b of document.querySelectorAll('[data-panel-button]')) b.setAttribute('aria-pressed', String(b.dataset.panelButton === kind));
    this.map?.resize();
    return $('#panel-body');
  },

  closePanel() {
    if (this.state.panel === 'site') this.site?.detach();
    if (this.state.panel === 'footprint') this.leaveFootprint();
    if (this.state.panel === 'where') this.leaveWhere();
    $('#panel').hidden = true;
    document.body.classList.remove('panel-open');
    for (const b of document.querySelectorAll('[data-panel-button]')) b.setAttribute('aria-pressed', 'false');
    this.state.panel = null;
    this.state.area = null;
    this.state.gp = null;
    if (this.map.getLayer('practice-member')) this.practices?.highlight([]);
    this.profile = null;
    document.title = this.baseTitle;
    this.map.getSource('selection')?.setData({ type: 'FeatureCollection', features: [] });
    this.map.resize();
    writeHashNow(this.state);
    (this.lastTrigger && document.contains(this.lastTrigger) ? this.lastTrigger : $('#map canvas'))?.focus();
  },

  focusPanel() {
    $('#panel-title')?.focus({ preventScroll: false });
  },

  restorePanel() {
    const s = this.state;
    if (s.footprint || s.footprintError || s.panel === 'footprint') this.openFootprint({ focus: false });
    else if (s.where) this.where.open(s.where, { focus: false });
    else if (s.panel === 'where') this.openWhere();
    else if (s.panel === 'site') this.openSite();
    else if (s.panel === 'table') this.openTable();
    else if (s.panel === 'marmot') this.openMarmot();
    else if (s.gp) this.practicesReady.then(() => this.practices.open(s.gp.kind, s.gp.code, { fly: !s.view, focus: false }));
    else if (s.area) this.openProfile(s.area.geography, s.area.code, { fly: !s.view, focus: false });
  },

  async openProfile(geography, code, { fly = true, context = null, focus = true } = {}) {
    this.lastTrigger = document.activeElement;
    const body = this.showPanel('profile');
    this.state.area = { geography, code };
    this.state.gp = null;
    writeHashNow(this.state);
    body.setAttribute('aria-busy', 'true');
    body.innerHTML = '<p class="status">Loading the area profile…</p>';
    const token = (this.profileToken = (this.profileToken || 0) + 1);
    let p;
    try {
      p = await getJSON(`api/areas/${encodeURIComponent(geography)}/${encodeURIComponent(code)}?geometry=true`);
    } catch (e) {
      if (token !== this.profileToken) return;
      body.removeAttribute('aria-busy');
      body.innerHTML = `<h2 id="panel-title" tabindex="-1">Area not found</h2><p class="error" role="alert">${esc(e.message)}</p>`;
      return;
    }
    if (token !== this.profileToken) return;
    this.profile = p;
    document.title = `${p.area.name} · equimap`;
    body.innerHTML = renderProfile(this, p, { context });
    body.removeAttribute('aria-busy');
    this.selectionGeometry = p.geometry || null;
    this.map.getSource('selection')?.setData(
      p.geometry ? { type: 'Feature', properties: { code }, geometry: p.geometry } : { type: 'FeatureCollection', features: [] },
    );
    const sel = body.querySelector('[data-role="gradient-indicator"]');
    if (sel) drawGradient(this, body, p, sel.value);
    if (geography === 'district') drawTrends(body, code);
    if (fly && p.geometry) this.fitBounds(bboxOf(p.geometry));
    if (focus) this.focusPanel();
    this.announce(`Profile of ${p.area.name} (${geoLabel(geography)}) opened.`);
  },

  async openTable({ focus = true } = {}) {
    this.lastTrigger = focus ? document.activeElement : this.lastTrigger;
    const body = this.showPanel('table');
    this.state.area = null;
    this.map.getSource('selection')?.setData({ type: 'FeatureCollection', features: [] });
    writeHashNow(this.state);
    await renderTable(this, body);
    if (focus) this.focusPanel();
  },

  async openMarmot() {
    this.lastTrigger = document.activeElement;
    const body = this.showPanel('marmot');
    this.state.area = null;
    this.map.getSource('selection')?.setData({ type: 'FeatureCollection', features: [] });
    writeHashNow(this.state);
    await renderMarmot(this, body);
    this.focusPanel();
  },

  /** A button of the Fairer, Healthier Leeds list: a layer, a ward or MSOA table, a gradient. */
  marmotAction(el) {
    const id = el.dataset.indicator;
    const kind = el.dataset.marmot;
    if (kind === 'gradient') return drawMarmotGradient(this, $('#panel-body'), id);
    if (kind === 'trends') return this.openProfile('district', this.cat.district, { fly: true });
    const radio = document.querySelector(`#layer-picker input[value="${CSS.escape(id)}"]`);
    if (radio) {
      radio.checked = true;
      radio.closest('details').open = true;
    }
    this.setLayer(id);
    if (kind === 'table') {
      this.setFamily(el.dataset.family);
      this.openTable();
    }
    return null;
  },

  openSite() {
    this.lastTrigger = document.activeElement;
    const body = this.showPanel('site');
    this.state.area = null;
    this.map.getSource('selection')?.setData({ type: 'FeatureCollection', features: [] });
    writeHashNow(this.state);
    body.innerHTML = this.site.render();
    this.site.attach(body);
    this.focusPanel();
  },

  chooseSearchResult(r) {
    this.marker?.remove();
    if (r.kind === 'where') {
      this.where.open({ q: r.label });
      return;
    }
    if (r.kind === 'area' && r.area) {
      this.openProfile(r.area.geography, r.area.code, { fly: true });
      return;
    }
    if ((r.kind === 'practice' || r.kind === 'pcn') && r.code) {
      this.practicesReady?.then(() => this.practices.open(r.kind, r.code));
      return;
    }
    this.placeMarker(r.lon, r.lat, `${r.kind === 'postcode' ? 'Postcode' : 'Place'} ${r.label}`);
    this.map.flyTo({ center: [r.lon, r.lat], zoom: r.kind === 'postcode' ? 15 : 14, duration: 800 });
    const lsoa = (r.within || []).find((w) => w.geography === 'lsoa21');
    if (lsoa) this.openProfile('lsoa21', lsoa.code, { fly: false, context: r });
  },

  async share() {
    writeHashNow(this.state);
    const url = location.href;
    try {
      await navigator.clipboard.writeText(url);
      this.announce('Link to this view copied.');
      $('#share-status').textContent = 'Link copied';
    } catch {
      $('#share-status').textContent = 'Copy the address bar to share';
      this.announce('Copy the address in the address bar to share this view.');
    }
    setTimeout(() => ($('#share-status').textContent = ''), 4000);
  },

  /** A pin at a point (a search result, a "where I live" point), replacing any other. */
  placeMarker(lon, lat, label) {
    this.marker?.remove();
    const el = document.createElement('div');
    el.className = 'search-marker';
    el.setAttribute('role', 'img');
    el.setAttribute('aria-label', label);
    el.innerHTML = '<span class="pin"></span>';
    this.marker = new window.maplibregl.Marker({ element: el, anchor: 'bottom' }).setLngLat([lon, lat]).addTo(this.map);
  },

  writeState() {
    writeHashNow(this.state);
  },

  /** The footprint builder; a definition from the link is loaded and profiled, a damaged one
   * is reported in the panel (the map still opens). */
  openFootprint({ focus = true } = {}) {
    this.lastTrigger = focus ? document.activeElement : this.lastTrigger;
    const body = this.showPanel('footprint');
    this.state.area = null;
    this.state.gp = null;
    const fp = this.footprint;
    const fromLink = this.state.footprint && !fp.loadedFromLink;
    if (fromLink) {
      fp.load(this.state.footprint);
      fp.loadedFromLink = true;
    }
    body.innerHTML = fp.render();
    fp.attach(body);
    if (this.state.footprintError) {
      fp.status(this.state.footprintError, { error: true });
      this.state.footprintError = null;
    } else if (fromLink && fp.spec()) fp.build();
    fp.remember();
    if (focus) this.focusPanel();
  },

  leaveFootprint() {
    this.footprint?.detach();
    this.state.footprint = null;
  },

  /** "Where I live": for the point in the state, else a form for a postcode or place. */
  openWhere() {
    if (this.state.where) {
      this.where.open(this.state.where);
      return;
    }
    this.lastTrigger = document.activeElement;
    const body = this.showPanel('where');
    body.innerHTML = `<article class="where"><h2 id="panel-title" tabindex="-1">Where I live</h2>
      <p>Every footprint a place belongs to (LSOA, MSOA, ward, community committee, custom footprints) with its headline figures, and the nearest GP practices with their Primary Care Network.</p>
      <form data-where="form" class="no-print"><label for="where-q">Postcode or place</label><br>
        <input type="text" id="where-q" size="20" autocomplete="postal-code" required> <button type="submit" class="btn primary">Show</button></form>
      <p class="small">Or click the map, or <button type="button" class="btn small" data-where="centre">use the map centre</button>.</p></article>`;
    body.querySelector('[data-where="form"]').addEventListener('submit', (e) => {
      e.preventDefault();
      const q = body.querySelector('#where-q').value.trim();
      if (q) this.where.open({ q });
    });
    body.querySelector('[data-where="centre"]').addEventListener('click', () => {
      const c = this.map.getCenter();
      this.where.open({ lon: c.lng, lat: c.lat });
    });
    this.focusPanel();
  },

  leaveWhere() {
    this.state.where = null;
  },
};