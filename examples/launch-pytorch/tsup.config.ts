import { defineConfig } from 'tsup';

// An application: one ESM entry, no declarations.
export default defineConfig({
  entry: { main: 'src/main.ts' },
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  sourcemap: true,
  clean: true,
  outExtension: () => ({ js: '.mjs' }),
});
