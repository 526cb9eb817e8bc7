// "Where I live": from a postcode, a place or a point on the map, every footprint that point
// belongs to (LSOA, MSOA, ward, community committee, the district, and the server's custom
// footprints), each with its headline figures and how they compare with the district and
// England, and the nearest GP practices with their PCN (GET /api/where).

import { getJSON, qs } from './api.js';
import { geoLabel } from './catalogue.js';
import { escapeHtml as esc, formatFixed, formatInt, formatValue, isNum } from './format.js';
import { areaLink } from './profile.js';
import { intervalText, significanceBadge, significanceKey } from './significance.js';

export class WhereView {
  constructor(app) {
    this.app = app;
    this.answer = null;
  }

  /** True while a map click moves the point. */
  get picking() {
    return this.app.state.panel === 'where';
  }

  /** Open the view for {q} (a postcode or place) or {lon, lat}. */
  async open(where, { focus = true } = {}) {
    const app = this.app;
    app.lastTrigger = document.activeElement;
    const body = app.showPanel('where');
    app.state.where = where;
    app.state.area = null;
    app.map.getSource('selection')?.setData({ type: 'FeatureCollection', features: [] });
    app.writeState();
    const asked = where.q ?? `${formatFixed(where.lat, 5)}, ${formatFixed(where.lon, 5)}`;
    body.setAttribute('aria-busy', 'true');
    body.innerHTML = `<h2 id="panel-title" tabindex="-1">Where I live</h2><p class="status">Finding every footprint of ${esc(asked)}…</p>`;
    const token = (this.token = (this.token || 0) + 1);
    try {
      const params = where.q ? { q: where.q } : { lon: where.lon.toFixed(6), lat: where.lat.toFixed(6) };
      const w = await getJSON(`api/where?${qs(params)}`);
      if (token !== this.token) return;
      this.answer = w;
      body.innerHTML = this.render(w);
      app.placeMarker(w.lon, w.lat, w.found || 'Chosen point');
      if (where.q) app.map.flyTo({ center: [w.lon, w.lat], zoom: Math.max(app.map.getZoom(), 13), duration: 600 });
      app.announce(`Where I live: ${w.areas.length} areas and ${w.custom_areas.length} custom footprints hold ${w.found || 'this point'}.`);
    } catch (e) {
      if (token !== this.token) return;
      body.innerHTML = `<h2 id="panel-title" tabindex="-1">Where I live</h2><p class="error" role="alert" data-where="error">${esc(asked)}: ${esc(e.message)}</p>${help()}`;
    } finally {
      body.removeAttribute('aria-busy');
    }
    body.querySelector('[data-where="print"]')?.addEventListener('click', () => app.print('where'));
    body.querySelector('[data-where="centre"]')?.addEventListener('click', () => {
      const c = app.map.getCenter();
      this.open({ lon: c.lng, lat: c.lat });
    });
    if (focus) app.focusPanel();
  }

  /** About 1.5 km either side of the point, for the print map. */
  bounds() {
    const w = this.answer;
    if (!w) return null;
    const dLat = 0.0135;
    const dLon = dLat / Math.cos((w.lat * Math.PI) / 180);
    return [w.lon - dLon, w.lat - dLat, w.lon + dLon, w.lat + dLat];
  }

  render(w) {
    const cat = this.app.cat;
    const place = w.found ? esc(w.found) : `the point ${esc(formatFixed(w.lat, 5))}, ${esc(formatFixed(w.lon, 5))}`;
    const areas = w.areas.map((m) => areaCard(m.area, m.headline, cat)).join('');
    const custom = w.custom_areas.length
      ? w.custom_areas.map((c) => customCard(c, cat)).join('')
      : '<p class="small muted">No custom footprint on this server holds this point.</p>';
    const notes = (w.notes || []).map((n) => `<li>${esc(n)}</li>`).join('');
    return `<article class="where" data-where="answer">
      <h2 id="panel-title" tabindex="-1">Where I live: ${place}</h2>
      <p>Every footprint this point belongs to, each with its headline figures against ${esc(cat.districtName)} and England.</p>
      <div class="actions no-print"><button type="button" class="btn" data-where="print">Print</button></div>
      <img class="print-map" alt="Map around ${place}">
      ${help()}
      ${significanceKey()}
      <section aria-labelledby="where-areas-h"><h3 id="where-areas-h">Its areas</h3>${areas}</section>
      <section aria-labelledby="where-custom-h"><h3 id="where-custom-h">Custom footprints</h3>${custom}</section>
      <section aria-labelledby="where-gp-h"><h3 id="where-gp-h">Nearest GP practices</h3>${this.practices(w.nearest_gp_practices || [])}</section>
      <details class="method"><summary>How to read this</summary><ul>${notes}</ul></details>
    </article>`;
  }

