// Which kernels ran natively and which took the host path, and strict mode, which turns a host-path call
// into an error — how a user proves that a model runs entirely on the GPU.

/** Environment variable: '1' makes the backend strict from the start. */
export const STRICT_ENV = 'ROCM_PATCH_TFJS_STRICT';

/** Strict mode asked for before the backend exists (setStrict), else the environment decides. */
export const strictSetting: { value: boolean | undefined } = { value: undefined };

export function initialStrict(env: NodeJS.ProcessEnv = process.env): boolean {
  return strictSetting.value ?? env[STRICT_ENV] === '1';
}

/** Thrown by a host-path call in strict mode. */
export class HostPathError extends Error {
  readonly kernelName: string;
  constructor(kernelName: string, why: string) {
    super(
      `${kernelName}: this call would run on the host (${why}), and the 'rocm' backend is in strict mode. ` +
        'Turn strict mode off (setStrict(false)) to let it run there, counted in getBackendReport().hostPath.',
    );
    this.name = 'HostPathError';
    this.kernelName = kernelName;
  }
}

export interface BackendReport {
  /** The device the backend computes on, e.g. "NVIDIA H200 (sm_90, cuda)". */
  device: string;
  strict: boolean;
  /** Calls of each kernel that ran on the device. */
  native: Record<string, number>;
  /** Calls of each kernel that ran tfjs-backend-cpu's kernel on downloaded inputs. */
  hostPath: Record<string, number>;
  /** Why each host-path kernel went there (the first reason seen). */
  hostPathReasons: Record<string, string>;
  totalNative: number;
  totalHostPath: number;
}

/** One counter per kernel: the wrappers hold theirs, so counting a call is one increment. */
export class KernelCounter {
  native = 0;
  hostPath = 0;
  reason = '';
  constructor(readonly kernelName: string) {}
}

export class CallLog {
  strict: boolean;
  private readonly counters = new Map<string, KernelCounter>();

  constructor(strict: boolean) {
    this.strict = strict;
  }

  counter(kernelName: string): KernelCounter {
    let c = this.counters.get(kernelName);
    if (!c) {
      c = new KernelCounter(kernelName);
      this.counters.set(kernelName, c);
    }
    return c;
  }

  /** Counts a host-path call, or throws in strict mode. */
  hostPath(kernelName: string, why: string): void {
    if (this.strict) throw new HostPathError(kernelName, why);
    const c = this.counter(kernelName);
    c.hostPath++;
    if (!c.reason) c.reason = why;
  }

  reset(): void {
    for (const c of this.counters.values()) {
      c.native = 0;
      c.hostPath = 0;
      c.reason = '';
    }
  }

  report(device: string): BackendReport {
    const native: Record<string, number> = {};
    const hostPath: Record<string, number> = {};
    const hostPathReasons: Record<string, string> = {};
    let totalNative = 0;
    let totalHostPath = 0;
    const names = [...this.counters.keys()].sort();
    for (const name of names) {
      const c = this.counters.get(name)!;
      if (c.native > 0) native[name] = c.native;
      if (c.hostPath > 0) {
        hostPath[name] = c.hostPath;
        hostPathReasons[name] = c.reason;
      }
      totalNative += c.native;
      totalHostPath += c.hostPath;
    }
    return { device, strict: this.strict, native, hostPath, hostPathReasons, totalNative, totalHostPath };
  }
}

/** A report as a short text table (kernels by calls, host-path ones flagged). */
export function formatBackendReport(r: BackendReport): string {
  const lines = [
    `rocm backend on ${r.device}${r.strict ? ' (strict)' : ''}: ${r.totalNative} native kernel calls, ${r.totalHostPath} on the host path`,
  ];
  const rows = [
    ...Object.entries(r.native).map(([k, n]) => ({ k, n, host: false })),
    ...Object.entries(r.hostPath).map(([k, n]) => ({ k, n, host: true })),
  ].sort((a, b) => b.n - a.n || a.k.localeCompare(b.k));
  for (const row of rows) {
    lines.push(
      `  ${row.k.padEnd(28)} ${String(row.n).padStart(8)}  ${row.host ? `host path: ${r.hostPathReasons[row.k] ?? ''}` : 'native'}`,
    );
  }
  return lines.join('\n');
}
