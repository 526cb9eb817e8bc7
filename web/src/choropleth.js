// The choropleth and its legend: classes from the API's rank rows, the style layers, the
// legend card and the zoom note.
// Methods of the App (web/src/main.js), mixed into its prototype; `this` is the App.

import { cachedJSON, qs } from './api.js';
import { GEOGRAPHIES, geoLabel, levelAt, headlineCaveat } from './catalogue.js';
import { classify, fillColorExpression, textOn, FILL_OPACITY, NO_DATA } from './colours.js';
import { escapeHtml as esc, formatInt } from './format.js';

const $ = (s, r = document) => r.querySelector(s);

export const choroplethMethods = {
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
  },

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
  },

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
  },

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
  },

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
  },

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
  },

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
  },
};
