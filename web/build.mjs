// Build the web map into dist/: our ES modules and CSS bundled and minified with esbuild, plus
// MapLibre GL JS and its CSS copied as they are published, index.html and the runtime config.js.
// Deterministic: the same sources and lockfile give byte-identical output (no timestamps, no
// absolute paths; chunk names are content hashes). equimap serve gzips the text files itself.
//   node build.mjs            build once and print gzip sizes
//   node build.mjs --watch    rebuild on change

import * as esbuild from 'esbuild';
import { copyFile, mkdir, readFile, readdir, rm } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = dirname(fileURLToPath(import.meta.url));
const dist = join(root, 'dist');
const watch = process.argv.includes('--watch');

const options = {
  absWorkingDir: root,
  entryPoints: [
    { in: 'src/main.js', out: 'app' },
    { in: 'src/app.css', out: 'app' },
  ],
  outdir: dist,
  entryNames: '[name]',
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true, // pmtiles is loaded only in PMTiles mode, as its own chunk
  format: 'esm',
  target: ['es2020', 'chrome90', 'firefox90', 'safari15'],
  minify: true,
  sourcemap: false,
  legalComments: 'none',
  charset: 'utf8',
  logLevel: 'warning',
  metafile: true,
};

async function copyStatic() {
  const ml = join(root, 'node_modules/maplibre-gl/dist');
  await copyFile(join(ml, 'maplibre-gl.js'), join(dist, 'maplibre-gl.js'));
  await copyFile(join(ml, 'maplibre-gl.css'), join(dist, 'maplibre-gl.css'));
  await copyFile(join(ml, 'LICENSE.txt'), join(dist, 'maplibre-gl.LICENSE.txt'));
  await copyFile(join(root, 'index.html'), join(dist, 'index.html'));
  await copyFile(join(root, 'config.js'), join(dist, 'config.js'));
}

async function files(dir) {
  const out = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await files(p)));
    else out.push(p);
  }
  return out.sort();
}

async function report() {
  const rows = [];
  let ours = 0;
  let oursGz = 0;
  for (const f of await files(dist)) {
    const buf = await readFile(f);
    const gz = gzipSync(buf, { level: 9 }).length;
    const name = relative(dist, f);
    const isOurs = !name.startsWith('maplibre-gl') && /\.(js|css|html)$/.test(name) && !name.startsWith('chunks/');
    if (isOurs) {
      ours += buf.length;
      oursGz += gz;
    }
    rows.push(`${name.padEnd(34)} ${String(buf.length).padStart(9)} B  ${String(gz).padStart(8)} B gzip${isOurs ? '  (ours)' : ''}`);
  }
  console.log(rows.join('\n'));
  console.log(`our JS+CSS+HTML (excluding MapLibre and the PMTiles-mode chunk): ${ours} B, ${oursGz} B gzip`);
  return { ours, oursGz };
}

await rm(dist, { recursive: true, force: true });
await mkdir(dist, { recursive: true });
if (watch) {
  const ctx = await esbuild.context(options);
  await copyStatic();
  await ctx.watch();
  console.log('watching src/ …');
} else {
  const result = await esbuild.build(options);
  await copyStatic();
  await report();
  if (process.argv.includes('--analyze')) console.log(await esbuild.analyzeMetafile(result.metafile));
}
