// Not type-checked (tsconfig excludes it): it imports this package by name, which resolves only after the
// package is built; esbuild bundles it against that build (scripts/tfjs-conformance/bundle.mjs).
// Setup of tfjs-core's conformance suite (scripts/tfjs-conformance) on tfjs-backend-cpu, with this
// package's conv patch enabled when CONFORMANCE_PATCH=1: the patch must not change what the suite sees.
import * as tf from '@tensorflow/tfjs-core/dist/index.js';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import { enableMiopenBypass } from '@rocm-patch/conv-bypass/tfjs';
import { setTestEnvs } from '@tensorflow/tfjs-core/dist/jasmine_util.js';

setTestEnvs([{ name: 'cpu', backendName: 'cpu', flags: {}, isDataSync: true }]);
if (process.env.CONFORMANCE_PATCH === '1') enableMiopenBypass({ tf, backend: 'cpu' });
