// The shareable state lives in the URL hash:
//   #layer=imd2025_decile&geo=lsoa21&map=11.2/53.8/-1.55&area=lsoa21/E01011264&panel=profile&ov=wards,district,basemap,gp
// Reloading the URL reproduces the layer, geography, view, open panel and selected area, a
// footprint being built (`fp=`, its definition as JSON) and a "where I live" point (`where=`).

const DEFAULT_OVERLAYS = ['wards', 'district', 'basemap'];

export function parseHash(hash = location.hash) {
  const p = new URLSearchParams(hash.replace(/^#/, ''));
  const s = {};
  if (p.get('layer')) s.layer = p.get('layer');
  if (p.get('geo')) s.geo = p.get('geo');
  const m = (p.get('map') || '').split('/').map(Number);
  if (m.length === 3 && m.every(Number.isFinite)) s.view = { zoom: m[0], lat: m[1], lon: m[2] };
  const a = (p.get('area') || '').split('/');
  if (a.length === 2 && a[0] && a[1]) s.area = { geography: a[0], code: a[1] };
  if (p.get('panel')) s.panel = p.get('panel');
  const g = (p.get('gp') || '').split('/');
  if (g.length === 2 && (g[0] === 'practice' || g[0] === 'pcn') && g[1]) s.gp = { kind: g[0], code: g[1] };
  if (p.get('pr')) s.practices = p.get('pr');
  if (p.has('fp')) readFootprint(p.get('fp'), s);
  const w = p.get('where');
  if (w) s.where = readWhere(w);
  s.overlays = p.has('ov') ? p.get('ov').split(',').filter(Boolean) : DEFAULT_OVERLAYS.slice();
  return s;
}

/** A footprint definition from a link (`fp=`, the JSON of POST /api/custom-area): a usable one
 * goes to `s.footprint`, anything else to `s.footprintError`, saying what is wrong. */
function readFootprint(text, s) {
  let spec;
  try {
    spec = JSON.parse(text);
  } catch {
    s.footprintError = 'The footprint in this link is damaged (it is not readable JSON); it may have been cut short when the link was copied.';
    return;
  }
  const codes = Array.isArray(spec?.codes) && spec.codes.every((c) => typeof c === 'string');
  const polygon = spec?.geometry && typeof spec.geometry === 'object';
  if (!spec || typeof spec !== 'object' || typeof spec.name !== 'string' || !(polygon || (codes && typeof spec.geography === 'string'))) {
    s.footprintError = 'The footprint in this link is damaged: it needs a name and either a geography with a list of codes, or a polygon.';
    return;
  }
  s.footprint = spec;
}

/** "LS6 1AN" (a postcode or place) or "-1.56074,53.80781" (a point). */
export function readWhere(text) {
  const m = String(text).trim().match(/^(-?\d+(?:\.\d+)?),\s*(-?\d+(?:\.\d+)?)$/);
  return m ? { lon: Number(m[1]), lat: Number(m[2]) } : { q: String(text).trim() };
}

export function formatHash(s) {
  const parts = [];
  if (s.layer) parts.push(`layer=${encodeURIComponent(s.layer)}`);
  if (s.geo) parts.push(`geo=${encodeURIComponent(s.geo)}`);
  if (s.view) parts.push(`map=${s.view.zoom.toFixed(2)}/${s.view.lat.toFixed(5)}/${s.view.lon.toFixed(5)}`);
  if (s.area) parts.push(`area=${encodeURIComponent(s.area.geography)}/${encodeURIComponent(s.area.code)}`);
  if (s.panel) parts.push(`panel=${encodeURIComponent(s.panel)}`);
  if (s.gp) parts.push(`gp=${encodeURIComponent(s.gp.kind)}/${encodeURIComponent(s.gp.code)}`);
  if (s.practices) parts.push(`pr=${encodeURIComponent(s.practices)}`);
  if (s.footprint) parts.push(`fp=${encodeURIComponent(JSON.stringify(s.footprint))}`);
  if (s.where) parts.push(`where=${encodeURIComponent(s.where.q ?? `${s.where.lon.toFixed(5)},${s.where.lat.toFixed(5)}`)}`);
  if (s.overlays) parts.push(`ov=${s.overlays.join(',')}`);
  return `#${parts.join('&')}`;
}

let pending = null;
/** Write the state to the URL without adding history entries (debounced). */
export function writeHash(s) {
  clearTimeout(pending);
  pending = setTimeout(() => {
    const h = formatHash(s);
    if (h !== location.hash) history.replaceState(null, '', h);
  }, 150);
}

export function writeHashNow(s) {
  clearTimeout(pending);
  const h = formatHash(s);
  if (h !== location.hash) history.replaceState(null, '', h);
}
