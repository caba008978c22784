// The CPU backend (native/src/cpu) and its controls.

import { describeValue } from './describe-value.js';
import type { ConvBackend } from './dispatch.js';
import { addon } from './native.js';

export const cpuBackend: ConvBackend = {
  name: 'cpu',
  isAvailable: () => true,
  forward: (p, x, w, bias, y) => addon().conv2dForward(p, x, w, bias, y),
  forwardAsync: (p, x, w, bias, y) => addon().conv2dForwardAsync(p, x, w, bias, y),
  backwardData: (p, dy, w, dx) => addon().conv2dBackwardData(p, dy, w, dx),
  backwardDataAsync: (p, dy, w, dx) => addon().conv2dBackwardDataAsync(p, dy, w, dx),
  backwardFilter: (p, x, dy, dw) => addon().conv2dBackwardFilter(p, x, dy, dw),
  backwardFilterAsync: (p, x, dy, dw) => addon().conv2dBackwardFilterAsync(p, x, dy, dw),
};

/** Instruction sets the CPU kernels can use, widest first. */
export type CpuIsa = 'avx512' | 'avx2' | 'generic';

export interface CpuInfo {
  /** The GEMM kernel in use. */
  isa: CpuIsa;
  /** Kernels this build has that this CPU can run, widest first. */
  availableIsas: CpuIsa[];
  /** Threads one convolution uses. */
  threads: number;
}

export function cpuInfo(): CpuInfo {
  const a = addon();
  return { isa: a.getIsa() as CpuIsa, availableIsas: a.availableIsas() as CpuIsa[], threads: a.getThreads() };
}

/**
 * Sets how many threads a CPU convolution uses (default: the CPUs this process may run on, or
 * $ROCM_PATCH_CPU_THREADS). The pool is process-wide. Safe while async convolutions run: a parallel
 * section in flight finishes on the old threads (this call waits for it), later ones use the new count.
 */
export function setCpuThreads(threads: number): void {
  if (!Number.isInteger(threads) || threads < 1 || threads > 1024) {
    const E = typeof threads === 'number' ? RangeError : TypeError;
    throw new E(`setCpuThreads: threads must be an integer in [1, 1024], got ${describeValue(threads)}`);
  }
  addon().setThreads(threads);
}

/**
 * Forces the GEMM kernel (for comparisons and tests; the default is the widest the CPU runs, or
 * $ROCM_PATCH_CPU_ISA). Throws if this CPU or build cannot run it.
 */
export function setCpuIsa(isa: CpuIsa): void {
  const a = addon();
  if (typeof isa !== 'string' || !a.setIsa(isa)) {
    throw new RangeError(
      `setCpuIsa: isa must be one of ${a.availableIsas().join(', ')} here, got ${describeValue(isa)}`,
    );
  }
}
