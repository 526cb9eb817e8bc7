// The MapLibre map: its creation from the initial style, clicks and the keyboard's Enter,
// hover and the tooltip, and fitting the view to an area.
// Methods of the App (web/src/main.js), mixed into its prototype; `this` is the App.

import { getJSON, qs } from './api.js';
import { levelAt } from './catalogue.js';
import { escapeHtml as esc, formatValue, formatInt, formatFixed } from './format.js';
import { buildStyle, OVERLAY_LAYERS } from './style.js';
import { WardLabels } from './labels.js';
import { writeHash } from './state.js';
import { SiteTool } from './site.js';
import { Practices } from './practices.js';
import { FootprintTool } from './footprint.js';
import { WhereView } from './where.js';

const $ = (s, r = document) => r.querySelector(s);

function shortLabel(ind) {
  return ind.label.replace(/^Index of Multiple Deprivation/, 'IMD');
}

const LEEDS_BOUNDS = [-1.8, 53.698, -1.29, 53.946];

export const mapviewMethods = {
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
      this.footprint = new FootprintTool(this);
      this.where = new WhereView(this);
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
      if (this.footprint?.picking) {
        this.footprint.pickAt(e.point, e.lngLat);
        return;
      }
      if (this.where?.picking) {
        this.where.open({ lon: e.lngLat.lng, lat: e.lngLat.lat }, { focus: false });
        return;
      }
      const f = this.featureAt(e.point, ['choro-fill']);
      if (f) this.openFeature(f, e.lngLat);
    });
    map.getCanvas().addEventListener('keydown', (e) => {
      if (e.key !== 'Enter' || this.drawing) return;
      const c = map.project(map.getCenter());
      if (this.footprint?.picking) {
        this.footprint.pickAt(c, map.getCenter());
        return;
      }
      const f = this.featureAt(c, ['choro-fill']);
      if (f) this.openFeature(f, map.getCenter());
    });
  },

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
  },

  /** The zoom from which the current geography's tiles carry a field; 0 if from every zoom. */
  fieldZoom(field) {
    return this.tiles.fieldMinZoom ? this.tiles.fieldMinZoom(this.state.geo, field) : 0;
  },

  featureAt(point, layers) {
    const present = layers.filter((l) => this.map.getLayer(l) && this.map.getLayoutProperty(l, 'visibility') !== 'none');
    if (!present.length) return null;
    return this.map.queryRenderedFeatures(point, { layers: present })[0] ?? null;
  },

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
  },

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
  },

  clearHover() {
    $('#tooltip').hidden = true;
    if (this.map) this.setHover(null);
  },

  fitBounds(b, { duration = 600 } = {}) {
    if (!b) return;
    const wide = window.matchMedia('(min-width: 900px)').matches;
    const legendOpen = $('#legend-toggle')?.getAttribute('aria-expanded') === 'true';
    // Keep the area clear of the legend card when the map is wide enough to spare the room.
    const mapWidth = this.map.getContainer().clientWidth;
    const left = wide && legendOpen && mapWidth >= 760 ? $('.legend-card').offsetWidth + 30 : 40;
    const padding = wide ? { top: 40, bottom: 50, left, right: 50 } : 30;
    this.map.fitBounds(b, { padding, maxZoom: 15.5, duration });
  },
};
