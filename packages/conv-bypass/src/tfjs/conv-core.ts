// What every patched TF.js conv kernel shares: reading inputs, TF.js geometry → our geometry, layout
// conversions around one call of the strategy router, and handing the result back to the backend.
import { outputSize } from '../strategy/key.js';
import type { ConvRouter } from '../strategy/router.js';
import type { ConvGeometry, ConvOperands, FallbackStrategy, Shape4, Tensor4 } from '../strategy/types.js';
import { kcrsToRsck, nchwToNhwc, nhwcToNchw, rsckToKcrs } from './layout.js';
import type { Conv2DInfo, KernelArgs, TensorInfo, TfBackend, TfNamespace } from './tf-types.js';

/** The state of one enabled patch, shared by its kernels. */
export interface PatchContext {
  tf: TfNamespace;
  router: ConvRouter;
  strategy: FallbackStrategy | undefined;
}

/** A replacement kernel: returns undefined for what it does not support, and the original kernel runs. */
export interface PatchedKernel {
  kernelName: string;
  run(args: KernelArgs, context: PatchContext): TensorInfo | undefined;
}

/** The float32 values of a TF.js tensor, or undefined when it is not float32 (the original kernel runs). */
export function readFloat32(backend: TfBackend, info: TensorInfo | undefined): Float32Array | undefined {
  if (info?.dtype !== 'float32') return undefined;
  const values = backend.readSync(info.dataId);
  return values instanceof Float32Array ? values : undefined;
}

export function writeFloat32(backend: TfBackend, values: Float32Array, shape: number[]): TensorInfo {
  return { dataId: backend.write(values, shape, 'float32'), shape, dtype: 'float32' };
}

/**
 * Our geometry for a TF.js Conv2DInfo. TF.js pads only at the top/left and reads nothing beyond the
 * input, so an output size from dimRoundingMode 'ceil'/'round' is the same as extra zero padding at the
 * bottom/right; the bottom/right padding is adjusted so the output size is exactly TF.js's.
 */
export function geometryOf(info: Conv2DInfo, groups: number): ConvGeometry | undefined {
  const pad = info.padInfo;
  const side = (
    input: number,
    filter: number,
    stride: number,
    dilation: number,
    before: number,
    after: number,
    out: number,
  ) => {
    if (outputSize(input, filter, stride, dilation, before + after) === out) return after;
    const needed = (out - 1) * stride + (filter - 1) * dilation + 1 - input - before;
    return needed >= 0 && outputSize(input, filter, stride, dilation, before + needed) === out
      ? needed
      : undefined;
  };
  const bottom = side(
    info.inHeight,
    info.filterHeight,
    info.strideHeight,
    info.dilationHeight,
    pad.top,
    pad.bottom,
    info.outHeight,
  );
  const right = side(
    info.inWidth,
    info.filterWidth,
    info.strideWidth,
    info.dilationWidth,
    pad.left,
    pad.right,
    info.outWidth,
  );
  if (
    bottom === undefined ||
    right === undefined ||
    pad.top < 0 ||
    pad.left < 0 ||
    info.outHeight < 1 ||
    info.outWidth < 1
  ) {
    return undefined;
  }
  return {
    stride: [info.strideHeight, info.strideWidth],
    padding: [pad.top, bottom, pad.left, right],
    dilation: [info.dilationHeight, info.dilationWidth],
    groups,
  };
}

export function dataFormatOf(attrs: Record<string, unknown> | undefined): 'channelsFirst' | 'channelsLast' {
  return attrs?.dataFormat === 'NCHW' ? 'channelsFirst' : 'channelsLast';
}

/** Activations (x: NHWC or NCHW as TF.js holds it) → NCHW. */
function activationToNchw(values: Float32Array, info: Conv2DInfo, which: 'in' | 'out'): Float32Array {
  if (info.dataFormat === 'channelsFirst') return values;
  return which === 'in'
    ? nhwcToNchw(values, info.batchSize, info.inHeight, info.inWidth, info.inChannels)
    : nhwcToNchw(values, info.batchSize, info.outHeight, info.outWidth, info.outChannels);
}

/** NCHW → TF.js layout of the result, with its TF.js shape. */
function activationFromNchw(
  values: Float32Array,
  info: Conv2DInfo,
  which: 'in' | 'out',
): { values: Float32Array; shape: number[] } {
  const [h, w, c] =
    which === 'in'
      ? [info.inHeight, info.inWidth, info.inChannels]
      : [info.outHeight, info.outWidth, info.outChannels];
  if (info.dataFormat === 'channelsFirst') return { values, shape: [info.batchSize, c, h, w] };
  return { values: nchwToNhwc(values, info.batchSize, c, h, w), shape: [info.batchSize, h, w, c] };
}

