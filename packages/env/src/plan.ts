import { accessSync, constants, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { archOfGfxVersion } from './arch.js';
import { relevantEnv } from './env-vars.js';
import { type ArchKnowledge, archKnowledge, OVERRIDE_SEMANTICS } from './knowledge.js';
import { checkOptionKeys, formatValue } from './options.js';
import type { DetectionReport, EnvPlan, Finding, GpuInfo, PlanEntry } from './types.js';

export interface PlanOptions {
  /** Replace variables the user set when the plan wants another value (default false: report a conflict). */
  force?: boolean;
  /** With an integrated and a discrete AMD GPU, make only the discrete one(s) visible (default true). */
  pinToDiscrete?: boolean;
  /** The environment to plan against (default: the values recorded in the report). */
  env?: NodeJS.ProcessEnv;
  /** Values this library set earlier: they may be replaced without a conflict. */
  owned?: Readonly<Record<string, string>>;
}

const PLAN_OPTION_KEYS = ['force', 'pinToDiscrete', 'env', 'owned'] as const;

const SRC_ROCR_VISIBLE =
  'ROCR-Runtime docs, environment variables (ROCR_VISIBLE_DEVICES): https://rocm.docs.amd.com/projects/ROCR-Runtime/en/latest/api-reference/environment_variables.html';
const SRC_MIOPEN_DIRS =
  'MIOpen docs: kernel cache (MIOPEN_CUSTOM_CACHE_DIR, default ~/.cache/miopen) and user performance database (MIOPEN_USER_DB_PATH, default ~/.config/miopen): https://rocm.docs.amd.com/projects/MIOpen/en/latest/';
const SRC_ALLOC =
  'PyTorch docs, HIP (ROCm) semantics: PYTORCH_HIP_ALLOC_CONF takes the PYTORCH_CUDA_ALLOC_CONF options (garbage_collection_threshold, max_split_size_mb): https://pytorch.org/docs/stable/notes/hip.html';

/** Cards with at most this much VRAM get an allocator configuration that fights fragmentation. */
const SMALL_VRAM_BYTES = 8 * 1024 ** 3;
const SMALL_VRAM_ALLOC_CONF = 'garbage_collection_threshold:0.8,max_split_size_mb:128';

interface Treatment {
  gpu: GpuInfo;
  row: ArchKnowledge | undefined;
  /** true/false when known; null when the installed kernels could not be read and the table has no row. */
  native: boolean | null;
  /** How `native` was decided, for reasons and findings. */
  evidence: string;
  override: string | null;
}

function describe(gpu: GpuInfo): string {
  const arch = gpu.arch ?? 'unknown arch';
  return `AMD GPU ${gpu.index} (${gpu.name.includes(arch) ? gpu.name : `${gpu.name}, ${arch}`})`;
}

/** The sources of an override entry, without repeats. */
function overrideSources(row: ArchKnowledge | undefined): string {
  return [...new Set([OVERRIDE_SEMANTICS, ...(row?.sources ?? [])])].join('; ');
}

function treat(gpu: GpuInfo, report: DetectionReport, findings: Finding[]): Treatment {
  const row = gpu.arch ? archKnowledge(gpu.arch) : undefined;
  const archs = report.rocm?.supportedArchs ?? null;
  const where = report.rocm
    ? `ROCm ${report.rocm.version ?? '(unknown version)'} at ${report.rocm.path}`
    : 'no ROCm install';
  let native: boolean | null;
  let evidence: string;
  if (gpu.arch && archs && archs.length > 0) {
    native = archs.includes(gpu.arch);
    evidence = `${where} ${native ? 'ships' : 'ships no'} rocBLAS kernels for ${gpu.arch}`;
  } else if (row) {
    native = row.officialKernels;
    evidence = `${where} (kernels not readable); official ROCm builds ${native ? 'ship' : 'do not ship'} kernels for ${row.arch}`;
  } else {
    native = null;
    evidence = `${where}; nothing known about ${gpu.arch ?? 'this GPU'}`;
    findings.push({
      id: 'unknown-arch',
      severity: 'info',
      message: `${describe(gpu)}: not in the knowledge table and the installed kernels could not be read, so nothing is planned for it`,
      fix: 'If ROCm fails on it, check the ROCm support matrix for its arch.',
    });
  }
  let override: string | null = null;
  if (native === false) {
    if (!row?.override) {
      if (!row?.noModernSupport) {
        findings.push({
          id: 'no-kernels',
          severity: 'error',
          message: `${describe(gpu)}: ${evidence}, and no compatible target is known`,
          fix: 'Install a ROCm release (or a framework build) with kernels for this GPU; the CPU remains available.',
        });
      }
    } else {
      const target = archOfGfxVersion(row.override);
      if (target && archs && archs.length > 0 && !archs.includes(target)) {
        findings.push({
          id: 'override-target-missing',
          severity: 'error',
          message: `${describe(gpu)}: ${evidence}, and none for ${target} either, so HSA_OVERRIDE_GFX_VERSION=${row.override} would not help`,
          fix: `Install a ROCm release that ships ${gpu.arch} or ${target} kernels.`,
        });
      } else {
        override = row.override;
        findings.push({
          id: 'no-native-kernels',
          severity: 'warning',
          message: `${describe(gpu)}: ${evidence}; planning HSA_OVERRIDE_GFX_VERSION=${override} (runs the ${target} kernels; a debugging aid, not official support)`,
          fix: `Run through the plan (rocm-patch-env exec -- CMD, or setupEnvironment() before the GPU runtime loads), or install a ROCm build with ${gpu.arch} kernels.`,
        });
      }
    }
  }
  return { gpu, row, native, evidence, override };
}

/** The UUID ROCr shows for a GPU ("GPU-" and KFD's unique_id in hex), lowercase; null when unknown. */
function runtimeUuid(gpu: GpuInfo): string | null {
  if (!gpu.uniqueId) return null;
  if (/^gpu-/i.test(gpu.uniqueId)) return gpu.uniqueId.toLowerCase();
  return /^\d+$/.test(gpu.uniqueId) && gpu.uniqueId !== '0'
    ? `gpu-${BigInt(gpu.uniqueId).toString(16)}`
    : null;
}

/** Device indices a *_VISIBLE_DEVICES value selects; null when it holds UUIDs or garbage. */
function parseIndexList(value: string): number[] | null {
  const parts = value.split(',').map((p) => p.trim());
  if (parts.length === 0 || parts.some((p) => !/^\d+$/.test(p))) return value.trim() === '' ? [] : null;
  return parts.map(Number);
}

/** Nearest existing ancestor of `dir` is a writable directory. */
function writableDir(dir: string): boolean {
  let d = dir;
  for (;;) {
    try {
      if (!statSync(d).isDirectory()) return false;
      accessSync(d, constants.W_OK);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return false;
    }
    const parent = dirname(d);
    if (parent === d) return false;
    d = parent;
  }
}

function checkContradictions(current: Record<string, string>, amd: GpuInfo[], findings: Finding[]): void {
  for (const [name, value] of Object.entries(current)) {
    if (/^HSA_OVERRIDE_GFX_VERSION(_\d+)?$/.test(name) && archOfGfxVersion(value) === null) {
      findings.push({
        id: 'override-invalid',
        severity: 'error',
        message: `${name}=${JSON.stringify(value)} is not major.minor.stepping (e.g. 10.3.0): the ROCm runtime refuses to start`,
        fix: `unset ${name}, or give it a value like 10.3.0`,
      });
    }
    if (/^MIOPEN_DEBUG_CONV_/.test(name) && value.trim() === '1') {
      findings.push({
        id: 'miopen-switch-noop',
        severity: 'info',
        message: `${name}=1 changes nothing: MIOPEN_DEBUG_CONV_* are disable switches (0 turns a solver family off)`,
        fix: `unset ${name} (or set it to 0 to disable those solvers)`,
      });
    }
  }
  const hip = current.HIP_VISIBLE_DEVICES;
  const cuda = current.CUDA_VISIBLE_DEVICES;
  if (hip !== undefined && cuda !== undefined && hip !== cuda && amd.length > 0) {
    findings.push({
      id: 'visible-devices-contradiction',
      severity: 'warning',
      message: `HIP_VISIBLE_DEVICES=${hip} and CUDA_VISIBLE_DEVICES=${cuda} disagree: HIP reads both, so which GPUs are visible is unclear`,
      fix: 'Set only one of them (HIP_VISIBLE_DEVICES on AMD).',
    });
  }
  // HIP_VISIBLE_DEVICES counts among the GPUs ROCR_VISIBLE_DEVICES left.
  const rocrList =
    current.ROCR_VISIBLE_DEVICES === undefined ? null : parseIndexList(current.ROCR_VISIBLE_DEVICES);
  const counts = {
    ROCR_VISIBLE_DEVICES: amd.length,
    HIP_VISIBLE_DEVICES: rocrList ? rocrList.length : amd.length,
  };
  for (const name of ['ROCR_VISIBLE_DEVICES', 'HIP_VISIBLE_DEVICES'] as const) {
    const value = current[name];
    if (value === undefined || amd.length === 0) continue;
    const bad = parseIndexList(value)?.filter((i) => i >= counts[name]) ?? [];
    if (bad.length > 0) {
      findings.push({
        id: 'visible-devices-out-of-range',
        severity: 'warning',
        message: `${name}=${value} names device(s) ${bad.join(', ')}, but ${counts[name]} AMD GPU(s) are there to choose from`,
        fix: `Use indices 0..${counts[name] - 1} (see the GPU list).`,
      });
    }
  }
}

/** The AMD GPUs the runtime will show, given the visibility variables already set. */
function visibleByUser(amd: GpuInfo[], current: Record<string, string>): GpuInfo[] {
  let visible = amd;
  for (const name of ['ROCR_VISIBLE_DEVICES', 'HIP_VISIBLE_DEVICES'] as const) {
    const value =
      current[name] ?? (name === 'HIP_VISIBLE_DEVICES' ? current.CUDA_VISIBLE_DEVICES : undefined);
    if (value === undefined) continue;
    const list = parseIndexList(value);
    if (list) visible = list.map((i) => visible[i]).filter((g): g is GpuInfo => g !== undefined);
    else {
      const wanted = value.split(',').map((v) => v.trim().toLowerCase());
      visible = visible.filter((g) => runtimeUuid(g) !== null && wanted.includes(runtimeUuid(g)!));
    }
  }
  return visible;
}

/**
 * Plans the environment for the detected machine: the override a GPU without kernels needs, the
 * devices to show, known-problem switches, writable MIOpen directories and an allocator configuration
 * for small cards. Never replaces a value the user set (that is a conflict) unless `force`.
 */
export function planEnvironment(report: DetectionReport, options: PlanOptions = {}): EnvPlan {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`planEnvironment: options must be an object, got ${formatValue(options)}`);
  }
  checkOptionKeys('planEnvironment', 'options', options, PLAN_OPTION_KEYS);
  const current = options.env ? relevantEnv(options.env) : report.env;
  const owned = options.owned ?? {};
  const findings: Finding[] = [];
  const wanted: Omit<PlanEntry, 'action' | 'current'>[] = [];
  const want = (name: string, value: string, reason: string, source: string) => {
    const existing = wanted.find((w) => w.name === name);
    if (!existing) wanted.push({ name, value, reason, source });
  };

  const amd = report.gpus.filter((g) => g.vendor === 'amd');
  checkContradictions(current, amd, findings);

  if (amd.length > 0) {
    const userRestricts = ['ROCR_VISIBLE_DEVICES', 'HIP_VISIBLE_DEVICES', 'CUDA_VISIBLE_DEVICES'].some(
      (n) => n in current,
    );
    let visible = visibleByUser(amd, current);
    const discrete = amd.filter((g) => !g.integrated);
    const integrated = amd.filter((g) => g.integrated);
    if (!userRestricts && (options.pinToDiscrete ?? true) && discrete.length > 0 && integrated.length > 0) {
      visible = discrete;
      want(
        'ROCR_VISIBLE_DEVICES',
        discrete.map((g) => g.index).join(','),
        `show only the discrete GPU(s) ${discrete.map((g) => `${g.index} (${g.arch})`).join(', ')}; the integrated ${integrated
          .map((g) => `${g.index} (${g.arch})`)
          .join(', ')} shares system memory and needs different treatment`,
        SRC_ROCR_VISIBLE,
      );
      findings.push({
        id: 'integrated-gpu-hidden',
        severity: 'info',
        message: `integrated GPU(s) ${integrated.map((g) => `${g.index} (${g.name})`).join(', ')} hidden from ROCm; discrete GPU(s) ${discrete
          .map((g) => g.index)
          .join(', ')} used`,
        fix: 'To use the integrated GPU as well, plan with pinToDiscrete: false (per-device overrides are then planned).',
      });
    }

    const treatments = visible.map((g) => treat(g, report, findings));
    const needing = treatments.filter((t) => t.override !== null);
    const distinct = new Set(treatments.map((t) => t.override));
    if (needing.length > 0 && distinct.size === 1) {
      const t = needing[0]!;
      want(
        'HSA_OVERRIDE_GFX_VERSION',
        t.override!,
        `${t.evidence}; ${t.gpu.arch} runs the ${archOfGfxVersion(t.override!)} kernels (same for every visible GPU)`,
        overrideSources(t.row),
      );
    } else {
      for (const t of needing) {
        if (t.gpu.kfdNode === null) {
          findings.push({
            id: 'override-no-node',
            severity: 'error',
            message: `${describe(t.gpu)} needs HSA_OVERRIDE_GFX_VERSION=${t.override} but other visible GPUs need something else, and its KFD node id is unknown`,
            fix: 'Make only this GPU visible (ROCR_VISIBLE_DEVICES) and set HSA_OVERRIDE_GFX_VERSION yourself.',
          });
          continue;
        }
        want(
          `HSA_OVERRIDE_GFX_VERSION_${t.gpu.kfdNode}`,
          t.override!,
          `${t.evidence}; visible GPUs need different treatment, so the override is per KFD node (needs a libhsakmt that reads per-node overrides)`,
          overrideSources(t.row),
        );
      }
    }
    if (needing.length === 0) {
      const userOverride = Object.keys(current).filter((n) => /^HSA_OVERRIDE_GFX_VERSION(_\d+)?$/.test(n));
      const nativeAll = treatments.length > 0 && treatments.every((t) => t.native === true);
      for (const name of nativeAll ? userOverride : []) {
        findings.push({
          id: 'override-not-needed',
          severity: 'warning',
          message: `${name}=${current[name]} is set, but ${treatments.map((t) => t.evidence).join('; ')}: the override makes the runtime load another arch's kernels`,
          fix: `unset ${name}`,
        });
      }
    }

    // One entry or finding per arch, naming every visible GPU that has it.
    const byArch = new Map<string, { row: ArchKnowledge; gpus: GpuInfo[] }>();
    for (const t of treatments) {
      if (!t.row) continue;
      const group = byArch.get(t.row.arch) ?? { row: t.row, gpus: [] };
      group.gpus.push(t.gpu);
      byArch.set(t.row.arch, group);
    }
    for (const { row, gpus } of byArch.values()) {
      const which = gpus.map(describe).join(', ');
      for (const [name, value] of Object.entries(row.requiredEnv)) {
        want(
          name,
          value,
          `${row.arch} is pre-Vega: the ROCm runtime ignores it unless this is set`,
          row.sources.join('; '),
        );
      }
      if (row.noModernSupport) {
        findings.push({
          id: 'no-modern-support',
          severity: 'warning',
          message: `${which}: ${row.rocmKernels}`,
          fix: 'Use an old ROCm (3.x) or a community gfx803 build; expect no fixes. The CPU or another GPU is the supported path.',
        });
      }
      for (const problem of row.problems) {
        if (problem.remedy.kind === 'env') {
          for (const [name, value] of Object.entries(problem.remedy.env)) {
            want(name, value, `${row.arch}: ${problem.summary}`, problem.source);
          }
        } else {
          findings.push({
            id: problem.id,
            severity: 'warning',
            message: `${which}: ${problem.summary}`,
            fix: `${problem.remedy.detail} (enableAllPatches() from @rocm-patch/all does it)`,
          });
        }
      }
    }

    const small = visible.filter(
      (g) => g.integrated || (g.vramBytes !== null && g.vramBytes <= SMALL_VRAM_BYTES),
    );
    if (small.length > 0) {
      want(
        'PYTORCH_HIP_ALLOC_CONF',
        SMALL_VRAM_ALLOC_CONF,
        `GPU(s) ${small.map((g) => g.index).join(', ')} have little memory (≤ 8 GiB or shared): reclaim cached blocks early and do not split large ones`,
        SRC_ALLOC,
      );
    }

    const env = options.env ?? process.env;
    const home = env.HOME?.trim();
    const defaults = home ? [join(home, '.config', 'miopen'), join(home, '.cache', 'miopen')] : [];
    if (defaults.length === 0 || !defaults.every(writableDir)) {
      const uid = typeof process.getuid === 'function' ? process.getuid() : 'user';
      const base = join(tmpdir(), `rocm-patch-${uid}`, 'miopen');
      const why = home
        ? `the defaults under ${home} are not writable`
        : 'HOME is not set, so the defaults (~/.config/miopen, ~/.cache/miopen) are unusable';
      const dirs = [
        ['MIOPEN_USER_DB_PATH', join(base, 'userdb'), `MIOpen keeps tuning results here; ${why}`],
        ['MIOPEN_CUSTOM_CACHE_DIR', join(base, 'cache'), `MIOpen caches compiled kernels here; ${why}`],
      ] as const;
      // A directory the user chose already answers the question: no conflict over it.
      for (const [name, dir, reason] of dirs)
        if (!(name in current)) want(name, dir, reason, SRC_MIOPEN_DIRS);
    }
  }

  const entries: PlanEntry[] = wanted.map((w) => {
    const cur = current[w.name] ?? null;
    if (cur === null) return { ...w, action: 'set', current: cur };
    if (cur === w.value) return { ...w, action: 'keep', current: cur };
    if (owned[w.name] === cur) return { ...w, action: 'set', current: cur };
    if (options.force)
      return {
        ...w,
        action: 'set',
        reason: `${w.reason} (forced: replaces ${JSON.stringify(cur)})`,
        current: cur,
      };
    findings.push({
      id: 'env-conflict',
      severity: 'warning',
      message: `${w.name} is set to ${JSON.stringify(cur)}; the plan wants ${JSON.stringify(w.value)} because ${w.reason}`,
      fix: `unset ${w.name} to use the plan, or pass --force ({ force: true }) to replace it; your value is kept`,
    });
    return { ...w, action: 'conflict', current: cur };
  });
  return { entries, findings };
}
