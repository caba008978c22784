import { defineConfig } from 'tsup';
import { libraryPreset } from '../../scripts/tsup-preset.js';

// The worker bootstrap is its own entry: workers start from dist/worker-bootstrap.mjs.
export default defineConfig(
  libraryPreset({ index: 'src/index.ts', 'worker-bootstrap': 'src/worker-bootstrap.ts' }),
);