  /** The nearest practices with their PCN and the recorded prevalence of the condition chosen for
   * the practices layer, its 95% interval and its comparison with England. */
  practices(list) {
    if (!list.length) return '<p class="small muted">No GP practice in this atlas.</p>';
    const cond = this.app.practices?.condition || 'DEP';
    const label = list.flatMap((g) => g.registers?.prevalence || []).find((x) => x.condition === cond)?.label;
    const rows = list
      .map((g) => {
        const p = g.registers?.prevalence?.find((x) => x.condition === cond);
        const prev = p && isNum(p.value)
          ? `${formatFixed(p.value, 1)}%<br><small>${isNum(p.lower) ? `${formatFixed(p.lower, 1)}–${formatFixed(p.upper, 1)}%` : ''}</small><br>${significanceBadge(p.england?.comparison)}`
          : '–';
        const pcn = g.registers?.pcn;
        return `<tr><th scope="row"><button type="button" class="link" data-gp-kind="practice" data-gp-code="${esc(g.org_code)}">${esc(g.name)}</button><br><small>${esc(g.postcode || '')} · ${esc(g.org_code)}</small></th>
          <td>${pcn ? `<button type="button" class="link" data-gp-kind="pcn" data-gp-code="${esc(pcn.code)}">${esc(pcn.name)}</button>` : '<span class="muted">no PCN listed</span>'}</td>
          <td class="num">${formatInt(g.distance_m)} m</td><td class="num">${formatInt(g.registered_patients)}</td>${label ? `<td class="num">${prev}</td>` : ''}</tr>`;
      })
      .join('');
    return `<div class="table-wrap" role="region" aria-label="Nearest GP practices" tabindex="0"><table class="data" data-where="practices">
      <caption>Nearest by straight-line distance (not necessarily the practice a person is registered with)</caption>
      <thead><tr><th scope="col">Practice</th><th scope="col">Primary Care Network</th><th scope="col" class="num">Distance</th><th scope="col" class="num">Registered patients</th>${label ? `<th scope="col" class="num">${esc(label)}: recorded prevalence, 95% CI, vs England</th>` : ''}</tr></thead>
      <tbody>${rows}</tbody></table></div>
      ${label ? '<p class="small muted">Recorded prevalence (QOF): diagnosed, coded patients over the practice’s list of the register’s ages; crude, not age-standardised. The condition is the one chosen for the GP practices layer.</p>' : ''}`;
  }
}

function help() {
  return `<p class="small muted no-print">Click the map to move the point, or search for a postcode or place. <button type="button" class="btn small" data-where="centre">Use the map centre</button></p>`;
}

/** One headline figure: value, interval, counts and the two comparisons in words. */
function figureRow(i, cat) {
  const def = cat.get(i.id) || i;
  const ci = i.interval ? `<br><small class="ci">${esc(intervalText(i.interval, def))}</small>` : '';
  const est = i.estimate ? ` <span class="badge est" title="${esc(i.method)}">estimate</span>` : '';
  const ref = (r) => (r && isNum(r.value) ? esc(formatValue(r.value, def)) : '–');
  return `<tr data-indicator="${esc(i.id)}"><th scope="row">${esc(i.label)}${est}<br><small>${esc(i.period)}</small></th>
    <td class="num">${esc(formatValue(i.value, def))}${ci}</td>
    <td class="num">${ref(i.district)}${i.vs_district ? `<br>${significanceBadge(i.vs_district)}` : ''}</td>
    <td class="num">${ref(i.england)}${i.vs_england ? `<br>${significanceBadge(i.vs_england)}` : ''}</td></tr>`;
}

function figuresTable(headline, cat, label) {
  if (!headline.length) return '<p class="small muted">No headline figures held for it.</p>';
  return `<div class="table-wrap" role="region" aria-label="${esc(label)}: headline figures" tabindex="0"><table class="data where-figures">
    <caption class="sr-only">${esc(label)}: headline figures</caption>
    <thead><tr><th scope="col">Indicator</th><th scope="col" class="num">Here</th><th scope="col" class="num">${esc(cat.districtName)}</th><th scope="col" class="num">England</th></tr></thead>
    <tbody>${headline.map((i) => figureRow(i, cat)).join('')}</tbody></table></div>`;
}

function areaCard(area, headline, cat) {
  return `<section class="where-card" data-where-geo="${esc(area.geography)}" data-where-code="${esc(area.code)}">
    <h4>${esc(geoLabel(area.geography))}: ${areaLink(area)} <span class="code small">${esc(area.code)}</span></h4>
    ${figuresTable(headline, cat, area.name)}</section>`;
}

function customCard(c, cat) {
  return `<section class="where-card" data-where-custom="${esc(c.id || c.name)}">
    <h4>${esc(c.name)}</h4><p class="small">${esc(c.definition)}. Figures aggregated from counts over its LSOAs: estimates.</p>
    ${figuresTable(c.headline, cat, c.name)}</section>`;
}
