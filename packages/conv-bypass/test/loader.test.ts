// The loader: one error listing every path tried, the underlying error and how to rebuild.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ADDON_PATH_ENV, addonCandidates, loadAddon, NativeAddonError } from '../src/index.js';

describe('loadAddon', () => {
  it('loads the addon of this package', () => {
    const a = loadAddon();
    expect(typeof a.conv2dForward).toBe('function');
    expect(typeof a.gpuBackend).toBe('string');
  });

  it('tries $ROCM_PATCH_CONV_ADDON first, then build/Release and build/Debug', () => {
    expect(addonCandidates('/pkg', { [ADDON_PATH_ENV]: '/elsewhere/x.node' })).toEqual([
      '/elsewhere/x.node',
      join('/pkg', 'build', 'Release', 'rocm_patch_conv.node'),
      join('/pkg', 'build', 'Debug', 'rocm_patch_conv.node'),
    ]);
  });

  it('throws one error listing every path tried and how to rebuild when nothing is there', () => {
    const candidates = addonCandidates('/nonexistent/conv-bypass', {});
    let error: unknown;
    try {
      loadAddon(candidates);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(NativeAddonError);
    const e = error as NativeAddonError;
    for (const path of candidates) expect(e.message).toContain(`${path}: not found`);
    // What to run, in order: npm 11's approval of the install script, then the build.
    expect(e.message).toContain(
      '\n  npm install-scripts approve @rocm-patch/conv-bypass\n  npm rebuild @rocm-patch/conv-bypass\n',
    );
    expect(e.message).toContain(ADDON_PATH_ENV);
    expect(e.attempts).toHaveLength(2);
  });

  it('includes the underlying error of a file that fails to load', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rocm-patch-addon-'));
    const bogus = join(dir, 'rocm_patch_conv.node');
    writeFileSync(bogus, 'not a shared library');
    let error: unknown;
    try {
      loadAddon([bogus, join(dir, 'missing.node')]);
    } catch (e) {
      error = e;
    }
    const e = error as NativeAddonError;
    expect(e).toBeInstanceOf(NativeAddonError);
    expect(e.attempts[0]!.path).toBe(bogus);
    expect(e.attempts[0]!.error).not.toBe('not found');
    expect(e.message).toMatch(/invalid ELF header|too short|not a valid/i);
    expect(e.cause).toBeInstanceOf(Error);
  });
});
