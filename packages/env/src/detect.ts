import { constants, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { archFromGfxTargetVersion, normalizeArch } from './arch.js';
import { type CommandOutput, type CommandRunner, systemCommandRunner } from './commands.js';
import { relevantEnv } from './env-vars.js';
import { archKnowledge, archKnowledgeByPciId } from './knowledge.js';
import { checkOptionKeys, formatValue } from './options.js';
import { intValue, parseKeyValues, parseSysfsNumber } from './parse-kfd.js';
import {
  type NvidiaSmiGpu,
  parseNvidiaInformation,
  parseNvidiaSmiCsv,
  parseNvidiaVersion,
} from './parse-nvidia.js';
import { parseRocmSmi, type RocmSmiCard } from './parse-rocm-smi.js';
import { parseRocminfo, type RocminfoAgent } from './parse-rocminfo.js';
import { RootFs } from './root-fs.js';
import type { DetectionReport, Finding, GpuInfo, KfdAccess, NvidiaDriver, RocmInstall } from './types.js';

export interface DetectOptions {
  /** Directory every system path is read under (default "/"); tests point it at a directory tree. */
  root?: string;
  /** The environment to read ROCM_PATH, PATH and the reported variables from (default process.env). */
  env?: NodeJS.ProcessEnv;
  /**
   * Whether to run rocminfo, rocm-smi and nvidia-smi when they are on PATH, or a runner to use instead.
   * Default: true when root is "/", false otherwise (their output would describe another machine).
   */
  commands?: boolean | CommandRunner;
  /** Access check for /dev/kfd (default: the real access(2) under root). */
  canAccess?: (path: string, mode: number) => boolean;
}

const DETECT_OPTION_KEYS = ['root', 'env', 'commands', 'canAccess'] as const;

const AMD_VENDOR = 0x1002;
const GIB = 1024 ** 3;

/** A finding for a diagnostic tool that ran but failed, with the end of what it printed. */
function toolFailed(tool: string, out: CommandOutput): Finding {
  const detail = (out.stderr || out.stdout).trim().split('\n').slice(-2).join(' ').slice(0, 300);
  return {
    id: `${tool}-failed`,
    severity: 'warning',
    message: `${tool} exited with status ${String(out.status)}${detail ? `: ${detail}` : ''}`,
    fix: `Run ${tool} yourself to see the full error; detection went on from sysfs.`,
  };
}

function hex(n: number | null): string | null {
  return n === null ? null : `0x${n.toString(16)}`;
}

/**
 * Integrated GPUs share system memory: the driver gives them a small VRAM carve-out and a large GTT.
 * Archs that only exist in APUs and known APU device ids settle it when the memory sizes are missing.
 */
export function isIntegrated(
  arch: string | null,
  pciDeviceId: string | null,
  vram: number | null,
  gtt: number | null,
): boolean {
  if (arch && archKnowledge(arch)?.apuOnly) return true;
  if (pciDeviceId && archKnowledgeByPciId(pciDeviceId)?.apuOnly) return true;
  return vram !== null && gtt !== null && vram <= 2 * GIB && gtt >= 4 * vram;
}

function amdName(arch: string | null, pciDeviceId: string | null): string {
  const row =
    (arch ? archKnowledge(arch) : undefined) ?? (pciDeviceId ? archKnowledgeByPciId(pciDeviceId) : undefined);
  return row
    ? `AMD ${arch ?? row.arch} GPU (${row.names[0]}${row.names.length > 1 ? ' or similar' : ''})`
    : `AMD GPU ${arch ?? pciDeviceId ?? ''}`.trim();
}

interface KfdGpu {
  node: number;
  arch: string | null;
  gfxTargetVersion: number;
  props: Map<string, string>;
}

function readKfdNodes(fs: RootFs): KfdGpu[] {
  const base = '/sys/class/kfd/kfd/topology/nodes';
  const nodes = fs
    .list(base)
    .filter((n) => /^\d+$/.test(n))
    .map(Number)
    .sort((a, b) => a - b);
  const gpus: KfdGpu[] = [];
  for (const node of nodes) {
    const file = `${base}/${node}/properties`;
    const text = fs.readText(file);
    if (text === null) continue;
    const { values, badLines } = parseKeyValues(text);
    const version = intValue(values, 'gfx_target_version');
    if (version === null) {
      fs.malformed(file, 'no numeric gfx_target_version (truncated or not a KFD properties file)');
      continue;
    }
    if (badLines > 0) fs.malformed(file, `${badLines} line(s) are not "key value"; the rest was used`);
    if (version === 0 || intValue(values, 'simd_count') === 0) continue; // CPU node
    let arch: string | null = null;
    try {
      arch = archFromGfxTargetVersion(version);
    } catch {
      fs.malformed(file, `gfx_target_version ${version} is not a valid version`);
    }
    gpus.push({ node, arch, gfxTargetVersion: version, props: values });
  }
  return gpus;
}

function amdGpusFromSysfs(fs: RootFs, kfd: KfdGpu[]): GpuInfo[] {
  return kfd.map((k, index) => {
    const minor = intValue(k.props, 'drm_render_minor');
    if (minor === null && k.props.has('drm_render_minor')) {
      fs.malformed(
        `/sys/class/kfd/kfd/topology/nodes/${k.node}/properties`,
        `drm_render_minor is not a number: ${k.props.get('drm_render_minor')}`,
      );
    }
    const dev = minor === null ? null : `/sys/class/drm/renderD${minor}/device`;
    const readNum = (name: string): number | null => {
      if (!dev) return null;
      const text = fs.readText(`${dev}/${name}`);
      if (text === null) return null;
      const n = parseSysfsNumber(text);
      if (n === null)
        fs.malformed(`${dev}/${name}`, `not a number: ${JSON.stringify(text.trim().slice(0, 40))}`);
      return n;
    };
    const vendor = readNum('vendor') ?? intValue(k.props, 'vendor_id');
    if (vendor !== null && vendor !== AMD_VENDOR && dev) {
      fs.malformed(`${dev}/vendor`, `vendor ${hex(vendor)} is not AMD (0x1002) for KFD node ${k.node}`);
    }
    const pciDeviceId = hex(readNum('device') ?? intValue(k.props, 'device_id'));
    const vram = readNum('mem_info_vram_total');
    const gtt = readNum('mem_info_gtt_total');
    const simd = intValue(k.props, 'simd_count');
    const simdPerCu = intValue(k.props, 'simd_per_cu');
    const lds = intValue(k.props, 'lds_size_in_kb');
    const productName = dev ? fs.readText(`${dev}/product_name`)?.trim() || null : null;
    return {
      index,
      vendor: 'amd',
      name: productName ?? amdName(k.arch, pciDeviceId),
      arch: k.arch,
      family: k.arch ? (archKnowledge(k.arch)?.family ?? null) : null,
      integrated: isIntegrated(k.arch, pciDeviceId, vram, gtt),
      vramBytes: vram,
      gttBytes: gtt,
      computeUnits: simd !== null && simdPerCu ? Math.floor(simd / simdPerCu) : null,
      waveSize: intValue(k.props, 'wave_front_size'),
      ldsBytes: lds === null ? null : lds * 1024,
      pciDeviceId,
      kfdNode: k.node,
      renderMinor: minor,
      uniqueId: k.props.get('unique_id') ?? null,
      busId: null,
    } satisfies GpuInfo;
  });
}

function amdGpusFromRocminfo(agents: RocminfoAgent[]): GpuInfo[] {
  return agents
    .filter((a) => /^gpu$/i.test(a.deviceType ?? ''))
    .map((a, index) => {
      const pciDeviceId = hex(a.chipId);
      return {
        index,
        vendor: 'amd',
        name: a.marketingName ?? amdName(a.arch, pciDeviceId),
        arch: a.arch,
        family: a.arch ? (archKnowledge(a.arch)?.family ?? null) : null,
        integrated: isIntegrated(a.arch, pciDeviceId, null, null),
        vramBytes: a.coarsePoolBytes,
        gttBytes: null,
        computeUnits: a.computeUnits,
        waveSize: a.waveSize,
        ldsBytes: null,
        pciDeviceId,
        kfdNode: a.node,
        renderMinor: null,
        uniqueId: a.uuid && /^GPU-[0-9a-f]{8,}$/i.test(a.uuid) ? a.uuid : null,
        busId: null,
      } satisfies GpuInfo;
    });
}

/** Better names from rocminfo (by KFD node) and rocm-smi (by node, else by position). */
function nameAmdGpus(gpus: GpuInfo[], agents: RocminfoAgent[], cards: RocmSmiCard[]): void {
  for (const gpu of gpus) {
    const agent = agents.find(
      (a) => a.node !== null && a.node === gpu.kfdNode && /^gpu$/i.test(a.deviceType ?? ''),
    );
    const card =
      cards.find((c) => c.node !== null && c.node === gpu.kfdNode) ??
      (cards.every((c) => c.node === null) ? cards[gpu.index] : undefined);
    const name = agent?.marketingName ?? card?.series ?? card?.model;
    if (name && !/^gfx[0-9a-f]+$/i.test(name)) gpu.name = name;
  }
}

/** The prefix of a directory holding libraries: /usr for /usr/lib/x86_64-linux-gnu, /opt/x for /opt/x/lib64. */
function libraryPrefix(dir: string): string | null {
  const match = /^(.*)\/lib(?:64)?(?:\/[^/]+-linux-gnu[^/]*)?\/?$/.exec(dir);
  return match ? match[1] || '/' : null;
}

/** The HIP runtime library (libamdhip64.so*) in `dir`, or null. */
function hipRuntimeIn(fs: RootFs, dir: string): string | null {
  const name = fs.list(dir).find((n) => /^libamdhip64\.so(\.|$)/.test(n));
  return name ? `${dir}/${name}` : null;
}

/** Library directories under a prefix where a distribution puts libamdhip64 (Debian: lib/<multiarch>). */
function libraryDirs(fs: RootFs, prefix: string): string[] {
  const lib = prefix === '/' ? '/lib' : `${prefix}/lib`;
  return [
    lib,
    `${lib}64`,
    ...fs
      .list(lib)
      .filter((n) => /-linux-gnu/.test(n))
      .map((n) => `${lib}/${n}`),
  ];
}

/**
 * ROCm installed by a distribution rather than AMD's packages (Debian's ROCm 5.2 lives under /usr): found
 * through hipcc on PATH whose prefix also holds the HIP runtime (what the addon's GPU build needs too), or
 * through libamdhip64 in the library path. Returns the prefix and the file that gave it away.
 */
function distributionRocm(
  fs: RootFs,
  env: NodeJS.ProcessEnv,
): { path: string; foundBy: string; lib: string } | null {
  for (const dir of (env.PATH ?? '').split(':')) {
    if (!dir.startsWith('/') || !fs.exists(`${dir}/hipcc`)) continue;
    const prefix = resolve(dir, '..');
    for (const libDir of libraryDirs(fs, prefix)) {
      const lib = hipRuntimeIn(fs, libDir);
      if (lib) return { path: prefix, foundBy: `${resolve(dir, 'hipcc')}`, lib };
    }
  }
  const searched = [
    ...(env.LD_LIBRARY_PATH ?? '').split(':').filter((d) => d.startsWith('/')),
    ...libraryDirs(fs, '/usr'),
  ];
  for (const dir of searched) {
    const lib = hipRuntimeIn(fs, dir);
    const prefix = lib ? libraryPrefix(dir) : null;
    if (lib && prefix) return { path: prefix, foundBy: lib, lib };
  }
  return null;
}

/** MAJOR.MINOR of a distribution's HIP (= its ROCm release), from share/hip/version or the library's name. */
function distributionVersion(fs: RootFs, prefix: string, lib: string): string | null {
  const text = fs.readText(`${prefix === '/' ? '' : prefix}/share/hip/version`);
  if (text !== null) {
    const major = /^HIP_VERSION_MAJOR=(\d+)$/m.exec(text);
    const minor = /^HIP_VERSION_MINOR=(\d+)$/m.exec(text);
    if (major && minor) return `${major[1]}.${minor[1]}`;
  }
  const fromName = /libamdhip64\.so\.(\d+)\.(\d+)\./.exec(lib);
  return fromName ? `${fromName[1]}.${fromName[2]}` : null;
}

function detectRocm(fs: RootFs, env: NodeJS.ProcessEnv, findings: Finding[]): RocmInstall | null {
  let path: string | null = null;
  let foundBy = '';
  const fromEnv = env.ROCM_PATH?.trim();
  if (fromEnv) {
    const abs = resolve('/', fromEnv);
    if (fs.isDirectory(abs)) {
      path = abs;
      foundBy = '$ROCM_PATH';
    } else {
      findings.push({
        id: 'rocm-path-missing',
        severity: 'warning',
        message: `ROCM_PATH=${fromEnv} is not a directory`,
        fix: 'Point ROCM_PATH at the ROCm installation (e.g. /opt/rocm) or unset it.',
      });
    }
  }
  if (!path && fs.isDirectory('/opt/rocm')) path = foundBy = '/opt/rocm';
  if (!path) {
    const versioned = fs
      .list('/opt')
      .map((n) => ({ n, v: /^rocm-(\d+)\.(\d+)(?:\.(\d+))?/.exec(n) }))
      .filter((x): x is { n: string; v: RegExpExecArray } => x.v !== null && fs.isDirectory(`/opt/${x.n}`))
      .sort((a, b) => {
        for (let i = 1; i <= 3; i++) {
          const d = Number(b.v[i] ?? 0) - Number(a.v[i] ?? 0);
          if (d !== 0) return d;
        }
        return 0;
      });
    if (versioned[0]) path = foundBy = `/opt/${versioned[0].n}`;
  }
  if (!path) {
    const distro = distributionRocm(fs, env);
    if (!distro) return null;
    return {
      path: distro.path,
      version: distributionVersion(fs, distro.path, distro.lib),
      supportedArchs: rocblasArchs(
        fs,
        rocblasDirs(fs, distro.lib.slice(0, distro.lib.lastIndexOf('/'))),
        findings,
      ),
      foundBy: distro.foundBy,
    };
  }

  let version: string | null = null;
  const versionFile = `${path}/.info/version`;
  const text = fs.readText(versionFile);
  if (text !== null) {
    const match = /^\s*(\d+)\.(\d+)\.(\d+)(?:-\S+)?\s*$/.exec(text.split('\n')[0] ?? '');
    if (match) version = `${match[1]}.${match[2]}.${match[3]}`;
    else
      fs.malformed(
        versionFile,
        `expected MAJOR.MINOR.PATCH-BUILD, got ${JSON.stringify(text.trim().slice(0, 40))}`,
      );
  } else {
    const fromDir = /rocm-(\d+\.\d+\.\d+)/.exec(path);
    version = fromDir ? fromDir[1]! : null;
  }

  return {
    path,
    version,
    supportedArchs: rocblasArchs(fs, [`${path}/lib/rocblas/library`], findings),
    foundBy,
  };
}

/** rocBLAS's kernel directories beside a distribution's HIP runtime: <libdir>/rocblas[/VERSION]/library. */
function rocblasDirs(fs: RootFs, libDir: string): string[] {
  const base = `${libDir}/rocblas`;
  return [`${base}/library`, ...fs.list(base).map((n) => `${base}/${n}/library`)];
}

/** The archs rocBLAS ships kernels for, from the first of `dirs` that exists; null when none does. */
function rocblasArchs(fs: RootFs, dirs: readonly string[], findings: Finding[]): string[] | null {
  const libDir = dirs.find((d) => fs.isDirectory(d));
  if (libDir === undefined) return null;
  const archs = new Set<string>();
  for (const file of fs.list(libDir)) {
    // TensileLibrary_lazy_gfx1030.dat, TensileLibrary_Type_..._gfx1030.co, Kernels.so-000-gfx1030.hsaco
    const match =
      /^TensileLibrary.*_(gfx[0-9a-f]+)(?:[-_:][^.]*)?\.[a-z]+$/.exec(file) ??
      /-(gfx[0-9a-f]+)(?:[-_:][^.]*)?\.hsaco$/.exec(file);
    const arch = match ? normalizeArch(match[1]!) : null;
    if (arch) archs.add(arch);
  }
  const supportedArchs = [...archs].sort();
  if (supportedArchs.length === 0) {
    findings.push({
      id: 'rocblas-no-kernels',
      severity: 'warning',
      message: `${fs.path(libDir)} holds no TensileLibrary or .hsaco kernel files`,
      fix: 'Reinstall rocBLAS (package rocblas) from the same ROCm release.',
    });
  }
  return supportedArchs;
}

function detectNvidia(
  fs: RootFs,
  run: CommandRunner | null,
  tools: DetectionReport['tools'],
  findings: Finding[],
): { driver: NvidiaDriver | null; gpus: GpuInfo[] } {
  const versionText = fs.readText('/proc/driver/nvidia/version');
  const procGpus = fs
    .list('/proc/driver/nvidia/gpus')
    .map((bus) => ({ bus, info: fs.readText(`/proc/driver/nvidia/gpus/${bus}/information`) }))
    .filter((g): g is { bus: string; info: string } => g.info !== null)
    .map((g) => ({ bus: g.bus, ...parseNvidiaInformation(g.info) }));
  let smi: NvidiaSmiGpu[] = [];
  if (run) {
    const base = ['index', 'name', 'memory.total', 'pci.bus_id'];
    let out = run('nvidia-smi', [
      `--query-gpu=${[...base, 'compute_cap'].join(',')}`,
      '--format=csv,noheader,nounits',
    ]);
    // Drivers before compute_cap existed reject the whole query: ask again without it.
    if (out && out.status !== 0)
      out = run('nvidia-smi', [`--query-gpu=${base.join(',')}`, '--format=csv,noheader,nounits']);
    if (!out) tools['nvidia-smi'] = 'absent';
    else if (out.status !== 0) {
      tools['nvidia-smi'] = 'failed';
      if (versionText !== null || procGpus.length > 0) findings.push(toolFailed('nvidia-smi', out));
    } else {
      smi = parseNvidiaSmiCsv(out.stdout);
      tools['nvidia-smi'] = 'parsed';
    }
  } else tools['nvidia-smi'] = 'skipped';

  if (versionText === null && procGpus.length === 0 && smi.length === 0) return { driver: null, gpus: [] };
  let driverVersion: string | null = null;
  if (versionText !== null) {
    driverVersion = parseNvidiaVersion(versionText);
    if (driverVersion === null)
      fs.malformed('/proc/driver/nvidia/version', 'no "NVRM version: ... Kernel Module X.Y" line');
  }
  const busOf = (b: string | null) => (b ? b.toLowerCase().replace(/^0000(?=[0-9a-f]{4}:)/, '') : null);
  const ordered = [...procGpus].sort((a, b) =>
    (busOf(a.busLocation ?? a.bus) ?? '').localeCompare(busOf(b.busLocation ?? b.bus) ?? ''),
  );
  const gpus: GpuInfo[] = [];
  const count = Math.max(ordered.length, smi.length);
  for (let index = 0; index < count; index++) {
    const proc = ordered[index];
    const bus = proc?.busLocation ?? proc?.bus ?? null;
    const s =
      smi.find((g) => busOf(g.busId) !== null && busOf(g.busId) === busOf(bus)) ??
      smi.find((g) => g.index === index);
    const idText = bus ? fs.readText(`/sys/bus/pci/devices/${bus.toLowerCase()}/device`) : null;
    const id = idText === null ? null : parseSysfsNumber(idText);
    gpus.push({
      index,
      vendor: 'nvidia',
      name: s?.name ?? proc?.model ?? 'NVIDIA GPU',
      arch: s?.computeCap ? `sm_${s.computeCap.replace('.', '')}` : null,
      family: null,
      integrated: false,
      vramBytes: s?.memoryMiB != null ? s.memoryMiB * 1024 * 1024 : null,
      gttBytes: null,
      computeUnits: null,
      waveSize: 32,
      ldsBytes: null,
      pciDeviceId: hex(id),
      kfdNode: null,
      renderMinor: null,
      uniqueId: proc?.uuid ?? null,
      busId: bus ?? s?.busId ?? null,
    });
  }
  return { driver: { driverVersion }, gpus };
}

/**
 * Detects the GPUs (AMD through KFD/DRM sysfs, NVIDIA through the driver's /proc files), the ROCm
 * install, and the variables that matter. Never throws for what it finds: unreadable or malformed
 * files become findings. Throws RangeError only when `root` is not a directory.
 */
export function detect(options: DetectOptions = {}): DetectionReport {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`detect: options must be an object, got ${formatValue(options)}`);
  }
  checkOptionKeys('detect', 'options', options, DETECT_OPTION_KEYS);
  const root = resolve(options.root ?? '/');
  let isDir = false;
  try {
    isDir = statSync(root).isDirectory();
  } catch {
    isDir = false;
  }
  if (!isDir) throw new RangeError(`root must be an existing directory, got ${JSON.stringify(options.root)}`);
  const env = options.env ?? process.env;
  const fs = new RootFs(root);
  const findings: Finding[] = [];
  const tools: DetectionReport['tools'] = {};
  const useCommands = options.commands ?? root === '/';
  const run: CommandRunner | null =
    typeof useCommands === 'function' ? useCommands : useCommands ? systemCommandRunner(env) : null;

  const amdgpuLoaded = fs.exists('/sys/module/amdgpu');
  const amdgpuVersion = amdgpuLoaded ? fs.readText('/sys/module/amdgpu/version')?.trim() || null : null;

  const kfdNodes = readKfdNodes(fs);
  let amdGpus = amdGpusFromSysfs(fs, kfdNodes);

  let agents: RocminfoAgent[] = [];
  let cards: RocmSmiCard[] = [];
  if (run) {
    const info = run('rocminfo', []);
    if (!info) tools.rocminfo = 'absent';
    else if (info.status !== 0) {
      tools.rocminfo = 'failed';
      findings.push(toolFailed('rocminfo', info));
    } else {
      agents = parseRocminfo(info.stdout).agents;
      tools.rocminfo = 'parsed';
    }
    const smi = run('rocm-smi', ['--showproductname']);
    if (!smi) tools['rocm-smi'] = 'absent';
    else if (smi.status !== 0) {
      tools['rocm-smi'] = 'failed';
      if (amdGpus.length > 0) findings.push(toolFailed('rocm-smi', smi));
    } else {
      cards = parseRocmSmi(smi.stdout).cards;
      tools['rocm-smi'] = 'parsed';
    }
  } else {
    tools.rocminfo = 'skipped';
    tools['rocm-smi'] = 'skipped';
  }
  if (amdGpus.length === 0 && agents.some((a) => /^gpu$/i.test(a.deviceType ?? '')))
    amdGpus = amdGpusFromRocminfo(agents);
  nameAmdGpus(amdGpus, agents, cards);

  const kfd: KfdAccess = { present: fs.exists('/dev/kfd'), readable: false, writable: false };
  if (kfd.present) {
    const check = options.canAccess ?? ((p: string, mode: number) => fs.canAccess(p, mode));
    kfd.readable = check('/dev/kfd', constants.R_OK);
    kfd.writable = check('/dev/kfd', constants.R_OK | constants.W_OK);
  }
  if (amdGpus.length > 0) {
    if (!kfd.present) {
      findings.push({
        id: 'kfd-missing',
        severity: 'error',
        message: '/dev/kfd does not exist: the ROCm runtime cannot reach the AMD GPU(s)',
        fix: amdgpuLoaded
          ? 'In a container, pass --device=/dev/kfd --device=/dev/dri; otherwise check that the amdgpu driver loaded with KFD (dmesg | grep kfd).'
          : 'Load the amdgpu kernel driver (sudo modprobe amdgpu) or install amdgpu-dkms.',
      });
    } else if (!kfd.writable) {
      findings.push({
        id: 'kfd-permission',
        severity: 'error',
        message: '/dev/kfd is not readable and writable by this user',
        fix: 'sudo usermod -aG render,video "$USER", then log out and back in (in containers: --group-add render --group-add video).',
      });
    }
  }

  const rocm = detectRocm(fs, env, findings);
  if (amdGpus.length > 0 && !rocm) {
    findings.push({
      id: 'rocm-not-found',
      severity: 'info',
      message:
        'no ROCm installation found ($ROCM_PATH, /opt/rocm, /opt/rocm-*, hipcc on PATH, libamdhip64 in the library path); kernel support judged from the knowledge table',
      fix: 'Nothing to do when your framework bundles ROCm (PyTorch wheels do); otherwise install ROCm or set ROCM_PATH.',
    });
  }

  const nvidia = detectNvidia(fs, run, tools, findings);
  const gpus = [...amdGpus, ...nvidia.gpus];
  if (gpus.length === 0) {
    findings.push({
      id: 'no-gpu',
      severity: 'info',
      message: 'no GPU found (no KFD GPU node, no NVIDIA driver): work runs on the CPU',
      fix: amdgpuLoaded
        ? 'The amdgpu driver is loaded but exposes no compute node: check dmesg for KFD errors.'
        : '',
    });
  } else if (amdGpus.length === 0) {
    findings.push({
      id: 'nvidia-only',
      severity: 'info',
      message: 'only NVIDIA GPU(s) found: no ROCm variables are needed',
      fix: '',
    });
  }

  return {
    root,
    gpus,
    amdgpu: { loaded: amdgpuLoaded, version: amdgpuVersion },
    kfd,
    rocm,
    nvidia: nvidia.driver,
    env: relevantEnv(env),
    findings: [...fs.findings, ...findings],
    tools,
  };
}
