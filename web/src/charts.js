// Small inline SVG charts (no chart library). Each is an <svg role="img"> with an aria-label that
// says what it shows, so the chart is never the only place a number is given.

import { VIRIDIS10, NO_DATA } from './colours.js';
import { escapeHtml, formatValue, formatInt, isNum } from './format.js';

const esc = escapeHtml;

/** Area vs Leeds vs England on one scale: dot = area, diamond = Leeds, bar = England. */
export function compareDots({ value, district, england, ind, districtName = 'Leeds', width = 150 }) {
  const vals = [value, district, england].filter(isNum);
  if (!vals.length) return '';
  let lo = Math.min(...vals);
  let hi = Math.max(...vals);
  if (ind.kind === 'share') {
    lo = Math.min(lo, 0);
    hi = Math.max(hi, Math.min(1, hi * 1.1));
  }
  const pad = (hi - lo) * 0.15 || Math.abs(hi) * 0.05 || 1;
  lo -= pad;
  hi += pad;
  const h = 26;
  const x = (v) => 6 + ((v - lo) / (hi - lo)) * (width - 12);
  const parts = [
    `<line x1="6" x2="${width - 6}" y1="13" y2="13" stroke="#767676" stroke-width="1"/>`,
  ];
  if (isNum(england)) parts.push(`<line x1="${x(england).toFixed(1)}" x2="${x(england).toFixed(1)}" y1="4" y2="22" stroke="#595959" stroke-width="2.5"><title>England ${esc(formatValue(england, ind))}</title></line>`);
  if (isNum(district)) {
    const cx = x(district);
    parts.push(`<path d="M${(cx).toFixed(1)} 6 L${(cx + 6).toFixed(1)} 13 L${cx.toFixed(1)} 20 L${(cx - 6).toFixed(1)} 13 Z" fill="#ffffff" stroke="#1a1a1a" stroke-width="1.5"><title>${esc(districtName)} ${esc(formatValue(district, ind))}</title></path>`);
  }
  if (isNum(value)) parts.push(`<circle cx="${x(value).toFixed(1)}" cy="13" r="5.5" fill="#d01c8b" stroke="#1a1a1a" stroke-width="1"><title>This area ${esc(formatValue(value, ind))}</title></circle>`);
  const label = [
    isNum(value) ? `this area ${formatValue(value, ind)}` : 'this area: no data',
    isNum(district) ? `${districtName} ${formatValue(district, ind)}` : null,
    isNum(england) ? `England ${formatValue(england, ind)}` : null,
  ].filter(Boolean).join(', ');
  return `<svg class="chart compare" role="img" aria-label="${esc(label)}" width="${width}" height="${h}" viewBox="0 0 ${width} ${h}">${parts.join('')}</svg>`;
}

/** A strip of n cells with the area's decile (or quintile) filled. */
export function decileStrip(value, n = 10, { width = 150 } = {}) {
  const cw = (width - 2) / n;
  const v = Math.round(value);
  const palette = n === 10 ? VIRIDIS10 : VIRIDIS10.filter((_, i) => i % 2 === 0);
  const cells = Array.from({ length: n }, (_, i) => {
    const on = i + 1 === v;
    return `<rect x="${(1 + i * cw).toFixed(1)}" y="${on ? 2 : 7}" width="${(cw - 1).toFixed(1)}" height="${on ? 18 : 8}" fill="${on ? palette[i] : '#e3e3e3'}" stroke="${on ? '#1a1a1a' : 'none'}" stroke-width="1"/>`;
  });
  const label = isNum(value) ? `${v} of ${n}; 1 is the most deprived` : 'no data';
  return `<svg class="chart strip" role="img" aria-label="${esc(label)}" width="${width}" height="22" viewBox="0 0 ${width} 22">${cells.join('')}</svg>`;
}

/**
 * The Leeds inequality gradient: the indicator's mean for each national IMD 2025 decile of LSOAs,
 * with the area's own decile marked and its value drawn as a dashed line.
 */
