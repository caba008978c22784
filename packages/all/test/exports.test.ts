import * as conv from '@rocm-patch/conv-bypass';
import * as convTfjs from '@rocm-patch/conv-bypass/tfjs';
import * as env from '@rocm-patch/env';
import * as loader from '@rocm-patch/loader';
import * as mp from '@rocm-patch/mp';
import { expect, it } from 'vitest';
import * as all from '../src/index.js';

it('re-exports every public value of the four packages', () => {
  const packages = { conv, convTfjs, env, loader, mp };
  for (const [name, mod] of Object.entries(packages)) {
    for (const key of Object.keys(mod)) {
      if (key === 'workerInfo') continue; // the one clash, checked below
      expect(all, `${name}.${key}`).toHaveProperty(key, (mod as Record<string, unknown>)[key]);
    }
  }
});

it('resolves the workerInfo clash explicitly', () => {
  expect(all.workerInfo).toBe(mp.workerInfo);
  expect(all.loaderWorkerInfo).toBe(loader.workerInfo);
});

it('adds its own API', () => {
  expect(typeof all.enableAllPatches).toBe('function');
  expect(typeof all.formatPatchReport).toBe('function');
  expect(typeof all.runConvSelfTest).toBe('function');
  expect(typeof all.Progress).toBe('function');
  for (const fn of [
    'getBackendReport',
    'formatBackendReport',
    'printBackendReport',
    'setStrict',
    'isStrict',
    'loadRocmBackend',
    'runBackendSelfTest',
  ]) {
    expect(typeof (all as Record<string, unknown>)[fn], fn).toBe('function');
  }
});

it('loads @rocm-patch/tfjs-backend only when asked: importing @rocm-patch/all does not register the backend', async () => {
  const tf = await import('@tensorflow/tfjs');
  expect(tf.engine().registryFactory).not.toHaveProperty('rocm');
  const rocm = await all.loadRocmBackend();
  expect(rocm.BACKEND_NAME).toBe('rocm');
  expect(tf.engine().registryFactory).toHaveProperty('rocm');
});
