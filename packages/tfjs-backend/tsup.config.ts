import { defineConfig } from 'tsup';
import { libraryPreset } from '../../scripts/tsup-preset.js';

export default defineConfig(libraryPreset({ index: 'src/index.ts' }));