export function gradientChart(gr, ind, { decile = null, areaValue = null, areaName = 'this area', districtValue = null, districtName = 'Leeds', width = 340, height = 170 } = {}) {
  const bands = gr.bands.filter((b) => isNum(b.value));
  if (!bands.length) return '<p>No gradient for this indicator.</p>';
  const vals = bands
    .flatMap((b) => [b.value, b.lower, b.upper])
    .filter(isNum)
    .concat([areaValue, districtValue].filter(isNum));
  let lo = Math.min(...vals);
  let hi = Math.max(...vals);
  const span = hi - lo || Math.abs(hi) || 1;
  lo -= span * 0.15;
  hi += span * 0.1;
  if (ind.kind === 'share' || ind.kind === 'count') lo = Math.min(0, lo);
  const m = { l: 44, r: 8, t: 10, b: 34 };
  const iw = width - m.l - m.r;
  const ih = height - m.t - m.b;
  const bw = iw / 10;
  const y = (v) => m.t + ih - ((v - lo) / (hi - lo)) * ih;
  const out = [];
  // axis ticks
  for (let i = 0; i <= 3; i++) {
    const v = lo + ((hi - lo) * i) / 3;
    out.push(`<line x1="${m.l}" x2="${width - m.r}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#e0e0e0"/>`);
    out.push(`<text x="${m.l - 4}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end" class="tick">${esc(formatValue(v, ind, { short: true }))}</text>`);
  }
  const pts = [];
  for (const b of gr.bands) {
    const i = b.decile - 1;
    const cx = m.l + i * bw + bw / 2;
    const on = decile === b.decile;
    out.push(`<text x="${cx.toFixed(1)}" y="${m.t + ih + 13}" text-anchor="middle" class="tick${on ? ' on' : ''}">${b.decile}</text>`);
    if (!isNum(b.value)) continue;
    pts.push({ cx, cy: y(b.value), b, i, on });
  }
  if (pts.length > 1) out.push(`<polyline points="${pts.map((p) => `${p.cx.toFixed(1)},${p.cy.toFixed(1)}`).join(' ')}" fill="none" stroke="#8c8c8c" stroke-width="1.5"/>`);
  // 95% interval bars (Wilson score) where the indicator is held as counts.
  for (const p of pts) {
    if (!isNum(p.b.lower) || !isNum(p.b.upper)) continue;
    const [y1, y2] = [y(p.b.lower), y(p.b.upper)];
    out.push(
      `<g class="ci-bar" stroke="#1a1a1a" stroke-width="1.5"><line x1="${p.cx.toFixed(1)}" x2="${p.cx.toFixed(1)}" y1="${y1.toFixed(1)}" y2="${y2.toFixed(1)}"/><line x1="${(p.cx - 5).toFixed(1)}" x2="${(p.cx + 5).toFixed(1)}" y1="${y1.toFixed(1)}" y2="${y1.toFixed(1)}"/><line x1="${(p.cx - 5).toFixed(1)}" x2="${(p.cx + 5).toFixed(1)}" y1="${y2.toFixed(1)}" y2="${y2.toFixed(1)}"/></g>`,
    );
  }
  for (const p of pts) {
    if (p.on) out.push(`<rect x="${(p.cx - bw / 2 + 1).toFixed(1)}" y="${m.t}" width="${(bw - 2).toFixed(1)}" height="${ih}" fill="#d01c8b" fill-opacity="0.12"/>`);
    out.push(
      `<circle cx="${p.cx.toFixed(1)}" cy="${p.cy.toFixed(1)}" r="${p.on ? 8 : 6}" fill="${VIRIDIS10[p.i]}" stroke="${p.on ? '#d01c8b' : '#1a1a1a'}" stroke-width="${p.on ? 3 : 1}"><title>Decile ${p.b.decile}: ${esc(formatValue(p.b.value, ind))}${isNum(p.b.lower) ? `, 95% CI ${esc(formatValue(p.b.lower, ind))} to ${esc(formatValue(p.b.upper, ind))}` : ''} (${formatInt(p.b.population)} residents in ${p.b.areas} LSOAs)</title></circle>`,
    );
  }
  if (isNum(districtValue)) {
    out.push(`<line x1="${m.l}" x2="${width - m.r}" y1="${y(districtValue).toFixed(1)}" y2="${y(districtValue).toFixed(1)}" stroke="#1a1a1a" stroke-width="1.5" stroke-dasharray="2 2"/>`);
  }
  if (isNum(areaValue)) {
    out.push(`<line x1="${m.l}" x2="${width - m.r}" y1="${y(areaValue).toFixed(1)}" y2="${y(areaValue).toFixed(1)}" stroke="#d01c8b" stroke-width="2.5" stroke-dasharray="6 3"/>`);
  }
  out.push(`<text x="${m.l}" y="${height - 4}" class="tick">national IMD 2025 decile: 1 = most deprived 10% in England</text>`);
  const label = `${ind.label} by national IMD 2025 decile in ${districtName}: ${gr.bands
    .map((b) => `decile ${b.decile} ${formatValue(b.value, ind)}${isNum(b.lower) ? ` (95% CI ${formatValue(b.lower, ind)} to ${formatValue(b.upper, ind)})` : ''}`)
    .join('; ')}.${decile ? ` This area is in decile ${decile}.` : ''}${isNum(areaValue) ? ` ${areaName}: ${formatValue(areaValue, ind)}.` : ''}`;
  return `<svg class="chart gradient" role="img" aria-label="${esc(label)}" width="100%" viewBox="0 0 ${width} ${height}" preserveAspectRatio="xMinYMin meet">${out.join('')}</svg>`;
}

