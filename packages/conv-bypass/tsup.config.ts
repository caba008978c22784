import { defineConfig } from 'tsup';
import { libraryPreset } from '../../scripts/tsup-preset.js';

export default defineConfig(
  libraryPreset({
    index: 'src/index.ts',
    // The TF.js patch: a subpath export, so users without TF.js never load it.
    tfjs: 'src/tfjs/index.ts',
    // The device context and tensor kernels, for @rocm-patch/tfjs-backend (one addon owns the GPU).
    device: 'src/device/index.ts',
    // The vendor-probe worker: @rocm-patch/mp process workers load it by file (dist/probe-worker.mjs).
    'probe-worker': 'src/probe/worker.ts',
  }),
);
