import { describe, expect, it } from 'vitest';
import { archFromGfxTargetVersion } from '../src/arch.js';

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
