// The district's trajectory in its profile: life expectancy by sex, its slope index of
// inequality and under-75 preventable mortality over time against England (/api/trends), each as
// a line chart and a table, with periods, units, source and the Fingertips attribution.

import { cachedJSON, qs } from './api.js';
import { escapeHtml as esc, formatFixed, isNum } from './format.js';

// Okabe–Ito colours (safe for colour-blind readers); the district is a solid line with circles,
// England a dashed line with squares, so the chart reads in greyscale too.
const SEX_COLOUR = { Male: '#0072b2', Female: '#d55e00', Persons: '#000000' };
const COLOUR_NAME = { Male: 'blue', Female: 'orange', Persons: 'black' };

/** A line chart of one indicator: each sex for the district and England. */
export function trendChart(group, districtName, { width = 360, height = 204 } = {}) {
  const { def, series } = group;
  const periods = def.periods;
  const vals = series.flatMap((s) => s.points.flatMap((p) => [p.district, p.england])).filter(isNum);
  if (!vals.length) return '';
  let lo = Math.min(...vals);
  let hi = Math.max(...vals);
  const span = hi - lo || 1;
  lo -= span * 0.1;
  hi += span * 0.1;
  const m = { l: 40, r: 24, t: 10, b: 54 };
  const iw = width - m.l - m.r;
  const ih = height - m.t - m.b;
  const x = (i) => m.l + (periods.length === 1 ? iw / 2 : (i * iw) / (periods.length - 1));
  const y = (v) => m.t + ih - ((v - lo) / (hi - lo)) * ih;
  const out = [];
  for (let k = 0; k <= 3; k++) {
    const v = lo + ((hi - lo) * k) / 3;
    out.push(`<line x1="${m.l}" x2="${width - m.r}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#e0e0e0"/>`);
    out.push(`<text x="${m.l - 4}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end" class="tick">${esc(formatFixed(v, span < 5 ? 1 : 0))}</text>`);
  }
  periods.forEach((p, i) => {
    if (periods.length > 8 && i % 2) return;
    out.push(`<text x="${x(i).toFixed(1)}" y="${m.t + ih + 14}" text-anchor="middle" class="tick">${esc(p)}</text>`);
  });
  for (const s of series) {
    const colour = SEX_COLOUR[s.sex] || '#000';
    for (const [key, dash, who] of [['england', '5 3', 'England'], ['district', '', districtName]]) {
      const pts = s.points.map((p, i) => (isNum(p[key]) ? [x(i), y(p[key]), p] : null)).filter(Boolean);
      if (pts.length > 1) {
        out.push(`<polyline points="${pts.map(([a, b]) => `${a.toFixed(1)},${b.toFixed(1)}`).join(' ')}" fill="none" stroke="${colour}" stroke-width="2"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`);
      }
      for (const [a, b, p] of pts) {
        const title = `<title>${esc(who)}, ${esc(s.sex.toLowerCase())}, ${esc(p.period)}: ${esc(formatFixed(p[key], def.decimals))} ${esc(def.unit)}</title>`;
        out.push(
          key === 'district'
            ? `<circle cx="${a.toFixed(1)}" cy="${b.toFixed(1)}" r="3.5" fill="${colour}" stroke="#fff" stroke-width="1">${title}</circle>`
            : `<rect x="${(a - 3).toFixed(1)}" y="${(b - 3).toFixed(1)}" width="6" height="6" fill="#fff" stroke="${colour}" stroke-width="1.5">${title}</rect>`,
        );
      }
    }
  }
  out.push(`<text x="${m.l}" y="${height - 20}" class="tick">solid, circles: ${esc(districtName)} · dashed, squares: England</text>`);
  out.push(`<text x="${m.l}" y="${height - 6}" class="tick">${series.map((s) => `${COLOUR_NAME[s.sex] || ''}: ${s.sex.toLowerCase()}`).join(' · ')}</text>`);
  const label = `${def.label}, ${def.unit}, ${periods[0]} to ${periods[periods.length - 1]}. ${series
    .map((s) => {
      const last = [...s.points].reverse().find((p) => isNum(p.district));
      return last ? `${s.sex}: ${districtName} ${formatFixed(last.district, def.decimals)} in ${last.period}, England ${formatFixed(last.england, def.decimals)}` : '';
    })
    .filter(Boolean)
    .join('; ')}. Lines: solid ${districtName}, dashed England; ${series.map((s) => `${COLOUR_NAME[s.sex] || ''}: ${s.sex.toLowerCase()}`).join(' · ')}.`;
  return `<svg class="chart trend" role="img" aria-label="${esc(label)}" width="100%" viewBox="0 0 ${width} ${height}" preserveAspectRatio="xMinYMin meet">${out.join('')}</svg>`;
}

