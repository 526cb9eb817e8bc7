// Drawing a polygon on the map, shared by the site tool and the footprint builder: click to add
// corners; click the first corner, double-click or press Enter to close the shape; Backspace
// removes the last corner, Escape stops. With a keyboard: move the map with the arrow keys and
// add a corner at the map centre. The draft is drawn in the style's `draft` source.
// Reading a GeoJSON file is here too, so both tools accept the same files.

const EMPTY = { type: 'FeatureCollection', features: [] };

/** The largest file either tool reads. */
export const MAX_FILE_BYTES = 5 * 1024 * 1024;

export class PolygonDrawer {
  /**
   * @param app the App (its `drawing` flag keeps map clicks from opening profiles)
   * @param {{status: (msg: string) => void, changed: () => void, finished: (feature: object) => void}} hooks
   */
  constructor(app, hooks) {
    this.app = app;
    this.map = app.map;
    this.hooks = hooks;
    this.vertices = [];
    this.drawing = false;
    this.onClick = this.onClick.bind(this);
    this.onKey = this.onKey.bind(this);
    this.onDblClick = this.onDblClick.bind(this);
  }

  start() {
    this.vertices = [];
    this.drawing = true;
    this.app.drawing = true;
    this.map.getCanvas().style.cursor = 'crosshair';
    this.map.doubleClickZoom.disable();
    this.map.on('click', this.onClick);
    this.map.on('dblclick', this.onDblClick);
    document.addEventListener('keydown', this.onKey);
    this.draft();
    this.hooks.status('Drawing: click the map to add corners.');
    this.hooks.changed();
  }

  stop() {
    if (!this.drawing) return;
    this.drawing = false;
    this.app.drawing = false;
    this.map.getCanvas().style.cursor = '';
    this.map.off('click', this.onClick);
    this.map.off('dblclick', this.onDblClick);
    document.removeEventListener('keydown', this.onKey);
    setTimeout(() => this.map.doubleClickZoom.enable(), 300);
    this.hooks.changed();
  }

  /** Stop and forget the corners. */
  reset() {
    this.stop();
    this.vertices = [];
    this.draft();
  }

  onKey(e) {
    if (!this.drawing) return;
    const t = e.target;
    if (t && (t.tagName === 'INPUT' || t.tagName === 'SELECT' || t.tagName === 'TEXTAREA')) return;
    if (e.key === 'Enter' && this.vertices.length >= 3 && t?.tagName !== 'BUTTON') {
      e.preventDefault();
      this.finish();
    } else if (e.key === 'Backspace') {
      e.preventDefault();
      this.vertices.pop();
      this.draft();
      this.hooks.changed();
    } else if (e.key === 'Escape') {
      this.reset();
      this.hooks.status('Drawing stopped.');
    }
  }

  onClick(e) {
    const p = [e.lngLat.lng, e.lngLat.lat];
    if (this.vertices.length >= 3) {
      const first = this.map.project(this.vertices[0]);
      if (Math.hypot(first.x - e.point.x, first.y - e.point.y) < 12) {
        this.finish();
        return;
      }
    }
    this.add(p);
  }

  onDblClick(e) {
    e.preventDefault();
    // The two clicks of a double-click each added a corner; drop the duplicate.
    if (this.vertices.length >= 2) {
      const a = this.map.project(this.vertices[this.vertices.length - 1]);
      const b = this.map.project(this.vertices[this.vertices.length - 2]);
      if (Math.hypot(a.x - b.x, a.y - b.y) < 6) this.vertices.pop();
    }
    if (this.vertices.length >= 3) this.finish();
  }

  /** Add a corner at the map centre (the keyboard's way to draw). */
  addCentre() {
    const c = this.map.getCenter();
    this.add([c.lng, c.lat]);
  }

  add(p) {
    this.vertices.push(p);
    this.draft();
    const n = this.vertices.length;
    this.hooks.status(`${n} corner${n === 1 ? '' : 's'}${n >= 3 ? '; finish the shape when ready' : ''}.`);
    this.hooks.changed();
  }

  draft(closed = false) {
    const v = this.vertices;
    const features = v.map((c) => ({ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: c } }));
    if (v.length >= 3) {
      features.push({ type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [[...v, v[0]]] } });
    } else if (v.length === 2) {
      features.push({ type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates: v } });
    }
    if (closed) features.splice(0, v.length);
    this.map.getSource('draft')?.setData({ type: 'FeatureCollection', features });
  }

  clearDraft() {
    this.map.getSource('draft')?.setData(EMPTY);
  }

  get canFinish() {
    return this.drawing && this.vertices.length >= 3;
  }

  finish() {
    if (this.vertices.length < 3) return;
    this.stop();
    const ring = [...this.vertices, this.vertices[0]];
    this.draft(true);
    this.hooks.finished({ type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [ring] } });
  }
}

/**
 * Read an uploaded file as text, refusing one over the limit. Resolves to {text} or {error}.
 */
export async function readUpload(file) {
  if (file.size > MAX_FILE_BYTES) return { error: `${file.name} is over 5 MB, the limit.` };
  try {
    return { text: await file.text() };
  } catch (e) {
    return { error: `${file.name} could not be read: ${e.message}` };
  }
}

/** Parse text as JSON, or null when it is not JSON. */
export function parseJSON(text) {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
