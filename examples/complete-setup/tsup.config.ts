import { defineConfig } from 'tsup';

// An application: ESM entries, no declarations. worker.mjs is the module the pool's workers load.
export default defineConfig({
  entry: { main: 'src/main.ts', worker: 'src/worker.ts' },
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  sourcemap: true,
  clean: true,
  outExtension: () => ({ js: '.mjs' }),
});
