// Type-ahead search over /api/search, as an ARIA 1.2 combobox with a listbox popup.
// Postcodes and places drop a marker and open the LSOA profile (with its ward and MSOA);
// areas open their own profile and zoom to them.

import { getJSON, qs } from './api.js';
import { escapeHtml as esc } from './format.js';
import { geoLabel } from './catalogue.js';

export function initSearch(app, { input, list, status }) {
  let results = [];
  let active = -1;
  let timer = null;
  let controller = null;
  let lastQuery = '';

  const open = (on) => {
    list.hidden = !on;
    input.setAttribute('aria-expanded', String(on));
    if (!on) {
      active = -1;
      input.removeAttribute('aria-activedescendant');
    }
  };

  const render = () => {
    list.innerHTML = results
      .map((r, i) => {
        const detail = r.kind === 'area' ? r.detail || geoLabel(r.area?.geography) : r.detail || r.kind;
        return `<li role="option" id="search-opt-${i}" aria-selected="${i === active}" data-i="${i}"><span class="opt-main">${esc(r.label)}</span> <span class="opt-kind">${esc(detail)}</span></li>`;
      })
      .join('');
    open(results.length > 0);
    if (active >= 0) input.setAttribute('aria-activedescendant', `search-opt-${active}`);
    else input.removeAttribute('aria-activedescendant');
  };

  const setActive = (i) => {
    active = i;
    for (const li of list.children) li.setAttribute('aria-selected', String(Number(li.dataset.i) === i));
    if (i >= 0) {
      input.setAttribute('aria-activedescendant', `search-opt-${i}`);
      list.children[i]?.scrollIntoView({ block: 'nearest' });
    } else input.removeAttribute('aria-activedescendant');
  };

  async function run(q) {
    controller?.abort();
    controller = new AbortController();
    try {
      const data = await getJSON(`api/search?${qs({ q, limit: 8 })}`, { signal: controller.signal });
      if (q !== input.value.trim()) return;
      results = withWhere(data.results || []);
      active = -1;
      render();
      status.textContent = results.length ? `${results.length} result${results.length === 1 ? '' : 's'}; use the arrow keys to choose.` : `No results for “${q}”.`;
    } catch (e) {
      if (e.name === 'AbortError') return;
      results = [];
      render();
      status.textContent = `Search failed: ${e.message}`;
    }
  }

  input.addEventListener('input', () => {
    const q = input.value.trim();
    clearTimeout(timer);
    if (q.length < 2) {
      results = [];
      render();
      return;
    }
    lastQuery = q;
    timer = setTimeout(() => run(q), 160);
  });

  input.addEventListener('keydown', async (e) => {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      if (list.hidden && results.length) render();
      setActive(Math.min(results.length - 1, active + 1));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setActive(Math.max(-1, active - 1));
    } else if (e.key === 'Enter') {
      e.preventDefault();
      const q = input.value.trim();
      if (!results.length || q !== lastQuery) {
        clearTimeout(timer);
        lastQuery = q;
        await run(q);
      }
      const r = results[active >= 0 ? active : 0];
      if (r) choose(r);
    } else if (e.key === 'Escape') {
      if (!list.hidden) {
        e.preventDefault();
        open(false);
      } else input.value = '';
    }
  });

  list.addEventListener('mousedown', (e) => e.preventDefault()); // keep focus in the input
  list.addEventListener('click', (e) => {
    const li = e.target.closest('li[data-i]');
    if (li) choose(results[Number(li.dataset.i)]);
  });
  input.addEventListener('blur', () => setTimeout(() => open(false), 150));

  function choose(r) {
    open(false);
    input.value = r.label;
    status.textContent = `Showing ${r.label}.`;
    app.chooseSearchResult(r);
  }
}

/** After the first postcode or place, an entry for the "where I live" view of it. */
function withWhere(results) {
  const i = results.findIndex((r) => r.kind === 'postcode' || r.kind === 'place');
  if (i < 0) return results;
  const r = results[i];
  const where = { kind: 'where', label: r.label, detail: 'Where I live: every footprint it is in', lon: r.lon, lat: r.lat };
  return [...results.slice(0, i + 1), where, ...results.slice(i + 1)];
}
