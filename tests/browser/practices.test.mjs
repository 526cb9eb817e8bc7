// GP practices and PCNs in the web map, tested by what a person sees: the practices layer and
// its legend, a PCN found by search with its practices listed and outlined, a practice profile
// with prevalence and comparisons, and the view restored from the URL.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { launch, shotPath, startStack, waitForMap, waitIdle, watchedPage } from './harness.mjs';
import { getJSON } from './pagehelpers.mjs';

let stack;
let browser;
const pages = [];

async function open(path = '/') {
  const w = await watchedPage(browser.context, stack.base);
  pages.push(w);
  await w.page.goto(stack.base + path);
  await waitForMap(w.page);
  return w;
}

function assertClean(w, label) {
  assert.deepEqual(w.problems.console, [], `${label}: console errors`);
  assert.deepEqual(w.problems.pageErrors, [], `${label}: page errors`);
  assert.deepEqual(w.problems.failed, [], `${label}: failed requests`);
}

describe('GP practices and PCNs', { timeout: 600000 }, () => {
  before(async () => {
    stack = await startStack();
    browser = await launch();
  });

  after(async () => {
    for (const w of pages) await w.page.close().catch(() => {});
    await browser?.close();
    await stack?.stop();
  });

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
    const pcn = await getJSON(stack.apiBase, '/api/pcns/U11864');
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
    const w2 = await open(url.slice(stack.base.length));
    await w2.page.waitForFunction(() => document.querySelector('#panel-title')?.innerText === 'LAUREL BANK SURGERY');
    assertClean(w, 'PCN and practice');
    assertClean(w2, 'practice from URL');
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
