import { defineConfig } from 'tsup';
import { libraryPreset } from '../../scripts/tsup-preset.js';

// worker: the task module DataLoader workers load; image-folder: the only entry that imports sharp.
export default defineConfig(
  libraryPreset({ index: 'src/index.ts', 'image-folder': 'src/image-folder.ts', worker: 'src/worker.ts' }),
);
