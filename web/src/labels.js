// Ward name labels as HTML over the map, so that no glyph server (or font file) is needed.
// Label points come from the ward features in the loaded tiles: the area-weighted centroid of a
// ward's pieces when it lies inside the ward, otherwise the pole of inaccessibility of its largest
// piece. Labels that would overlap a bigger ward's label are hidden.

const MERC = (lon, lat) => {
  const x = (lon + 180) / 360;
  const s = Math.sin((lat * Math.PI) / 180);
  const y = 0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI);
  return [x, y];
};
const UNMERC = ([x, y]) => {
  const lon = x * 360 - 180;
  const lat = (Math.atan(Math.sinh(Math.PI * (1 - 2 * y))) * 180) / Math.PI;
  return [lon, lat];
};

function ringArea(r) {
  let a = 0;
  for (let i = 0, j = r.length - 1; i < r.length; j = i++) a += (r[j][0] - r[i][0]) * (r[j][1] + r[i][1]);
  return a / 2;
}

function ringCentroid(r) {
  let cx = 0;
  let cy = 0;
  let a = 0;
  for (let i = 0, j = r.length - 1; i < r.length; j = i++) {
    const f = r[j][0] * r[i][1] - r[i][0] * r[j][1];
    cx += (r[j][0] + r[i][0]) * f;
    cy += (r[j][1] + r[i][1]) * f;
    a += f;
  }
  return a === 0 ? null : [cx / (3 * a), cy / (3 * a), a / 2];
}

function inRing(p, r) {
  let inside = false;
  for (let i = 0, j = r.length - 1; i < r.length; j = i++) {
    if (r[i][1] > p[1] !== r[j][1] > p[1] && p[0] < ((r[j][0] - r[i][0]) * (p[1] - r[i][1])) / (r[j][1] - r[i][1]) + r[i][0]) inside = !inside;
  }
  return inside;
}
const inPolygon = (p, poly) => inRing(p, poly[0]) && !poly.slice(1).some((h) => inRing(p, h));

function segDist2(p, a, b) {
  let x = a[0];
  let y = a[1];
  let dx = b[0] - x;
  let dy = b[1] - y;
  if (dx !== 0 || dy !== 0) {
    const t = ((p[0] - x) * dx + (p[1] - y) * dy) / (dx * dx + dy * dy);
    if (t > 1) {
      x = b[0];
      y = b[1];
    } else if (t > 0) {
      x += dx * t;
      y += dy * t;
    }
  }
  dx = p[0] - x;
  dy = p[1] - y;
  return dx * dx + dy * dy;
}

function signedDist(p, poly) {
  let d = Infinity;
  for (const r of poly) for (let i = 0, j = r.length - 1; i < r.length; j = i++) d = Math.min(d, segDist2(p, r[i], r[j]));
  return (inPolygon(p, poly) ? 1 : -1) * Math.sqrt(d);
}

/** Pole of inaccessibility (after polylabel), on a simple cell queue. */
function polylabel(poly, precision) {
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const [x, y] of poly[0]) {
    x0 = Math.min(x0, x);
    y0 = Math.min(y0, y);
    x1 = Math.max(x1, x);
    y1 = Math.max(y1, y);
  }
  const size = Math.min(x1 - x0, y1 - y0);
  if (size === 0) return [x0, y0];
  const cell = (x, y, h) => {
    const d = signedDist([x, y], poly);
    return { x, y, h, d, max: d + h * Math.SQRT2 };
  };
  const queue = [];
  for (let x = x0; x < x1; x += size) for (let y = y0; y < y1; y += size) queue.push(cell(x + size / 2, y + size / 2, size / 2));
  const c = ringCentroid(poly[0]);
  let best = c ? cell(c[0], c[1], 0) : cell((x0 + x1) / 2, (y0 + y1) / 2, 0);
  let guard = 0;
  while (queue.length && guard++ < 2000) {
    queue.sort((a, b) => a.max - b.max);
    const q = queue.pop();
    if (q.d > best.d) best = q;
    if (q.max - best.d <= precision) continue;
    const h = q.h / 2;
    queue.push(cell(q.x - h, q.y - h, h), cell(q.x + h, q.y - h, h), cell(q.x - h, q.y + h, h), cell(q.x + h, q.y + h, h));
  }
  return [best.x, best.y];
}

