import type { Tensor4 } from '../types.js';

/**
 * The vocabulary of the strategy layer: which convolution implementation runs a call (an algorithm), how
 * the user asks for one (a strategy), and the resolved geometry every implementation takes.
 */

/** How convolutions pick their implementation. */
export const FallbackStrategy = {
  /** Default. Times the safe candidates once per key and keeps the fastest; CPU only on a machine with no GPU. */
  AUTO: 'auto',
  /** The platform's own conv library (MIOpen on ROCm, cuDNN on NVIDIA): no bypass. */
  VENDOR: 'vendor',
  /** Our implicit-GEMM GPU kernel. */
  IMPLICIT_GEMM: 'implicit_gemm',
  /** Our explicit unfold (im2col) + GEMM GPU kernel: the original project's method. */
  GPU_UNFOLD: 'gpu_unfold',
  /** The vendor library when max(H, W) ≤ the threshold (default 42) and the key probed safe, ours above. */
  SELECTIVE: 'selective',
  /** Our CPU convolution: only when asked for, or on a machine without a GPU. */
  CPU: 'cpu',
} as const;
export type FallbackStrategy = (typeof FallbackStrategy)[keyof typeof FallbackStrategy];

/** A concrete implementation a call can run on. Every algorithm but 'vendor' is a bypass. */
export type AlgorithmName = 'vendor' | 'implicit_gemm' | 'gpu_unfold' | 'cpu';
export const ALGORITHM_NAMES: readonly AlgorithmName[] = ['vendor', 'implicit_gemm', 'gpu_unfold', 'cpu'];

export type ConvDirection = 'forward' | 'backwardData' | 'backwardFilter';

export type Shape4 = [number, number, number, number];

export type { Tensor4 };

/**
 * What an algorithm receives as a tensor: a host tensor, or a device tensor of the GPU backend (kept
 * opaque here: only its shape matters to the strategy layer).
 */
export type ConvOperand = Tensor4 | { readonly shape: readonly number[] };

/** Geometry resolved by the caller: explicit per-side padding, no 'same'/'valid' left. */
export interface ConvGeometry {
  stride: [number, number];
  /** [top, bottom, left, right] */
  padding: [number, number, number, number];
  dilation: [number, number];
  groups: number;
}

/** One convolution problem: the shapes of all three tensors plus the geometry; what a decision key names. */
export interface ConvProblem extends ConvGeometry {
  direction: ConvDirection;
  /** N, C, H, W */
  x: Shape4;
  /** K, C/groups, R, S */
  w: Shape4;
  /** N, K, P, Q */
  y: Shape4;
}

/** The operands of one call, by direction. */
export type ConvOperands =
  | {
      direction: 'forward';
      x: ConvOperand;
      w: ConvOperand;
      bias?: Float32Array | ConvOperand | undefined;
      /** ReLU in the epilogue (the TF.js backend's fused activation); host algorithms apply it after. */
      relu?: boolean | undefined;
    }
  | { direction: 'backwardData'; dy: ConvOperand; w: ConvOperand; inputShape: Shape4 }
  | { direction: 'backwardFilter'; x: ConvOperand; dy: ConvOperand; filterShape: Shape4 };

/**
 * One convolution implementation, synchronous (TF.js kernels are synchronous). Results are host tensors
 * for host inputs; a GPU algorithm may return a device tensor when its inputs are device tensors.
 */
export interface ConvAlgorithm {
  readonly name: AlgorithmName;
  forward(
    x: ConvOperand,
    w: ConvOperand,
    geometry: ConvGeometry,
    bias?: Float32Array | ConvOperand,
    relu?: boolean,
  ): ConvOperand;
  backwardData(dy: ConvOperand, w: ConvOperand, inputShape: Shape4, geometry: ConvGeometry): ConvOperand;
  backwardFilter(x: ConvOperand, dy: ConvOperand, filterShape: Shape4, geometry: ConvGeometry): ConvOperand;
}

/** The vendor library an algorithm set was built against; its version is part of every decision key. */
export interface VendorInfo {
  library: 'miopen' | 'cudnn' | string;
  version: string;
}

/** What this process can run. The default comes from the addon; tests inject their own. */
export interface Capabilities {
  /** The GPU, or null on a machine without one (then only 'cpu' exists and AUTO means CPU). */
  gpu: { arch: string; name: string; backend: string } | null;
  vendor: VendorInfo | null;
  /** The algorithms available here, by name. 'cpu' is always present. */
  algorithms: Partial<Record<AlgorithmName, ConvAlgorithm>>;
  /**
   * How a probe process reaches the vendor path: the module the probe worker loads instead of the
   * native vendor binding (test doubles only); undefined means the native binding.
   */
  vendorModule?: string | undefined;
}
