// Printing: the print hooks, a PNG of the map at print size, and the print view.
// Methods of the App (web/src/main.js), mixed into its prototype; `this` is the App.

import { bboxOf } from './bbox.js';

const $ = (s, r = document) => r.querySelector(s);

export const printingMethods = {
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
  },

  /** A PNG of the map around a bounding box at a fixed print size, ward labels drawn in, and
   * `mark` ([lon, lat], the point of "where I live") drawn as a dot: the map's marker is not part
   * of its canvas. */
  async captureMap(bbox, mark = null) {
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
    if (mark) {
      const dpr = src.width / src.clientWidth || 1;
      const p = map.project(mark);
      ctx.beginPath();
      ctx.arc(p.x * dpr, p.y * dpr, 7 * dpr, 0, 2 * Math.PI);
      ctx.fillStyle = '#d7191c';
      ctx.fill();
      ctx.lineWidth = 3 * dpr;
      ctx.strokeStyle = '#fff';
      ctx.stroke();
    }
    const url = out.toDataURL('image/png');
    wrap.classList.remove('capture');
    map.resize();
    map.jumpTo(prev);
    return url;
  },

  async print(kind) {
    const body = $('#panel-body');
    const img = body.querySelector('img.print-map');
    if (img) {
      let bbox = null;
      if (kind === 'profile' && this.selectionGeometry) bbox = bboxOf(this.selectionGeometry);
      if (kind === 'site' && this.site?.geojson) bbox = this.site.bounds(this.site.geojson);
      if (kind === 'footprint') bbox = this.footprint?.bounds();
      if (kind === 'where') bbox = this.where?.bounds();
      const w = kind === 'where' ? this.where?.answer : null;
      img.src = await this.captureMap(bbox, w ? [w.lon, w.lat] : null);
      await img.decode?.().catch(() => {});
    }
    $('#print-legend').innerHTML = $('#legend-body').innerHTML;
    $('#print-date').textContent = new Date().toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric' });
    $('#print-url').textContent = location.href;
    document.body.dataset.print = kind;
    if (!window.__equimapNoPrintDialog) window.print();
  },
};
