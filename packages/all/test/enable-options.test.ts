// Unknown option keys anywhere in enableAllPatches' options are refused before any step runs.
import { describe, expect, it } from 'vitest';
import {
  appliedEnvironment,
  enableAllPatches,
  loaderDefaults,
  Progress,
  runBackendSelfTest,
  runConvSelfTest,
  setupMultiprocessing,
} from '../src/index.js';

describe('enableAllPatches with a misspelt option', () => {
  it.each([
    [
      { conVBypass: false },
      /^enableAllPatches: options\.conVBypass is not an option — did you mean options\.convBypass\?/,
    ],
    [
      { environment: { pinToDiscreet: false } },
      /options\.environment\.pinToDiscreet is not an option — did you mean options\.environment\.pinToDiscrete\?/,
    ],
    [
      { multiprocessing: { maxRestart: 1 } },
      /options\.multiprocessing\.maxRestart is not an option — did you mean options\.multiprocessing\.maxRestarts\?/,
    ],
    [
      { dataLoader: { numWorker: 4 } },
      /options\.dataLoader\.numWorker is not an option — did you mean options\.dataLoader\.numWorkers\?/,
    ],
  ])('%j is a TypeError suggesting the right name, and no step has run', async (options, message) => {
    const mpBefore = setupMultiprocessing();
    const loaderBefore = loaderDefaults();
    await expect(enableAllPatches({ environment: false, ...options } as never)).rejects.toThrow(message);
    expect(appliedEnvironment()).toBeNull();
    expect(setupMultiprocessing()).toEqual(mpBefore);
    expect(loaderDefaults()).toBe(loaderBefore);
  });
});

describe('the other options objects of @rocm-patch/all', () => {
  it('Progress, runConvSelfTest and runBackendSelfTest refuse a misspelt option', async () => {
    expect(() => new Progress({ total: 3, lablel: 'x' } as never)).toThrow(
      /^new Progress: options\.lablel is not an option — did you mean options\.label\?/,
    );
    await expect(runConvSelfTest({ oncheck: () => {} } as never)).rejects.toThrow(
      /^runConvSelfTest: options\.oncheck is not an option — did you mean options\.onCheck\?/,
    );
    await expect(runBackendSelfTest({ Tf: {} } as never)).rejects.toThrow(
      /^runBackendSelfTest: options\.Tf is not an option — did you mean options\.tf\?/,
    );
  });
});
