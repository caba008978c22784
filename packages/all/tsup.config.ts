import { defineConfig } from 'tsup';
import { libraryPreset, withCli } from '../../scripts/tsup-preset.js';

export default defineConfig(withCli(libraryPreset({ index: 'src/index.ts' }), { cli: 'src/cli.ts' }));
