// The shareable state lives in the URL hash:
//   #layer=imd2025_decile&geo=lsoa21&map=11.2/53.8/-1.55&area=lsoa21/E01011264&panel=profile&ov=wards,district,basemap,gp
// Reloading the URL reproduces the layer, geography, view, open panel and selected area.

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
  s.overlays = p.has('ov') ? p.get('ov').split(',').filter(Boolean) : DEFAULT_OVERLAYS.slice();
  return s;
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
