// enableAllPatches() without a tf: it imports @tensorflow/tfjs itself and patches the active backend.
// (Its own file: enableAllPatches keeps process-wide state.)
import { expect, it } from 'vitest';
import { enableAllPatches } from '../src/index.js';
import { gfx1010Tree, homeEnv } from './tree.js';

it('finds TF.js by import when none is given and patches its active backend', async () => {
  const report = await enableAllPatches({
    environment: { root: gfx1010Tree(), env: homeEnv() },
    onWarning: () => {},
  });
  expect(report.steps.convBypass.status).toBe('done');
  expect(report.bypass?.backendName).toBe('cpu');
  const tf = await import('@tensorflow/tfjs');
  expect(report.bypass?.kernelNames).toEqual(expect.arrayContaining(['Conv2D', 'Conv2DBackpropFilter']));
  // The kernel TF.js runs for Conv2D is the patch's: disabling it puts another one back.
  const patched = tf.getKernel('Conv2D', 'cpu')?.kernelFunc;
  report.bypass?.disable();
  expect(tf.getKernel('Conv2D', 'cpu')?.kernelFunc).not.toBe(patched);
});
