// Helpers that run inside the page (through page.evaluate) or compare what the page shows with
// what the API says.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** Find a point well inside an area's rendered polygon: returns {x, y} in canvas CSS pixels. */
export async function interiorPoint(page, code, bbox) {
  return page.evaluate(
    ({ code, bbox }) => {
      const map = window.__equimap.map;
      const c = map.getCanvas();
      let [x0, y0, x1, y1] = [0, 0, c.clientWidth, c.clientHeight];
      if (bbox) {
        const a = map.project([bbox[0], bbox[3]]);
        const b = map.project([bbox[2], bbox[1]]);
        x0 = Math.max(0, Math.floor(a.x));
        y0 = Math.max(0, Math.floor(a.y));
        x1 = Math.min(c.clientWidth - 1, Math.ceil(b.x));
        y1 = Math.min(c.clientHeight - 1, Math.ceil(b.y));
      }
      const step = Math.max(3, Math.round(Math.min(x1 - x0, y1 - y0) / 60));
      const hits = new Set();
      const pts = [];
      for (let y = y0; y <= y1; y += step)
        for (let x = x0; x <= x1; x += step) {
          const f = map.queryRenderedFeatures([x, y], { layers: ['choro-fill'] })[0];
          if (f && f.properties.code === code) {
            hits.add(`${x},${y}`);
            pts.push([x, y]);
          }
        }
      let best = null;
      let bestD = -1;
      for (const [x, y] of pts) {
        let d = 0;
        for (;;) {
          const r = d + step;
          const ring = [[x + r, y], [x - r, y], [x, y + r], [x, y - r], [x + r, y + r], [x - r, y - r], [x + r, y - r], [x - r, y + r]];
          if (!ring.every(([a, b]) => hits.has(`${a},${b}`)) || r > 200) break;
          d = r;
        }
        if (d > bestD) {
          bestD = d;
          best = [x, y];
        }
      }
      return best ? { x: best[0], y: best[1], inset: bestD, samples: pts.length } : null;
    },
    { code, bbox },
  );
}

/** The colour drawn at a canvas point (mean of a 3×3 block), as [r, g, b]. */
export async function pixelAt(page, x, y) {
  return page.evaluate(
    ({ x, y }) => {
      const c = window.__equimap.map.getCanvas();
      const dpr = c.width / c.clientWidth;
      const t = document.createElement('canvas');
      t.width = c.width;
      t.height = c.height;
      const ctx = t.getContext('2d');
      ctx.drawImage(c, 0, 0);
      const d = ctx.getImageData(Math.round(x * dpr) - 1, Math.round(y * dpr) - 1, 3, 3).data;
      const sum = [0, 0, 0];
      for (let i = 0; i < 9; i++) for (let k = 0; k < 3; k++) sum[k] += d[i * 4 + k];
      return sum.map((v) => Math.round(v / 9));
    },
    { x, y },
  );
}

/** A coarse signature of what the map canvas shows (grid of mean colours). */
export async function canvasSignature(page, cols = 24, rows = 16) {
  return page.evaluate(
    ({ cols, rows }) => {
      const c = window.__equimap.map.getCanvas();
      const t = document.createElement('canvas');
      t.width = cols;
      t.height = rows;
      const ctx = t.getContext('2d');
      ctx.imageSmoothingEnabled = true;
      ctx.imageSmoothingQuality = 'high';
      ctx.drawImage(c, 0, 0, cols, rows);
      return Array.from(ctx.getImageData(0, 0, cols, rows).data);
    },
    { cols, rows },
  );
}

export function signatureDiff(a, b) {
  let s = 0;
  let n = 0;
  for (let i = 0; i < a.length; i++) {
    if (i % 4 === 3) continue;
    s += Math.abs(a[i] - b[i]);
    n++;
  }
  return s / n;
}

export const hex = (h) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16));
export const blend = (fg, bg, a) => fg.map((c, i) => c * a + bg[i] * (1 - a));

/** Parse a displayed number: "1,300", "17.00", "87.5 years", "60.6%", "521 m". */
export function parseShown(text) {
  const t = String(text).trim().replace(/\u2212/g, '-');
  const m = t.match(/-?[\d,]*\.?\d+/);
  if (!m) return { value: null, step: 0 };
  const raw = m[0].replace(/,/g, '');
  const dec = raw.includes('.') ? raw.split('.')[1].length : 0;
  let value = Number(raw);
  let step = 10 ** -dec;
  if (/%/.test(t)) {
    value /= 100;
    step /= 100;
  }
  return { value, step };
}

/** True when a shown number is the API value rounded for display. */
export function shownMatches(text, apiValue) {
  const { value, step } = parseShown(text);
  if (value === null || apiValue === null || apiValue === undefined) return false;
  return Math.abs(value - apiValue) <= step / 2 + 1e-9;
}

export async function runAxe(page) {
  const src = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  await page.evaluate(src);
  const res = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) }));
  });
  return res;
}

export async function getJSON(base, path, init) {
  const r = await fetch(base + path, init);
  if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
  return r.json();
}

export function bbox(geometry) {
  let b = [Infinity, Infinity, -Infinity, -Infinity];
  const walk = (c) => {
    if (typeof c[0] === 'number') b = [Math.min(b[0], c[0]), Math.min(b[1], c[1]), Math.max(b[2], c[0]), Math.max(b[3], c[1])];
    else c.forEach(walk);
  };
  walk(geometry.coordinates);
  return b;
}