/** The table of one indicator: a row per period, for each sex the district, England and OHID's comparison. */
export function trendTable(group, districtName) {
  const { def, series } = group;
  const head = series
    .map((s) => `<th scope="col" class="num">${esc(districtName)}, ${esc(s.sex.toLowerCase())}</th><th scope="col" class="num">England, ${esc(s.sex.toLowerCase())}</th><th scope="col">Compared with England</th>`)
    .join('');
  const rows = def.periods
    .map((period) => {
      const mark = def.caveat_periods?.includes(period) ? ' <abbr title="See the note below the table">†</abbr>' : '';
      const cells = series
        .map((s) => {
          const p = s.points.find((q) => q.period === period) || {};
          const cmp = p.compared_to_england && p.compared_to_england !== 'Not compared' ? p.compared_to_england : '–';
          return `<td class="num">${isNum(p.district) ? esc(formatFixed(p.district, def.decimals)) : 'not published'}</td><td class="num">${isNum(p.england) ? esc(formatFixed(p.england, def.decimals)) : '–'}</td><td>${esc(cmp)}</td>`;
        })
        .join('');
      return `<tr data-period="${esc(period)}"><th scope="row">${esc(period)}${mark}</th>${cells}</tr>`;
    })
    .join('');
  return `<div class="table-wrap" role="region" aria-label="${esc(def.label)} by period" tabindex="0"><table class="data trend-table" data-indicator="${esc(def.id)}">
    <caption>${esc(def.label)} (${esc(def.unit)})</caption>
    <thead><tr><th scope="col">Period</th>${head}</tr></thead><tbody>${rows}</tbody></table></div>`;
}

/** Series grouped by indicator, in the order served. */
export function groupSeries(data) {
  const groups = [];
  for (const s of data.series) {
    let g = groups.find((x) => x.def.id === s.id);
    if (!g) {
      g = { def: s, series: [] };
      groups.push(g);
    }
    g.series.push(s);
  }
  return groups;
}

export function renderTrends(data) {
  const name = data.name;
  const groups = groupSeries(data);
  const figures = groups
    .map(({ def, series }) => {
      const caveat = def.caveat ? `<p class="small caveat-note">${def.caveat_periods?.length ? '† ' : ''}${esc(def.caveat)}</p>` : '';
      return `<figure class="trend" data-indicator="${esc(def.id)}">
        <figcaption><strong>${esc(def.label)}</strong><br><small>${esc(def.unit)} · ${esc(def.periods[0])} to ${esc(def.periods[def.periods.length - 1])} · ${esc(def.source)}</small></figcaption>
        ${trendChart({ def, series }, name)}
        ${trendTable({ def, series }, name)}
        ${caveat}
      </figure>`;
    })
    .join('');
  const csv = `api/trends?${qs({ district: data.code, format: 'csv' })}`;
  return `<p class="muted">${esc(name)} against England over time, as OHID publishes them. “Compared with England” is OHID’s own judgement (on the 95% confidence interval, which these files do not carry).</p>
    ${figures}
    <p class="actions no-print"><a class="btn" href="${csv}" download>Download trends CSV</a></p>
    <p class="small attribution-note">${data.attribution.map(esc).join(' ')}</p>`;
}

/** Fill the profile's trends section for a district. */
export async function drawTrends(root, code) {
  const holder = root.querySelector('[data-role="trends"]');
  if (!holder) return;
  holder.innerHTML = '<p class="muted">Loading…</p>';
  try {
    const data = await cachedJSON(`api/trends?${qs({ district: code })}`);
    holder.innerHTML = renderTrends(data);
  } catch (e) {
    holder.innerHTML = `<p class="muted">No trends for this district: ${esc(e.message)}</p>`;
  }
}
