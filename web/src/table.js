// The table view: every area of the current geography with the current layer's value, from
// /api/rank. A text alternative to the map: sortable, and each name opens the area's profile.

import { cachedJSON, qs } from './api.js';
import { colourFor } from './colours.js';
import { geoLabel, levelAt, GEOGRAPHIES } from './catalogue.js';
import { escapeHtml as esc, formatValue, isNum } from './format.js';
import { intervalText, significanceBadge, significanceKey } from './significance.js';

export async function renderTable(app, root) {
  const ind = app.cat.get(app.state.layer);
  const geo = app.state.geo;
  const level = levelAt(ind, geo);
  root.innerHTML = `<article class="table-view">
    <h2 id="panel-title" tabindex="-1">Table: ${esc(ind.label)}</h2>
    <p class="muted">${esc(GEOGRAPHIES[geo]?.plural ?? geo)} in ${esc(app.cat.districtName)} · ${esc(ind.unit)} · ${esc(level?.period ?? '')}${level?.estimate ? ' · <span class="badge est">estimate</span>' : ''}</p>
    <p class="actions"><a class="btn" href="api/data.csv?${qs({ indicator: ind.id, geography: geo })}" download>Download CSV</a></p>
    <div data-role="table"><p class="muted">Loading…</p></div>
  </article>`;
  const holder = root.querySelector('[data-role="table"]');
  let data;
  try {
    data = await cachedJSON(`api/rank?${qs({ indicator: ind.id, geography: geo })}`);
  } catch (e) {
    holder.innerHTML = `<p class="error">Could not load the table: ${esc(e.message)}</p>`;
    return;
  }
  let rows = data.rows.slice();
  const withCi = rows.some((r) => r.interval);
  if (withCi) holder.insertAdjacentHTML('beforebegin', `<p class="muted">Each area’s 95% interval compared with ${esc(app.cat.districtName)} and England: significantly better or worse when their value lies outside it, similar when inside.</p>${significanceKey()}`);
  let sort = { key: 'rank', dir: 1 };
  const cls = app.classes;
  const draw = () => {
    const sorted = rows.slice().sort((a, b) => {
      const k = sort.key;
      let x = a[k];
      let y = b[k];
      if (k === 'value') {
        x = isNum(x) ? x : -Infinity;
        y = isNum(y) ? y : -Infinity;
      }
      if (typeof x === 'string') return sort.dir * x.localeCompare(y, 'en-GB', { numeric: true });
      return sort.dir * ((x ?? Infinity) - (y ?? Infinity));
    });
    const th = (key, label, num) => {
      const aria = sort.key === key ? ` aria-sort="${sort.dir > 0 ? 'ascending' : 'descending'}"` : '';
      return `<th scope="col"${aria}${num ? ' class="num"' : ''}><button type="button" class="sort" data-key="${key}">${label}<span aria-hidden="true">${sort.key === key ? (sort.dir > 0 ? ' ▲' : ' ▼') : ''}</span></button></th>`;
    };
    holder.innerHTML = `<div class="table-wrap" role="region" aria-label="Areas and values" tabindex="0"><table class="data areas">
      <caption class="sr-only">${esc(ind.label)} for each ${esc(geoLabel(geo))} area; rank 1 is the worst in ${esc(app.cat.districtName)}</caption>
      <thead><tr>${th('rank', 'Rank', true)}${th('name', 'Area', false)}${th('code', 'Code', false)}${th('value', 'Value', true)}${withCi ? `<th scope="col" class="num">95% interval</th><th scope="col">Compared with ${esc(app.cat.districtName)}</th><th scope="col">Compared with England</th>` : ''}</tr></thead>
      <tbody>${sorted
        .map(
          (r) => `<tr><td class="num">${r.rank ?? '–'}</td><td><button type="button" class="link" data-geo="${esc(geo)}" data-code="${esc(r.code)}">${esc(r.name)}</button></td><td class="code">${esc(r.code)}</td><td class="num"><span class="swatch" style="background:${cls ? colourFor(r.value, cls) : 'transparent'}" aria-hidden="true"></span>${esc(formatValue(r.value, ind))}</td>${withCi ? `<td class="num"><small>${esc(intervalText(r.interval, ind))}</small></td><td>${significanceBadge(r.vs_district)}</td><td>${significanceBadge(r.vs_england)}</td>` : ''}</tr>`,
        )
        .join('')}</tbody></table></div>`;
    holder.querySelectorAll('button.sort').forEach((b) =>
      b.addEventListener('click', () => {
        const key = b.dataset.key;
        sort = sort.key === key ? { key, dir: -sort.dir } : { key, dir: 1 };
        draw();
        holder.querySelector(`button.sort[data-key="${key}"]`)?.focus();
      }),
    );
  };
  draw();
}
