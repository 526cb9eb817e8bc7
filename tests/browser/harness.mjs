// Shared set-up for the browser tests: the real equimap server on a free port, serving the map,
// the API and the tiles itself, and a headless system Chromium driven by playwright-core, which
// records console errors and every request to a host other than the test server.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const HERE = dirname(fileURLToPath(import.meta.url));
export const REPO = resolve(HERE, '../..');
export const SHOTS = join(HERE, 'screenshots');

export function freePort() {
  return new Promise((res, rej) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
    s.on('error', rej);
  });
}

async function waitFor(url, ms = 60000) {
  const t0 = Date.now();
  for (;;) {
    try {
      const r = await fetch(url);
      if (r.ok) return;
    } catch {
      /* not yet */
    }
    if (Date.now() - t0 > ms) throw new Error(`${url} did not answer within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Build web/dist if it is missing (npm ci && npm run build in web/). */
export function ensureWebBuild() {
  const web = join(REPO, 'web');
  if (process.env.EQUIMAP_SKIP_WEB_BUILD) return;
  if (!existsSync(join(web, 'node_modules'))) {
    const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: web, stdio: 'inherit' });
    if (r.status !== 0) throw new Error('npm ci in web/ failed');
  }
  const r = spawnSync('npm', ['run', 'build'], { cwd: web, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('npm run build in web/ failed');
}

/** The equimap binary: EQUIMAP_BIN, else target/debug/equimap (built with cargo if missing). */
export function equimapBin() {
  const bin = resolve(REPO, process.env.EQUIMAP_BIN || 'target/debug/equimap');
  if (!existsSync(bin)) {
    const release = bin.includes('/release/');
    const r = spawnSync('cargo', ['build', ...(release ? ['--release'] : []), '-p', 'equimap'], { cwd: REPO, stdio: 'inherit' });
    if (r.status !== 0) throw new Error('cargo build failed');
  }
  return bin;
}

/** Start `equimap serve` with extra arguments on a free port; resolves once /healthz answers. */
export async function startEquimap(args = []) {
  const bin = equimapBin();
  const port = await freePort();
  const proc = spawn(bin, ['serve', '--atlas', join(REPO, 'boundaries'), '--addr', `127.0.0.1:${port}`, ...args], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, RUST_LOG: 'warn' },
  });
  let log = '';
  proc.stdout.on('data', (d) => (log += d));
  proc.stderr.on('data', (d) => (log += d));
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor(`${url}/healthz`, 120000);
  } catch (e) {
    proc.kill();
    throw new Error(`${e.message}\n${log}`);
  }
  return {
    url,
    log: () => log,
    stop: () =>
      new Promise((r) => {
        proc.once('exit', r);
        proc.kill('SIGTERM');
      }),
  };
}

/** Start the real server on the committed atlas; it must serve the web map at /. */
export async function startStack(args = []) {
  ensureWebBuild();
  const srv = await startEquimap(args);
  const index = await fetch(`${srv.url}/`).then((r) => (r.ok ? r.text() : '')).catch(() => '');
  if (!/equimap/.test(index) || !/maplibre-gl\.js/.test(index)) {
    await srv.stop();
    throw new Error(`equimap does not serve the web map at ${srv.url}/ (is web/dist built?)\n${srv.log()}`);
  }
  return { base: srv.url, apiBase: srv.url, log: srv.log, stop: srv.stop };
}

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--ignore-gpu-blocklist',
];

/** Launch Chromium with a fresh profile. */
export async function launch() {
  const userDataDir = mkdtempSync(join(tmpdir(), 'equimap-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 800 },
    deviceScaleFactor: 1,
    acceptDownloads: true,
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/**
 * A page that records console errors, page errors, failed requests and requests to any host
 * other than `base`.
 */
export async function watchedPage(context, base) {
  const page = await context.newPage();
  const origin = new URL(base).origin;
  const problems = { console: [], pageErrors: [], foreign: [], failed: [] };
  const requests = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.console.push(m.text());
  });
  page.on('pageerror', (e) => problems.pageErrors.push(String(e)));
  page.on('request', (r) => {
    const u = r.url();
    requests.push(u);
    if (u.startsWith('data:') || u.startsWith('blob:') || u === 'about:blank') return;
    if (new URL(u).origin !== origin) problems.foreign.push(u);
  });
  page.on('requestfailed', (r) => {
    const f = r.failure()?.errorText || '';
    if (!/ERR_ABORTED/.test(f)) problems.failed.push(`${r.url()} ${f}`);
  });
  return { page, problems, requests };
}

export function shotPath(name) {
  mkdirSync(SHOTS, { recursive: true });
  return join(SHOTS, `${name}.png`);
}

/** Wait until the app has drawn its choropleth and the map is idle. */
export async function waitForMap(page, { timeout = 60000 } = {}) {
  await page.waitForFunction(() => window.__equimap?.timings?.firstChoropleth && document.body.dataset.ready === 'true', null, { timeout });
  await waitIdle(page, timeout);
}

/** Wait until the map has no pending tiles or transitions. */
export async function waitIdle(page, timeout = 60000) {
  await page.waitForFunction(
    () =>
      new Promise((resolve) => {
        const map = window.__equimap?.map;
        if (!map) return resolve(false);
        if (map.loaded() && map.areTilesLoaded() && !map.isMoving()) {
          // one more frame so that the drawing buffer holds the final render
          requestAnimationFrame(() => requestAnimationFrame(() => resolve(true)));
        } else map.once('idle', () => resolve(true));
      }),
    null,
    { timeout },
  );
}