/** Residents by national IMD 2025 decile, one stacked bar per zone (site report). */
export function decileStack(zones, { width = 340 } = {}) {
  const rowH = 24;
  const m = { l: 92, r: 8, t: 6 };
  const iw = width - m.l - m.r;
  const h = m.t + zones.length * (rowH + 6) + 24;
  const out = [];
  zones.forEach((z, j) => {
    const total = (z.residents_by_decile || []).reduce((a, b) => a + b, 0);
    const yy = m.t + j * (rowH + 6);
    out.push(`<text x="${m.l - 6}" y="${yy + 16}" text-anchor="end" class="tick">${esc(z.label)}</text>`);
    let x = m.l;
    (z.residents_by_decile || []).forEach((n, i) => {
      if (!total || !n) return;
      const w = (n / total) * iw;
      out.push(`<rect x="${x.toFixed(1)}" y="${yy}" width="${w.toFixed(1)}" height="${rowH}" fill="${VIRIDIS10[i] ?? NO_DATA}"><title>${esc(z.label)}: decile ${i + 1}, ${formatInt(n)} residents (${((n / total) * 100).toFixed(1)}%)</title></rect>`);
      x += w;
    });
    if (!total) out.push(`<text x="${m.l}" y="${yy + 16}" class="tick">no residents</text>`);
  });
  const ly = h - 8;
  out.push(`<text x="${m.l}" y="${ly}" class="tick">decile 1 (most deprived) → 10</text>`);
  const label = zones
    .map((z) => {
      const total = (z.residents_by_decile || []).reduce((a, b) => a + b, 0);
      const parts = (z.residents_by_decile || []).map((n, i) => (n ? `decile ${i + 1} ${total ? ((n / total) * 100).toFixed(0) : 0}%` : null)).filter(Boolean);
      return `${z.label}: ${parts.join(', ') || 'no residents'}`;
    })
    .join('. ');
  return `<svg class="chart stack" role="img" aria-label="Residents by national IMD 2025 decile. ${esc(label)}" width="100%" viewBox="0 0 ${width} ${h}" preserveAspectRatio="xMinYMin meet">${out.join('')}</svg>`;
}
