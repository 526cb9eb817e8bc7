// The "Fairer, Healthier Leeds" view: the Marmot City indicator set (/api/marmot), each measure
// with its breakdowns. A measure the atlas holds opens its map layer, its ward and MSOA tables and
// its IMD-decile gradient; one it does not hold says so and names who publishes it.

import { cachedJSON, qs } from './api.js';
import { gradientChart } from './charts.js';
import { escapeHtml as esc, formatValue, isNum } from './format.js';

const TABLE_GEOS = [
  ['ward', 'Ward table'],
  ['msoa', 'MSOA table'],
];

function heldActions(m, app) {
  return m.indicators
    .map((i) => {
      const ind = app.cat.get(i.id);
      const families = new Set(i.geographies.map((g) => (g.startsWith('msoa') ? 'msoa' : g)));
      const tables = TABLE_GEOS.filter(([f]) => families.has(f))
        .map(([f, label]) => `<button type="button" class="btn" data-marmot="table" data-indicator="${esc(i.id)}" data-family="${f}">${label}</button>`)
        .join('');
      const gradient = i.geographies.includes('lsoa21')
        ? `<button type="button" class="btn" data-marmot="gradient" data-indicator="${esc(i.id)}">IMD-decile gradient</button>`
        : '';
      return `<div class="marmot-indicator"><p><strong>${esc(i.label)}</strong>${ind?.unit ? ` <small>(${esc(ind.unit)})</small>` : ''}</p>
        <p class="actions"><button type="button" class="btn" data-marmot="layer" data-indicator="${esc(i.id)}">Show on the map</button>${tables}${gradient}</p>
        <div data-role="marmot-gradient" data-for="${esc(i.id)}"></div></div>`;
    })
    .join('');
}

function measureItem(m, app) {
  const status = m.held
    ? '<span class="badge held">in this atlas</span>'
    : '<span class="badge not-held">not in this atlas</span>';
  const trends = m.trends.length && app.cat.district !== 'all'
    ? `<p><button type="button" class="link" data-marmot="trends">District trend beside England</button></p>`
    : '';
  return `<li class="marmot-measure" data-number="${m.number}" data-held="${m.held}">
    <h3><span class="num">${m.number}.</span> ${esc(m.title)} ${status}</h3>
    <p class="small">Breakdowns: ${m.breakdowns.map(esc).join(', ')}</p>
    ${m.held ? heldActions(m, app) : ''}
    <p class="small publisher"><strong>${m.held ? 'Source' : 'Published by'}:</strong> ${esc(m.publisher)}</p>
    <p class="small">${esc(m.note)}</p>
    ${trends}
  </li>`;
}

export async function renderMarmot(app, root) {
  root.innerHTML = '<p class="status">Loading the Fairer, Healthier Leeds indicators…</p>';
  let data;
  try {
    data = await cachedJSON('api/marmot');
  } catch (e) {
    root.innerHTML = `<h2 id="panel-title" tabindex="-1">Fairer, Healthier Leeds</h2><p class="error" role="alert">${esc(e.message)}</p>`;
    return;
  }
  root.innerHTML = `<article class="marmot">
    <h2 id="panel-title" tabindex="-1">${esc(data.theme)}</h2>
    <p>${esc(data.about)}</p>
    <p><strong>${data.held} of ${data.measures.length}</strong> measures are in this atlas.</p>
    <ol class="marmot-list">${data.measures.map((m) => measureItem(m, app)).join('')}</ol>
  </article>`;
}

/** The IMD-decile gradient of a held measure, drawn in its place in the list. */
export async function drawMarmotGradient(app, root, id) {
  const holder = root.querySelector(`[data-role="marmot-gradient"][data-for="${CSS.escape(id)}"]`);
  const ind = app.cat.get(id);
  if (!holder || !ind) return;
  holder.innerHTML = '<p class="muted">Loading…</p>';
  try {
    const gr = await cachedJSON(`api/gradient?${qs({ indicator: id, by: 'imd2025_decile' })}`);
    const gap = isNum(gr.gap_absolute) ? `<p class="small">Gap between deciles 10 and 1: ${esc(formatValue(gr.gap_absolute, ind))}.</p>` : '';
    holder.innerHTML = gradientChart(gr, ind, { districtName: app.cat.districtName, districtValue: app.cat.reference(id, 'district')?.value }) + gap;
  } catch (e) {
    holder.innerHTML = `<p class="error">Could not load the gradient: ${esc(e.message)}</p>`;
  }
}
