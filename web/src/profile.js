// The area profile panel: every indicator with unit, period and estimate flag; the area against
// Leeds and England; where it sits on the Leeds inequality gradient; parents and children; CSV
// download and an A4 print view.

import { cachedJSON, qs } from './api.js';
import { compareDots, decileStrip, gradientChart } from './charts.js';
import { geoLabel, geoNoun, headlineCaveat } from './catalogue.js';
import { escapeHtml as esc, formatValue, formatInt, isNum } from './format.js';
import { imdChangeSentence } from './change.js';
import { intervalText, significanceBadge, significanceKey, formatFine } from './significance.js';

const GRADIENT_KINDS = new Set(['score', 'share', 'years', 'count']);

function gradientOptions(cat) {
  return cat.list.filter(
    (d) =>
      GRADIENT_KINDS.has(d.kind) &&
      d.levels.some((l) => l.geography === 'lsoa21') &&
      !/^imd2025_(score|d1_|d12_)/.test(d.id) &&
      !d.id.endsWith('_count') &&
      d.id !== 'population',
  );
}

export function areaLink(a, extra = '') {
  return `<button type="button" class="link" data-geo="${esc(a.geography)}" data-code="${esc(a.code)}"${extra}>${esc(a.name || a.code)}</button>`;
}

function estimateBadge(i) {
  return i.estimate ? ` <span class="badge est" title="${esc(i.method)}">estimate</span>` : '';
}

function indicatorRow(i, cat) {
  const def = cat.get(i.id) || i;
  const chart =
    i.kind === 'decile' && isNum(i.value)
      ? decileStrip(i.value, 10, { width: 120 })
      : i.kind === 'quintile' && isNum(i.value)
        ? decileStrip(i.value, 5, { width: 120 })
        : i.kind !== 'rank' && i.kind !== 'percentile' && i.kind !== 'change'
          ? compareDots({ value: i.value, district: i.district?.value, england: i.england?.value, ind: def, districtName: i.district?.name || 'Leeds', width: 120 })
          : '';
  const ref = (r, cmp) =>
    (r && isNum(r.value) ? esc(formatValue(r.value, def)) : `<span class="na" title="${esc(r?.method || 'no reference value')}">–</span>`) +
    (cmp ? `<br>${significanceBadge(cmp)}` : '');
  const rank = i.local_rank ? `<br><small>${formatInt(i.local_rank.rank)} of ${formatInt(i.local_rank.of)} in ${esc(i.district?.name || 'Leeds')}</small>` : '';
  const ci = i.interval ? `<br><small class="ci" title="${esc(i.interval.method)}">${esc(intervalText(i.interval, def))}</small>` : '';
  const counts = i.counts ? `<br><small class="counts">${esc(formatInt(i.counts.numerator))} of ${esc(formatInt(i.counts.denominator))}</small>` : '';
  const caveat = headlineCaveat(i) ? `<br><small class="caveat-line">${esc(headlineCaveat(i))}</small>` : '';
  return `<tr data-indicator="${esc(i.id)}">
    <th scope="row">${esc(i.label)}${estimateBadge(i)}<br><small>${esc(i.unit)} · ${esc(i.period)}</small>${caveat}</th>
    <td class="num value">${esc(formatValue(i.value, def))}${ci}${counts}${rank}</td>
    <td class="num">${ref(i.district, i.vs_district)}</td>
    <td class="num">${ref(i.england, i.vs_england)}</td>
    <td class="chartcell">${chart}</td>
  </tr>`;
}

/** The indicators of an area or footprint, one table per theme: value (95% interval, counts),
 * the district and England with the comparisons, and a chart. */
export function indicatorTables(indicators, cat, { areaHeading = 'This area' } = {}) {
  const byTheme = new Map();
  for (const i of indicators) {
    const t = i.theme || 'Other';
    if (!byTheme.has(t)) byTheme.set(t, []);
    byTheme.get(t).push(i);
  }
  return [...byTheme.entries()]
    .map(
      ([theme, rows]) => `<div class="table-wrap" role="region" aria-label="${esc(theme)} indicators" tabindex="0">
      <table class="indicators">
        <caption>${esc(theme)}</caption>
        <thead><tr><th scope="col">Indicator</th><th scope="col" class="num">${esc(areaHeading)}</th><th scope="col" class="num">${esc(cat.districtName)}</th><th scope="col" class="num">England</th><th scope="col"><span class="sr-only">Chart: </span>Compared</th></tr></thead>
        <tbody>${rows.map((i) => indicatorRow(i, cat)).join('')}</tbody>
      </table></div>`,
    )
    .join('');
}

