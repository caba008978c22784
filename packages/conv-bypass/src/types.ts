/** A dense float32 tensor of rank 4, row-major: NCHW for activations, K×(C/groups)×R×S for filters. */
export interface Tensor4 {
  data: Float32Array;
  shape: [number, number, number, number];
}

/** Where a convolution runs: 'auto' picks the GPU when this build has one and it is usable, else the CPU. */
export type Device = 'auto' | 'cpu' | 'gpu';

/**
 * Padding: one number for all sides, [vertical, horizontal], [top, bottom, left, right], 'valid' (none)
 * or 'same' (TensorFlow's rule: output = ceil(input / stride), the odd pixel of padding at the
 * bottom/right).
 */
export type Padding = number | [number, number] | [number, number, number, number] | 'same' | 'valid';

export interface ConvGeometryOptions {
  /** Default 1. */
  stride?: number | [number, number];
  /** Default 0. */
  padding?: Padding;
  /** Default 1. */
  dilation?: number | [number, number];
  /** Default 1; C and K must be multiples of it. groups === C is a depthwise convolution. */
  groups?: number;
  /** Default 'auto'. */
  device?: Device;
  /** Write the result into this tensor (its shape must be the result's) instead of a new one. */
  out?: Tensor4;
}

export interface Conv2dOptions extends ConvGeometryOptions {
  /** Added to output channel k; length K. */
  bias?: Float32Array;
}

export interface Conv2dBackwardDataOptions extends ConvGeometryOptions {
  /** Shape of x, the forward input (N, C, H, W). */
  inputShape: [number, number, number, number];
}

export interface Conv2dBackwardFilterOptions extends ConvGeometryOptions {
  /** Shape of w, the forward filter (K, C / groups, R, S). */
  filterShape: [number, number, number, number];
}

/**
 * Fully resolved geometry of one convolution, as the native backends take it (fields mirror
 * native/src/common/conv_params.h). x: n×c×h×w, w: k×(c/groups)×r×s, y: n×k×p×q.
 */
export interface ConvParams {
  n: number;
  c: number;
  h: number;
  w: number;
  k: number;
  r: number;
  s: number;
  p: number;
  q: number;
  strideH: number;
  strideW: number;
  padTop: number;
  padLeft: number;
  dilationH: number;
  dilationW: number;
  groups: number;
}
