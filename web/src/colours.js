// Colour-blind-safe classed colours (viridis, perceptually uniform and readable in greyscale).
// Darker always means worse: decile 1 (most deprived) is the darkest, and for continuous
// indicators the class at the "worse" end of the indicator's polarity is the darkest.

import { formatBreak } from './format.js';
import { classifyChange } from './change.js';

export const VIRIDIS10 = ['#440154', '#482878', '#3e4989', '#31688e', '#26828e', '#1f9e89', '#35b779', '#6ece58', '#b5de2b', '#fde725'];
export const VIRIDIS5 = ['#440154', '#3b528b', '#21918c', '#5ec962', '#fde725'];
export const NO_DATA = '#c9c9c9';
export const FILL_OPACITY = 0.78;

/** Quantile class breaks (k classes, equal numbers of areas), ascending and distinct. */
export function quantileBreaks(values, k = 5) {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length < 2) return [];
  const breaks = [];
  for (let i = 1; i < k; i++) {
    const b = v[Math.floor((i * v.length) / k)];
    if (b > v[0] && (breaks.length === 0 || b > breaks[breaks.length - 1])) breaks.push(b);
  }
  return breaks;
}

/**
 * The classification of an indicator at a geography.
 * categorical: deciles 1..10 and quintiles 1..5. classed: quintile breaks over the area values.
 */
export function classify(ind, values, { geographyPlural = 'areas', total = values.length, place = 'Leeds' } = {}) {
  const finite = values.filter((x) => Number.isFinite(x));
  const missing = Math.max(0, total - finite.length);
  if (ind.kind === 'change') return classifyChange(ind, finite, { missing, place, geographyPlural });
  if (ind.kind === 'decile' || ind.kind === 'quintile') {
    const n = ind.kind === 'decile' ? 10 : 5;
    const colours = n === 10 ? VIRIDIS10 : VIRIDIS5;
    const local = ind.local;
    const counts = Array.from({ length: n }, (_, i) => finite.filter((x) => x === i + 1).length);
    const labels = Array.from({ length: n }, (_, i) => {
      const d = i + 1;
      if (d === 1) return local ? '1 · most deprived 20% of the district' : '1 · most deprived 10% in England';
      if (d === n) return `${n} · least deprived`;
      return String(d);
    });
    return {
      type: 'categorical',
      values: Array.from({ length: n }, (_, i) => i + 1),
      colours,
      labels,
      counts,
      missing,
      note: local
        ? 'Local measure: fifths of the district’s LSOAs by national rank; not comparable between districts.'
        : '1 = most deprived 10% in England, 10 = least deprived 10%.',
    };
  }
  const breaks = quantileBreaks(finite, 5);
  const k = breaks.length + 1;
  const palette = k === 5 ? VIRIDIS5 : VIRIDIS10.filter((_, i) => i % Math.floor(10 / k) === 0).slice(0, k);
  // ascending values → colours: worse end darkest.
  const colours = ind.polarity === 'higher_is_better' ? palette.slice() : palette.slice().reverse();
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  const edges = [lo, ...breaks, hi];
  const labels = [];
  const counts = [];
  for (let i = 0; i < k; i++) {
    const a = edges[i];
    const b = edges[i + 1];
    if (i === k - 1 && formatBreak(a, ind) === formatBreak(b, ind)) labels.push(formatBreak(a, ind));
    else labels.push(`${formatBreak(a, ind)} – ${i === k - 1 ? formatBreak(b, ind) : `under ${formatBreak(b, ind)}`}`);
    counts.push(finite.filter((x) => x >= a && (i === k - 1 ? x <= b : x < b)).length);
  }
  const worse = ind.polarity === 'higher_is_worse' ? 'higher is worse' : ind.polarity === 'higher_is_better' ? 'lower is worse' : '';
  return {
    type: 'classed',
    breaks,
    colours,
    labels,
    counts,
    missing,
    note: `Classes: quintiles of the ${finite.length} ${place} ${geographyPlural} (equal numbers of areas in each colour)${worse ? `; darker = worse (${worse})` : ''}.`,
  };
}

export function fillColorExpression(ind, cls) {
  if (cls.type === 'categorical') {
    const pairs = cls.values.flatMap((v, i) => [v, cls.colours[i]]);
    return ['case', ['has', ind.id], ['match', ['round', ['to-number', ['get', ind.id]]], ...pairs, NO_DATA], NO_DATA];
  }
  if (!cls.breaks.length) return ['case', ['has', ind.id], cls.colours[0], NO_DATA];
  const steps = cls.breaks.flatMap((b, i) => [b, cls.colours[i + 1]]);
  return ['case', ['has', ind.id], ['step', ['to-number', ['get', ind.id]], cls.colours[0], ...steps], NO_DATA];
}

/** The colour a value gets (legend, table swatches, tests). */
export function colourFor(value, cls) {
  if (!Number.isFinite(value)) return NO_DATA;
  if (cls.type === 'categorical') {
    const i = cls.values.indexOf(Math.round(value));
    return i < 0 ? NO_DATA : cls.colours[i];
  }
  let i = 0;
  while (i < cls.breaks.length && value >= cls.breaks[i]) i++;
  return cls.colours[i];
}

/** Relative luminance of a #rrggbb colour (WCAG 2). */
export function luminance(hex) {
  const n = parseInt(hex.slice(1), 16);
  const ch = [(n >> 16) & 255, (n >> 8) & 255, n & 255].map((c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * ch[0] + 0.7152 * ch[1] + 0.0722 * ch[2];
}

/** WCAG 2 contrast ratio of two #rrggbb colours, 1 to 21. */
export function contrastRatio(a, b) {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/** Black or white text on a swatch, whichever contrasts more. */
export function textOn(hex) {
  return luminance(hex) > 0.179 ? '#000' : '#fff';
}

// GP practices sit on top of the viridis choropleth, so they must not borrow its colours: a
// single-hue sequential orange ramp (ColorBrewer "Oranges", colour-blind safe; viridis has no
// orange or brown), lighter to darker = lower to higher, and every circle ringed white inside
// dark. Whatever colour lies under a circle, one of its two rings contrasts with it by at least
// 3:1, WCAG's threshold for graphics (tests/browser/contrast.test.mjs checks every choropleth
// colour as drawn).
export const PRACTICE_RAMP = ['#feedde', '#fdbe85', '#fd8d3c', '#e6550d', '#a63603'];
export const PRACTICE_RINGS = { inner: '#ffffff', outer: '#1a1a1a' };