function labelPoint(pieces) {
  // pieces: polygons in mercator units [[ring], ...]
  let sx = 0;
  let sy = 0;
  let sa = 0;
  let largest = null;
  let largestA = 0;
  for (const poly of pieces) {
    const c = ringCentroid(poly[0]);
    if (!c) continue;
    const a = Math.abs(c[2]);
    sx += c[0] * a;
    sy += c[1] * a;
    sa += a;
    if (a > largestA) {
      largestA = a;
      largest = poly;
    }
  }
  if (!sa || !largest) return null;
  const centroid = [sx / sa, sy / sa];
  if (pieces.some((p) => inPolygon(centroid, p))) return { point: centroid, area: sa };
  return { point: polylabel(largest, Math.sqrt(largestA) / 50), area: sa };
}

export class WardLabels {
  constructor(map, tiles) {
    this.map = map;
    this.tiles = tiles;
    this.enabled = true;
    this.root = document.createElement('div');
    this.root.className = 'ward-labels';
    this.root.setAttribute('aria-hidden', 'true');
    map.getCanvasContainer().append(this.root);
    this.labels = new Map(); // code -> {el, lngLat, area}
    this.schedule = this.schedule.bind(this);
    map.on('moveend', this.schedule);
    map.on('sourcedata', (e) => {
      if (e.isSourceLoaded && e.sourceId === tiles.sourceOf('ward').source) this.schedule();
    });
    map.on('move', () => this.place());
  }

  setEnabled(on) {
    this.enabled = on;
    this.root.hidden = !on;
    if (on) this.schedule();
  }

  schedule() {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.compute(), 120);
  }

  compute() {
    if (!this.enabled || !this.tiles.has('ward')) return;
    const { source, 'source-layer': sourceLayer } = this.tiles.sourceOf('ward');
    let feats;
    try {
      feats = this.map.querySourceFeatures(source, { sourceLayer });
    } catch {
      return;
    }
    const byCode = new Map();
    for (const f of feats) {
      const code = f.properties.code;
      if (!code) continue;
      if (!byCode.has(code)) byCode.set(code, { name: f.properties.name, pieces: [] });
      const g = f.geometry;
      const polys = g.type === 'Polygon' ? [g.coordinates] : g.type === 'MultiPolygon' ? g.coordinates : [];
      for (const p of polys) byCode.get(code).pieces.push(p.map((r) => r.map(([lon, lat]) => MERC(lon, lat))));
    }
    const next = new Map();
    for (const [code, w] of byCode) {
      const lp = labelPoint(w.pieces);
      if (!lp) continue;
      let l = this.labels.get(code);
      if (!l) {
        const el = document.createElement('div');
        el.className = 'ward-label';
        el.textContent = w.name;
        l = { el };
        this.root.append(el);
      }
      l.lngLat = UNMERC(lp.point);
      l.area = lp.area;
      next.set(code, l);
    }
    for (const [code, l] of this.labels) if (!next.has(code)) l.el.remove();
    this.labels = next;
    this.place();
  }

  place() {
    if (!this.enabled) return;
    const z = this.map.getZoom();
    const show = z >= 9.6;
    this.root.hidden = !show;
    if (!show) return;
    const placed = [];
    const sorted = [...this.labels.values()].sort((a, b) => b.area - a.area);
    const { width, height } = this.map.getCanvas().getBoundingClientRect();
    for (const l of sorted) {
      const p = this.map.project(l.lngLat);
      const w = l.w || (l.w = l.el.offsetWidth) || 80;
      const h = l.h || (l.h = l.el.offsetHeight) || 16;
      const box = [p.x - w / 2 - 4, p.y - h / 2 - 2, p.x + w / 2 + 4, p.y + h / 2 + 2];
      const off = box[0] < 0 || box[2] > width || box[1] < 0 || box[3] > height;
      const clash = placed.some((b) => !(box[2] < b[0] || box[0] > b[2] || box[3] < b[1] || box[1] > b[3]));
      if (off || clash) {
        l.el.style.visibility = 'hidden';
        continue;
      }
      placed.push(box);
      l.el.style.visibility = '';
      l.el.style.transform = `translate(${Math.round(p.x - w / 2)}px, ${Math.round(p.y - h / 2)}px)`;
    }
  }
}
