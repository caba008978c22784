import { defineConfig } from 'tsup';

// An application, not a library: one ESM entry, no declarations; dependencies stay external.
export default defineConfig({
  entry: { main: 'src/main.ts' },
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  sourcemap: true,
  clean: true,
  outExtension: () => ({ js: '.mjs' }),
});