export function renderProfile(app, p, { context = null } = {}) {
  const cat = app.cat;
  const g = p.area.geography;
  const parents = p.parents.length
    ? `<p><strong>Part of:</strong> ${p.parents.map((a) => `${areaLink(a)} <span class="muted">(${esc(geoNoun(a.geography))})</span>`).join(', ')}</p>`
    : '';
  const children = Object.entries(p.children || {})
    .filter(([, list]) => list.length)
    .map(
      ([cg, list]) => `<details class="children"><summary>Contains ${list.length} ${esc(geoLabel(cg))} area${list.length === 1 ? '' : 's'}</summary>
        <ul class="cols">${list.map((a) => `<li>${areaLink(a)}</li>`).join('')}</ul></details>`,
    )
    .join('');
  const ctx = context
    ? `<div class="context" role="note"><strong>${esc(context.label)}</strong> ${esc(context.detail || '')}<br>${context.within
        .filter((w) => ['lsoa21', 'msoa21', 'ward', 'committee'].includes(w.geography))
        .map((w) => `${esc(geoLabel(w.geography))}: ${areaLink(w)}`)
        .join(' · ')}</div>`
    : '';
  const tables = indicatorTables(p.indicators, cat);

  const options = gradientOptions(cat);
  const current = app.state.layer;
  const gDefault = options.some((o) => o.id === current) ? current : options.some((o) => o.id === 'le_female') ? 'le_female' : options[0]?.id;

  const csvUrl = `api/areas/${encodeURIComponent(g)}/${encodeURIComponent(p.area.code)}.csv`;
  const attribution = (p.attribution || []).map((a) => `<li>${esc(a)}</li>`).join('');

  return `<article class="profile" data-geography="${esc(g)}" data-code="${esc(p.area.code)}">
    <p class="kicker">${esc(geoLabel(g))} · <span class="code">${esc(p.area.code)}</span></p>
    <h2 id="panel-title" tabindex="-1">${esc(p.area.name)}</h2>
    ${ctx}
    <div class="actions no-print">
      <button type="button" class="btn" data-action="zoom">Zoom to area</button>
      <a class="btn" href="${csvUrl}" download>Download CSV</a>
      <button type="button" class="btn" data-action="print">Print profile</button>
    </div>
    <img class="print-map" alt="Map of ${esc(p.area.name)} and its surroundings">
    ${footprintSection(p)}
    <section aria-labelledby="where-h"><h3 id="where-h">Where it is</h3>${parents}${children || ''}</section>
    ${g === 'lsoa21' ? imdChangeSentence(p, cat) : ''}
    ${g === 'district' ? `<section aria-labelledby="trends-h" class="trends-section"><h3 id="trends-h">Trends: ${esc(p.area.name)} against England</h3><div data-role="trends" aria-live="polite"></div></section>` : ''}
    <section aria-labelledby="gradient-h" class="gradient-section">
      <h3 id="gradient-h">On the ${esc(cat.districtName)} inequality gradient</h3>
      <p class="muted">The value for the ${esc(cat.districtName)} LSOAs in each national IMD 2025 decile: counts summed where the indicator is held as counts (with 95% interval bars), otherwise the population-weighted mean. The shaded column is this area’s decile; the pink dashed line is this area’s value, the black dotted line ${esc(cat.districtName)}’s.</p>
      <label class="inline no-print">Indicator <select data-role="gradient-indicator">${options
        .map((o) => `<option value="${esc(o.id)}"${o.id === gDefault ? ' selected' : ''}>${esc(o.label)}</option>`)
        .join('')}</select></label>
      <div data-role="gradient" aria-live="polite"></div>
    </section>
    <section aria-labelledby="ind-h"><h3 id="ind-h">All indicators</h3>
      <p class="muted">“Estimate” marks values made for this geography from another one (hover or focus the badge for the method). Ranks, deciles and percentiles have no ${esc(cat.districtName)} or England value. Where a value has a 95% confidence interval, it is compared with ${esc(cat.districtName)} and England: significantly better or worse when their value lies outside the interval, similar when inside (higher or lower for indicators where neither direction is better).</p>
      ${significanceKey()}
      ${tables}
    </section>
    <section class="attribution-list" aria-labelledby="attr-h"><h3 id="attr-h">Sources and attribution</h3><ul>${attribution}</ul></section>
  </article>`;
}

