// Browser tests of the web map against the real equimap server.
//   cd tests/browser && npm ci && node --test --test-concurrency=1
// EQUIMAP_BIN picks the server binary (default target/debug/equimap, built if missing).
// Screenshots of each step go to tests/browser/screenshots/.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { REPO, equimapBin, freePort, launch, shotPath, startEquimap, startStack, waitForMap, waitIdle, watchedPage } from './harness.mjs';
import { bbox, blend, canvasSignature, getJSON, hex, interiorPoint, pixelAt, runAxe, shownMatches, signatureDiff } from './pagehelpers.mjs';

const VIRIDIS10 = ['#440154', '#482878', '#3e4989', '#31688e', '#26828e', '#1f9e89', '#35b779', '#6ece58', '#b5de2b', '#fde725'];
const BACKGROUND = '#f2f1ed';
const FILL_OPACITY = 0.78;

let stack;
let browser;
// Two other local origins for the cross-origin test; the server's CORS list names the first.
let allowedPort;
let otherPort;
const pages = [];
const metrics = {};

async function open(path = '/', { viewport, base = stack.base } = {}) {
  const w = await watchedPage(browser.context, base);
  if (viewport) await w.page.setViewportSize(viewport);
  pages.push(w);
  const t0 = Date.now();
  await w.page.goto(base + path);
  await waitForMap(w.page);
  w.loadMs = Date.now() - t0;
  return w;
}

function assertClean(w, label) {
  assert.deepEqual(w.problems.console, [], `${label}: console errors`);
  assert.deepEqual(w.problems.pageErrors, [], `${label}: page errors`);
  assert.deepEqual(w.problems.foreign, [], `${label}: requests to other hosts`);
  assert.deepEqual(w.problems.failed, [], `${label}: failed requests`);
}

async function shot(page, name, opts = {}) {
  await page.screenshot({ path: shotPath(name), ...opts });
}

/** The known LSOA E01011264 is drawn in its decile's colour (read back from the canvas). */
async function checkKnownLsoaColour(page, shotName) {
  const code = 'E01011264';
  const p = await getJSON(stack.apiBase, `/api/areas/lsoa21/${code}?geometry=true`);
  const decile = p.indicators.find((i) => i.id === 'imd2025_decile').value;
  assert.equal(p.area.name, 'Leeds 011A');
  assert.equal(decile, 6);
  assert.equal(p.indicators.find((i) => i.id === 'imd2025_score').value, 17.003);
  // basemap and ward lines off, so only the background shows through the fill
  await page.locator('#overlays input[value="basemap"]').uncheck();
  await page.locator('#overlays input[value="wards"]').uncheck();
  const b = bbox(p.geometry);
  await page.evaluate((b) => window.__equimap.map.fitBounds(b, { padding: 80, duration: 0 }), b);
  await waitIdle(page);
  const pt = await interiorPoint(page, code, b);
  assert.ok(pt && pt.inset >= 6, `no interior point found for ${code}: ${JSON.stringify(pt)}`);
  const props = await page.evaluate(({ x, y }) => window.__equimap.map.queryRenderedFeatures([x, y], { layers: ['choro-fill'] })[0].properties, pt);
  assert.equal(props.code, code);
  assert.equal(props.imd2025_decile, decile);
  const colours = await page.evaluate(() => window.__equimap.classes.colours);
  assert.deepEqual(colours, VIRIDIS10);
  const expected = blend(hex(VIRIDIS10[decile - 1]), hex(BACKGROUND), FILL_OPACITY);
  const got = await pixelAt(page, pt.x, pt.y);
  const off = Math.max(...got.map((c, i) => Math.abs(c - expected[i])));
  assert.ok(off <= 4, `pixel ${got} vs expected ${expected.map(Math.round)} (decile ${decile})`);
  // and it is not the colour of a neighbouring decile
  for (const d of [decile - 1, decile + 1]) {
    const other = blend(hex(VIRIDIS10[d - 1]), hex(BACKGROUND), FILL_OPACITY);
    assert.ok(Math.max(...got.map((c, i) => Math.abs(c - other[i]))) > 8, `pixel also matches decile ${d}`);
  }
  await page.evaluate(({ x, y }) => {
    const d = document.createElement('div');
    d.style.cssText = `position:absolute;left:${x - 8}px;top:${y - 8}px;width:16px;height:16px;border:2px solid red;border-radius:50%;z-index:9;pointer-events:none`;
    window.__equimap.map.getContainer().append(d);
  }, pt);
  await shot(page, shotName);
  return { code, decile, pixel: got, expected: expected.map(Math.round) };
}

