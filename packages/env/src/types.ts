/** Shared shapes of the detection report, the findings and the environment plan. */

export type Severity = 'error' | 'warning' | 'info';

/** Something the user should know, with the way to fix it (empty when nothing is to be done). */
export interface Finding {
  id: string;
  severity: Severity;
  message: string;
  fix: string;
}

export type Vendor = 'amd' | 'nvidia';

export interface GpuInfo {
  /** The device index the vendor's runtime uses (HIP/ROCR for AMD, CUDA in PCI order for NVIDIA). */
  index: number;
  vendor: Vendor;
  name: string;
  /** gfx name for AMD (gfx1010), sm_XY for NVIDIA when nvidia-smi tells the compute capability. */
  arch: string | null;
  family: string | null;
  integrated: boolean;
  vramBytes: number | null;
  gttBytes: number | null;
  computeUnits: number | null;
  waveSize: number | null;
  /** Local data share per workgroup (KFD lds_size_in_kb), in bytes. */
  ldsBytes: number | null;
  /** PCI device id as lowercase hex, e.g. "0x731f". */
  pciDeviceId: string | null;
  /** KFD topology node id (AMD); the suffix of HSA_OVERRIDE_GFX_VERSION_<n>. */
  kfdNode: number | null;
  /** DRM render node minor (AMD), e.g. 128 for /dev/dri/renderD128. */
  renderMinor: number | null;
  /** KFD unique_id (decimal text; ROCr shows it as GPU-<hex>) or the runtime UUID. */
  uniqueId: string | null;
  /** PCI bus location, e.g. 0000:01:00.0, when known. */
  busId: string | null;
}

export interface RocmInstall {
  /** The install prefix: /opt/rocm-5.7.1, or /usr for a distribution's ROCm (Debian's 5.2). */
  path: string;
  /**
   * MAJOR.MINOR.PATCH from .info/version (the -BUILD suffix dropped); MAJOR.MINOR for a distribution's
   * ROCm (from share/hip/version, else the HIP runtime's file name); null when neither says.
   */
  version: string | null;
  /** Archs rocBLAS ships kernels for; null when the library directory could not be read. */
  supportedArchs: string[] | null;
  /**
   * What located it, in the order looked at: '$ROCM_PATH', '/opt/rocm', '/opt/rocm-X.Y.Z', then hipcc on
   * PATH (its path, e.g. /usr/bin/hipcc) or the HIP runtime in the library path (e.g.
   * /usr/lib/x86_64-linux-gnu/libamdhip64.so.5).
   */
  foundBy: string;
}

export interface NvidiaDriver {
  driverVersion: string | null;
}

export interface AmdDriver {
  loaded: boolean;
  version: string | null;
}

export interface KfdAccess {
  present: boolean;
  readable: boolean;
  writable: boolean;
}

export interface DetectionReport {
  root: string;
  gpus: GpuInfo[];
  amdgpu: AmdDriver;
  kfd: KfdAccess;
  rocm: RocmInstall | null;
  nvidia: NvidiaDriver | null;
  /** Current values of the variables that matter (only those that are set). */
  env: Record<string, string>;
  findings: Finding[];
  /** Which optional tools ran and whether their output was parsed. */
  tools: Record<string, 'parsed' | 'absent' | 'failed' | 'skipped'>;
}

export type PlanAction = 'set' | 'keep' | 'conflict';

export interface PlanEntry {
  name: string;
  /** The value the plan wants. */
  value: string;
  action: PlanAction;
  reason: string;
  /** The public source the entry comes from (URL or document name). */
  source: string;
  /** The value in the environment when planned, null when unset. */
  current: string | null;
}

export interface EnvPlan {
  entries: PlanEntry[];
  findings: Finding[];
}
