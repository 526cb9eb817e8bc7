// Leeds community committees in the web map, by what a person sees: the "Show by" switch draws
// the ten committees, the table view lists them with intervals and comparisons, a committee's
// profile lists its wards (and says when they were assigned by elimination), and the URL keeps it.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { shotPath, waitIdle } from './harness.mjs';
import { getJSON } from './pagehelpers.mjs';
import { assertAccessible, assertClean, useStack } from './suite.mjs';


describe('community committees', { timeout: 600000 }, () => {
  const t = useStack();
  const open = (path) => t.open(path);

  it('draws the ten committees from the Show by switch and lists them in the table view', async () => {
    const w = await open('/');
    const { page } = w;
    await page.locator('details.theme summary', { hasText: 'Fuel poverty' }).click();
    await page.locator('input[name="layer"][value="fuel_poverty_share"]').check();
    await page.waitForFunction(() => window.__equimap.state.layer === 'fuel_poverty_share');
    await page.locator('#geo-switch input[value="committee"]').check();
    await page.waitForFunction(() => window.__equimap.state.geo === 'committee');
    await waitIdle(page);
    await page.waitForFunction(() => document.body.dataset.ready === 'true');
    const drawn = await page.evaluate(() => {
      const feats = window.__equimap.map.queryRenderedFeatures({ layers: ['choro-fill'] });
      return { layers: [...new Set(feats.map((f) => f.sourceLayer))], codes: new Set(feats.map((f) => f.properties.code)).size };
    });
    assert.deepEqual(drawn.layers, ['committee']);
    assert.equal(drawn.codes, 10, 'the ten committees are drawn');
    await page.screenshot({ path: shotPath('30-committees-map') });
    await page.click('#btn-table');
    await page.waitForSelector('.table-view table.areas tbody tr .sig');
    const rank = await getJSON(t.stack.apiBase, '/api/rank?indicator=fuel_poverty_share&geography=committee');
    assert.equal(rank.rows.length, 10);
    assert.equal(await page.locator('.table-view table.areas tbody tr').count(), 10);
    const first = await page.locator('.table-view table.areas tbody tr').first().locator('td').allInnerTexts();
    assert.equal(first[1], rank.rows[0].name);
    assert.match(first[4], /95% CI/);
    assert.equal(first[6], rank.rows[0].vs_england.words);
    assertClean(w, 'committees map and table');
  });

  it('opens a committee profile with its wards, the elimination note, and keeps it in the URL', async () => {
    const w = await open('/#layer=fuel_poverty_share&geo=committee');
    const { page } = w;
    const api = await getJSON(t.stack.apiBase, '/api/areas/committee/cc-inner-north-west');
    await page.fill('#search-input', 'Inner North West');
    await page.waitForSelector('#search-list li');
    await page.locator('#search-list li', { hasText: 'Inner North West Community Committee' }).first().click();
    await page.waitForFunction(() => document.querySelector('#panel-title')?.innerText === 'Inner North West Community Committee');
    const note = await page.locator('.footprint-note').innerText();
    assert.match(note, /assigned to it by elimination/);
    const wards = await page.locator('.footprint ul li').allInnerTexts();
    assert.equal(wards.length, 3);
    assert.ok(wards.every((t) => /assigned by elimination/.test(t)), wards.join(' | '));
    // The residents shown are the API's, which the server tests check against the wards' sum.
    const pop = api.indicators.find((i) => i.id === 'population').value;
    assert.match(await page.locator('.profile').innerText(), new RegExp(pop.toLocaleString('en-GB')));
    await assertAccessible(page, 'committee profile');
    await page.screenshot({ path: shotPath('31-committee-profile') });
    await page.waitForTimeout(300);
    const url = page.url();
    assert.match(url, /area=committee\/cc-inner-north-west/);
    const w2 = await open(new URL(url).pathname + new URL(url).hash);
    await w2.page.waitForFunction(() => document.querySelector('#panel-title')?.innerText === 'Inner North West Community Committee');
    assertClean(w, 'committee profile');
    assertClean(w2, 'committee from URL');
  });
});
