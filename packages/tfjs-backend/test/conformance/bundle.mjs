// Bundles tfjs-core's conformance suite with the backend (from source) into one CommonJS file.
// esbuild must ignore tfjs-core's `sideEffects` annotations, or it drops the spec files, and must resolve
// tfjs-core through its ESM entry (dist/index.js, the module the specs import) so that the backend, the
// cpu backend and the specs share one engine. The native addon's package stays external: it finds its
// .node file relative to itself.

import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export async function bundleConformance(outfile) {
  const here = dirname(fileURLToPath(import.meta.url));
  await build({
    entryPoints: [join(here, 'entry.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    mainFields: ['module', 'main'],
    ignoreAnnotations: true,
    external: [
      '@rocm-patch/conv-bypass',
      '@rocm-patch/conv-bypass/*',
      '@rocm-patch/env',
      'jasmine',
      'jasmine-core',
      'jasmine-core/*',
    ],
    logLevel: 'error',
  });
  return outfile;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = process.argv[2];
  if (!out) throw new Error('usage: node bundle.mjs OUTFILE.cjs');
  await bundleConformance(out);
}
