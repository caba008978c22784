/**
 * What is known about each AMD GPU architecture: one typed table, each row citing its public sources.
 * Decisions about the installed stack use what detection finds (the archs the installed rocBLAS ships
 * kernels for); `officialKernels` is only the fallback when that cannot be read.
 */

export type GpuFamily =
  | 'GCN4'
  | 'GCN5'
  | 'CDNA'
  | 'CDNA2'
  | 'CDNA3'
  | 'RDNA1'
  | 'RDNA2'
  | 'RDNA3'
  | 'RDNA3.5'
  | 'RDNA4';

/** How a known problem is worked around. */
export type Remedy =
  | { kind: 'env'; env: Readonly<Record<string, string>> }
  | { kind: 'package'; package: string; detail: string };

export interface KnownProblem {
  /** Stable id other packages test for, e.g. `miopen-conv-hang`. */
  id: string;
  component: 'miopen' | 'rocblas' | 'runtime';
  summary: string;
  remedy: Remedy;
  source: string;
}

export interface ArchKnowledge {
  arch: string;
  family: GpuFamily;
  /** Marketing names of products with this arch (examples, not exhaustive). */
  names: readonly string[];
  /** PCI device ids (lowercase hex) of chips with this arch (examples, not exhaustive). */
  pciDeviceIds: readonly string[];
  /** Only found in APUs (integrated, sharing system memory). */
  apuOnly: boolean;
  /** Which ROCm releases ship kernels for it, in words. */
  rocmKernels: string;
  /** Whether AMD's official ROCm builds ship kernels for it (the fallback when detection cannot tell). */
  officialKernels: boolean;
  /** The HSA_OVERRIDE_GFX_VERSION value that makes a stack without its kernels use a compatible target. */
  override: string | null;
  /** Variables it needs whatever the stack (gfx803: ROC_ENABLE_PRE_VEGA=1). */
  requiredEnv: Readonly<Record<string, string>>;
  /** No maintained ROCm release supports it any more. */
  noModernSupport: boolean;
  problems: readonly KnownProblem[];
  /** Public sources of the row (URLs or document names). */
  sources: readonly string[];
}

/** Problem ids other packages ask about. */
export const PROBLEM_MIOPEN_CONV_HANG = 'miopen-conv-hang';
export const PROBLEM_MIOPEN_WINOGRAD_FAULT = 'miopen-winograd-fault';

const SUPPORT_MATRIX =
  'ROCm system requirements, supported GPUs: https://rocm.docs.amd.com/projects/install-on-linux/en/latest/reference/system-requirements.html';
const GFX1010_REGRESSION =
  'https://github.com/ROCm/ROCm/issues/2527 (gfx1010 on ROCm 5.3 and newer; RDNA1 never officially supported)';
const GFX103X_OVERRIDE =
  'https://github.com/ROCm/ROCm/issues/2720 (no TensileLibrary for gfx1031; HSA_OVERRIDE_GFX_VERSION=10.3.0)';
const GFX1036_OVERRIDE =
  'https://github.com/ROCm/Tensile/issues/1907 (gfx1036 ISA identical to gfx1030; override 10.3.0 unofficial)';
const PRE_VEGA =
  'https://github.com/ROCm/tensorflow-upstream/issues/1305 (gfx8 unsupported since ROCm 4.0); https://github.com/xuhuisheng/rocm-gfx803/issues/22 (ROC_ENABLE_PRE_VEGA=1)';
export const OVERRIDE_SEMANTICS =
  'libhsakmt topology.c (ROCT-Thunk-Interface): HSA_OVERRIDE_GFX_VERSION / HSA_OVERRIDE_GFX_VERSION_<node> = major.minor.stepping';

