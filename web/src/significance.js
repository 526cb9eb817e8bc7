// Comparisons with the district and England, Fingertips-style: a colour that is safe for
// colour-blind readers (Okabe–Ito blue, yellow and vermillion; purple and sky blue for
// neutral indicators) and always the words beside it, never the colour alone.

import { escapeHtml as esc, formatValue, isNum } from './format.js';

export const SIGNIFICANCE = {
  better: { colour: '#0072B2', text: '#ffffff', short: 'better' },
  similar: { colour: '#F0E442', text: '#1a1a1a', short: 'similar' },
  worse: { colour: '#D55E00', text: '#1a1a1a', short: 'worse' },
  higher: { colour: '#CC79A7', text: '#1a1a1a', short: 'higher' },
  lower: { colour: '#56B4E9', text: '#1a1a1a', short: 'lower' },
};

/** A badge for a comparison ({significance, words, benchmark}) or '' when there is none. */
export function significanceBadge(c) {
  if (!c || !SIGNIFICANCE[c.significance]) return '';
  const s = SIGNIFICANCE[c.significance];
  return `<span class="sig sig-${esc(c.significance)}" style="background:${s.colour};color:${s.text}" title="95% interval compared with ${esc(c.benchmark)}">${esc(c.words)}</span>`;
}

/** "(95% CI 4.97% to 5.07%)" for a value's interval, or ''. */
export function intervalText(iv, ind) {
  if (!iv || !isNum(iv.lower) || !isNum(iv.upper)) return '';
  const fine = ind.kind === 'share' && iv.upper - iv.lower < 0.02 ? { ...ind, kind: 'share_fine' } : ind;
  return `95% CI ${formatFine(iv.lower, fine)} to ${formatFine(iv.upper, fine)}`;
}

/** Shares with two decimals of a percentage where an interval is narrow. */
export function formatFine(v, ind) {
  if (ind.kind === 'share_fine') return `${(v * 100).toFixed(2)}%`;
  return formatValue(v, ind);
}

/** The key to the comparison colours, in words. */
export function significanceKey() {
  const item = (k, words) => `<li><span class="sig sig-${k}" style="background:${SIGNIFICANCE[k].colour};color:${SIGNIFICANCE[k].text}">${words}</span></li>`;
  return `<ul class="sig-key" aria-label="Comparison key">${item('better', 'significantly better')}${item('similar', 'similar')}${item('worse', 'significantly worse')}${item('higher', 'significantly higher')}${item('lower', 'significantly lower')}</ul>`;
}
