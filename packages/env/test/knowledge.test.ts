import { describe, expect, it } from 'vitest';
import { archOfGfxVersion } from '../src/arch.js';
import {
  ARCH_KNOWLEDGE,
  archKnowledge,
  archKnowledgeByPciId,
  knownProblems,
  PROBLEM_MIOPEN_CONV_HANG,
  PROBLEM_MIOPEN_WINOGRAD_FAULT,
} from '../src/knowledge.js';

describe('the knowledge table', () => {
  it('has one row per arch, each citing public sources', () => {
    const archs = ARCH_KNOWLEDGE.map((r) => r.arch);
    expect(new Set(archs).size).toBe(archs.length);
    for (const row of ARCH_KNOWLEDGE) {
      expect(row.sources.length, row.arch).toBeGreaterThan(0);
      expect(
        row.sources.every((s) => /https?:\/\/|docs|topology\.c/.test(s)),
        row.arch,
      ).toBe(true);
      for (const p of row.problems) expect(p.source, p.id).toMatch(/https?:\/\//);
      expect(row.names.length, row.arch).toBeGreaterThan(0);
      expect(
        row.pciDeviceIds.every((id) => /^0x[0-9a-f]{4}$/.test(id)),
        row.arch,
      ).toBe(true);
    }
  });

  it('holds the overrides of the issue', () => {
    const overrides = Object.fromEntries(
      ARCH_KNOWLEDGE.filter((r) => r.override).map((r) => [r.arch, r.override]),
    );
    expect(overrides).toEqual({
      gfx90c: '9.0.0',
      gfx1010: '10.3.0',
      gfx1011: '10.3.0',
      gfx1012: '10.3.0',
      gfx1031: '10.3.0',
      gfx1032: '10.3.0',
      gfx1033: '10.3.0',
      gfx1034: '10.3.0',
      gfx1035: '10.3.0',
      gfx1036: '10.3.0',
      gfx1101: '11.0.0',
      gfx1102: '11.0.0',
      gfx1103: '11.0.0',
    });
  });

  it('points every override at an arch with official kernels in the same family line', () => {
    for (const row of ARCH_KNOWLEDGE.filter((r) => r.override)) {
      const target = archKnowledge(archOfGfxVersion(row.override!)!);
      expect(target?.officialKernels, row.arch).toBe(true);
      expect(target?.override, row.arch).toBeNull();
    }
  });

  it('gfx803: ROC_ENABLE_PRE_VEGA=1, no override, no modern support', () => {
    expect(archKnowledge('gfx803')).toMatchObject({
      override: null,
      requiredEnv: { ROC_ENABLE_PRE_VEGA: '1' },
      noModernSupport: true,
      family: 'GCN4',
    });
  });

  it('answers "known problems for arch X"', () => {
    expect(knownProblems('gfx1010').map((p) => p.id)).toEqual([PROBLEM_MIOPEN_CONV_HANG]);
    expect(knownProblems('gfx1010')[0]!.remedy).toMatchObject({
      kind: 'package',
      package: '@rocm-patch/conv-bypass',
    });
    expect(knownProblems('gfx1031').map((p) => p.id)).toEqual([PROBLEM_MIOPEN_WINOGRAD_FAULT]);
    expect(knownProblems('gfx1031')[0]!.remedy).toEqual({
      kind: 'env',
      env: { MIOPEN_DEBUG_CONV_WINOGRAD: '0' },
    });
    expect(knownProblems('gfx1100')).toEqual([]);
    expect(knownProblems('gfx9999')).toEqual([]);
  });

  it('finds rows by PCI device id, as text or number', () => {
    expect(archKnowledgeByPciId('0x731F')?.arch).toBe('gfx1010');
    expect(archKnowledgeByPciId(0x73df)?.arch).toBe('gfx1031');
    expect(archKnowledgeByPciId(0x1638)?.apuOnly).toBe(true);
    expect(archKnowledgeByPciId('0xffff')).toBeUndefined();
  });

  it('families of the issue', () => {
    const family = (a: string) => archKnowledge(a)?.family;
    expect([
      family('gfx900'),
      family('gfx908'),
      family('gfx1010'),
      family('gfx1030'),
      family('gfx1100'),
      family('gfx1151'),
      family('gfx1201'),
    ]).toEqual(['GCN5', 'CDNA', 'RDNA1', 'RDNA2', 'RDNA3', 'RDNA3.5', 'RDNA4']);
  });
});
