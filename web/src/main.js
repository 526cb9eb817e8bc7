// equimap web map: wires the catalogue, the tiles, the map and the panels together.

import { getJSON, cachedJSON, qs } from './api.js';
import { Catalogue, FAMILIES, GEOGRAPHIES, describe, familyOf, geoLabel, levelAt, levelFor, defaultGeography, isMappable, headlineCaveat } from './catalogue.js';
import { classify, fillColorExpression, textOn, FILL_OPACITY, NO_DATA } from './colours.js';
import { escapeHtml as esc, formatValue, formatInt, formatFixed } from './format.js';
import { loadTileSources } from './tiles.js';
import { buildStyle, OVERLAY_LAYERS } from './style.js';
import { WardLabels } from './labels.js';
import { parseHash, writeHash, writeHashNow } from './state.js';
import { renderProfile, drawGradient } from './profile.js';
import { renderTable } from './table.js';
import { initSearch } from './search.js';
import { SiteTool } from './site.js';
import { drawTrends } from './trends.js';
import { renderMarmot, drawMarmotGradient } from './marmot.js';
import { Practices } from './practices.js';

const DEFAULT_LAYER = 'imd2025_decile';
const LEEDS_BOUNDS = [-1.8, 53.698, -1.29, 53.946];
export const ATTRIBUTION =
  'Contains OS data © Crown copyright and database right; ONS/MHCLG/NHS England data under the Open Government Licence v3.0; © OpenStreetMap contributors';

const $ = (s, r = document) => r.querySelector(s);

function readConfig() {
  const cfg = { tiles: 'server', pmtilesUrl: '/tiles/leeds.pmtiles', ...(window.EQUIMAP_CONFIG || {}) };
  const q = new URLSearchParams(location.search);
  if (q.get('tiles') === 'pmtiles' || q.get('tiles') === 'server') cfg.tiles = q.get('tiles');
  if (q.get('pmtiles')) cfg.pmtilesUrl = q.get('pmtiles');
  if (q.get('tileset')) cfg.tileset = q.get('tileset');
  return cfg;
}

