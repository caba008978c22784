// A GPU runtime already in the process when enableAllPatches() runs: the report warns that the
// environment comes too late. (Its own file: enableAllPatches keeps process-wide state.)
import { expect, it } from 'vitest';
import { enableAllPatches, markGpuRuntimeLoaded } from '../src/index.js';
import { gfx1010Tree, homeEnv } from './tree.js';

it('warns when a GPU runtime was loaded before the environment was set', async () => {
  markGpuRuntimeLoaded('libamdhip64 (loaded by a test)');
  const warnings: string[] = [];
  const env = homeEnv();
  const report = await enableAllPatches({
    environment: { root: gfx1010Tree(), env },
    convBypass: false,
    onWarning: (m) => warnings.push(m),
  });
  expect(report.warnings).toEqual(warnings);
  const late = report.warnings.find((w) => /GPU runtime already loaded/.test(w));
  expect(late).toMatch(/libamdhip64 \(loaded by a test\)/);
  expect(late).toMatch(/HSA_OVERRIDE_GFX_VERSION/); // names what may not take effect
  // The variables are still set, for child processes.
  expect(env.HSA_OVERRIDE_GFX_VERSION).toBe('10.3.0');
});
