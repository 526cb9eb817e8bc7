// The controls: the layer picker, the "Show by" switch, the overlays, the toolbar and the
// drawer, the delegated clicks inside the panel, and announcements to screen readers.
// Methods of the App (web/src/main.js), mixed into its prototype; `this` is the App.

import { FAMILIES, describe, familyOf, geoLabel, levelFor, defaultGeography } from './catalogue.js';
import { escapeHtml as esc } from './format.js';
import { OVERLAY_LAYERS } from './style.js';
import { writeHash } from './state.js';
import { drawGradient } from './profile.js';
import { initSearch } from './search.js';
import { bboxOf } from './bbox.js';
import { ATTRIBUTION } from './attribution.js';

const $ = (s, r = document) => r.querySelector(s);

export const controlsMethods = {
  buildControls() {
    this.printHooks();
    const picker = $('#layer-picker');
    picker.innerHTML = this.cat
      .groups()
      .map(
        (g, gi) => `<details class="theme"${g.items.some((i) => i.id === this.state.layer) || gi === 0 ? ' open' : ''}>
        <summary>${esc(g.theme)} <span class="count">(${g.items.length})</span></summary>
        <div class="options">${g.items
          .map(
            (i) => `<label class="opt"><input type="radio" name="layer" value="${esc(i.id)}" aria-describedby="desc-${esc(i.id)}"${i.id === this.state.layer ? ' checked' : ''}>
              <span class="opt-text"><span class="opt-label">${esc(i.label)}</span><span class="opt-desc" id="desc-${esc(i.id)}">${esc(describe(i))}</span></span></label>`,
          )
          .join('')}</div></details>`,
      )
      .join('');
    picker.addEventListener('change', (e) => {
      if (e.target.name === 'layer') this.setLayer(e.target.value);
    });

    $('#geo-switch').addEventListener('change', (e) => {
      if (e.target.name === 'geo') this.setFamily(e.target.value);
    });
    this.updateGeoSwitch();

    const ov = $('#overlays');
    ov.querySelectorAll('input[type="checkbox"]').forEach((box) => {
      box.checked = this.state.overlays.includes(box.value);
      const layers = OVERLAY_LAYERS[box.value] || [];
      const available = box.value === 'wards' ? this.tiles.has('ward') : box.value === 'basemap' ? this.tiles.has('roads') : box.value === 'green' ? this.tiles.has('greenspace') : this.tiles.has(box.value === 'district' ? 'district' : box.value);
      if (!available || !layers.length) {
        box.disabled = true;
        box.closest('label').classList.add('unavailable');
        box.closest('label').title = 'Not served by this server';
      }
    });
    ov.addEventListener('change', (e) => {
      if (e.target.type !== 'checkbox') return;
      const set = new Set(this.state.overlays);
      if (e.target.checked) set.add(e.target.value);
      else set.delete(e.target.value);
      this.state.overlays = ['wards', 'district', 'basemap', 'gp', 'green'].filter((k) => set.has(k));
      this.applyOverlays();
      writeHash(this.state);
    });

    $('#btn-table').addEventListener('click', () => this.openTable());
    $('#btn-site').addEventListener('click', () => this.openSite());
    $('#btn-footprint').addEventListener('click', () => this.openFootprint());
    $('#btn-where').addEventListener('click', () => {
      this.state.where = null;
      this.openWhere();
    });
    $('#btn-marmot').addEventListener('click', () => this.openMarmot());
    $('#btn-share').addEventListener('click', () => this.share());
    const drawer = (open) => {
      document.body.classList.toggle('controls-open', open);
      $('#btn-controls').setAttribute('aria-expanded', String(open));
      if (open) $('#controls').focus();
    };
    $('#btn-controls').addEventListener('click', () => drawer(!document.body.classList.contains('controls-open')));
    $('#controls-close').addEventListener('click', () => {
      drawer(false);
      $('#btn-controls').focus();
    });
    $('#controls').addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && document.body.classList.contains('controls-open')) {
        drawer(false);
        $('#btn-controls').focus();
      }
    });
    $('#panel-close').addEventListener('click', () => this.closePanel());
    const lt = $('#legend-toggle');
    const setLegend = (open) => {
      lt.setAttribute('aria-expanded', String(open));
      $('#legend-content').hidden = !open;
    };
    const narrow = window.matchMedia('(max-width: 899px)');
    setLegend(!narrow.matches);
    narrow.addEventListener('change', () => setLegend(!narrow.matches));
    lt.addEventListener('click', () => setLegend(lt.getAttribute('aria-expanded') !== 'true'));
    $('#panel').addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && !this.drawing) this.closePanel();
    });

    // Delegated clicks inside the panel: area links, actions.
    $('#panel-body').addEventListener('click', (e) => {
      const link = e.target.closest('button.link[data-geo][data-code]');
      if (link) {
        this.openProfile(link.dataset.geo, link.dataset.code, { fly: true });
        return;
      }
      const gp = e.target.closest('[data-gp-kind][data-gp-code]');
      if (gp) {
        this.practicesReady?.then(() => this.practices.open(gp.dataset.gpKind, gp.dataset.gpCode));
        return;
      }
      const mm = e.target.closest('[data-marmot]');
      if (mm) {
        this.marmotAction(mm);
        return;
      }
      const act = e.target.closest('[data-action]');
      if (!act) return;
      if (act.dataset.action === 'zoom' && this.selectionGeometry) this.fitBounds(bboxOf(this.selectionGeometry));
      if (act.dataset.action === 'print') this.print('profile');
    });
    $('#panel-body').addEventListener('change', (e) => {
      if (e.target.matches('[data-role="gradient-indicator"]') && this.profile) drawGradient(this, $('#panel-body'), this.profile, e.target.value);
    });

    initSearch(this, { input: $('#search-input'), list: $('#search-list'), status: $('#search-status') });
    $('#attribution-text').textContent = ATTRIBUTION;
    $('#print-attribution').textContent = ATTRIBUTION;
  },

  updateGeoSwitch() {
    const ind = this.cat.get(this.state.layer);
    const sw = $('#geo-switch .geo-options');
    // Committees exist only where the atlas has them (Leeds); other families show as unavailable.
    sw.innerHTML = FAMILIES.filter((f) => f.id !== 'committee' || this.tiles.has('committee')).map((f) => {
      const l = levelFor(ind, f.id);
      const ok = l && this.tiles.has(l.geography);
      const checked = l && l.geography === this.state.geo;
      return `<label class="geo${ok ? '' : ' unavailable'}"><input type="radio" name="geo" value="${f.id}"${checked ? ' checked' : ''}${ok ? '' : ' disabled'} aria-describedby="geo-${f.id}-d">
        <span><span class="geo-label">${esc(f.label)}</span> <span class="geo-detail" id="geo-${f.id}-d">${ok ? `${esc(geoLabel(l.geography))}${l.estimate ? ' · estimate' : ''}` : '<span aria-hidden="true">–</span><span class="sr-only">not available for this layer</span>'}</span></span></label>`;
    }).join('');
  },

  setLayer(id) {
    const ind = this.cat.get(id);
    if (!ind) return;
    this.state.layer = id;
    // Keep the geography family where the indicator is published there (not an estimate);
    // otherwise go to the indicator's own geography.
    const l = levelFor(ind, familyOf(this.state.geo));
    this.state.geo = l && !l.estimate && this.tiles.has(l.geography) ? l.geography : defaultGeography(ind);
    this.updateGeoSwitch();
    this.setChoropleth();
    writeHash(this.state);
  },

  setFamily(family) {
    const ind = this.cat.get(this.state.layer);
    const l = levelFor(ind, family);
    if (!l) return;
    this.state.geo = l.geography;
    this.updateGeoSwitch();
    this.setChoropleth();
    writeHash(this.state);
  },

  applyOverlays() {
    if (!this.map) return;
    for (const [key, ids] of Object.entries(OVERLAY_LAYERS)) {
      const on = this.state.overlays.includes(key);
      // Only real changes: a layout change makes MapLibre lay the source's tiles out again.
      for (const id of ids) {
        if (!this.map.getLayer(id)) continue;
        const want = on ? 'visible' : 'none';
        if ((this.map.getLayoutProperty(id, 'visibility') ?? 'visible') !== want) this.map.setLayoutProperty(id, 'visibility', want);
      }
    }
    this.labels?.setEnabled(this.state.overlays.includes('wards'));
    this.renderLegendExtras();
  },

  announce(msg) {
    const s = $('#status');
    s.textContent = '';
    setTimeout(() => (s.textContent = msg), 30);
  },
};
