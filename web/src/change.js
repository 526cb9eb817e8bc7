// IMD 2019 → 2025: diverging colours for a change between editions (kind "change"), and the
// sentence an LSOA profile gives ("moved from decile 2 to decile 1"), always with the caveat that
// the IMD ranks areas against each other.

import { escapeHtml as esc, isNum } from './format.js';

// ColorBrewer PuOr (colour-blind safe): orange = relatively more deprived, purple = less, a light
// neutral for no change. Darker = a bigger move.
const PUOR7 = ['#b35806', '#f1a340', '#fee0b6', '#f7f7f7', '#d8daeb', '#998ec3', '#542788'];
const BREAKS = [-2.5, -1.5, -0.5, 0.5, 1.5, 2.5];

const deciles = (n) => `${n === 1 ? 'one decile' : n === 2 ? 'two deciles' : `${n} or more deciles`}`;

/** Classes for a change in decile: −3 or less … +3 or more, each labelled in words. */
export function classifyChange(ind, finite, { missing = 0, place = 'the district', geographyPlural = 'areas' } = {}) {
  const labels = [
    `−3 or less · ${deciles(3)} more deprived`,
    `−2 · ${deciles(2)} more deprived`,
    `−1 · ${deciles(1)} more deprived`,
    '0 · same decile',
    `+1 · ${deciles(1)} less deprived`,
    `+2 · ${deciles(2)} less deprived`,
    `+3 or more · ${deciles(3)} less deprived`,
  ];
  const counts = PUOR7.map((_, i) =>
    finite.filter((v) => (i === 0 ? v < BREAKS[0] : i === PUOR7.length - 1 ? v >= BREAKS[i - 1] : v >= BREAKS[i - 1] && v < BREAKS[i])).length,
  );
  return {
    type: 'classed',
    breaks: BREAKS,
    colours: PUOR7,
    labels,
    counts,
    missing,
    note: `Change in national IMD decile from 2019 to 2025 for the ${finite.length} ${place} ${geographyPlural}: orange moved towards the most deprived, purple away from it. The IMD ranks areas against each other, so a move is relative to the rest of England, not an absolute change.`,
  };
}

/** A signed change: "+2", "−1", "0". */
export function formatChange(v) {
  if (!isNum(v)) return 'no data';
  const n = Math.round(v).toLocaleString('en-GB');
  return v > 0 ? `+${n}` : v < 0 ? `−${n.replace('-', '')}` : '0';
}

/** The profile sentence for an LSOA, from its indicators; '' where the atlas has no change. */
export function imdChangeSentence(p, cat) {
  const get = (id) => p.indicators.find((i) => i.id === id);
  const d19 = get('imd2019_decile_lsoa21');
  const d25 = get('imd2025_decile');
  const r19 = get('imd2019_rank_lsoa21');
  const r25 = get('imd2025_rank');
  if (!d19 || !d25 || !isNum(d19.value) || !isNum(d25.value)) return '';
  const [a, b] = [d19.value, d25.value];
  const move =
    a === b
      ? `stayed in national decile ${b}`
      : `moved from decile ${a} to decile ${b} (${b > a ? 'relatively less deprived' : 'relatively more deprived'})`;
  const ranks =
    r19 && r25 && isNum(r19.value) && isNum(r25.value)
      ? ` Its national rank went from ${Math.round(r19.value).toLocaleString('en-GB')} of 32,844 to ${Math.round(r25.value).toLocaleString('en-GB')} of 33,755 (1 = most deprived).`
      : '';
  const def = cat.get('imd_decile_change');
  return `<section aria-labelledby="imdchange-h" class="imd-change">
    <h3 id="imdchange-h">Deprivation, IMD 2019 → 2025</h3>
    <p class="imd-change-sentence">Between IMD 2019 and IMD 2025 this area ${esc(move)}.${esc(ranks)}
      ${d19.estimate ? ` <span class="badge est" title="${esc(d19.method)}">estimate</span>` : ''}</p>
    <details class="caveat"><summary>How to read this</summary><p>${esc(def?.caveat || '')}</p><p>${esc(d19.method)}</p></details>
  </section>`;
}
