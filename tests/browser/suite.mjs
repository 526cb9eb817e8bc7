// The preamble every browser test file shares: one real server and one Chromium for the file's
// `describe` block, pages that record problems, and the checks made on every page.
//   const t = useStack();            // inside describe(): starts in before(), stops in after()
//   const w = await t.open('/#…');   // a watched page, once the first choropleth is drawn
//   assertClean(w, 'label'); await assertAccessible(w.page, 'label');

import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { launch, startStack, waitForMap, watchedPage } from './harness.mjs';
import { runAxe } from './pagehelpers.mjs';

export function useStack(args = []) {
  const t = { stack: null, browser: null, pages: [] };
  before(async () => {
    t.stack = await startStack(args);
    t.browser = await launch();
  });
  after(async () => {
    for (const w of t.pages) await w.page.close().catch(() => {});
    await t.browser?.close();
    await t.stack?.stop();
  });
  /** A watched page at `path`, once the map has drawn its first choropleth. */
  t.open = async (path = '/', { wait = true } = {}) => {
    const w = await watchedPage(t.browser.context, t.stack.base);
    t.pages.push(w);
    await w.page.goto(t.stack.base + path);
    if (wait) await waitForMap(w.page);
    return w;
  };
  return t;
}

/** No console errors, page errors, failed requests or requests to other hosts. */
export function assertClean(w, label) {
  assert.deepEqual(w.problems.console, [], `${label}: console errors`);
  assert.deepEqual(w.problems.pageErrors, [], `${label}: page errors`);
  assert.deepEqual(w.problems.foreign, [], `${label}: requests to other hosts`);
  assert.deepEqual(w.problems.failed, [], `${label}: failed requests`);
}

/** No serious or critical axe-core violations on the page as it is. */
export async function assertAccessible(page, label) {
  const serious = (await runAxe(page)).filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(serious, [], `${label}: serious or critical axe-core violations`);
}
