// Footprints built on the map and "where I live", by what a person sees: wards added by clicking
// and with the keyboard, a footprint from pasted codes, its profile read against the API, shared
// by URL and reloaded; the errors a person can make; and /?where=LS6 1AN.
//   cd tests/browser && npm ci && node --test --test-concurrency=1 footprints.test.mjs

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { shotPath, waitForMap, waitIdle } from './harness.mjs';
import { bbox, getJSON, interiorPoint, shownMatches } from './pagehelpers.mjs';
import { assertAccessible, assertClean, useStack } from './suite.mjs';

const HEADINGLEY = 'E05011397';
const WEETWOOD = 'E05011413';

/** POST a footprint to the API, as the map does. */
async function footprint(base, spec) {
  return getJSON(base, '/api/custom-area', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(spec) });
}

/** Move the map onto an area and return a point well inside it, in canvas pixels. */
async function onto(page, base, geography, code) {
  const a = await getJSON(base, `/api/areas/${geography}/${code}?geometry=true`);
  const b = bbox(a.geometry);
  // The App's own fit keeps the area clear of the legend card.
  await page.evaluate((b) => window.__equimap.fitBounds(b, { duration: 0 }), b);
  await waitIdle(page);
  const pt = await interiorPoint(page, code, b);
  assert.ok(pt, `a point inside ${code}`);
  return pt;
}

/** The residents figure of the footprint profile as shown. */
const residents = (page) => page.locator('[data-fp="residents"]').innerText();

/** Console errors other than the 4xx answers an error case expects. */
const unexpected = (w) => w.problems.console.filter((m) => !/status of 40[04]/.test(m));

