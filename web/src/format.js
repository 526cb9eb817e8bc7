// Number formatting, fixed to en-GB so that output does not depend on the browser's locale.

const nf = (min, max) => new Intl.NumberFormat('en-GB', { minimumFractionDigits: min, maximumFractionDigits: max });
const cache = new Map();
function fmtNum(v, digits) {
  const key = digits;
  if (!cache.has(key)) cache.set(key, nf(digits, digits));
  return cache.get(key).format(v);
}

export const isNum = (v) => typeof v === 'number' && Number.isFinite(v);

/** The unit word shown after a value, or '' when the value carries it (%, years, m). */
export function isShare(ind) {
  return ind.kind === 'share';
}
export function isMetres(ind) {
  return /^metres\b/.test(ind.unit || '');
}

/** A value formatted for display with its unit where that is short. */
export function formatValue(v, ind, { short = false } = {}) {
  if (!isNum(v)) return 'no data';
  switch (ind.kind) {
    case 'share':
      return `${fmtNum(v * 100, 1)}%`;
    case 'decile':
    case 'quintile':
    case 'rank':
    case 'percentile':
      return fmtNum(v, 0);
    case 'count':
      return fmtNum(v, 0);
    case 'change':
      return v > 0 ? `+${fmtNum(v, 0)}` : v < 0 ? `−${fmtNum(-v, 0)}` : '0';
    case 'years':
      return short ? fmtNum(v, 1) : `${fmtNum(v, 1)} years`;
    default:
      if (isMetres(ind)) return `${fmtNum(v, 0)} m`;
      return fmtNum(v, Math.min(ind.decimals ?? 2, 2));
  }
}

/** Class break formatting: fewer digits than values. */
export function formatBreak(v, ind) {
  if (!isNum(v)) return '';
  if (ind.kind === 'share') return `${fmtNum(v * 100, 0)}%`;
  if (ind.kind === 'years') return fmtNum(v, 1);
  if (isMetres(ind)) return `${fmtNum(v, 0)} m`;
  if (ind.kind === 'count') return fmtNum(v, 0);
  return fmtNum(v, Math.abs(v) >= 100 ? 0 : 1);
}

export const formatInt = (v) => (isNum(v) ? fmtNum(v, 0) : '–');
export const formatFixed = (v, d) => (isNum(v) ? fmtNum(v, d) : '–');
export const formatPct = (v, d = 1) => (isNum(v) ? `${fmtNum(v * 100, d)}%` : '–');

export function escapeHtml(s) {
  return String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}
