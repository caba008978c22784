// enableAllPatches on a machine where the native conv addon does not load: the report says so and
// warns with the fix, instead of throwing. (Its own file: it mocks the conv router.)
import { expect, it, vi } from 'vitest';

vi.mock('@rocm-patch/conv-bypass', async (importOriginal) => {
  const real = await importOriginal<typeof import('@rocm-patch/conv-bypass')>();
  const router = {
    strategy: 'auto',
    get capabilities(): never {
      throw new real.NativeAddonError(
        [{ path: '/x/build/Release/rocm_patch_conv.node', error: 'not found' }],
        null,
      );
    },
  };
  return { ...real, getConvRouter: () => router };
});

const { enableAllPatches } = await import('../src/index.js');

it('reports an addon that does not load instead of throwing', async () => {
  const warnings: string[] = [];
  const report = await enableAllPatches({
    environment: false,
    convBypass: false,
    onWarning: (m) => warnings.push(m),
  });
  expect(report.convDevice).toMatch(/^none: @rocm-patch\/conv-bypass: could not load its native addon/);
  expect(warnings).toEqual([expect.stringMatching(/npm rebuild @rocm-patch\/conv-bypass/)]);
});
