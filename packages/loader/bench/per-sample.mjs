#!/usr/bin/env node
// Where an ImageFolderDataset sample's time goes: each stage of getItem timed on its own, on the loader
// benchmark's folder (2,000 256×256 JPEGs, quality 90 → 224×224 CHW float32), one thread, best of
// `--passes` interleaved passes over `--images` files (a shared machine's noise only ever adds time).
// The stages are internal modules, so this bundles them from src/ with esbuild (a devDependency of the
// repository) into a temporary file first (under the package's node_modules/.cache).
//
//   node packages/loader/bench/per-sample.mjs [--root DIR] [--images 400] [--passes 5]
// DIR defaults to the folder `npm run bench -w @rocm-patch/loader` generates.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: {
    root: { type: 'string', default: join(tmpdir(), 'rocm-patch-loader-bench-v1-2000') },
    images: { type: 'string', default: '400' },
    passes: { type: 'string', default: '5' },
    json: { type: 'boolean', default: false },
  },
});
const images = Number(args.images);
const passes = Number(args.passes);
for (const [name, v] of [
  ['--images', images],
  ['--passes', passes],
]) {
  if (!Number.isInteger(v) || v < 1) throw new RangeError(`${name} must be a positive integer, got ${v}`);
}
if (!existsSync(args.root)) {
  throw new Error(
    `--root ${args.root}: no such folder; run npm run bench -w @rocm-patch/loader once to make it`,
  );
}

const src = new URL('../src/', import.meta.url);
const { build } = await import('esbuild');
// Inside the package, so that the bundle resolves sharp and the workspace packages as the sources do.
const cache = new URL('../node_modules/.cache/', import.meta.url).pathname;
mkdirSync(cache, { recursive: true });
const dir = mkdtempSync(join(cache, 'per-sample-'));
const stages = join(dir, 'stages.mjs');
await build({
  stdin: {
    contents: `export { decodeJpeg } from ${JSON.stringify(new URL('jpeg-decode.ts', src).pathname)};
export { normaliseTable, resampleNormalise } from ${JSON.stringify(new URL('resample.ts', src).pathname)};
export { ImageFolderDataset } from ${JSON.stringify(new URL('image-folder.ts', src).pathname)};`,
    resolveDir: src.pathname,
    loader: 'ts',
  },
  bundle: true,
  platform: 'node',
  format: 'esm',
  external: ['sharp', '@rocm-patch/*'],
  outfile: stages,
  logLevel: 'error',
});
writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
try {
  const { decodeJpeg, normaliseTable, resampleNormalise, ImageFolderDataset } = await import(
    pathToFileURL(stages).href
  );
  const sharp = (await import('sharp')).default;
  sharp.concurrency(1);
  sharp.cache(false);
  const ds = new ImageFolderDataset({ root: args.root, sharpConcurrency: 1, sharpCache: false });
  const step = Math.max(1, Math.floor(ds.length / images));
  const indices = Array.from({ length: Math.min(images, ds.length) }, (_, i) => i * step);
  const files = indices.map((i) => readFileSync(ds.samples[i][0]));
  const table = normaliseTable(ds.mean, ds.std);
  const stagesToTime = {
    readFileSync: (i) => readFileSync(ds.samples[indices[i]][0]),
    'decode (WebAssembly libjpeg-turbo)': (i) => decodeJpeg(files[i]),
    'resize + normalise (WebAssembly, copies in and out)': (i) =>
      resampleNormalise(decodeJpeg(files[i]), 224, 224, table),
    'sharp: decode (before)': (i) => sharp(files[i]).raw().toBuffer(),
    'sharp: decode + resize (before)': (i) =>
      sharp(files[i]).resize(224, 224, { fit: 'fill' }).raw().toBuffer(),
    getItem: (i) => ds.getItem(indices[i]),
  };
  const best = {};
  for (let pass = 0; pass < passes; pass++) {
    for (const [name, fn] of Object.entries(stagesToTime)) {
      const start = performance.now();
      for (let i = 0; i < files.length; i++) await fn(i);
      const ms = (performance.now() - start) / files.length;
      best[name] = Math.min(best[name] ?? Number.POSITIVE_INFINITY, ms);
    }
  }
  // The resize stage ran after a decode of its own: take the decode out again.
  best['resize + normalise (WebAssembly, copies in and out)'] -= best['decode (WebAssembly libjpeg-turbo)'];
  if (args.json) {
    process.stdout.write(
      `${JSON.stringify({ benchmark: '@rocm-patch/loader per-sample', images: files.length, passes, msPerSample: best })}\n`,
    );
  } else {
    process.stdout.write(`ms per sample, best of ${passes} passes over ${files.length} images:\n`);
    for (const [name, ms] of Object.entries(best))
      process.stdout.write(`  ${name.padEnd(52)} ${ms.toFixed(3)}\n`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
