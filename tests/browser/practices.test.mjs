// GP practices and PCNs in the web map, tested by what a person sees: the practices layer and
// its legend, a PCN found by search with its practices listed and outlined, a practice profile
// with prevalence and comparisons, and the view restored from the URL.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { shotPath, waitIdle } from './harness.mjs';
import { getJSON } from './pagehelpers.mjs';
import { assertClean, useStack } from './suite.mjs';


describe('GP practices and PCNs', { timeout: 600000 }, () => {
  const t = useStack();
  const open = (path) => t.open(path);

  it('shows practices coloured by a condition, with a legend that carries the caveat', async () => {
    const w = await open('/');
    const { page } = w;
    await page.waitForSelector('#practice-toggle');
    await page.getByLabel('GP practices by recorded prevalence').check();
    await page.waitForSelector('#practice-legend');
    const legend = await page.locator('#practice-legend').innerText();
    assert.match(legend, /Depression, recorded prevalence/);
    assert.match(legend, /not age-standardised/);
    assert.match(legend, /Leeds practices 13\.0%, England 14\.3%/);
    await page.getByLabel('Condition').selectOption({ label: 'Diabetes mellitus' });
    await page.waitForFunction(() => /Diabetes mellitus/.test(document.querySelector('#practice-legend')?.innerText || ''));
    assert.match(await page.locator('#practice-legend').innerText(), /Leeds practices 7\.1%, England 7\.9%/);
    await waitIdle(page);
    const drawn = await page.evaluate(() => window.__equimap.map.queryRenderedFeatures({ layers: ['practice-circle'] }).length);
    assert.ok(drawn >= 80, `practice circles drawn: ${drawn}`);
    await page.screenshot({ path: shotPath('20-practices-layer') });
    assertClean(w, 'practices layer');
  });

  it('finds a PCN by name, lists and outlines its practices, says why it has no boundary', async () => {
    const w = await open('/');
    const { page } = w;
    const pcn = await getJSON(t.stack.apiBase, '/api/pcns/U11864');
    await page.fill('#search-input', 'Woodsley PCN');
    await page.waitForSelector('#search-list li');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('#panel-title')?.innerText === 'WOODSLEY PCN');
    const text = await page.locator('#panel-body').innerText();
    assert.match(text, /membership as at 2026-07-01/);
    assert.match(text, /not an area/);
    assert.equal(await page.locator('.pcn-practices li').count(), pcn.practices.length);
    // Depression over its eight practices: 9,474 of 72,269 = 13.1%.
    const dep = page.locator('table.prevalence tr', { hasText: 'Depression' });
    assert.match(await dep.innerText(), /13\.1%[\s\S]*9,474 \/ 72,269/);
    await page.waitForTimeout(800);
    await waitIdle(page);
    const outlined = await page.evaluate(() => new Set(window.__equimap.map.queryRenderedFeatures({ layers: ['practice-member'] }).map((f) => f.properties.code)).size);
    assert.equal(outlined, 8, 'the eight practices are outlined on the map');
    await page.screenshot({ path: shotPath('21-pcn-profile') });

    // One of its practices, from the list.
    await page.getByRole('button', { name: 'LAUREL BANK SURGERY' }).click();
    await page.waitForFunction(() => document.querySelector('#panel-title')?.innerText === 'LAUREL BANK SURGERY');
    const row = await page.locator('table.prevalence tr', { hasText: 'Depression' }).innerText();
    assert.match(row, /13\.1%/);
    assert.match(row, /12\.3–14\.0%/);
    assert.match(row, /similar[\s\S]*significantly lower/);
    assert.match(await page.locator('#panel-body').innerText(), /decile 7 of English practices/);
    await page.screenshot({ path: shotPath('22-practice-profile') });

    // The URL reopens the practice.
    await page.waitForTimeout(300);
    const url = page.url();
    assert.match(url, /gp=practice\/B86086/);
    const w2 = await open(url.slice(t.stack.base.length));
    await w2.page.waitForFunction(() => document.querySelector('#panel-title')?.innerText === 'LAUREL BANK SURGERY');
    assertClean(w, 'PCN and practice');
    assertClean(w2, 'practice from URL');
  });

  it('lists the nearest practices in the site report with their prevalence, interval and England badge', async () => {
    const w = await open('/');
    const { page } = w;
    await page.click('#btn-site');
    await page.waitForSelector('#site-file');
    // A small square around Laurel Bank Surgery (B86086, from the practices file).
    const [lon, lat, d] = [-1.58733, 53.81695, 0.001];
    const site = { type: 'Polygon', coordinates: [[[lon - d, lat - d], [lon + d, lat - d], [lon + d, lat + d], [lon - d, lat + d], [lon - d, lat - d]]] };
    await page.setInputFiles('#site-file', { name: 'laurel-bank.geojson', mimeType: 'application/geo+json', buffer: Buffer.from(JSON.stringify(site)) });
    await page.waitForSelector('table caption >> text=Nearest GP practices');
    const table = page.locator('.table-wrap[aria-label="Nearest GP practices"] table');
    assert.match(await table.locator('thead').innerText(), /Depression: recorded prevalence, 95% CI, vs England/);
    const first = await table.locator('tbody tr').first().innerText();
    const api = await getJSON(t.stack.apiBase, '/api/practices/B86086');
    const dep = api.prevalence.find((p) => p.condition === 'DEP');
    assert.match(first, /LAUREL BANK SURGERY/);
    assert.match(first, new RegExp(api.pcn.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    // 872 of 6,636 = 13.14% (12.35-13.97), as the server test checks.
    assert.equal(dep.register, 872);
    assert.match(first, /13\.1%/);
    assert.match(first, /12\.3–14\.0%/);
    assert.match(first, /significantly lower than England/);
    assertClean(w, 'site report practices');
  });

  it('says so for a practice code that is not in the atlas', async () => {
    const w = await open('/#gp=practice/Z99999');
    const { page } = w;
    await page.waitForFunction(() => document.querySelector('#panel-title')?.innerText === 'Practice not found');
    assert.match(await page.locator('#panel-body .error').innerText(), /Z99999/);
    // The failed API call is the expected 404, nothing else.
    assert.deepEqual(w.problems.pageErrors, []);
  });
});
