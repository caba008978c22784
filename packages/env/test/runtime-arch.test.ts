import { describe, expect, it } from 'vitest';
import { runtimeArch } from '../src/runtime-arch.js';
import type { GpuInfo } from '../src/types.js';

const gpu = (over: Partial<GpuInfo> = {}): GpuInfo => ({
  index: 0,
  vendor: 'amd',
  name: 'RX 5700',
  arch: 'gfx1010',
  family: 'RDNA1',
  integrated: false,
  vramBytes: null,
  gttBytes: null,
  computeUnits: null,
  waveSize: null,
  ldsBytes: null,
  pciDeviceId: null,
  kfdNode: 1,
  renderMinor: null,
  uniqueId: null,
  busId: null,
  ...over,
});

describe('runtimeArch', () => {
  it('is the GPU arch without overrides', () => {
    expect(runtimeArch(gpu(), {})).toBe('gfx1010');
  });
  it('follows the global, then the per-node override', () => {
    expect(runtimeArch(gpu(), { HSA_OVERRIDE_GFX_VERSION: '10.3.0' })).toBe('gfx1030');
    expect(
      runtimeArch(gpu(), { HSA_OVERRIDE_GFX_VERSION: '10.3.0', HSA_OVERRIDE_GFX_VERSION_1: '11.0.0' }),
    ).toBe('gfx1100');
    expect(runtimeArch(gpu({ kfdNode: 2 }), { HSA_OVERRIDE_GFX_VERSION_1: '11.0.0' })).toBe('gfx1010');
  });
  it('is null for NVIDIA and for an invalid override', () => {
    expect(runtimeArch(gpu({ vendor: 'nvidia', arch: 'sm_86' }), {})).toBeNull();
    expect(runtimeArch(gpu(), { HSA_OVERRIDE_GFX_VERSION: 'ten' })).toBeNull();
  });
});
