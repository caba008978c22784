import type { DecisionEntry } from '../decision-db.js';
import { describeValue } from '../describe-value.js';
import { type AlgorithmName, type Capabilities, type ConvProblem, FallbackStrategy } from './types.js';

export const DEFAULT_SELECTIVE_THRESHOLD = 42;

const STRATEGIES = new Set<string>(Object.values(FallbackStrategy));

export function checkStrategy(strategy: unknown, name = 'strategy'): FallbackStrategy {
  if (typeof strategy !== 'string' || !STRATEGIES.has(strategy)) {
    throw new TypeError(
      `${name} must be one of ${[...STRATEGIES].map((s) => `'${s}'`).join(', ')}, got ${describeValue(strategy)}`,
    );
  }
  return strategy as FallbackStrategy;
}

/** What the database says about the vendor path for a key. */
export type VendorState = 'safe' | 'unsafe' | 'unprobed';

export function vendorState(entry: DecisionEntry | undefined): VendorState {
  if (entry?.unsafe) return 'unsafe';
  if (!entry?.probe) return 'unprobed';
  return entry.probe.outcome === 'ok' ? 'safe' : 'unsafe';
}

/** One algorithm to run, or several to time once (AUTO); `probeVendor` asks for a probe of the key. */
export type Plan =
  | { kind: 'fixed'; algorithm: AlgorithmName; probeVendor: boolean }
  | { kind: 'time'; candidates: AlgorithmName[]; probeVendor: boolean };

/** Our GPU kernel for a key when the vendor library is not used: implicit GEMM, else unfold+GEMM. */
export function ourGpuAlgorithm(capabilities: Capabilities): AlgorithmName {
  if (capabilities.algorithms.implicit_gemm) return 'implicit_gemm';
  if (capabilities.algorithms.gpu_unfold) return 'gpu_unfold';
  throw new Error('this GPU build has none of our GPU conv algorithms (implicit_gemm, gpu_unfold)');
}

function requireAlgorithm(
  capabilities: Capabilities,
  algorithm: AlgorithmName,
  strategy: string,
): AlgorithmName {
  if (!capabilities.algorithms[algorithm]) {
    const why =
      algorithm === 'vendor'
        ? 'no vendor conv library (libMIOpen.so / libcudnn.so.9) could be loaded'
        : 'this build has no such GPU algorithm';
    throw new Error(`strategy '${strategy}' needs the '${algorithm}' algorithm, but ${why}`);
  }
  return algorithm;
}

/**
 * The pure strategy rule: which algorithm(s) may run `problem`, given the machine and what the database
 * knows about the key. Never the CPU on a GPU machine unless the strategy is CPU; the vendor path under
 * AUTO and SELECTIVE only for keys whose probe succeeded and that never failed in process.
 */
export function planAlgorithm(
  strategy: FallbackStrategy,
  problem: ConvProblem,
  capabilities: Capabilities,
  entry: DecisionEntry | undefined,
  selectiveThreshold: number = DEFAULT_SELECTIVE_THRESHOLD,
): Plan {
  const fixed = (algorithm: AlgorithmName, probeVendor = false): Plan => ({
    kind: 'fixed',
    algorithm,
    probeVendor,
  });
  if (!capabilities.gpu) {
    if (strategy === 'auto' || strategy === 'cpu' || strategy === 'selective') return fixed('cpu');
    throw new Error(`strategy '${strategy}' needs a GPU, and this machine has none; use 'auto' or 'cpu'`);
  }
  const vendor = capabilities.algorithms.vendor ? vendorState(entry) : undefined;
  switch (strategy) {
    case 'cpu':
      return fixed(requireAlgorithm(capabilities, 'cpu', strategy));
    case 'implicit_gemm':
    case 'gpu_unfold':
      return fixed(requireAlgorithm(capabilities, strategy, strategy));
    case 'vendor':
      requireAlgorithm(capabilities, 'vendor', strategy);
      // A key that failed in process stays on our kernel even here: retrying would fail the same way.
      return vendor === 'unsafe' ? fixed(ourGpuAlgorithm(capabilities)) : fixed('vendor');
    case 'selective': {
      const [, , h, w] = problem.x;
      if (vendor === undefined || Math.max(h, w) > selectiveThreshold)
        return fixed(ourGpuAlgorithm(capabilities));
      if (vendor === 'safe') return fixed('vendor');
      return fixed(ourGpuAlgorithm(capabilities), vendor === 'unprobed');
    }
    case 'auto': {
      const candidates: AlgorithmName[] = (['implicit_gemm', 'gpu_unfold'] as const).filter(
        (name) => capabilities.algorithms[name] !== undefined,
      );
      if (vendor === 'safe') candidates.push('vendor');
      if (candidates.length === 0) throw new Error('this GPU build has none of our GPU conv algorithms');
      const probeVendor = vendor === 'unprobed';
      return candidates.length === 1
        ? fixed(candidates[0]!, probeVendor)
        : { kind: 'time', candidates, probeVendor };
    }
  }
}
