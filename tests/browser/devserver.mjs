// A tiny same-origin front for the browser tests and for development, until `equimap serve`
// serves web/dist itself: static files from web/dist, and /api, /healthz, /tiles proxied to the
// Rust server. When the Rust server has no tile routes yet (404 "no route"), tiles come from
// mocktiles.mjs, built from the atlas directory.
//
//   node devserver.mjs --upstream http://127.0.0.1:8080 [--port 8090] [--root ../../web/dist]
//                      [--atlas ../../boundaries] [--mock auto|always|never]

import http from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createMockTiles } from './mocktiles.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(HERE, '../..');

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.pmtiles': 'application/octet-stream',
};

function proxy(upstream, req, body) {
  return new Promise((res, rej) => {
    const u = new URL(req.url, upstream);
    const r = http.request(u, { method: req.method, headers: { ...req.headers, host: u.host } }, (resp) => {
      const chunks = [];
      resp.on('data', (c) => chunks.push(c));
      resp.on('end', () => res({ status: resp.statusCode, headers: resp.headers, body: Buffer.concat(chunks) }));
      resp.on('error', rej);
    });
    r.on('error', rej);
    if (body && body.length) r.write(body);
    r.end();
  });
}

function readBody(req) {
  return new Promise((res, rej) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => res(Buffer.concat(chunks)));
    req.on('error', rej);
  });
}

export async function startDevServer({
  upstream,
  port = 0,
  root = join(REPO, 'web/dist'),
  atlas = join(REPO, 'boundaries'),
  mock = 'auto',
  files = {}, // extra static files by URL path, e.g. { '/tiles/leeds.pmtiles': '/tmp/leeds.pmtiles' }
} = {}) {
  let mockTiles = null;
  let mockPromise = null;
  const getMock = () => (mockPromise ??= createMockTiles(atlas).then((m) => (mockTiles = m)));
  const stats = { proxied: 0, mocked: 0, static: 0, tileMode: 'unknown' };

  async function serveMock(req, res, origin) {
    const m = mockTiles ?? (await getMock());
    const path = new URL(req.url, origin).pathname;
    let mm = path.match(/^\/tiles\/([a-z0-9_]+)\.json$/);
    if (mm) {
      const tj = m.tileJSON(mm[1], origin);
      if (!tj) return send(res, 404, { 'content-type': 'application/json' }, JSON.stringify({ error: `no tile layer ${mm[1]}`, status: 404 }));
      return send(res, 200, { 'content-type': 'application/json' }, JSON.stringify(tj));
    }
    mm = path.match(/^\/tiles\/([a-z0-9_]+)\/(\d+)\/(\d+)\/(\d+)\.mvt$/);
    if (mm) {
      const t = m.tile(mm[1], +mm[2], +mm[3], +mm[4]);
      if (t === undefined) return send(res, 404, { 'content-type': 'application/json' }, JSON.stringify({ error: 'no such layer', status: 404 }));
      if (t === null) return send(res, 204, {}, '');
      return send(res, 200, { 'content-type': 'application/vnd.mapbox-vector-tile', 'content-encoding': 'gzip' }, t);
    }
    return send(res, 404, { 'content-type': 'application/json' }, JSON.stringify({ error: 'no route', status: 404 }));
  }

  const server = http.createServer(async (req, res) => {
    const origin = `http://${req.headers.host}`;
    const path = decodeURIComponent(new URL(req.url, origin).pathname);
    try {
      if (files[path]) return await serveFile(req, res, files[path]);
      if (path.startsWith('/api/') || path === '/healthz' || path.startsWith('/tiles/')) {
        const isTile = path.startsWith('/tiles/');
        if (isTile && (mock === 'always' || (mock === 'auto' && stats.tileMode === 'mock'))) {
          stats.mocked++;
          return await serveMock(req, res, origin);
        }
        const body = req.method === 'POST' ? await readBody(req) : null;
        const r = await proxy(upstream, req, body);
        if (isTile && mock === 'auto' && stats.tileMode === 'unknown') {
          // The Rust server answers unknown routes with {"error":"no route for ..."}.
          const noRoute = r.status === 404 && /no route/.test(r.body.toString());
          stats.tileMode = noRoute ? 'mock' : 'server';
          if (noRoute) { stats.mocked++; return await serveMock(req, res, origin); }
        }
        stats.proxied++;
        const headers = { ...r.headers };
        delete headers['transfer-encoding'];
        delete headers.connection;
        // TileJSON from the Rust server may name its own origin; keep requests on ours.
        if (isTile && path.endsWith('.json') && r.status === 200) {
          const up = new URL(upstream);
          const text = r.body.toString().replaceAll(`${up.protocol}//${up.host}`, origin);
          delete headers['content-length'];
          return send(res, r.status, headers, text);
        }
        return send(res, r.status, headers, r.body);
      }
      let file = normalize(join(root, path));
      if (!file.startsWith(normalize(root))) return send(res, 403, {}, 'forbidden');
      let st = await stat(file).catch(() => null);
      if (st && st.isDirectory()) { file = join(file, 'index.html'); st = await stat(file).catch(() => null); }
      if (!st) return send(res, 404, { 'content-type': 'application/json' }, JSON.stringify({ error: `no file ${path}`, status: 404 }));
      stats.static++;
      const data = await readFile(file);
      return send(res, 200, { 'content-type': MIME[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-cache' }, data);
    } catch (e) {
      return send(res, 502, { 'content-type': 'application/json' }, JSON.stringify({ error: String(e), status: 502 }));
    }
  });
  // Static file with HTTP Range support (PMTiles reads archives with range requests).
  async function serveFile(req, res, file) {
    const data = await readFile(file);
    stats.static++;
    const type = MIME[extname(file)] ?? 'application/octet-stream';
    const m = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range || '');
    if (!m) return send(res, 200, { 'content-type': type, 'accept-ranges': 'bytes', 'content-length': data.length }, data);
    let start = m[1] === '' ? data.length - Number(m[2]) : Number(m[1]);
    let end = m[1] === '' || m[2] === '' ? data.length - 1 : Math.min(Number(m[2]), data.length - 1);
    if (start > end || start >= data.length) return send(res, 416, { 'content-range': `bytes */${data.length}` }, '');
    return send(res, 206, { 'content-type': type, 'accept-ranges': 'bytes', 'content-range': `bytes ${start}-${end}/${data.length}`, 'content-length': end - start + 1 }, data.subarray(start, end + 1));
  }

  function send(res, status, headers, body) {
    res.writeHead(status, headers);
    res.end(body);
  }
  if (mock === 'always') await getMock();
  await new Promise((r) => server.listen(port, '127.0.0.1', r));
  const url = `http://127.0.0.1:${server.address().port}`;
  return { url, server, stats, close: () => new Promise((r) => server.close(r)), warm: getMock };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = Object.fromEntries(
    process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []),
  );
  const s = await startDevServer({
    upstream: args.upstream ?? 'http://127.0.0.1:8080',
    port: Number(args.port ?? 8090),
    root: args.root ? resolve(args.root) : undefined,
    atlas: args.atlas ? resolve(args.atlas) : undefined,
    mock: args.mock ?? 'auto',
  });
  console.log(`equimap dev server on ${s.url} (upstream ${args.upstream ?? 'http://127.0.0.1:8080'})`);
}
