// doctor when the native conv addon does not load (the "missing native binary" of the troubleshooting
// guide): the loader's error is printed and the exit code is 1.
import { NativeAddonError } from '@rocm-patch/conv-bypass';
import { expect, it, vi } from 'vitest';

vi.mock('@rocm-patch/conv-bypass', async (importOriginal) => {
  const real = await importOriginal<typeof import('@rocm-patch/conv-bypass')>();
  return {
    ...real,
    loadAddon: () => {
      throw new real.NativeAddonError(
        [{ path: '/x/build/Release/rocm_patch_conv.node', error: 'not found' }],
        null,
      );
    },
  };
});

const { main } = await import('../src/cli-main.js');

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: { stdout: { write: (t: string) => out.push(t) }, stderr: { write: (t: string) => err.push(t) } },
    out,
    err,
  };
}

it('doctor exits 1 and shows how to rebuild when the addon does not load', async () => {
  const { io: streams, out } = io();
  const code = await main(['doctor', '--no-commands'], streams);
  expect(code).toBe(1);
  expect(out.join('')).toMatch(/Conv self-test: FAILED, the native conv addon does not load/);
  expect(out.join('')).toMatch(/npm rebuild @rocm-patch\/conv-bypass/);
});

it('doctor --json carries the error in selfTest', async () => {
  const { io: streams, out } = io();
  expect(await main(['doctor', '--no-commands', '--json'], streams)).toBe(1);
  const json = JSON.parse(out.join(''));
  expect(json.selfTest.error).toMatch(/rocm_patch_conv\.node/);
  expect(NativeAddonError).toBeTypeOf('function');
});