function seriousAxe(violations) {
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

describe('equimap web map', { timeout: 1200000 }, () => {
  before(async () => {
    [allowedPort, otherPort] = [await freePort(), await freePort()];
    stack = await startStack(['--cors-origins', `http://127.0.0.1:${allowedPort}`]);
    browser = await launch();
    console.log(`# serving the map, API and tiles from equimap at ${stack.base}`);
  });

  after(async () => {
    for (const w of pages) await w.page.close().catch(() => {});
    await browser?.close();
    await stack?.stop();
    if (Object.keys(metrics).length) {
      console.log(`# metrics ${JSON.stringify(metrics)}`);
      writeFileSync(join(REPO, 'tests/browser/screenshots/metrics.json'), `${JSON.stringify(metrics, null, 2)}\n`);
    }
  });

  it('loads, draws the IMD 2025 choropleth, and times the first render', async () => {
    const w = await open('/');
    const { page } = w;
    const t = await page.evaluate(() => window.__equimap.timings);
    metrics.first_choropleth_ms_cold = Math.round(t.firstChoropleth);
    metrics.timings_cold_ms = Object.fromEntries(Object.entries(t).map(([k, v]) => [k, Math.round(v)]));
    metrics.server_binary = process.env.EQUIMAP_BIN || 'target/debug/equimap';
    metrics.page_load_to_idle_ms_cold = w.loadMs;
    const state = await page.evaluate(() => ({ layer: window.__equimap.state.layer, geo: window.__equimap.state.geo, tiles: window.__equimap.tiles.mode }));
    assert.equal(state.layer, 'imd2025_decile');
    assert.equal(state.geo, 'lsoa21');
    const n = await page.evaluate(() => new Set(window.__equimap.map.queryRenderedFeatures({ layers: ['choro-fill'] }).map((f) => f.properties.code)).size);
    assert.ok(n > 400, `expected most of the 488 LSOAs drawn, got ${n}`);
    const labels = await page.locator('.ward-label:visible').count();
    assert.ok(labels >= 10, `expected ward labels, got ${labels}`);
    assert.match(await page.locator('.attribution').innerText(), /Contains OS data © Crown copyright and database right; ONS\/MHCLG\/NHS England data under the Open Government Licence v3\.0; © OpenStreetMap contributors/);
    assert.match(await page.locator('#legend-body').innerText(), /most deprived 10% in England/);
    await shot(page, '01-initial');
    // a warm reload for comparison
    const t1 = Date.now();
    await page.reload();
    await waitForMap(page);
    metrics.page_load_to_idle_ms_warm = Date.now() - t1;
    metrics.first_choropleth_ms_warm = Math.round(await page.evaluate(() => window.__equimap.timings.firstChoropleth));
    assertClean(w, 'initial load');
  });

  it('names the place of the atlas: Leeds here, England for an England atlas', async () => {
    const leeds = await open('/');
    assert.equal(await leeds.page.title(), 'equimap · health inequality in Leeds');
    assert.equal(await leeds.page.locator('.brand-sub').innerText(), 'health inequality in Leeds');
    assert.match(await leeds.page.locator('#overlays').innerText(), /Leeds district outline/);
    // The same page given an England atlas's catalogue (`ingest --lad all` names it England).
    const w = await watchedPage(browser.context, stack.base);
    pages.push(w);
    await w.page.route('**/api/indicators', async (route) => {
      const res = await route.fetch();
      const json = await res.json();
      await route.fulfill({ response: res, json: { ...json, district_name: 'England' } });
    });
    await w.page.goto(`${stack.base}/`);
    await waitForMap(w.page);
    assert.equal(await w.page.title(), 'equimap · health inequality in England');
    assert.equal(await w.page.locator('.brand-sub').innerText(), 'health inequality in England');
    const overlays = await w.page.locator('#overlays').innerText();
    assert.match(overlays, /District outlines/);
    assert.doesNotMatch(overlays, /Leeds/);
    assertClean(w, 'England names');
  });

  it('colours a known LSOA with its decile colour', async () => {
    const w = await open('/');
    metrics.pixel_check = await checkKnownLsoaColour(w.page, '02-known-lsoa-colour');
    assertClean(w, 'pixel colour');
  });

  it('reads tiles from a static PMTiles archive (config tiles: "pmtiles") and from equimap serve --tiles', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'equimap-pmtiles-'));
    const archive = join(dir, 'leeds.pmtiles');
    const r = spawnSync(equimapBin(), ['tiles', 'build', '--atlas', join(REPO, 'boundaries'), '--out', archive], { cwd: REPO, encoding: 'utf8' });
    if (r.status !== 0) {
      t.skip(`equimap tiles build is not available: ${r.stderr.slice(0, 200)}`);
      return;
    }
    // equimap serve --tiles archive: the archive is also served whole (its directory is the
    // default --archives), so one server shows both modes.
    const srv = await startEquimap(['--tiles', archive]);
    try {
      // 1. the static archive, read with range requests by the browser
      const w0 = await open('/?tiles=pmtiles', { base: srv.url });
      assert.equal(await w0.page.evaluate(() => window.__equimap.tiles.mode), 'pmtiles');
      const tileRequests = w0.requests.filter((u) => /\/tiles\//.test(u));
      assert.ok(tileRequests.length > 0 && tileRequests.every((u) => u.endsWith('/tiles/leeds.pmtiles')), `only the archive is read: ${tileRequests.slice(0, 5)}`);
      metrics.pmtiles_first_choropleth_ms = Math.round(await w0.page.evaluate(() => window.__equimap.timings.firstChoropleth));
      await shot(w0.page, '12a-pmtiles-mode');
      await checkKnownLsoaColour(w0.page, '12b-pmtiles-known-lsoa');
      assertClean(w0, 'pmtiles');
      // 2. one tile set holding every layer, named in the config (here through the query
      // string) ...
      const w = await open('/?tileset=leeds', { base: srv.url });
      assert.equal(await w.page.evaluate(() => window.__equimap.tiles.mode), 'tileset');
      await checkKnownLsoaColour(w.page, '12c-serve-archive-known-lsoa');
      assertClean(w, 'serve --tiles');
      // ... or found in /tiles/index.json, which lists the one set: nothing is probed, so no
      // request fails
      const w2 = await open('/', { base: srv.url });
      assert.equal(await w2.page.evaluate(() => window.__equimap.tiles.mode), 'tileset');
      assert.deepEqual(w2.problems.console, [], 'no failed request');
      assertClean(w2, 'serve --tiles, found');
    } finally {
      await srv.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a page on another origin posts a site report (CORS preflight) and reads the answer', async () => {
    // Two pages on two other local ports; the server's API is narrowed to the first origin.
    const srv = { url: stack.apiBase };
    const page = (api) => `<!doctype html><html lang="en"><title>embedding page</title><pre id="out">pending</pre><script>
      const site = { type: 'Polygon', coordinates: [[[-1.552, 53.798], [-1.545, 53.798], [-1.545, 53.805], [-1.552, 53.805], [-1.552, 53.798]]] };
      fetch(${JSON.stringify(api)} + '/api/site?buffer_m=400', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(site) })
        .then((r) => r.json().then((j) => ({ status: r.status, zones: j.zones.map((z) => [z.label, z.residents]) })))
        .then((v) => { document.getElementById('out').textContent = JSON.stringify(v); }, (e) => { document.getElementById('out').textContent = 'blocked: ' + e; });
    </script></html>`;
    const origins = [];
    for (const port of [allowedPort, otherPort]) {
      const s = createServer((_, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page(srv.url)));
      await new Promise((r) => s.listen(port, '127.0.0.1', r));
      origins.push(s);
    }
    try {
      const direct = await getJSON(srv.url, '/api/site?buffer_m=400', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'Polygon', coordinates: [[[-1.552, 53.798], [-1.545, 53.798], [-1.545, 53.805], [-1.552, 53.805], [-1.552, 53.798]]] }),
      });
      const read = async (port) => {
        const p = await browser.context.newPage();
        try {
          await p.goto(`http://127.0.0.1:${port}/`);
          await p.waitForFunction(() => document.getElementById('out').textContent !== 'pending', null, { timeout: 60000 });
          return await p.locator('#out').textContent();
        } finally {
          await p.close();
        }
      };
      const got = JSON.parse(await read(allowedPort));
      assert.equal(got.status, 200);
      assert.deepEqual(got.zones, direct.zones.map((z) => [z.label, z.residents]));
      assert.ok(got.zones.length === 2 && got.zones[0][1] > 0, JSON.stringify(got));
      // The same call from an origin not on the list is blocked by the browser at the preflight.
      assert.match(await read(otherPort), /^blocked: TypeError/);
    } finally {
      for (const s of origins) await new Promise((r) => s.close(r));
    }
  });

  it('hovers and clicks an area; the profile matches the API', async () => {
    const w = await open('/');
    const { page } = w;
    const pt0 = await getJSON(stack.apiBase, '/api/point?lon=-1.5486&lat=53.8019');
    const lsoa = pt0.areas.find((a) => a.geography === 'lsoa21');
    assert.equal(lsoa.code, 'E01033010');
    const p = await getJSON(stack.apiBase, `/api/areas/lsoa21/${lsoa.code}?geometry=true`);
    const b = bbox(p.geometry);
    await page.evaluate((b) => window.__equimap.map.fitBounds(b, { padding: 120, duration: 0 }), b);
    await waitIdle(page);
    const pt = await interiorPoint(page, lsoa.code, b);
    assert.ok(pt, 'interior point');
    const box = await page.locator('#map canvas').boundingBox();
    await page.mouse.move(box.x + pt.x, box.y + pt.y);
    await page.waitForSelector('#tooltip:not([hidden])');
    const tip = await page.locator('#tooltip').innerText();
    assert.match(tip, new RegExp(p.area.name));
    assert.ok(shownMatches(tip.split(':').pop(), p.indicators.find((i) => i.id === 'imd2025_decile').value), tip);
    const hovered = await page.evaluate(() => {
      const a = window.__equimap;
      const h = a.hovered;
      return h && a.map.getFeatureState({ source: h.source, sourceLayer: h.sourceLayer, id: h.id });
    });
    assert.deepEqual(hovered, { hover: true });
    await shot(page, '03a-hover');
    await page.mouse.click(box.x + pt.x, box.y + pt.y);
    await page.waitForSelector(`.profile[data-code="${lsoa.code}"] svg.gradient`);
    assert.equal(await page.locator('#panel-title').innerText(), p.area.name);
    assert.equal(p.area.name, 'Leeds 111B');
    // every indicator row is there and shows the API value
    const rows = await page.locator('.profile table.indicators tbody tr').count();
    assert.equal(rows, p.indicators.length);
    for (const i of p.indicators) {
      const row = page.locator(`tr[data-indicator="${i.id}"]`);
      const txt = await row.locator('td.value').innerText();
      if (i.value === null) assert.match(txt, /no data/);
      else assert.ok(shownMatches(txt.split('\n')[0], i.value), `${i.id}: shown ${txt} vs API ${i.value}`);
      const head = await row.locator('th').innerText();
      assert.ok(head.includes(i.period), `${i.id} shows its period`);
      // The estimate badge, not the word: a caveat may say "Estimates of ...".
      assert.equal(await row.locator('th .badge.est').count() > 0, i.estimate, `${i.id} estimate flag`);
      if (i.district && i.district.value !== null) {
        const d = await row.locator('td').nth(1).innerText();
        assert.ok(shownMatches(d, i.district.value), `${i.id} Leeds ${d} vs ${i.district.value}`);
      }
    }
    // parents, with the ward
    const ward = p.parents.find((a) => a.geography === 'ward');
    assert.equal(ward.name, 'Little London & Woodhouse');
    assert.equal(await page.locator(`.profile button.link[data-code="${ward.code}"]`).count(), 1);
    // CSV download link is the API's
    const href = await page.locator('.profile a[download]').getAttribute('href');
    assert.equal(href, `api/areas/lsoa21/${lsoa.code}.csv`);
    const csv = await fetch(`${stack.base}/${href}`).then((r) => r.text());
    assert.match(csv, /^# Contains OS data/);
    assert.match(csv, new RegExp(`lsoa21,${lsoa.code},Leeds 111B,imd2025_decile`));
    // gradient chart: 10 deciles, the area's decile marked
    const dec = p.indicators.find((i) => i.id === 'imd2025_decile').value;
    const label = await page.locator('svg.gradient').getAttribute('aria-label');
    assert.match(label, new RegExp(`This area is in decile ${dec}\\.`));
    assert.equal(await page.locator('svg.gradient circle').count(), 10);
    await shot(page, '03b-profile');
    // the selection outline is drawn
    const sel = await page.evaluate(() => window.__equimap.map.querySourceFeatures('selection').length);
    assert.ok(sel >= 1);
    // parent link opens the ward
    await page.locator(`.profile button.link[data-code="${ward.code}"]`).first().click();
    await page.waitForSelector(`.profile[data-code="${ward.code}"]`);
    assert.equal(await page.locator('#panel-title').innerText(), ward.name);
    await waitIdle(page);
    await shot(page, '03c-parent-ward');
    assertClean(w, 'profile');
  });

  it('searches for a ward and for a postcode', async () => {
    const w = await open('/');
    const { page } = w;
    // ward
    const res = await getJSON(stack.apiBase, `/api/search?q=${encodeURIComponent('Little London')}&limit=8`);
    const wardHit = res.results.find((r) => r.kind === 'area' && r.area.geography === 'ward');
    assert.ok(wardHit);
    await page.fill('#search-input', 'Little London');
    await page.waitForSelector('#search-list li');
    assert.equal(await page.getAttribute('#search-input', 'aria-expanded'), 'true');
    await shot(page, '04a-search-typeahead');
    const idx = res.results.indexOf(wardHit);
    await page.locator(`#search-list li[data-i="${idx}"]`).click();
    await page.waitForSelector(`.profile[data-code="${wardHit.area.code}"]`);
    assert.equal(await page.locator('#panel-title').innerText(), 'Little London & Woodhouse');
    await page.waitForTimeout(900);
    await waitIdle(page);
    const wp = await getJSON(stack.apiBase, `/api/areas/ward/${wardHit.area.code}?geometry=true`);
    const wb = bbox(wp.geometry);
    const view = await page.evaluate(() => {
      const m = window.__equimap.map;
      const b = m.getBounds();
      return { w: b.getWest(), s: b.getSouth(), e: b.getEast(), n: b.getNorth(), zoom: m.getZoom() };
    });
    assert.ok(view.w <= wb[0] && view.e >= wb[2] && view.s <= wb[1] && view.n >= wb[3], `ward inside the view: ${JSON.stringify(view)} vs ${wb}`);
    assert.ok(view.zoom > 12, `flew in: zoom ${view.zoom}`);
    await shot(page, '04b-search-ward');

    // postcode
    const pc = (await getJSON(stack.apiBase, '/api/search?q=LS6%201AN')).results[0];
    assert.equal(pc.kind, 'postcode');
    const lsoa = pc.within.find((x) => x.geography === 'lsoa21');
    assert.equal(lsoa.code, 'E01035044');
    await page.fill('#search-input', '');
    await page.fill('#search-input', 'LS6 1AN');
    await page.keyboard.press('Enter');
    await page.waitForSelector(`.profile[data-code="${lsoa.code}"]`);
    await page.waitForTimeout(1200);
    await waitIdle(page);
    const ctx = await page.locator('.profile .context').innerText();
    assert.match(ctx, /LS6 1AN/);
    for (const g of ['ward', 'msoa21']) assert.ok(ctx.includes(pc.within.find((x) => x.geography === g).name), `context names the ${g}`);
    const c = await page.evaluate(() => {
      const m = window.__equimap.map;
      return { ...m.getCenter(), zoom: m.getZoom() };
    });
    assert.ok(Math.abs(c.lng - pc.lon) < 0.001 && Math.abs(c.lat - pc.lat) < 0.001, `centred on the postcode: ${JSON.stringify(c)}`);
    assert.ok(Math.abs(c.zoom - 15) < 0.01);
    const marker = await page.locator('.search-marker').boundingBox();
    const canvas = await page.locator('#map canvas').boundingBox();
    const tip = { x: marker.x + marker.width / 2, y: marker.y + marker.height };
    assert.ok(Math.abs(tip.x - (canvas.x + canvas.width / 2)) < 4 && Math.abs(tip.y - (canvas.y + canvas.height / 2)) < 6, `marker at the centre: ${JSON.stringify(tip)}`);
    await shot(page, '04c-search-postcode');
    assertClean(w, 'search');
  });

  it('draws a site, runs the report, downloads CSV and GeoJSON, and takes an upload', async () => {
    const w = await open('/#map=15.00/53.80190/-1.54860');
    const { page } = w;
    await page.click('#btn-site');
    await page.waitForSelector('[data-site="draw"]');
    await page.click('#legend-toggle'); // fold the legend away from the drawing area
    await waitIdle(page);
    await page.click('[data-site="draw"]');
    const box = await page.locator('#map canvas').boundingBox();
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    const corners = [[-70, -50], [70, -60], [80, 50], [-60, 60]];
    for (const [dx, dy] of corners) await page.mouse.click(cx + dx, cy + dy);
    assert.equal(await page.evaluate(() => window.__equimap.site.vertices.length), 4);
    await shot(page, '05a-site-drawing');
    await page.mouse.click(cx + corners[0][0], cy + corners[0][1]); // close on the first corner
    assert.equal(await page.locator('[data-site="run"]').isEnabled(), true);
    await page.click('[data-site="run"]');
    await page.waitForSelector('.site-result table');
    await waitIdle(page);
    const body = await page.evaluate(() => window.__equimap.site.body);
    const poly = JSON.parse(body);
    assert.equal(poly.geometry.coordinates[0].length, 5);
    const api = await getJSON(stack.apiBase, '/api/site?buffer_m=400,800', { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    assert.equal(api.zones.length, 3);
    const heads = await page.locator('.site-result table.data').first().locator('thead th').allInnerTexts();
    assert.deepEqual(heads.slice(1), api.zones.map((z) => z.label));
    const residentsRow = await page.locator('.site-result table.data').first().locator('tbody tr').nth(1).locator('td').allInnerTexts();
    api.zones.forEach((z, i) => assert.ok(shownMatches(residentsRow[i], z.residents), `residents ${residentsRow[i]} vs ${z.residents}`));
    const imdRow = await page.locator('.site-result table.data').first().locator('tbody tr').nth(2).locator('td').allInnerTexts();
    // A zone with no residents placed in it has no resident-weighted score: shown as a dash.
    api.zones.forEach((z, i) => assert.ok(z.imd2025_score === null ? /^[–-]$|no data/.test(imdRow[i].trim()) : shownMatches(imdRow[i], z.imd2025_score), `IMD ${imdRow[i]} vs ${z.imd2025_score}`));
    // Age bands and the residents method note, as the API gives them.
    const ageRows = page.locator('.site-result table[data-site="age-bands"] tbody tr');
    assert.equal(await ageRows.count(), api.zones[0].age_bands.length);
    // 0-4 and 5-15 (estimates: Census 2021 0-15 split by mid-2020 single years), then the
    // five Census 2021 bands.
    assert.deepEqual(api.zones[0].age_bands.map((b) => b.id), ['age_0_4', 'age_5_15', 'age_16_24', 'age_25_34', 'age_35_49', 'age_50_64', 'age_65_plus']);
    for (const [k, band] of api.zones[0].age_bands.entries()) {
      const row = ageRows.nth(k);
      assert.match(await row.locator('th').innerText(), new RegExp(band.label.replace(/^Residents aged /, '')));
      assert.ok((await row.locator('th').innerText()).includes(band.period), `band ${band.id} shows its date`);
      const cells = await row.locator('td').allInnerTexts();
      api.zones.forEach((z, i) => assert.ok(shownMatches(cells[i], z.age_bands[k].residents), `${band.id} ${cells[i]} vs ${z.age_bands[k].residents}`));
    }
    assert.match(await ageRows.nth(0).locator('th').innerText(), /^0-4\s+Estimate: Census 2021 .*mid-2020/);
    assert.match(await ageRows.nth(2).locator('th').innerText(), /^16-24\s+Census 2021 \(21 March 2021\)$/);
    // Health outcomes, fuel poverty and deprivation shares: value, 95% interval and the
    // comparisons in words, as the API gives them, for every zone.
    const outcomes = page.locator('.site-result table[data-site="outcomes"]');
    assert.match(await outcomes.locator('caption').innerText(), /crude, not age-standardised/);
    const outcomeRows = outcomes.locator('tbody tr');
    assert.equal(api.zones[0].outcomes.length, 9);
    assert.equal(await outcomeRows.count(), api.zones[0].outcomes.length);
    for (const [k, o0] of api.zones[0].outcomes.entries()) {
      assert.equal((await outcomeRows.nth(k).locator('th').innerText()).trim(), o0.label);
      const cells = await outcomeRows.nth(k).locator('td').allInnerTexts();
      api.zones.forEach((z, i) => {
        const o = z.outcomes[k];
        if (o.value === null) {
          // A zone with no residents placed in it (offices, a park) has no share to show.
          assert.equal(cells[i].trim(), 'no data', `${o.id} ${z.label}`);
          return;
        }
        const shown = cells[i].split('\n')[0];
        assert.ok(/%$/.test(shown) && shownMatches(shown, o.value), `${o.id} ${z.label}: ${cells[i]} vs ${o.value}`);
        if (o.interval) {
          assert.match(cells[i], /95% CI/);
          for (const c of [o.vs_district, o.vs_england]) assert.ok(cells[i].includes(c.words), `${o.id} ${z.label}: ${cells[i]} lacks ${c.words}`);
        } else {
          assert.match(cells[i], /not tested/, `${o.id} has no interval`);
        }
      });
    }
    const badK = api.zones[0].outcomes.findIndex((o) => o.id === 'bad_health_share');
    // The widest ring (the drawn site itself may hold no residents): its England badge, in words.
    const last = api.zones.length - 1;
    const badge = outcomeRows.nth(badK).locator('td').nth(last).locator('.sig').last();
    assert.equal((await badge.innerText()).trim(), api.zones[last].outcomes[badK].vs_england.words);
    assert.match(await badge.getAttribute('class'), new RegExp(`sig-${api.zones[last].outcomes[badK].vs_england.significance}`));
    const outcomeNotes = await page.locator('[data-site="outcome-notes"]').innerText();
    assert.match(outcomeNotes, /Wilson score intervals on these apportioned counts, an approximation/);
    assert.match(outcomeNotes, /treated with caution/);
    assert.match(outcomeNotes, /Residents in bad or very bad health \(crude share\): A crude share, not age-standardised/);
    // The report with its comparison badges is accessible (contrast of every badge, table headers).
    const axeReport = await runAxe(page);
    assert.deepEqual(seriousAxe(axeReport), [], `axe site report: ${JSON.stringify(seriousAxe(axeReport), null, 1)}`);
    assert.equal(api.zones[0].residents_method, 'dasymetric');
    assert.match(await page.locator('[data-site="residents-method"]').innerText(), /placed where they live/);
    assert.ok(api.method.some((m) => /dasymetric/.test(m)));
    const ringFeatures = await page.evaluate(() => window.__equimap.map.querySourceFeatures('site').filter((f) => f.properties.kind === 'zone').map((f) => f.properties.zone));
    for (const z of api.zones) assert.ok(ringFeatures.includes(z.label), `ring ${z.label} on the map`);
    assert.ok(await page.locator('.site-result svg.stack').count());
    await shot(page, '05b-site-report');
    // downloads
    const [csvDl] = await Promise.all([page.waitForEvent('download'), page.click('[data-site="csv"]')]);
    const csv = readFileSync(await csvDl.path(), 'utf8');
    assert.equal(csvDl.suggestedFilename(), 'site-report.csv');
    assert.match(csv, /^# Contains OS data/);
    assert.match(csv, /zone,buffer_m,measure,value,unit/);
    assert.match(csv, /^# method: Residents are placed where they live/m);
    assert.match(csv, /residents aged 0-4 \(estimate; ONS Census 2021 .*mid-2020/);
    assert.match(csv, /^zone,buffer_m,indicator,label,value,unit,lower_95,upper_95,numerator,denominator,district_value,england_value,compared_with_district,compared_with_england/m);
    assert.match(csv, /^# method: .*approximation/m);
    assert.match(csv, /,bad_health_share,/);
    const [gjDl] = await Promise.all([page.waitForEvent('download'), page.click('[data-site="geojson"]')]);
    const gj = JSON.parse(readFileSync(await gjDl.path(), 'utf8'));
    assert.equal(gj.type, 'FeatureCollection');
    assert.equal(gj.features.filter((f) => f.properties.kind === 'zone').length, 3);
    assert.ok(gj.method.some((m) => /dasymetric/.test(m)));
    assert.equal(gj.features.find((f) => f.properties.kind === 'zone').properties.age_bands.length, 7);
    const gjBad = gj.features.filter((f) => f.properties.kind === 'zone')[last].properties.outcomes.find((o) => o.id === 'bad_health_share');
    assert.equal(gjBad.compared_with_england, api.zones[last].outcomes[badK].vs_england.words);
    assert.ok(gjBad.lower_95 < gjBad.value && gjBad.value < gjBad.upper_95);
    // print view
    await page.evaluate(() => (window.__equimapNoPrintDialog = true));
    await page.click('[data-site="print"]');
    await page.waitForFunction(() => document.body.dataset.print === 'site');
    const src = await page.locator('.site-result img.print-map').getAttribute('src');
    assert.ok(src.startsWith('data:image/png') && src.length > 20000, 'print map captured');
    await page.emulateMedia({ media: 'print' });
    await page.pdf({ path: shotPath('05c-site-print').replace(/\.png$/, '.pdf'), format: 'A4', printBackground: true });
    await page.setViewportSize({ width: 794, height: 1123 });
    await shot(page, '05c-site-print', { fullPage: true });
    await page.emulateMedia({ media: 'screen' });
    await page.setViewportSize({ width: 1280, height: 800 });
    // upload a British National Grid file
    const bng = {
      type: 'FeatureCollection',
      features: [{ type: 'Feature', properties: { name: 'BNG test site' }, geometry: { type: 'Polygon', coordinates: [[[429800, 433900], [430000, 433900], [430000, 434100], [429800, 434100], [429800, 433900]]] } }],
    };
    await page.setInputFiles('#site-file', { name: 'bng-site.geojson', mimeType: 'application/geo+json', buffer: Buffer.from(JSON.stringify(bng)) });
    await page.waitForFunction(() => /bng-site/.test(document.querySelector('#site-res-h')?.textContent || ''));
    assert.match(await page.locator('.site-result').innerText(), /EPSG:27700/);
    await waitIdle(page);
    await shot(page, '05d-site-upload-bng');
    assertClean(w, 'site');
  });

  it('switches layers and geographies', async () => {
    const w = await open('/');
    const { page } = w;
    const cat = await getJSON(stack.apiBase, '/api/indicators');
    const le = cat.indicators.find((i) => i.id === 'le_female');
    await page.locator('details.theme summary', { hasText: 'Life expectancy' }).click();
    await page.locator('input[name="layer"][value="le_female"]').check();
    await page.waitForFunction(() => window.__equimap.state.layer === 'le_female' && document.body.dataset.ready);
    await waitIdle(page);
    assert.equal(await page.evaluate(() => window.__equimap.state.geo), le.native);
    assert.match(await page.locator('#legend-body').innerText(), /Female life expectancy at birth/);
    assert.match(await page.locator('#legend-body').innerText(), /2016 to 2020/);
    // the legend's classes are quintiles of the rank rows
    const rank = await getJSON(stack.apiBase, `/api/rank?indicator=le_female&geography=${le.native}`);
    const all = await getJSON(stack.apiBase, `/api/rank?indicator=population&geography=${le.native}`);
    const cls = await page.evaluate(() => ({ n: window.__equimap.classes.counts.reduce((a, b) => a + b, 0), missing: window.__equimap.classes.missing }));
    assert.equal(cls.n, rank.rows.length);
    assert.equal(cls.missing, all.rows.length - rank.rows.length);
    if (cls.missing) assert.match(await page.locator('#legend-body').innerText(), new RegExp(`No data \\(not published or suppressed\\): ${cls.missing} area`));
    const feats = await page.evaluate(() => window.__equimap.map.queryRenderedFeatures({ layers: ['choro-fill'] }).filter((f) => f.sourceLayer === 'msoa11').length);
    assert.ok(feats > 50);
    await shot(page, '06a-life-expectancy-msoa');
    // ward: an estimate
    await page.locator('#geo-switch input[value="ward"]').check();
    await page.waitForFunction(() => window.__equimap.state.geo === 'ward');
    await waitIdle(page);
    assert.match(await page.locator('#legend-body').innerText(), /estimate/);
    const wrank = await getJSON(stack.apiBase, '/api/rank?indicator=le_female&geography=ward');
    const target = wrank.rows[0];
    const wp = await getJSON(stack.apiBase, `/api/areas/ward/${target.code}?geometry=true`);
    const pt = await interiorPoint(page, target.code, bbox(wp.geometry));
    const box = await page.locator('#map canvas').boundingBox();
    await page.mouse.move(box.x + pt.x, box.y + pt.y);
    await page.waitForSelector('#tooltip:not([hidden])');
    const tip = await page.locator('#tooltip').innerText();
    assert.ok(tip.includes(target.name) && /estimate/.test(tip), tip);
    assert.ok(shownMatches(tip.split(':').pop().replace('estimate', ''), target.value), `${tip} vs ${target.value}`);
    await shot(page, '06b-life-expectancy-ward');
    // a domain decile: LSOA only
    await page.locator('input[name="layer"][value="imd2025_income_decile"]').check();
    await page.waitForFunction(() => window.__equimap.state.layer === 'imd2025_income_decile' && window.__equimap.state.geo === 'lsoa21');
    assert.equal(await page.locator('#geo-switch input[value="ward"]').isDisabled(), true);
    // IMD 2019 on 2011 LSOAs
    await page.locator('details.theme summary', { hasText: 'Deprivation 2019' }).click();
    await page.locator('input[name="layer"][value="imd2019_decile"]').check();
    await page.waitForFunction(() => window.__equimap.state.geo === 'lsoa11');
    await waitIdle(page);
    await shot(page, '06c-imd2019-lsoa11');
    // green space, if the atlas has it
    const gs = cat.indicators.find((i) => i.id === 'greenspace_2ha_300m_share');
    if (gs) {
      await page.locator('details.theme summary', { hasText: 'Green space' }).click();
      await page.locator('input[name="layer"][value="greenspace_2ha_300m_share"]').check();
      await page.waitForFunction(() => window.__equimap.state.layer === 'greenspace_2ha_300m_share');
      await page.locator('#overlays input[value="green"]').check();
      await page.locator('#overlays input[value="gp"]').check();
      await page.evaluate(() => window.__equimap.map.jumpTo({ center: [-1.56, 53.81], zoom: 13 }));
      await waitIdle(page);
      const gp = await page.evaluate(() => window.__equimap.map.queryRenderedFeatures({ layers: ['gp-circle'] }).length);
      assert.ok(gp > 0, 'GP practices drawn');
      await shot(page, '06d-greenspace-gp');
    }
    assertClean(w, 'layers');
  });

  it('reproduces a shared URL', async () => {
    const w = await open('/');
    const { page } = w;
    await page.locator('details.theme summary', { hasText: 'Life expectancy' }).click();
    await page.locator('input[name="layer"][value="le_male"]').check();
    await page.locator('#geo-switch input[value="ward"]').check();
    await page.waitForFunction(() => window.__equimap.state.geo === 'ward');
    await page.evaluate(() => window.__equimap.map.jumpTo({ center: [-1.52, 53.79], zoom: 11.5 }));
    await waitIdle(page);
    await page.evaluate(() => window.__equimap.openProfile('ward', 'E05011403', { fly: false }));
    await page.waitForSelector('.profile[data-code="E05011403"] svg.gradient');
    await page.locator('#overlays input[value="gp"]').check();
    await page.waitForTimeout(400);
    await waitIdle(page);
    const url = page.url();
    assert.match(url, /layer=le_male/);
    assert.match(url, /geo=ward/);
    assert.match(url, /area=ward\/E05011403/);
    const before = await page.evaluate(() => {
      const m = window.__equimap.map;
      return { c: m.getCenter(), z: m.getZoom(), s: window.__equimap.state };
    });
    const sigA = await canvasSignature(page);
    await shot(page, '07a-shared-before');
    const w2 = await open(new URL(url).pathname + new URL(url).hash);
    const p2 = w2.page;
    await p2.waitForSelector('.profile[data-code="E05011403"] svg.gradient');
    await waitIdle(p2);
    const after = await p2.evaluate(() => {
      const m = window.__equimap.map;
      return { c: m.getCenter(), z: m.getZoom(), s: window.__equimap.state };
    });
    assert.equal(after.s.layer, 'le_male');
    assert.equal(after.s.geo, 'ward');
    assert.deepEqual(after.s.area, { geography: 'ward', code: 'E05011403' });
    assert.deepEqual(after.s.overlays, before.s.overlays);
    assert.ok(Math.abs(after.z - before.z) < 0.01);
    assert.ok(Math.abs(after.c.lng - before.c.lng) < 1e-4 && Math.abs(after.c.lat - before.c.lat) < 1e-4);
    assert.equal(await p2.locator('input[name="layer"]:checked').getAttribute('value'), 'le_male');
    assert.equal(await p2.locator('#panel-title').innerText(), 'Little London & Woodhouse');
    const sigB = await canvasSignature(p2);
    const diff = signatureDiff(sigA, sigB);
    assert.ok(diff < 3, `the reloaded map looks the same (mean channel difference ${diff.toFixed(2)})`);
    await shot(p2, '07b-shared-after');
    assertClean(w, 'share, first');
    assertClean(w2, 'share, reloaded');
  });

  it('has a table view of areas and values', async () => {
    const w = await open('/');
    const { page } = w;
    await page.click('#btn-table');
    await page.waitForSelector('.table-view table.areas tbody tr');
    const rank = await getJSON(stack.apiBase, '/api/rank?indicator=imd2025_decile&geography=lsoa21');
    assert.equal(await page.locator('.table-view table.areas tbody tr').count(), rank.rows.length);
    const first = await page.locator('.table-view table.areas tbody tr').first().locator('td').allInnerTexts();
    assert.equal(first[1], rank.rows[0].name);
    await page.click('.table-view button.sort[data-key="name"]');
    assert.equal(await page.locator('.table-view th[aria-sort]').getAttribute('aria-sort'), 'ascending');
    await shot(page, '08a-table');
    await page.locator('.table-view button.link').first().click();
    await page.waitForSelector('.profile');
    assertClean(w, 'table');
  });

  it('maps Census health and fuel poverty with their caveats, compares with significance in words, and draws interval bars', async () => {
    const w = await open('/');
    const { page } = w;
    // Health (Census 2021): the legend says the share is crude.
    await page.locator('details.theme summary', { hasText: 'Health (Census 2021)' }).click();
    await page.locator('input[name="layer"][value="bad_health_share"]').check();
    // `ready` is already set by the first choropleth: wait for this layer's legend instead.
    await page.waitForFunction(() => window.__equimap.state.layer === 'bad_health_share' && /bad or very bad health/.test(document.querySelector('#legend-body .legend-title')?.textContent ?? ''));
    await waitIdle(page);
    const legend = await page.locator('#legend-body').innerText();
    assert.match(legend, /Residents in bad or very bad health/);
    assert.match(legend, /not age-standardised/);
    await shot(page, '09a-bad-health');
    // Fuel poverty: DESNZ's own caveat is shown, not hidden.
    await page.locator('details.theme summary', { hasText: 'Fuel poverty' }).click();
    await page.locator('input[name="layer"][value="fuel_poverty_share"]').check();
    await page.waitForFunction(() => window.__equimap.state.layer === 'fuel_poverty_share' && document.querySelector('#legend-body .legend-caveat') !== null && /fuel pover/i.test(document.querySelector('#legend-body .legend-title')?.textContent ?? ''));
    await waitIdle(page);
    assert.match(await page.locator('#legend-body .legend-caveat').innerText(), /Estimates of fuel poverty at LSOA should be treated with caution/);
    // The ward profile: the value's interval, and comparisons in words beside their colours.
    const code = 'E05011405';
    const p = await getJSON(stack.apiBase, `/api/areas/ward/${code}`);
    const fuel = p.indicators.find((i) => i.id === 'fuel_poverty_share');
    await page.evaluate((c) => window.__equimap.openProfile('ward', c, { fly: false }), code);
    await page.waitForSelector(`.profile[data-code="${code}"] tr[data-indicator="fuel_poverty_share"]`);
    const row = page.locator('tr[data-indicator="fuel_poverty_share"]');
    assert.match(await row.locator('td.value').innerText(), /95% CI/);
    const vsLeeds = await row.locator('td').nth(1).locator('.sig').innerText();
    const vsEngland = await row.locator('td').nth(2).locator('.sig').innerText();
    assert.equal(vsLeeds, fuel.vs_district.words);
    assert.equal(vsEngland, fuel.vs_england.words);
    assert.match(vsEngland, /^(significantly (better|worse) than|similar to) England$/);
    // Colour and words agree: the badge's colour is the one for its significance.
    const colour = await row.locator('td').nth(2).locator('.sig').evaluate((el) => getComputedStyle(el).backgroundColor);
    const expected = { better: 'rgb(0, 114, 178)', similar: 'rgb(240, 228, 66)', worse: 'rgb(213, 94, 0)' }[fuel.vs_england.significance];
    assert.equal(colour, expected);
    assert.match(await row.locator('th').innerText(), /Estimates of fuel poverty at LSOA should be treated with caution/);
    // The gradient for fuel poverty: ten points, each with an interval bar, and the gap and SII
    // with their intervals in words.
    await page.selectOption('[data-role="gradient-indicator"]', 'fuel_poverty_share');
    await page.waitForSelector('[data-role="gradient"] svg.gradient g.ci-bar');
    assert.equal(await page.locator('[data-role="gradient"] g.ci-bar').count(), 10);
    const gr = await getJSON(stack.apiBase, '/api/gradient?indicator=fuel_poverty_share&by=imd2025_decile');
    const figures = await page.locator('[data-role="gradient"] .gradient-figures').innerText();
    assert.match(figures, /Gap, decile 10 minus decile 1: .*percentage points \(95% CI/);
    assert.match(figures, /Slope index of inequality .*\(95% CI/);
    const shownGap = Number(figures.match(/decile 1: (-?[\d.]+) percentage points/)[1]);
    assert.ok(Math.abs(shownGap - gr.gap_absolute * 100) < 0.006, `${shownGap} vs ${gr.gap_absolute}`);
    await shot(page, '09b-fuel-poverty-profile');
    // The table view: each ward's interval and comparisons, in words.
    await page.locator('#geo-switch input[value="ward"]').check();
    await page.waitForFunction(() => window.__equimap.state.geo === 'ward');
    await page.click('#btn-table');
    await page.waitForSelector('.table-view table.areas tbody tr .sig');
    const rank = await getJSON(stack.apiBase, '/api/rank?indicator=fuel_poverty_share&geography=ward');
    const first = await page.locator('.table-view table.areas tbody tr').first().locator('td').allInnerTexts();
    assert.equal(first[1], rank.rows[0].name);
    assert.match(first[4], /95% CI/);
    assert.equal(first[5], rank.rows[0].vs_district.words);
    assert.equal(first[6], rank.rows[0].vs_england.words);
    await shot(page, '09c-fuel-poverty-table');
    assertClean(w, 'census and fuel poverty');
  });

  it('is keyboard operable with visible focus', async () => {
    const w = await open('/');
    const { page } = w;
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Skip to search');
    const outline = await page.evaluate(() => {
      const s = getComputedStyle(document.activeElement);
      return { style: s.outlineStyle, width: parseFloat(s.outlineWidth) };
    });
    assert.ok(outline.style !== 'none' && outline.width >= 2, `visible focus: ${JSON.stringify(outline)}`);
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'search-input');
    // search by keyboard
    await page.keyboard.type('Headingley');
    await page.waitForSelector('#search-list li');
    await page.keyboard.press('ArrowDown');
    assert.equal(await page.getAttribute('#search-input', 'aria-activedescendant'), 'search-opt-0');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.profile');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'panel-title');
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => document.querySelector('#panel').hidden);
    // tab through every control: all reachable, none lost
    const seen = new Set();
    for (let i = 0; i < 80; i++) {
      await page.keyboard.press('Tab');
      const d = await page.evaluate(() => {
        const a = document.activeElement;
        const s = getComputedStyle(a);
        return { tag: a.tagName, id: a.id, name: a.getAttribute('aria-label') || a.value || a.textContent.trim().slice(0, 40), outline: s.outlineStyle };
      });
      seen.add(`${d.tag}:${d.id || d.name}`);
    }
    for (const want of ['BUTTON:btn-table', 'BUTTON:btn-site', 'BUTTON:btn-share', 'INPUT:imd2025_decile', 'BUTTON:legend-toggle']) {
      assert.ok([...seen].some((s) => s.startsWith(want.split(':')[0]) && s.includes(want.split(':')[1])), `${want} reachable by Tab`);
    }
    // the map canvas is focusable; Enter opens the area at the centre
    await page.focus('#map canvas');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.profile');
    await shot(page, '09-keyboard');
    assertClean(w, 'keyboard');
  });

  it('passes axe-core with no serious or critical violations', async () => {
    const w = await open('/');
    const { page } = w;
    const report = {};
    report.initial = await runAxe(page);
    await page.evaluate(() => window.__equimap.openProfile('lsoa21', 'E01011264', { fly: true }));
    await page.waitForSelector('.profile svg.gradient');
    report.profile = await runAxe(page);
    await page.click('#btn-table');
    await page.waitForSelector('.table-view table.areas tbody tr');
    report.table = await runAxe(page);
    await page.click('#btn-site');
    await page.waitForSelector('[data-site="draw"]');
    report.site = await runAxe(page);
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(300);
    report.phone = await runAxe(page);
    writeFileSync(shotPath('axe-report').replace(/\.png$/, '.json'), `${JSON.stringify(report, null, 2)}\n`);
    for (const [state, v] of Object.entries(report)) {
      assert.deepEqual(seriousAxe(v), [], `axe ${state}: ${JSON.stringify(seriousAxe(v), null, 1)}`);
    }
    metrics.axe_minor_or_moderate = Object.fromEntries(Object.entries(report).map(([k, v]) => [k, v.map((x) => `${x.id} (${x.impact})`)]));
    assertClean(w, 'axe');
  });

  it('works on a phone-sized screen and at 200% zoom', async () => {
    // phone
    const w = await open('/', { viewport: { width: 390, height: 844 } });
    const { page } = w;
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `no horizontal scrolling on a phone (${overflow}px)`);
    await shot(page, '10a-phone');
    await page.click('#btn-controls');
    await page.waitForTimeout(300);
    assert.equal(await page.locator('#controls').isVisible(), true);
    await shot(page, '10b-phone-layers');
    await page.locator('input[name="layer"][value="imd2025_health_decile"]').check();
    await page.click('#btn-controls');
    await page.evaluate(() => window.__equimap.openProfile('lsoa21', 'E01011264', { fly: true }));
    await page.waitForSelector('.profile svg.gradient');
    await page.waitForTimeout(800);
    await waitIdle(page);
    await shot(page, '10c-phone-profile');
    // 200% zoom of a 1280×800 window is a 640×400 CSS viewport
    const w2 = await open('/', { viewport: { width: 640, height: 400 } });
    const p2 = w2.page;
    const overflow2 = await p2.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow2 <= 0, `no horizontal scrolling at 200% (${overflow2}px)`);
    for (const id of ['#btn-table', '#btn-site', '#btn-share', '#btn-controls', '#search-input']) assert.equal(await p2.locator(id).isVisible(), true, `${id} visible at 200%`);
    await shot(p2, '10d-zoom-200');
    assertClean(w, 'phone');
    assertClean(w2, '200%');
  });

  it('prints a clean A4 profile', async () => {
    const w = await open('/');
    const { page } = w;
    await page.evaluate(() => {
      window.__equimapNoPrintDialog = true;
      return window.__equimap.openProfile('lsoa21', 'E01033010', { fly: true });
    });
    await page.waitForSelector('.profile svg.gradient');
    await waitIdle(page);
    await page.click('.profile [data-action="print"]');
    await page.waitForFunction(() => document.body.dataset.print === 'profile');
    const src = await page.locator('.profile img.print-map').getAttribute('src');
    assert.ok(src.startsWith('data:image/png') && src.length > 20000, 'map captured for print');
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.locator('.app-header').isVisible(), false);
    assert.equal(await page.locator('.print-attribution').isVisible(), true);
    assert.match(await page.locator('.print-attribution').innerText(), /OpenStreetMap contributors/);
    await page.pdf({ path: shotPath('11-profile-print').replace(/\.png$/, '.pdf'), format: 'A4', printBackground: true });
    await page.setViewportSize({ width: 794, height: 1123 });
    await shot(page, '11-profile-print', { fullPage: true });
    assertClean(w, 'print');
  });

  it('keeps our own JS and CSS small', () => {
    const dist = join(REPO, 'web/dist');
    let raw = 0;
    let gz = 0;
    const files = {};
    for (const f of readdirSync(dist)) {
      if (f.startsWith('maplibre-gl') || !/\.(js|css)$/.test(f)) continue;
      const buf = readFileSync(join(dist, f));
      const g = gzipSync(buf, { level: 9 }).length;
      files[f] = { bytes: buf.length, gzip: g };
      raw += buf.length;
      gz += g;
    }
    metrics.own_js_css = { files, bytes: raw, gzip: gz };
    assert.ok(gz < 100 * 1024, `our JS+CSS is ${gz} B gzip`);
  });
});
