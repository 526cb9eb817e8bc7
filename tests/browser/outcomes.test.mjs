// Browser tests of the health-outcome views, by what a person sees: the trends in the Leeds
// district profile, the IMD 2019 → 2025 change layer and profile sentence, and the Fairer,
// Healthier Leeds list with its held and missing measures.
//   cd tests/browser && npm ci && node --test --test-concurrency=1 outcomes.test.mjs

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { shotPath, waitIdle } from './harness.mjs';
import { getJSON, shownMatches } from './pagehelpers.mjs';
import { assertAccessible, assertClean, useStack } from './suite.mjs';




/** The text of one cell of a trend table: the row of `period`, the column headed `heading`. */
async function cell(page, indicator, period, heading) {
  return page.evaluate(
    ({ indicator, period, heading }) => {
      const t = document.querySelector(`table.trend-table[data-indicator="${indicator}"]`);
      const col = [...t.querySelectorAll('thead th')].findIndex((th) => th.textContent.trim() === heading);
      const row = t.querySelector(`tr[data-period="${period}"]`);
      return col < 0 || !row ? null : row.children[col].textContent.trim();
    },
    { indicator, period, heading },
  );
}

describe('health outcomes in the web map', { timeout: 600000 }, () => {
  const t = useStack();
  const open = (path) => t.open(path);

  it('shows Leeds life expectancy, its inequality and preventable mortality against England, as charts and tables', async () => {
    const w = await open('/#area=district/E08000035&panel=profile');
    const { page } = w;
    await page.waitForSelector('figure.trend[data-indicator="le_birth"] svg.trend');
    const api = await getJSON(t.stack.apiBase, '/api/trends?district=E08000035');
    assert.equal(api.name, 'Leeds');
    // What a person reads, checked against the published figures (PROVENANCE: Leeds 2020-22 male
    // 78.0, female 82.2; slope index 2022-24 male 12.8 years, female 10.3) and against the API.
    assert.equal(await cell(page, 'le_birth', '2020-22', 'Leeds, male'), '78.0');
    assert.equal(await cell(page, 'le_birth', '2020-22', 'Leeds, female'), '82.2');
    assert.equal(await cell(page, 'le_birth', '2020-22', 'England, male'), '78.9');
    assert.equal(await cell(page, 'le_birth', '2020-22', 'Compared with England'), 'Worse');
    assert.equal(await cell(page, 'le_sii', '2022-24', 'Leeds, male'), '12.8');
    assert.equal(await cell(page, 'le_sii', '2022-24', 'Leeds, female'), '10.3');
    assert.equal(await cell(page, 'u75_preventable', '2022', 'Leeds, persons'), '165.6');
    for (const s of api.series) {
      for (const p of s.points) {
        const shown = await cell(page, s.id, p.period, `Leeds, ${s.sex.toLowerCase()}`);
        if (p.district === null) assert.equal(shown, 'not published');
        else assert.ok(shownMatches(shown, p.district), `${s.id} ${s.sex} ${p.period}: ${shown} vs ${p.district}`);
      }
    }
    // periods, units, source and attribution are on the page; the unconfirmed period is marked
    const fig = await page.locator('figure.trend[data-indicator="le_birth"]').innerText();
    assert.match(fig, /years · 2015-17 to 2023-25 · OHID Fingertips indicator 90366/);
    assert.match(await page.locator('table.trend-table[data-indicator="le_birth"] tr[data-period="2023-25"] th').innerText(), /†/);
    assert.match(fig, /† The latest period, 2023-25, .* unconfirmed/);
    assert.match(await page.locator('[data-role="trends"]').innerText(), /Office for Health Improvement and Disparities, Fingertips/);
    // the chart says what it shows in words
    const label = await page.locator('figure.trend[data-indicator="le_sii"] svg').getAttribute('aria-label');
    assert.match(label, /Male: Leeds 12\.8 in 2022-24, England 10\.4/);
    assert.match(label, /blue: male · orange: female/);
    await page.locator('figure.trend[data-indicator="le_birth"]').screenshot({ path: shotPath('20-trends-leeds') });
    await assertAccessible(page, 'trends');
    assertClean(w, 'trends');
  });

  it('maps the change in IMD decile from 2019 to 2025 with diverging colours and words, and says it in the LSOA profile', async () => {
    const w = await open('/#layer=imd_decile_change&geo=lsoa21');
    const { page } = w;
    const legend = await page.locator('#legend-body').innerText();
    assert.match(legend, /Change in IMD decile, 2019 to 2025/);
    assert.match(legend, /0 · same decile/);
    assert.match(legend, /−1 · one decile more deprived/);
    assert.match(legend, /\+1 · one decile less deprived/);
    assert.match(legend, /relative to the rest of England, not an absolute change/);
    const cls = await page.evaluate(() => window.__equimap.classes);
    assert.deepEqual(cls.colours, ['#b35806', '#f1a340', '#fee0b6', '#f7f7f7', '#d8daeb', '#998ec3', '#542788']);
    // the legend's counts are the API's values, class by class
    const rank = await getJSON(t.stack.apiBase, '/api/rank?indicator=imd_decile_change&geography=lsoa21');
    const vals = rank.rows.map((r) => r.value);
    const expect = [vals.filter((v) => v <= -3).length, ...[-2, -1, 0, 1, 2].map((k) => vals.filter((v) => v === k).length), vals.filter((v) => v >= 3).length];
    assert.deepEqual(cls.counts, expect);
    assert.equal(vals.length, 488);
    // a drawn LSOA carries its API value
    const drawn = await page.evaluate(() => window.__equimap.map.queryRenderedFeatures({ layers: ['choro-fill'] }).map((f) => [f.properties.code, f.properties.imd_decile_change]));
    assert.ok(drawn.length > 400);
    const byCode = new Map(rank.rows.map((r) => [r.code, r.value]));
    for (const [code, v] of drawn.slice(0, 50)) assert.equal(v, byCode.get(code), code);
    await page.screenshot({ path: shotPath('21-imd-change-layer') });

    // The LSOA made by merging two 2011 LSOAs: its profile says where it moved, as an estimate.
    const code = 'E01035054';
    const p = await getJSON(t.stack.apiBase, `/api/areas/lsoa21/${code}`);
    const d19 = p.indicators.find((i) => i.id === 'imd2019_decile_lsoa21').value;
    const d25 = p.indicators.find((i) => i.id === 'imd2025_decile').value;
    assert.equal(d25, 9); // IoD2025 File 7
    await page.evaluate((c) => window.__equimap.openProfile('lsoa21', c, { fly: true }), code);
    await page.waitForSelector(`.profile[data-code="${code}"] .imd-change-sentence`);
    const sentence = await page.locator('.imd-change-sentence').innerText();
    assert.match(sentence, new RegExp(`moved from decile ${d19} to decile ${d25} \\(relatively less deprived\\)`));
    assert.match(sentence, /estimate/);
    assert.match(await page.locator('.imd-change details').innerText({ timeout: 2000 }).catch(() => ''), /How to read this/);
    await page.locator('.imd-change summary').click();
    assert.match(await page.locator('.imd-change details').innerText(), /relative ranking of small areas, not an absolute measure[\s\S]*differ in method/);
    await page.locator('#panel').screenshot({ path: shotPath('22-imd-change-profile') });
    assertClean(w, 'imd change');
  });

  it('lists the Fairer, Healthier Leeds measures: held ones open their layer, tables and gradient; missing ones name their publisher', async () => {
    const w = await open('/');
    const { page } = w;
    await page.getByRole('button', { name: 'Fairer, Healthier Leeds' }).click();
    await page.waitForSelector('.marmot-list');
    const api = await getJSON(t.stack.apiBase, '/api/marmot');
    assert.equal(await page.locator('.marmot-measure').count(), 15);
    for (const m of api.measures) {
      const item = page.locator(`.marmot-measure[data-number="${m.number}"]`);
      const txt = await item.innerText();
      assert.ok(txt.includes(m.title), m.title);
      assert.ok(txt.includes(`Breakdowns: ${m.breakdowns.join(', ')}`), `${m.number} breakdowns`);
      assert.match(txt, m.held ? /in this atlas/ : /not in this atlas/);
      assert.ok(txt.includes(m.publisher), `${m.number} names its publisher`);
    }
    const le = page.locator('.marmot-measure[data-number="1"]');
    assert.match(await le.innerText(), /Breakdowns: ward, MSOA, IMD decile, sex/);
    assert.match(await page.locator('.marmot-measure[data-number="2"]').innerText(), /not in this atlas[\s\S]*Published by: ONS birth registrations; OHID publishes low birth weight by MSOA and ward in Local Health/);
    assert.match(await page.locator('.marmot-measure[data-number="9"]').innerText(), /not used here in its place/);
    await assertAccessible(page, 'marmot');
    // the IMD-decile gradient of female life expectancy, in place
    await le.getByRole('button', { name: 'IMD-decile gradient' }).first().click();
    await page.waitForSelector('.marmot-measure[data-number="1"] svg.gradient');
    // show the layer, then the ward table
    await le.getByRole('button', { name: 'Show on the map' }).first().click();
    await page.waitForFunction(() => window.__equimap.state.layer === 'le_female');
    await waitIdle(page);
    assert.match(await page.locator('#legend-body').innerText(), /Female life expectancy at birth/);
    await page.getByRole('button', { name: 'Fairer, Healthier Leeds' }).click();
    await page.waitForSelector('.marmot-list');
    await page.locator('.marmot-measure[data-number="1"]').getByRole('button', { name: 'Ward table' }).first().click();
    await page.waitForSelector('.table-view table.areas tbody tr');
    assert.equal(await page.evaluate(() => window.__equimap.state.geo), 'ward');
    assert.equal(await page.locator('.table-view table.areas tbody tr').count(), 33);
    await page.screenshot({ path: shotPath('23-marmot-ward-table') });
    assertClean(w, 'marmot');
  });
});