describe('footprints built on the map, and where I live', { timeout: 900000 }, () => {
  const t = useStack();

  it('builds a footprint of wards by clicking and with the keyboard, reads its profile, shares it and reloads it', async () => {
    const w = await t.open('/#layer=fuel_poverty_share&geo=ward');
    const { page } = w;
    await page.click('#btn-footprint');
    await page.waitForSelector('.footprint-tool');
    await page.fill('#fp-name', 'North West test footprint');
    // With the panel open the map is narrow: fold the legend card away so it covers no area.
    await page.click('#legend-toggle');
    await page.waitForSelector('#legend-content', { state: 'hidden' });
    // A mouse click adds Headingley & Hyde Park.
    const p1 = await onto(page, t.stack.base, 'ward', HEADINGLEY);
    const box1 = await page.locator('#map canvas').boundingBox();
    await page.mouse.click(box1.x + p1.x, box1.y + p1.y);
    await page.waitForSelector(`.fp-members button[data-remove="${HEADINGLEY}"]`);
    // The keyboard adds Weetwood: centre the map on it, focus the map, press Enter.
    const p2 = await onto(page, t.stack.base, 'ward', WEETWOOD);
    await page.evaluate((p) => {
      const m = window.__equimap.map;
      m.jumpTo({ center: m.unproject([p.x, p.y]) });
    }, p2);
    await waitIdle(page);
    await page.focus('#map canvas');
    await page.keyboard.press('Enter');
    await page.waitForSelector(`.fp-members button[data-remove="${WEETWOOD}"]`);
    const members = await page.locator('.fp-members li').allInnerTexts();
    assert.equal(members.length, 2);
    assert.match(members[0], /Headingley & Hyde Park/);
    assert.match(members[1], /Weetwood/);
    // Both are drawn over the map as the footprint.
    const drawn = await page.evaluate(() => window.__equimap.map.getFilter('footprint-line'));
    assert.deepEqual(drawn[2][1].sort(), [HEADINGLEY, WEETWOOD].sort());
    await page.click('[data-fp="build"]');
    await page.waitForSelector('[data-fp="residents"]');
    const api = await footprint(t.stack.base, { name: 'North West test footprint', geography: 'ward', codes: [HEADINGLEY, WEETWOOD] });
    assert.ok(shownMatches(await residents(page), api.figures.residents), `${await residents(page)} vs ${api.figures.residents}`);
    assert.equal(await page.locator('[data-fp="name"]').innerText(), 'North West test footprint');
    // The indicator table: bad health from counts, its interval and comparison in words.
    const apiBad = api.indicators.find((i) => i.id === 'bad_health_share');
    const row = page.locator('.footprint-profile tr[data-indicator="bad_health_share"]');
    const rowText = await row.innerText();
    assert.match(rowText, /95% CI/);
    assert.ok(rowText.includes(apiBad.vs_england.words), rowText);
    assert.match(rowText, /estimate/);
    // Its member areas and the spread of its residents across IMD deciles.
    assert.equal(await page.locator('[data-fp="members-table"] tbody tr').count(), 2);
    assert.match(await page.locator('.footprint-profile svg.stack').getAttribute('aria-label'), /decile \d+ \d+%/);
    await assertAccessible(page, 'footprint profile');
    await page.screenshot({ path: shotPath('40-footprint-profile') });
    // Removing with the keyboard: the member's Remove button.
    await page.focus(`.fp-members button[data-remove="${WEETWOOD}"]`);
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelectorAll('.fp-members li').length === 1);
    await page.keyboard.press('Tab'); // focus moves on; the list still holds Headingley
    // Put Weetwood back by clicking it again, then share and reload the link.
    const p3 = await onto(page, t.stack.base, 'ward', WEETWOOD);
    const box = await page.locator('#map canvas').boundingBox();
    await page.mouse.click(p3.x + box.x, p3.y + box.y);
    await page.waitForFunction(() => document.querySelectorAll('.fp-members li').length === 2);
    await page.click('[data-fp="build"]');
    await page.waitForSelector('[data-fp="residents"]');
    const url = page.url();
    assert.match(url, /fp=/);
    const w2 = await t.open(new URL(url).pathname + new URL(url).hash);
    await w2.page.waitForSelector('[data-fp="residents"]');
    assert.ok(shownMatches(await residents(w2.page), api.figures.residents));
    assert.equal(await w2.page.locator('.fp-members li').count(), 2);
    assert.equal(await w2.page.inputValue('#fp-name'), 'North West test footprint');
    assertClean(w, 'footprint by clicking');
    assertClean(w2, 'footprint from its link');
  });

  it('builds a footprint from pasted codes and says what is wrong with a bad list, file or link', async () => {
    const w = await t.open('/');
    const { page } = w;
    await page.click('#btn-footprint');
    await page.fill('#fp-codes', 'lsoa21cd,name\nE01011264,first\n"E01011265",second\n');
    await page.click('[data-fp="use-codes"]');
    await page.waitForSelector('[data-fp="residents"]');
    const api = await footprint(t.stack.base, { name: 'My footprint', geography: 'lsoa21', codes: ['E01011264', 'E01011265'] });
    assert.ok(shownMatches(await residents(page), api.figures.residents));
    const sum = (await Promise.all(['E01011264', 'E01011265'].map((c) => getJSON(t.stack.base, `/api/areas/lsoa21/${c}`))))
      .map((p) => p.indicators.find((i) => i.id === 'population').value)
      .reduce((a, b) => a + b, 0);
    assert.equal(api.figures.residents, sum, 'the footprint holds its two LSOAs’ residents');
    // An unknown code: the server's 400, shown in the panel naming the code.
    await page.fill('#fp-codes', 'E01011264\nE01999999');
    await page.click('[data-fp="use-codes"]');
    await page.waitForSelector('[data-fp="error"]');
    assert.match(await page.locator('[data-fp="error"]').innerText(), /unknown lsoa21 code\(s\) in this atlas: E01999999/);
    // Not codes at all, and codes of two geographies.
    await page.fill('#fp-codes', 'hello\nworld');
    await page.click('[data-fp="use-codes"]');
    assert.match(await page.locator('[data-fp="status"]').innerText(), /No LSOA \(E01…\), MSOA \(E02…\), ward \(E05…\) or community committee/);
    await page.fill('#fp-codes', 'E01011264\nE05011397');
    await page.click('[data-fp="use-codes"]');
    assert.match(await page.locator('[data-fp="status"]').innerText(), /mixes LSOA codes \(from line 1\) and ward codes \(from line 2\)/);
    // A file that is neither a polygon nor a code list.
    await page.setInputFiles('#fp-file', { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('Notes\nabout our area\n') });
    await page.waitForFunction(() => /neither/.test(document.querySelector('[data-fp="status"]').textContent));
    assert.match(await page.locator('[data-fp="status"]').innerText(), /notes\.txt is neither a GeoJSON polygon nor a list of area codes/);
    await page.setInputFiles('#fp-file', { name: 'point.geojson', mimeType: 'application/geo+json', buffer: Buffer.from('{"type":"Point","coordinates":[-1.5,53.8]}') });
    await page.waitForFunction(() => /point\.geojson/.test(document.querySelector('[data-fp="status"]').textContent));
    assert.match(await page.locator('[data-fp="status"]').innerText(), /holds no Polygon or MultiPolygon/);
    assert.equal(await page.locator('[data-fp="status"]').getAttribute('role'), 'alert');
    await assertAccessible(page, 'footprint errors');
    // A polygon file gives the footprint of the residents inside it, outlined on the map.
    const ring = [[-1.57, 53.8], [-1.55, 53.8], [-1.55, 53.81], [-1.57, 53.81], [-1.57, 53.8]];
    const polygon = { type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [ring] } };
    await page.setInputFiles('#fp-file', { name: 'zone.geojson', mimeType: 'application/geo+json', buffer: Buffer.from(JSON.stringify(polygon)) });
    await page.waitForSelector('[data-fp="residents"]');
    const byPolygon = await footprint(t.stack.base, { name: 'My footprint', geometry: polygon.geometry });
    assert.ok(shownMatches(await residents(page), byPolygon.figures.residents));
    assert.match(await page.locator('.footprint-profile .kicker').innerText(), /a polygon/);
    const outline = await page.evaluate(async () => (await window.__equimap.map.getSource('selection').getData())?.geometry?.type);
    assert.equal(outline, 'MultiPolygon');
    assert.deepEqual(unexpected(w), [], 'console errors other than the expected 400');
    // A damaged shared link opens the map with a message.
    const w2 = await t.open('/#layer=imd2025_decile&geo=lsoa21&panel=footprint&fp=%7B%22name%22%3A%22cut');
    await w2.page.waitForSelector('.footprint-tool [data-fp="status"][role="alert"]');
    assert.match(await w2.page.locator('[data-fp="status"]').innerText(), /footprint in this link is damaged/);
    assert.equal(await w2.page.evaluate(() => document.body.dataset.ready), 'true', 'the map is drawn');
    assertClean(w2, 'damaged link');
  });

  it('draws a footprint polygon by clicking points on the map, reads its profile and prints it', async () => {
    // Hyde Park, Leeds: terraced streets, so residents live inside the drawn corners.
    const w = await t.open('/#map=15.00/53.81700/-1.56800');
    const { page } = w;
    await page.click('#btn-footprint');
    await page.waitForSelector('.footprint-tool');
    await page.fill('#fp-name', 'Drawn test footprint');
    await page.click('#legend-toggle'); // fold the legend away from the drawing area
    await page.waitForSelector('#legend-content', { state: 'hidden' });
    await waitIdle(page);
    await page.click('[data-fp="draw"]');
    assert.equal(await page.locator('[data-fp="draw"]').getAttribute('aria-pressed'), 'true');
    const box = await page.locator('#map canvas').boundingBox();
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    const corners = [[-110, -90], [110, -100], [120, 90], [-100, 100]];
    for (const [dx, dy] of corners) await page.mouse.click(cx + dx, cy + dy);
    assert.equal(await page.evaluate(() => window.__equimap.footprint.drawer.vertices.length), 4);
    await page.screenshot({ path: shotPath('42-footprint-drawing') });
    await page.mouse.click(cx + corners[0][0], cy + corners[0][1]); // close on the first corner
    await page.waitForSelector('[data-fp="residents"]');
    // The polygon the map drew: four corners and the first again, and the profile the API gives it.
    const geometry = await page.evaluate(() => window.__equimap.footprint.geometry);
    assert.equal(geometry.type, 'Polygon');
    assert.equal(geometry.coordinates[0].length, 5);
    const api = await footprint(t.stack.base, { name: 'Drawn test footprint', geometry });
    assert.ok(api.figures.residents > 0, 'residents live inside the drawn polygon');
    assert.ok(shownMatches(await residents(page), api.figures.residents), `${await residents(page)} vs ${api.figures.residents}`);
    assert.equal(await page.locator('[data-fp="name"]').innerText(), 'Drawn test footprint');
    assert.match(await page.locator('.footprint-profile .kicker').innerText(), /a polygon/);
    const apiBad = api.indicators.find((i) => i.id === 'bad_health_share');
    const rowText = await page.locator('.footprint-profile tr[data-indicator="bad_health_share"]').innerText();
    assert.ok(rowText.includes(apiBad.vs_england.words), rowText);
    assert.equal(await page.locator('.footprint-profile details.lsoas tbody tr').count(), api.lsoas.length);
    const outline = await page.evaluate(async () => (await window.__equimap.map.getSource('selection').getData())?.geometry?.type);
    assert.ok(['Polygon', 'MultiPolygon'].includes(outline), `outline ${outline}`);
    // The print view: the map around the polygon captured, the builder's inputs hidden.
    await page.evaluate(() => (window.__equimapNoPrintDialog = true));
    await page.click('[data-fp-action="print"]');
    await page.waitForFunction(() => document.body.dataset.print === 'footprint');
    const src = await page.locator('.footprint-profile img.print-map').getAttribute('src');
    assert.ok(src.startsWith('data:image/png') && src.length > 20000, 'print map captured');
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.locator('.footprint-profile').isVisible(), true);
    assert.equal(await page.locator('.footprint-profile img.print-map').isVisible(), true);
    assert.equal(await page.locator('#fp-codes').isVisible(), false, 'the builder is not printed');
    assert.equal(await page.locator('[data-fp-action="csv"]').isVisible(), false, 'nor its buttons');
    assert.match(await page.locator('.print-attribution').innerText(), /OpenStreetMap contributors/);
    await page.pdf({ path: shotPath('43-footprint-print').replace(/\.png$/, '.pdf'), format: 'A4', printBackground: true });
    await page.screenshot({ path: shotPath('43-footprint-print'), fullPage: true });
    await page.emulateMedia({ media: 'screen' });
    assertClean(w, 'footprint drawn on the map');
  });

  it('shows where I live for /?where=LS6 1AN and from search', async () => {
    const w = await t.open('/?where=LS6%201AN');
    const { page } = w;
    await page.waitForSelector('[data-where="answer"]');
    assert.equal(await page.locator('#panel-title').innerText(), 'Where I live: LS6 1AN');
    const api = await getJSON(t.stack.base, '/api/where?q=LS6%201AN');
    const cards = await page.locator('.where-card[data-where-geo]').evaluateAll((els) => els.map((e) => [e.dataset.whereGeo, e.dataset.whereCode]));
    assert.deepEqual(cards, api.areas.map((m) => [m.area.geography, m.area.code]));
    const ward = page.locator(`.where-card[data-where-geo="ward"]`);
    assert.match(await ward.innerText(), /Little London & Woodhouse/);
    const apiWard = api.areas.find((m) => m.area.geography === 'ward').headline.find((i) => i.id === 'bad_health_share');
    const wardRow = await ward.locator('tr[data-indicator="bad_health_share"]').innerText();
    assert.ok(wardRow.includes(apiWard.vs_england.words), wardRow);
    assert.match(await page.locator('.where-card[data-where-geo="committee"]').innerText(), /Inner North West Community Committee/);
    const gp = await page.locator('[data-where="practices"] tbody tr').count();
    assert.equal(gp, api.nearest_gp_practices.length);
    assert.match(await page.locator('[data-where="practices"] tbody tr').first().innerText(), new RegExp(api.nearest_gp_practices[0].registers.pcn.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    await assertAccessible(page, 'where I live');
    await page.screenshot({ path: shotPath('41-where-i-live') });
    // The print view: a map around the point, every card, no form or buttons.
    await page.evaluate(() => (window.__equimapNoPrintDialog = true));
    await page.click('[data-where="print"]');
    await page.waitForFunction(() => document.body.dataset.print === 'where');
    const src = await page.locator('.where img.print-map').getAttribute('src');
    assert.ok(src.startsWith('data:image/png') && src.length > 20000, 'print map captured');
    // The point is drawn into the image (the map's marker is not part of its canvas), at its centre.
    const centre = await page.evaluate(async (src) => {
      const img = new Image();
      img.src = src;
      await img.decode();
      const c = document.createElement('canvas');
      [c.width, c.height] = [img.width, img.height];
      const ctx = c.getContext('2d');
      ctx.drawImage(img, 0, 0);
      return [...ctx.getImageData(Math.floor(img.width / 2), Math.floor(img.height / 2), 1, 1).data];
    }, src);
    assert.deepEqual(centre.slice(0, 3), [0xd7, 0x19, 0x1c], `the point's dot at the centre, got ${centre}`);
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.locator('.where img.print-map').isVisible(), true);
    assert.equal(await page.locator('.where-card[data-where-geo="ward"]').isVisible(), true);
    assert.equal(await page.locator('[data-where="practices"]').isVisible(), true);
    assert.equal(await page.locator('[data-where="print"]').isVisible(), false);
    assert.equal(await page.locator('[data-where="centre"]').isVisible(), false);
    assert.match(await page.locator('.print-attribution').innerText(), /OpenStreetMap contributors/);
    await page.pdf({ path: shotPath('44-where-print').replace(/\.png$/, '.pdf'), format: 'A4', printBackground: true });
    await page.screenshot({ path: shotPath('44-where-print'), fullPage: true });
    await page.emulateMedia({ media: 'screen' });
    // From search: the postcode, then its "Where I live" option.
    const w2 = await t.open('/');
    await w2.page.fill('#search-input', 'LS6 1AN');
    await w2.page.waitForSelector('#search-list li');
    await w2.page.locator('#search-list li', { hasText: 'Where I live' }).first().click();
    await w2.page.waitForSelector('[data-where="answer"]');
    assert.equal(await w2.page.locator('#panel-title').innerText(), 'Where I live: LS6 1AN');
    await w2.page.waitForTimeout(300);
    assert.match(w2.page.url(), /where=LS6%201AN/);
    assertClean(w, 'where from the URL');
    assertClean(w2, 'where from search');
  });

  it('opens the map with a message for a postcode it does not know', async () => {
    const w = await t.open('/?where=ZZ99%209ZZ');
    await w.page.waitForSelector('[data-where="error"]');
    assert.match(await w.page.locator('[data-where="error"]').innerText(), /no postcode or place/);
    await waitForMap(w.page);
    assert.deepEqual(unexpected(w), []);
  });
});