function bboxOf(geometry) {
  let b = null;
  const walk = (c) => {
    if (typeof c[0] === 'number') {
      b = b ? [Math.min(b[0], c[0]), Math.min(b[1], c[1]), Math.max(b[2], c[0]), Math.max(b[3], c[1])] : [c[0], c[1], c[0], c[1]];
    } else c.forEach(walk);
  };
  walk(geometry.coordinates);
  return b;
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
    this.tiles = tiles;
    this.timings.catalogue = performance.now();

    const s = parseHash();
    const ind = this.cat.get(s.layer) && isMappable(this.cat.get(s.layer)) ? this.cat.get(s.layer) : this.cat.get(DEFAULT_LAYER) || this.cat.list.find(isMappable);
    let geo = s.geo && levelAt(ind, s.geo) && GEOGRAPHIES[s.geo] && familyOf(s.geo) !== 'district' ? s.geo : defaultGeography(ind);
    if (!tiles.has(geo)) geo = defaultGeography(ind);
    this.state = { layer: ind.id, geo, view: s.view, area: s.area, panel: s.panel, overlays: s.overlays, gp: s.gp, practices: s.practices };

    this.buildControls();
    this.classes = await this.computeClasses(ind, geo);
    await glReady;
    this.buildMap();
  }

  // ---------------------------------------------------------------- controls

  /** Printing (from the buttons or the browser's menu) shows methods, LSOA lists and caveats in full. */
  printHooks() {
    let opened = [];
    window.addEventListener('beforeprint', () => {
      $('#print-legend').innerHTML = $('#legend-body').innerHTML;
      $('#print-date').textContent = new Date().toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric' });
      $('#print-url').textContent = location.href;
      opened = [...document.querySelectorAll('#panel-body details.method:not([open]), #panel-body details.lsoas:not([open]), #print-legend details:not([open])')];
      opened.forEach((d) => (d.open = true));
    });
    window.addEventListener('afterprint', () => {
      opened.forEach((d) => (d.open = false));
      opened = [];
    });
  }

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
  }

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
  }

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
  }

  setFamily(family) {
    const ind = this.cat.get(this.state.layer);
    const l = levelFor(ind, family);
    if (!l) return;
    this.state.geo = l.geography;
    this.updateGeoSwitch();
    this.setChoropleth();
    writeHash(this.state);
  }

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
  }

  announce(msg) {
    const s = $('#status');
    s.textContent = '';
    setTimeout(() => (s.textContent = msg), 30);
  }

  // ---------------------------------------------------------------- map

  buildMap() {
    const maplibregl = window.maplibregl;
    const style = buildStyle(this.tiles);
    // Overlays start as the URL asks, so no tile is laid out twice or fetched for a hidden layer.
    for (const [key, ids] of Object.entries(OVERLAY_LAYERS)) {
      const visibility = this.state.overlays.includes(key) ? 'visible' : 'none';
      for (const l of style.layers) if (ids.includes(l.id)) l.layout = { ...l.layout, visibility };
    }
    // The first choropleth is part of the initial style, so its tiles load with the basemap's.
    const ind = this.cat.get(this.state.layer);
    const first = this.choroplethLayers(ind, this.state.geo, this.classes);
    const at = (id) => style.layers.findIndex((l) => l.id === id);
    style.layers.splice(at('choro-anchor'), 0, ...first.below);
    style.layers.splice(at('selection-casing'), 0, first.hover);
    const v = this.state.view;
    // Keep the view on the atlas: Leeds, or every district of an England atlas (`ingest --lad all`).
    const atlasBounds = this.tiles.bounds && this.tiles.bounds[0] > -10 ? this.tiles.bounds : LEEDS_BOUNDS;
    const span = atlasBounds[2] - atlasBounds[0] + 1.2;
    const opts = {
      container: 'map',
      style,
      attributionControl: false,
      canvasContextAttributes: { preserveDrawingBuffer: true, antialias: false },
      minZoom: Math.max(4, Math.min(7, Math.floor(Math.log2(360 / span)))),
      maxZoom: 18,
      dragRotate: false,
      pitchWithRotate: false,
      touchPitch: false,
      renderWorldCopies: false,
      maxBounds: [
        [atlasBounds[0] - 0.6, atlasBounds[1] - 0.35],
        [atlasBounds[2] + 0.6, atlasBounds[3] + 0.35],
      ],
      locale: {
        'NavigationControl.ZoomIn': 'Zoom in',
        'NavigationControl.ZoomOut': 'Zoom out',
        'Map.Title': `Map of ${this.cat.districtName}. Use the arrow keys to pan, plus and minus to zoom, Enter to open the area at the centre.`,
      },
    };
    if (v) {
      opts.center = [v.lon, v.lat];
      opts.zoom = v.zoom;
    } else {
      opts.bounds = atlasBounds;
      // Leave room for the legend card on wide maps.
      const w = $('#map').clientWidth;
      opts.fitBoundsOptions = { padding: w >= 760 && $('#legend-toggle').getAttribute('aria-expanded') === 'true' ? { top: 10, bottom: 30, right: 10, left: 250 } : 10 };
    }
    const map = new maplibregl.Map(opts);
    this.map = map;
    map.touchZoomRotate.disableRotation();
    map.keyboard.disableRotation?.();
    map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
    map.addControl(new maplibregl.ScaleControl({ unit: 'metric' }), 'bottom-right');
    map.on('error', (e) => {
      // Keep going; record for diagnostics (tests fail on console errors).
      const msg = e?.error?.message || String(e?.error || e);
      this.errors.push(msg);
      console.warn('map:', msg);
    });

    map.on('load', () => {
      this.timings.mapLoad = performance.now();
      this.labels = new WardLabels(map, this.tiles);
      this.applyOverlays();
      const token = ++this.choroToken;
      this.choroplethShown(token, ind, this.state.geo, this.classes);
      this.site = new SiteTool(this);
      this.practices = new Practices(this);
      this.practicesReady = this.practices.init().catch((e) => this.errors.push(String(e)));
      this.restorePanel();
    });
    map.on('moveend', () => {
      const c = map.getCenter();
      this.state.view = { zoom: map.getZoom(), lat: c.lat, lon: c.lng };
      writeHash(this.state);
    });
    map.on('zoomend', () => this.updateZoomNote());

    let frame = 0;
    let last = null;
    map.on('mousemove', (e) => {
      last = e;
      if (frame) return;
      frame = requestAnimationFrame(() => {
        frame = 0;
        this.onHover(last);
      });
    });
    map.getCanvas().addEventListener('mouseleave', () => this.clearHover());
    map.on('click', (e) => {
      if (this.drawing) return;
      // A practice circle opens the practice (its own handler in practices.js).
      if (this.featureAt(e.point, ['practice-circle'])) return;
      const f = this.featureAt(e.point, ['choro-fill']);
      if (f) this.openFeature(f, e.lngLat);
    });
    map.getCanvas().addEventListener('keydown', (e) => {
      if (e.key !== 'Enter' || this.drawing) return;
      const c = map.project(map.getCenter());
      const f = this.featureAt(c, ['choro-fill']);
      if (f) this.openFeature(f, map.getCenter());
    });
  }

  /** Opens the profile of a clicked area. Tiles of a dense layer at a low zoom carry no codes, so
   * the area under the point is then looked up. */
  async openFeature(f, lngLat) {
    const geo = this.state.geo;
    let code = f.properties.code;
    if (!code) {
      try {
        const r = await getJSON(`api/point?${qs({ lon: lngLat.lng.toFixed(6), lat: lngLat.lat.toFixed(6) })}`);
        code = (r.areas || []).find((a) => a.geography === geo)?.code;
      } catch (e) {
        this.announce(`No area found here: ${e.message}`);
        return;
      }
    }
    if (code) this.openProfile(geo, code, { fly: false });
  }

  /** The zoom from which the current geography's tiles carry a field; 0 if from every zoom. */
  fieldZoom(field) {
    return this.tiles.fieldMinZoom ? this.tiles.fieldMinZoom(this.state.geo, field) : 0;
  }

  featureAt(point, layers) {
    const present = layers.filter((l) => this.map.getLayer(l) && this.map.getLayoutProperty(l, 'visibility') !== 'none');
    if (!present.length) return null;
    return this.map.queryRenderedFeatures(point, { layers: present })[0] ?? null;
  }

  onHover(e) {
    const tip = $('#tooltip');
    if (this.drawing || !e) {
      this.clearHover();
      return;
    }
    const gp = this.featureAt(e.point, ['practice-circle', 'gp-circle']);
    const f = gp ?? this.featureAt(e.point, ['choro-fill']);
    this.setHover(gp ? null : f);
    if (!f) {
      tip.hidden = true;
      this.map.getCanvas().style.cursor = '';
      return;
    }
    this.map.getCanvas().style.cursor = 'pointer';
    const p = f.properties;
    if (gp && p.value !== undefined) {
      tip.innerHTML = `<strong>${esc(p.name)}</strong><br>GP practice ${esc(p.code)}<br>Recorded prevalence <strong>${esc(formatFixed(p.value, 1))}%</strong> (${esc(formatInt(p.register))} of ${esc(formatInt(p.list_size))})`;
    } else if (gp) {
      tip.innerHTML = `<strong>${esc(p.name)}</strong><br>GP practice ${esc(p.org_code || '')}<br>${formatInt(p.registered_patients)} registered patients`;
    } else {
      const ind = this.cat.get(this.state.layer);
      const l = levelAt(ind, this.state.geo);
      const nameZoom = this.fieldZoom('name');
      const title = p.name ? `<strong>${esc(p.name)}</strong> <span class="muted">${esc(p.code)}</span>` : `<span class="muted">Zoom in to level ${nameZoom} for area names</span>`;
      const valueZoom = this.fieldZoom(ind.id);
      const value = p[ind.id] === undefined && valueZoom > this.map.getZoom() ? `shown from zoom level ${valueZoom}` : formatValue(p[ind.id], ind);
      tip.innerHTML = `${title}<br>${esc(shortLabel(ind))}: <strong>${esc(value)}</strong>${l?.estimate ? ' <span class="badge est">estimate</span>' : ''}`;
    }
    tip.hidden = false;
    const { width, height } = this.map.getContainer().getBoundingClientRect();
    const tw = tip.offsetWidth;
    const th = tip.offsetHeight;
    const x = e.point.x + 14 + tw > width ? e.point.x - tw - 14 : e.point.x + 14;
    const y = e.point.y + 14 + th > height ? e.point.y - th - 14 : e.point.y + 14;
    tip.style.transform = `translate(${Math.max(0, x)}px, ${Math.max(0, y)}px)`;
  }

  setHover(f) {
    const src = this.tiles.sourceOf(this.state.geo);
    const key = f ? (f.id ?? f.properties.code) : null;
    if (this.hovered && this.hovered.key === key && this.hovered.geo === this.state.geo) return;
    if (this.hovered) {
      if (this.hovered.id != null) {
        try {
          this.map.setFeatureState({ source: this.hovered.source, sourceLayer: this.hovered.sourceLayer, id: this.hovered.id }, { hover: false });
        } catch {
          /* source gone */
        }
      }
      this.hovered = null;
    }
    if (!f) {
      if (this.map.getLayer('choro-hover')) this.map.setFilter('choro-hover', ['==', ['get', 'code'], '']);
      return;
    }
    this.hovered = { key, id: f.id, geo: this.state.geo, source: src.source, sourceLayer: src['source-layer'] };
    if (f.id != null) {
      this.map.setFeatureState({ source: src.source, sourceLayer: src['source-layer'], id: f.id }, { hover: true });
      this.map.setFilter('choro-hover', null);
    } else {
      this.map.setFilter('choro-hover', ['==', ['get', 'code'], f.properties.code]);
    }
  }

  clearHover() {
    $('#tooltip').hidden = true;
    if (this.map) this.setHover(null);
  }

  /** The classes of the current layer at the current geography, from the API's rank rows. */
  async computeClasses(ind, geo) {
    let rows = [];
    let total;
    try {
      // The rank rows hold the areas with a value; population, held for every area, counts them all.
      const [r, all] = await Promise.all([
        cachedJSON(`api/rank?${qs({ indicator: ind.id, geography: geo })}`),
        cachedJSON(`api/rank?${qs({ indicator: 'population', geography: geo })}`).catch(() => null),
      ]);
      rows = r.rows;
      total = all ? all.rows.length : rows.length;
    } catch (e) {
      this.announce(`Could not load the values for ${ind.label}: ${e.message}`);
    }
    return classify(
      ind,
      rows.map((r) => r.value ?? NaN),
      { geographyPlural: GEOGRAPHIES[geo]?.plural, total, place: this.cat.districtName },
    );
  }

  /** The choropleth's style layers: [fill, outline] go under 'choro-anchor', hover above the boundaries. */
  choroplethLayers(ind, geo, cls) {
    const src = this.tiles.sourceOf(geo);
    return {
      below: [
        { id: 'choro-fill', type: 'fill', ...src, paint: { 'fill-color': fillColorExpression(ind, cls), 'fill-opacity': FILL_OPACITY } },
        {
          id: 'choro-line',
          type: 'line',
          ...src,
          paint: {
            'line-color': '#ffffff',
            'line-opacity': ['interpolate', ['linear'], ['zoom'], 9, 0.25, 13, 0.7],
            'line-width': ['interpolate', ['linear'], ['zoom'], 9, 0.2, 14, 1.2],
          },
        },
      ],
      hover: {
        id: 'choro-hover',
        type: 'line',
        ...src,
        paint: {
          'line-color': '#000000',
          'line-width': 3.5,
          'line-opacity': ['case', ['boolean', ['feature-state', 'hover'], false], 1, 0],
        },
      },
    };
  }

  /** Legend, labels and timing once a choropleth is on the map. */
  choroplethShown(token, ind, geo, cls) {
    const level = levelAt(ind, geo);
    this.renderLegend(ind, level, cls);
    $('#map').setAttribute('aria-label', `Map of ${this.cat.districtName}: ${ind.label} by ${geoLabel(geo)}. ${cls.note}`);
    this.announce(`Showing ${ind.label} by ${geoLabel(geo)}${level?.estimate ? ' (estimates)' : ''}.`);
    this.map.once('idle', () => {
      if (token !== this.choroToken) return;
      if (!this.timings.firstChoropleth) this.timings.firstChoropleth = performance.now();
      this.timings.lastChoropleth = performance.now();
      document.body.dataset.ready = 'true';
      this.labels?.schedule();
    });
  }

  async setChoropleth() {
    const token = ++this.choroToken;
    // `ready` means the current choropleth is drawn: a new one clears it until it is.
    delete document.body.dataset.ready;
    const map = this.map;
    if (!map || !map.isStyleLoaded?.()) {
      if (map) map.once('idle', () => token === this.choroToken && this.setChoropleth());
      return;
    }
    const ind = this.cat.get(this.state.layer);
    const geo = this.state.geo;
    const cls = await this.computeClasses(ind, geo);
    if (token !== this.choroToken) return;
    this.classes = cls;
    this.clearHover();
    for (const id of ['choro-hover', 'choro-line', 'choro-fill']) if (map.getLayer(id)) map.removeLayer(id);
    const layers = this.choroplethLayers(ind, geo, cls);
    for (const l of layers.below) map.addLayer(l, 'choro-anchor');
    map.addLayer(layers.hover, 'selection-casing');
    this.choroplethShown(token, ind, geo, cls);
    if (this.state.panel === 'table') this.openTable({ focus: false });
  }

  renderLegend(ind, level, cls) {
    let key;
    if (cls.type === 'categorical') {
      const n = cls.values.length;
      const cells = cls.values
        .map((v, i) => `<li style="background:${cls.colours[i]};color:${textOn(cls.colours[i])}" title="${esc(cls.labels[i])}: ${formatInt(cls.counts[i])} areas"><span aria-hidden="true">${v}</span><span class="sr-only">${esc(cls.labels[i])}: ${formatInt(cls.counts[i])} areas</span></li>`)
        .join('');
      key = `<ul class="legend-ramp" style="--n:${n}" aria-label="Colour key">${cells}</ul>
        <div class="ramp-ends" aria-hidden="true"><span>${ind.local ? `most deprived 20% of ${esc(this.cat.districtName)}` : 'most deprived 10% in England'}</span><span>least deprived</span></div>`;
    } else {
      key = `<ul class="legend-items" aria-label="Colour key; the number after each class is how many areas are in it">${cls.labels
        .map((label, i) => `<li><span class="swatch" style="background:${cls.colours[i]}" aria-hidden="true"></span><span>${esc(label)}</span> <span class="count">${formatInt(cls.counts[i])}</span></li>`)
        .join('')}</ul>`;
    }
    const noData = cls.missing
      ? `<p class="legend-nodata"><span class="swatch" style="background:${NO_DATA}" aria-hidden="true"></span>No data (not published or suppressed): ${formatInt(cls.missing)} area${cls.missing === 1 ? '' : 's'}</p>`
      : '';
    $('#legend-body').innerHTML = `
      <p class="legend-title">${esc(ind.label)}</p>
      <p class="legend-sub">${esc(ind.unit)} · ${esc(level?.period ?? '')} · ${esc(geoLabel(this.state.geo))}${level?.estimate ? ' · <span class="badge est">estimate</span>' : ''}</p>
      ${key}${noData}
      <p class="legend-zoom" id="legend-zoom" role="status" hidden></p>
      <p class="legend-note">${esc(cls.note)}</p>
      ${level?.estimate ? `<details class="caveat"><summary>Estimate: how it is made</summary><p>${esc(level.method)}</p></details>` : ''}
      ${headlineCaveat(ind) ? `<p class="legend-caveat">${esc(headlineCaveat(ind))}</p>` : ''}
      ${ind.caveat ? `<details class="caveat"><summary>Caveats</summary><p>${esc(ind.caveat)}</p></details>` : ''}`;
    this.renderLegendExtras();
    this.updateZoomNote();
  }

  /** Says so when the zoom is too low for this geography's areas, or for this indicator's
   * values (dense layers such as England's LSOAs carry only deciles at low zooms). */
  updateZoomNote() {
    const el = $('#legend-zoom');
    if (!el || !this.map) return;
    const zoom = this.map.getZoom();
    const ind = this.cat.get(this.state.layer);
    const geo = this.state.geo;
    const areasFrom = this.tiles.layerMinZoom ? this.tiles.layerMinZoom(geo) : 0;
    const valuesFrom = ind ? this.fieldZoom(ind.id) : 0;
    let text = '';
    if (zoom < areasFrom) text = `${geoLabel(geo)} areas are drawn from zoom level ${areasFrom}: zoom in, or choose a larger geography.`;
    else if (zoom < valuesFrom) text = `At this scale the map shows national deciles only. Zoom in to level ${valuesFrom} to see ${ind.label.toLowerCase()}.`;
    el.textContent = text;
    el.hidden = !text;
  }

  renderLegendExtras() {
    const on = (k) => this.state.overlays.includes(k);
    const rows = [];
    const districts = this.cat.districtName === 'England' ? 'District boundaries' : `${esc(this.cat.districtName)} district boundary`;
    if (on('district')) rows.push(`<li><span class="key line district" aria-hidden="true"></span>${districts}</li>`);
    if (on('wards')) rows.push('<li><span class="key line ward" aria-hidden="true"></span>Ward boundaries and names</li>');
    if (on('gp')) rows.push('<li><span class="key dot gp" aria-hidden="true"></span>GP practice</li>');
    if (on('green')) rows.push('<li><span class="key area green" aria-hidden="true"></span>Green space site (OS / OSM)</li>');
    rows.push('<li><span class="key line selected" aria-hidden="true"></span>Selected area or site</li>');
    const el = $('#legend-extra');
    if (el) el.innerHTML = rows.join('');
  }

  fitBounds(b, { duration = 600 } = {}) {
    if (!b) return;
    const wide = window.matchMedia('(min-width: 900px)').matches;
    const legendOpen = $('#legend-toggle')?.getAttribute('aria-expanded') === 'true';
    // Keep the area clear of the legend card when the map is wide enough to spare the room.
    const mapWidth = this.map.getContainer().clientWidth;
    const left = wide && legendOpen && mapWidth >= 760 ? $('.legend-card').offsetWidth + 30 : 40;
    const padding = wide ? { top: 40, bottom: 50, left, right: 50 } : 30;
    this.map.fitBounds(b, { padding, maxZoom: 15.5, duration });
  }

  /** A PNG of the map around a bounding box at a fixed print size, ward labels drawn in. */
  async captureMap(bbox) {
    const map = this.map;
    const wrap = $('.map-wrap');
    const prev = { center: map.getCenter(), zoom: map.getZoom() };
    wrap.classList.add('capture');
    map.resize();
    if (bbox) map.fitBounds(bbox, { padding: 140, maxZoom: 15, duration: 0 });
    else map.jumpTo(prev);
    await new Promise((resolve) => {
      const done = () => requestAnimationFrame(() => requestAnimationFrame(resolve));
      if (map.loaded() && map.areTilesLoaded()) {
        map.once('render', done);
        map.triggerRepaint();
      } else map.once('idle', done);
      setTimeout(resolve, 8000);
    });
    const src = map.getCanvas();
    const out = document.createElement('canvas');
    out.width = src.width;
    out.height = src.height;
    const ctx = out.getContext('2d');
    ctx.drawImage(src, 0, 0);
    if (this.labels && this.state.overlays.includes('wards')) {
      this.labels.compute();
      const dpr = src.width / src.clientWidth || 1;
      ctx.font = `600 ${12 * dpr}px system-ui, sans-serif`;
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      ctx.lineJoin = 'round';
      for (const l of this.labels.labels.values()) {
        if (l.el.style.visibility === 'hidden') continue;
        const p = map.project(l.lngLat);
        if (p.x < 0 || p.y < 0 || p.x > src.clientWidth || p.y > src.clientHeight) continue;
        ctx.strokeStyle = '#fff';
        ctx.lineWidth = 4 * dpr;
        ctx.strokeText(l.el.textContent, p.x * dpr, p.y * dpr);
        ctx.fillStyle = '#111';
        ctx.fillText(l.el.textContent, p.x * dpr, p.y * dpr);
      }
    }
    const url = out.toDataURL('image/png');
    wrap.classList.remove('capture');
    map.resize();
    map.jumpTo(prev);
    return url;
  }

  // ---------------------------------------------------------------- panels

  showPanel(kind) {
    if (this.state.panel === 'site' && kind !== 'site') this.site?.detach();
    const panel = $('#panel');
    panel.hidden = false;
    panel.dataset.kind = kind;
    document.body.classList.add('panel-open');
    this.state.panel = kind;
    if (kind !== 'profile') document.title = this.baseTitle;
    for (const b of document.querySelectorAll('[data-panel-button]')) b.setAttribute('aria-pressed', String(b.dataset.panelButton === kind));
    this.map?.resize();
    return $('#panel-body');
  }

  closePanel() {
    if (this.state.panel === 'site') this.site?.detach();
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
  }

  focusPanel() {
    $('#panel-title')?.focus({ preventScroll: false });
  }

  restorePanel() {
    const s = this.state;
    if (s.panel === 'site') this.openSite();
    else if (s.panel === 'table') this.openTable();
    else if (s.panel === 'marmot') this.openMarmot();
    else if (s.gp) this.practicesReady.then(() => this.practices.open(s.gp.kind, s.gp.code, { fly: !s.view, focus: false }));
    else if (s.area) this.openProfile(s.area.geography, s.area.code, { fly: !s.view, focus: false });
  }

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
  }

  async openTable({ focus = true } = {}) {
    this.lastTrigger = focus ? document.activeElement : this.lastTrigger;
    const body = this.showPanel('table');
    this.state.area = null;
    this.map.getSource('selection')?.setData({ type: 'FeatureCollection', features: [] });
    writeHashNow(this.state);
    await renderTable(this, body);
    if (focus) this.focusPanel();
  }

  async openMarmot() {
    this.lastTrigger = document.activeElement;
    const body = this.showPanel('marmot');
    this.state.area = null;
    this.map.getSource('selection')?.setData({ type: 'FeatureCollection', features: [] });
    writeHashNow(this.state);
    await renderMarmot(this, body);
    this.focusPanel();
  }

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
  }

  openSite() {
    this.lastTrigger = document.activeElement;
    const body = this.showPanel('site');
    this.state.area = null;
    this.map.getSource('selection')?.setData({ type: 'FeatureCollection', features: [] });
    writeHashNow(this.state);
    body.innerHTML = this.site.render();
    this.site.attach(body);
    this.focusPanel();
  }

  chooseSearchResult(r) {
    const maplibregl = window.maplibregl;
    this.marker?.remove();
    if (r.kind === 'area' && r.area) {
      this.openProfile(r.area.geography, r.area.code, { fly: true });
      return;
    }
    if ((r.kind === 'practice' || r.kind === 'pcn') && r.code) {
      this.practicesReady?.then(() => this.practices.open(r.kind, r.code));
      return;
    }
    const el = document.createElement('div');
    el.className = 'search-marker';
    el.setAttribute('role', 'img');
    el.setAttribute('aria-label', `${r.kind === 'postcode' ? 'Postcode' : 'Place'} ${r.label}`);
    el.innerHTML = '<span class="pin"></span>';
    this.marker = new maplibregl.Marker({ element: el, anchor: 'bottom' }).setLngLat([r.lon, r.lat]).addTo(this.map);
    this.map.flyTo({ center: [r.lon, r.lat], zoom: r.kind === 'postcode' ? 15 : 14, duration: 800 });
    const lsoa = (r.within || []).find((w) => w.geography === 'lsoa21');
    if (lsoa) this.openProfile('lsoa21', lsoa.code, { fly: false, context: r });
  }

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
  }

  // ---------------------------------------------------------------- print

  async print(kind) {
    const body = $('#panel-body');
    const img = body.querySelector('img.print-map');
    if (img) {
      let bbox = null;
      if (kind === 'profile' && this.selectionGeometry) bbox = bboxOf(this.selectionGeometry);
      if (kind === 'site' && this.site?.geojson) bbox = this.site.bounds(this.site.geojson);
      img.src = await this.captureMap(bbox);
      await img.decode?.().catch(() => {});
    }
    $('#print-legend').innerHTML = $('#legend-body').innerHTML;
    $('#print-date').textContent = new Date().toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric' });
    $('#print-url').textContent = location.href;
    document.body.dataset.print = kind;
    if (!window.__equimapNoPrintDialog) window.print();
  }
}

function shortLabel(ind) {
  return ind.label.replace(/^Index of Multiple Deprivation/, 'IMD');
}

const app = new App();
app.init().catch((e) => {
  console.error(e);
  const el = document.getElementById('fatal');
  if (el) {
    el.hidden = false;
    el.textContent = `The map could not start: ${e.message}`;
  }
});