/** The filter of a conv (R×S×C×K) or depthwise conv (R×S×C×M) as K×(C/groups)×R×S. */
function filterToKcrs(values: Float32Array, info: Conv2DInfo, depthwise: boolean): Tensor4 {
  const { filterHeight: r, filterWidth: s, inChannels: c, outChannels: k } = info;
  return depthwise
    ? { data: rsckToKcrs(values, r, s, 1, k), shape: [k, 1, r, s] }
    : { data: rsckToKcrs(values, r, s, c, k), shape: [k, c, r, s] };
}

function filterFromKcrs(values: Float32Array, info: Conv2DInfo, depthwise: boolean): Float32Array {
  const { filterHeight: r, filterWidth: s, inChannels: c, outChannels: k } = info;
  return depthwise ? kcrsToRsck(values, k, 1, r, s) : kcrsToRsck(values, k, c, r, s);
}

function runHost(
  context: PatchContext,
  kernelName: string,
  operands: ConvOperands,
  geometry: ConvGeometry,
): Tensor4 {
  const result = context.router.run(kernelName, operands, geometry, {
    strategy: context.strategy,
  }) as Tensor4;
  if (!(result.data instanceof Float32Array))
    throw new Error(`${kernelName}: the conv algorithm returned no host tensor`);
  return result;
}

function groupsOf(info: Conv2DInfo, depthwise: boolean): number {
  return depthwise ? info.inChannels : 1;
}

function nchwShape(info: Conv2DInfo, which: 'in' | 'out'): Shape4 {
  return which === 'in'
    ? [info.batchSize, info.inChannels, info.inHeight, info.inWidth]
    : [info.batchSize, info.outChannels, info.outHeight, info.outWidth];
}

/**
 * Forward convolution: y (NCHW, with `bias` per output channel) for TF.js x and filter values; undefined
 * when the geometry is not representable.
 */
export function forwardNchw(
  context: PatchContext,
  kernelName: string,
  x: Float32Array,
  filter: Float32Array,
  info: Conv2DInfo,
  depthwise: boolean,
  bias?: Float32Array,
): Float32Array | undefined {
  const geometry = geometryOf(info, groupsOf(info, depthwise));
  if (!geometry) return undefined;
  const operands: ConvOperands = {
    direction: 'forward',
    x: { data: activationToNchw(x, info, 'in'), shape: nchwShape(info, 'in') },
    w: filterToKcrs(filter, info, depthwise),
    bias,
  };
  return runHost(context, kernelName, operands, geometry).data;
}

/** NCHW y → the TF.js result tensor. */
export function outputFromNchw(backend: TfBackend, y: Float32Array, info: Conv2DInfo): TensorInfo {
  const { values, shape } = activationFromNchw(y, info, 'out');
  return writeFloat32(backend, values, shape);
}

/** dx for TF.js dy and filter values. */
export function backwardData(
  context: PatchContext,
  kernelName: string,
  backend: TfBackend,
  dy: Float32Array,
  filter: Float32Array,
  info: Conv2DInfo,
  depthwise: boolean,
): TensorInfo | undefined {
  const geometry = geometryOf(info, groupsOf(info, depthwise));
  if (!geometry) return undefined;
  const operands: ConvOperands = {
    direction: 'backwardData',
    dy: { data: activationToNchw(dy, info, 'out'), shape: nchwShape(info, 'out') },
    w: filterToKcrs(filter, info, depthwise),
    inputShape: nchwShape(info, 'in'),
  };
  const dx = runHost(context, kernelName, operands, geometry);
  const { values, shape } = activationFromNchw(dx.data, info, 'in');
  return writeFloat32(backend, values, shape);
}

/** dfilter (TF.js layout) for TF.js x and dy values. */
export function backwardFilter(
  context: PatchContext,
  kernelName: string,
  backend: TfBackend,
  x: Float32Array,
  dy: Float32Array,
  info: Conv2DInfo,
  depthwise: boolean,
  filterShape: number[],
): TensorInfo | undefined {
  const geometry = geometryOf(info, groupsOf(info, depthwise));
  if (!geometry) return undefined;
  const { filterHeight: r, filterWidth: s, inChannels: c, outChannels: k } = info;
  const operands: ConvOperands = {
    direction: 'backwardFilter',
    x: { data: activationToNchw(x, info, 'in'), shape: nchwShape(info, 'in') },
    dy: { data: activationToNchw(dy, info, 'out'), shape: nchwShape(info, 'out') },
    filterShape: depthwise ? [k, 1, r, s] : [k, c, r, s],
  };
  const dw = runHost(context, kernelName, operands, geometry);
  return writeFloat32(backend, filterFromKcrs(dw.data, info, depthwise), [...filterShape]);
}