/** A footprint of whole wards (a community committee): what it is made of, where that is
 * published, and a visible note where a ward's membership is not published. */
function footprintSection(p) {
  const f = p.footprint;
  if (!f) return '';
  const wards = f.wards
    .map((w) => `<li>${areaLink({ geography: 'ward', code: w.code, name: w.name })}${w.named_in_source ? (w.source_url ? ` <a class="small" href="${esc(w.source_url)}" rel="noopener" target="_blank" title="${esc(w.evidence)}">source</a>` : '') : ' <span class="small muted">(assigned by elimination)</span>'}</li>`)
    .join('');
  return `<section aria-labelledby="footprint-h" class="footprint"><h3 id="footprint-h">What it is made of</h3>
    ${f.note ? `<p class="note footprint-note" role="note">${esc(f.note)}</p>` : ''}
    <p>${esc(f.definition)}</p><ul class="cols">${wards}</ul></section>`;
}

export async function drawGradient(app, root, p, indicatorId) {
  const holder = root.querySelector('[data-role="gradient"]');
  if (!holder || !indicatorId) return;
  const ind = app.cat.get(indicatorId);
  holder.innerHTML = '<p class="muted">Loading…</p>';
  try {
    const gr = await cachedJSON(`api/gradient?${qs({ indicator: indicatorId, by: 'imd2025_decile' })}`);
    const mine = p.indicators.find((i) => i.id === indicatorId);
    const dec = p.indicators.find((i) => i.id === 'imd2025_decile');
    const html = gradientChart(gr, ind, {
      decile: dec && isNum(dec.value) ? Math.round(dec.value) : null,
      areaValue: mine?.value,
      areaName: p.area.name,
      districtValue: mine?.district?.value ?? app.cat.reference(indicatorId, 'district')?.value,
      districtName: app.cat.districtName,
    });
    holder.innerHTML = html + gradientSummary(gr, ind);
  } catch (e) {
    holder.innerHTML = `<p class="error">Could not load the gradient: ${esc(e.message)}</p>`;
  }
}

/** The gap and the indices of inequality in words, each with its 95% interval where computed. */
export function gradientSummary(gr, ind) {
  const pts = ind.kind === 'share' ? { ...ind, kind: 'points' } : ind;
  const fmt = (v, f = ind) => (f.kind === 'points' ? `${(v * 100).toFixed(2)} percentage points` : formatFine(v, f));
  const ci = (pair, f) => (Array.isArray(pair) ? ` (95% CI ${fmt(pair[0], f)} to ${fmt(pair[1], f)})` : '');
  const ratio = (pair) => (Array.isArray(pair) ? ` (95% CI ${pair[0].toFixed(2)} to ${pair[1].toFixed(2)})` : '');
  const parts = [];
  if (isNum(gr.gap_absolute)) {
    const d1 = gr.bands[0];
    const d10 = gr.bands[9];
    parts.push(
      `<li class="gap">Gap, decile 10 minus decile 1: <strong>${esc(fmt(gr.gap_absolute, pts))}</strong>${esc(ci(gr.gap_absolute_interval, pts))} — decile 1 ${esc(formatFine(d1.value, { ...ind, kind: ind.kind === 'share' ? 'share_fine' : ind.kind }))}, decile 10 ${esc(formatFine(d10.value, { ...ind, kind: ind.kind === 'share' ? 'share_fine' : ind.kind }))}</li>`,
    );
  }
  if (isNum(gr.gap_relative)) parts.push(`<li>Ratio, decile 10 over decile 1: ${gr.gap_relative.toFixed(2)}${esc(ratio(gr.gap_relative_interval))}</li>`);
  if (isNum(gr.sii)) parts.push(`<li class="sii">Slope index of inequality (least minus most deprived end): <strong>${esc(fmt(gr.sii, pts))}</strong>${esc(ci(gr.sii_interval, pts))}</li>`);
  if (isNum(gr.rii)) parts.push(`<li class="rii">Relative index of inequality (least over most deprived end): ${gr.rii.toFixed(2)}${esc(ratio(gr.rii_interval))}</li>`);
  const notes = (gr.notes || []).map((n) => `<li class="muted">${esc(n)}</li>`).join('');
  return `<ul class="small gradient-figures">${parts.join('')}${notes}</ul>${gr.estimate ? '<p class="small"><span class="badge est">estimate</span></p>' : ''}<details class="caveat"><summary>How these are computed</summary><p>${esc(gr.method)}</p></details>`;
}
