import { describe, expect, it } from 'vitest';
import { archFromGfxTargetVersion, archOfGfxVersion, gfxVersionOfArch, normalizeArch } from '../src/arch.js';

describe('archFromGfxTargetVersion', () => {
  it.each([
    [100100, 'gfx1010'],
    [90012, 'gfx90c'],
    [110000, 'gfx1100'],
    [100300, 'gfx1030'],
    [90010, 'gfx90a'],
  ])('%i → %s', (v, name) => {
    expect(archFromGfxTargetVersion(v)).toBe(name);
  });
  it('treats 0 as a CPU node', () => {
    expect(archFromGfxTargetVersion(0)).toBeNull();
  });
  it('rejects garbage', () => {
    expect(() => archFromGfxTargetVersion(-1)).toThrow(/gfx_target_version/);
  });
});

describe('normalizeArch', () => {
  it.each([
    ['amdgcn-amd-amdhsa--gfx1010:xnack-', 'gfx1010'],
    ['gfx1010:xnack-', 'gfx1010'],
    ['gfx90c', 'gfx90c'],
    ['gfx1036', 'gfx1036'],
    ['GFX1100', 'gfx1100'],
    // rocm-smi's decimal form
    ['gfx9010', 'gfx90a'],
    ['gfx11002', 'gfx1102'],
    ['gfx9012', 'gfx90c'],
    ['gfx9006', 'gfx906'],
  ])('%s → %s', (text, arch) => {
    expect(normalizeArch(text)).toBe(arch);
  });
  it('returns null without a gfx name', () => {
    expect(normalizeArch('AMD Ryzen 7 3700X')).toBeNull();
    expect(normalizeArch('gfx')).toBeNull();
    expect(normalizeArch('gfx123456789')).toBeNull();
  });
});

describe('override spellings', () => {
  it('gfx name ↔ major.minor.stepping', () => {
    expect(gfxVersionOfArch('gfx1030')).toBe('10.3.0');
    expect(gfxVersionOfArch('gfx90c')).toBe('9.0.12');
    expect(archOfGfxVersion('10.3.0')).toBe('gfx1030');
    expect(archOfGfxVersion('9.0.12')).toBe('gfx90c');
    expect(archOfGfxVersion(' 11.0.0 ')).toBe('gfx1100');
  });
  it('rejects what libhsakmt rejects', () => {
    for (const bad of ['10.3', '10.3.0.1', 'abc', '', '64.0.0', '10.3.x'])
      expect(archOfGfxVersion(bad)).toBeNull();
    expect(() => gfxVersionOfArch('sm_86')).toThrow(RangeError);
  });
});
