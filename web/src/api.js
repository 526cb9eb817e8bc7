// Fetch helpers. Every request goes to our own origin; errors are the server's JSON {error, status}.

export class ApiError extends Error {
  constructor(message, status) {
    super(message);
    this.status = status;
  }
}

async function check(r) {
  if (r.ok) return r;
  let message = `${r.status} ${r.statusText}`;
  try {
    const body = await r.json();
    if (body && body.error) message = body.error;
  } catch {
    /* not JSON */
  }
  throw new ApiError(message, r.status);
}

export async function getJSON(url, { signal } = {}) {
  const r = await fetch(url, { signal, headers: { accept: 'application/json' } });
  return (await check(r)).json();
}

export async function post(url, body, { signal, type = 'application/json' } = {}) {
  const r = await fetch(url, { method: 'POST', body, signal, headers: { 'content-type': type } });
  return check(r);
}

const cache = new Map();
/** GET with an in-memory cache (catalogue, rank rows, gradients: the atlas is read-only). */
export function cachedJSON(url) {
  if (!cache.has(url)) {
    const p = getJSON(url).catch((e) => {
      cache.delete(url);
      throw e;
    });
    cache.set(url, p);
  }
  return cache.get(url);
}

export const qs = (params) =>
  Object.entries(params)
    .filter(([, v]) => v !== undefined && v !== null && v !== '')
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');

/** Save a Blob under a file name (downloads of POST answers). */
export function saveBlob(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}