const CONV_HANG: KnownProblem = {
  id: PROBLEM_MIOPEN_CONV_HANG,
  component: 'miopen',
  summary:
    'MIOpen convolutions hang for inputs larger than about 42×42 (PyTorch on ROCm 5.2, gfx1010 run as gfx1030)',
  remedy: {
    kind: 'package',
    package: '@rocm-patch/conv-bypass',
    detail: 'route convolutions through @rocm-patch/conv-bypass (implicit GEMM kernels, no MIOpen)',
  },
  source: `rocm-patch upstream Python project notes (gfx1010, PyTorch on ROCm 5.2); ${GFX1010_REGRESSION}`,
};

const WINOGRAD_FAULT: KnownProblem = {
  id: PROBLEM_MIOPEN_WINOGRAD_FAULT,
  component: 'miopen',
  summary: 'MIOpen Winograd convolution kernels fault ("Memory access fault - page not present")',
  // MIOPEN_DEBUG_CONV_* are disable switches: 0 turns the solver family off, 1 changes nothing.
  remedy: { kind: 'env', env: { MIOPEN_DEBUG_CONV_WINOGRAD: '0' } },
  source:
    'https://github.com/ROCm/MIOpen/issues/3540; MIOpen docs, debugging and logging (MIOPEN_DEBUG_CONV_WINOGRAD=0 disables Winograd solvers)',
};

function row(
  r: Partial<ArchKnowledge> &
    Pick<
      ArchKnowledge,
      'arch' | 'family' | 'names' | 'pciDeviceIds' | 'rocmKernels' | 'officialKernels' | 'sources'
    >,
): ArchKnowledge {
  return { apuOnly: false, override: null, requiredEnv: {}, noModernSupport: false, problems: [], ...r };
}

