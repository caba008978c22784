// Bundles tfjs-core's own test suite (the conformance suite every TF.js backend runs) behind a setup
// module into one CommonJS file, for scripts/tfjs-conformance/run.cjs:
//   node scripts/tfjs-conformance/bundle.mjs SETUP.ts OUT.cjs
// The setup module registers the backend under test and calls setTestEnvs before any spec loads.
// esbuild must ignore tfjs-core's `sideEffects` annotations (or it drops the spec files) and resolve
// tfjs-core through its ESM entry (dist/index.js, the module the specs import), so that the backends and
// the specs share one engine. Our packages stay external (the native addon finds its .node file relative
// to its own package), and so does jasmine. Write OUT inside the package whose dependencies it needs.
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export async function bundleConformance(setup, outfile) {
  const setupPath = resolve(setup);
  const dir = dirname(setupPath);
  const spec = `./${relative(dir, setupPath).replaceAll('\\', '/')}`;
  await build({
    stdin: {
      contents: `import ${JSON.stringify(spec)};\nimport '@tensorflow/tfjs-core/dist/tests';\n`,
      resolveDir: dir,
      sourcefile: 'conformance-entry.js',
      loader: 'js',
    },
    outfile: resolve(outfile),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    mainFields: ['module', 'main'],
    ignoreAnnotations: true,
    external: ['@rocm-patch/*', 'jasmine', 'jasmine-core', 'jasmine-core/*'],
    logLevel: 'error',
  });
  return resolve(outfile);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [setup, out] = process.argv.slice(2);
  if (!setup || !out) {
    console.error('usage: node scripts/tfjs-conformance/bundle.mjs SETUP.ts OUT.cjs');
    process.exit(2);
  }
  await bundleConformance(setup, out);
}