export const ARCH_KNOWLEDGE: readonly ArchKnowledge[] = [
  row({
    arch: 'gfx803',
    family: 'GCN4',
    names: [
      'Radeon RX 470/480/570/580/590',
      'Radeon RX 460/560',
      'Radeon RX 550',
      'Radeon R9 Fury/Nano (Fiji)',
    ],
    pciDeviceIds: ['0x67df', '0x67ef', '0x699f', '0x7300'],
    rocmKernels: 'ROCm up to 3.x; AMD stopped supporting gfx8 with ROCm 4.0 (community rebuilds only)',
    officialKernels: false,
    requiredEnv: { ROC_ENABLE_PRE_VEGA: '1' },
    noModernSupport: true,
    sources: [PRE_VEGA, SUPPORT_MATRIX],
  }),
  row({
    arch: 'gfx900',
    family: 'GCN5',
    names: ['Radeon Instinct MI25', 'Radeon RX Vega 56/64', 'Radeon Vega Frontier Edition'],
    pciDeviceIds: ['0x6860', '0x6861', '0x6863', '0x687f'],
    rocmKernels:
      'official in early ROCm releases, later removed from the support matrix; rocBLAS builds may still carry its kernels (detected per install)',
    officialKernels: true,
    sources: [SUPPORT_MATRIX],
  }),
  row({
    arch: 'gfx906',
    family: 'GCN5',
    names: ['Radeon Instinct MI50/MI60', 'Radeon VII', 'Radeon Pro VII'],
    pciDeviceIds: ['0x66a0', '0x66a1', '0x66af'],
    rocmKernels: 'official ROCm releases; deprecated (maintenance only) from the end of the 5.x series',
    officialKernels: true,
    sources: [SUPPORT_MATRIX],
  }),
  row({
    arch: 'gfx908',
    family: 'CDNA',
    names: ['AMD Instinct MI100'],
    pciDeviceIds: ['0x738c', '0x738e'],
    rocmKernels: 'official ROCm releases since 4.0',
    officialKernels: true,
    sources: [SUPPORT_MATRIX],
  }),
  row({
    arch: 'gfx90a',
    family: 'CDNA2',
    names: ['AMD Instinct MI210', 'AMD Instinct MI250', 'AMD Instinct MI250X'],
    pciDeviceIds: ['0x7408', '0x740c', '0x740f'],
    rocmKernels: 'official ROCm releases since 4.5',
    officialKernels: true,
    sources: [SUPPORT_MATRIX],
  }),
  row({
    arch: 'gfx90c',
    family: 'GCN5',
    names: [
      'Radeon Graphics (Renoir/Lucienne/Cezanne/Barcelo APUs, Ryzen 4000/5000)',
      'Radeon RX Vega 6/7/8/11 (APU)',
    ],
    pciDeviceIds: ['0x1636', '0x1638', '0x164c', '0x15e7'],
    apuOnly: true,
    rocmKernels: 'no official ROCm release; runs with the gfx900 kernels through the override',
    officialKernels: false,
    override: '9.0.0',
    sources: [SUPPORT_MATRIX, OVERRIDE_SEMANTICS],
  }),
  row({
    arch: 'gfx942',
    family: 'CDNA3',
    names: ['AMD Instinct MI300X', 'AMD Instinct MI300A', 'AMD Instinct MI325X'],
    pciDeviceIds: ['0x74a0', '0x74a1'],
    rocmKernels: 'official ROCm releases since 6.0',
    officialKernels: true,
    sources: [SUPPORT_MATRIX],
  }),
  ...(['gfx1010', 'gfx1011', 'gfx1012'] as const).map((arch) =>
    row({
      arch,
      family: 'RDNA1',
      names:
        arch === 'gfx1010'
          ? ['Radeon RX 5600 XT', 'Radeon RX 5700', 'Radeon RX 5700 XT']
          : arch === 'gfx1011'
            ? ['Radeon Pro 5600M', 'Radeon Pro V520']
            : ['Radeon RX 5500', 'Radeon RX 5500 XT', 'Radeon Pro W5500'],
      pciDeviceIds: arch === 'gfx1010' ? ['0x731f'] : arch === 'gfx1011' ? ['0x7360'] : ['0x7340'],
      rocmKernels:
        'never in the official support matrix; some rocBLAS/distribution builds list it among their targets (detected per install)',
      officialKernels: false,
      override: '10.3.0',
      problems: arch === 'gfx1010' ? [CONV_HANG] : [],
      sources: [GFX1010_REGRESSION, SUPPORT_MATRIX, OVERRIDE_SEMANTICS],
    }),
  ),
  row({
    arch: 'gfx1030',
    family: 'RDNA2',
    names: [
      'Radeon RX 6800',
      'Radeon RX 6800 XT',
      'Radeon RX 6900 XT',
      'Radeon PRO W6800',
      'Radeon PRO V620',
    ],
    pciDeviceIds: ['0x73a1', '0x73a3', '0x73bf'],
    rocmKernels:
      'official ROCm releases (W6800/V620 in the support matrix); the target other RDNA2 chips override to',
    officialKernels: true,
    sources: [SUPPORT_MATRIX],
  }),
  ...(
    [
      ['gfx1031', ['Radeon RX 6700', 'Radeon RX 6700 XT', 'Radeon RX 6750 XT'], ['0x73df'], false],
      ['gfx1032', ['Radeon RX 6600', 'Radeon RX 6600 XT', 'Radeon RX 6650 XT'], ['0x73ff'], false],
      ['gfx1033', ['Steam Deck APU (Van Gogh)'], ['0x163f'], true],
      ['gfx1034', ['Radeon RX 6400', 'Radeon RX 6500 XT'], ['0x743f'], false],
      ['gfx1035', ['Radeon 660M/680M (Rembrandt APU)'], ['0x1681'], true],
      ['gfx1036', ['Radeon Graphics (Raphael APU, Ryzen 7000/9000 desktop)'], ['0x164e'], true],
    ] as const
  ).map(([arch, names, ids, apuOnly]) =>
    row({
      arch,
      family: 'RDNA2',
      names,
      pciDeviceIds: ids,
      apuOnly,
      rocmKernels:
        'not in the official Linux support matrix; runs with the gfx1030 kernels through the override',
      officialKernels: false,
      override: '10.3.0',
      problems: arch === 'gfx1031' ? [WINOGRAD_FAULT] : [],
      sources: [arch === 'gfx1036' ? GFX1036_OVERRIDE : GFX103X_OVERRIDE, SUPPORT_MATRIX, OVERRIDE_SEMANTICS],
    }),
  ),
  row({
    arch: 'gfx1100',
    family: 'RDNA3',
    names: [
      'Radeon RX 7900 XTX',
      'Radeon RX 7900 XT',
      'Radeon RX 7900 GRE',
      'Radeon PRO W7900',
      'Radeon PRO W7800',
    ],
    pciDeviceIds: ['0x744c'],
    rocmKernels: 'official ROCm releases from the 5.7 series on (Radeon RX 7900 XTX, Radeon PRO W7900)',
    officialKernels: true,
    sources: [SUPPORT_MATRIX],
  }),
  ...(
    [
      ['gfx1101', ['Radeon RX 7700 XT', 'Radeon RX 7800 XT', 'Radeon PRO W7700'], ['0x747e'], false],
      ['gfx1102', ['Radeon RX 7600', 'Radeon RX 7600 XT'], ['0x7480'], false],
      ['gfx1103', ['Radeon 740M/760M/780M (Phoenix APU)'], ['0x15bf'], true],
    ] as const
  ).map(([arch, names, ids, apuOnly]) =>
    row({
      arch,
      family: 'RDNA3',
      names,
      pciDeviceIds: ids,
      apuOnly,
      rocmKernels:
        arch === 'gfx1103'
          ? 'not in the official Linux support matrix; runs with the gfx1100 kernels through the override'
          : 'rocBLAS builds list it among their targets in recent releases; stacks without its kernels need the gfx1100 override',
      officialKernels: arch !== 'gfx1103',
      override: '11.0.0',
      sources: [SUPPORT_MATRIX, OVERRIDE_SEMANTICS],
    }),
  ),
  row({
    arch: 'gfx1150',
    family: 'RDNA3.5',
    names: ['Radeon 880M/890M (Strix Point APU)'],
    pciDeviceIds: ['0x150e'],
    apuOnly: true,
    rocmKernels: 'recent ROCm releases only (check the support matrix)',
    officialKernels: false,
    sources: [SUPPORT_MATRIX],
  }),
  row({
    arch: 'gfx1151',
    family: 'RDNA3.5',
    names: ['Radeon 8050S/8060S (Strix Halo APU)'],
    pciDeviceIds: ['0x1586'],
    apuOnly: true,
    rocmKernels: 'recent ROCm releases only (check the support matrix)',
    officialKernels: false,
    sources: [SUPPORT_MATRIX],
  }),
  row({
    arch: 'gfx1200',
    family: 'RDNA4',
    names: ['Radeon RX 9060 XT'],
    pciDeviceIds: ['0x7590'],
    rocmKernels: 'official ROCm releases from 6.4.1 on',
    officialKernels: true,
    sources: [SUPPORT_MATRIX],
  }),
  row({
    arch: 'gfx1201',
    family: 'RDNA4',
    names: ['Radeon RX 9070', 'Radeon RX 9070 XT', 'Radeon AI PRO R9700'],
    pciDeviceIds: ['0x7550'],
    rocmKernels: 'official ROCm releases from 6.4.1 on',
    officialKernels: true,
    sources: [SUPPORT_MATRIX],
  }),
];

const BY_ARCH = new Map(ARCH_KNOWLEDGE.map((r) => [r.arch, r]));

/** The table row of a gfx arch, or undefined when nothing is known about it. */
export function archKnowledge(arch: string): ArchKnowledge | undefined {
  return BY_ARCH.get(arch);
}

/** Known problems of an arch and their remedies (empty when none are known). */
export function knownProblems(arch: string): readonly KnownProblem[] {
  return BY_ARCH.get(arch)?.problems ?? [];
}

/** The table row whose chips include a PCI device id ("0x731f" or 0x731f). */
export function archKnowledgeByPciId(id: string | number): ArchKnowledge | undefined {
  const key = typeof id === 'number' ? `0x${id.toString(16)}` : id.toLowerCase();
  return ARCH_KNOWLEDGE.find((r) => r.pciDeviceIds.includes(key));
}
