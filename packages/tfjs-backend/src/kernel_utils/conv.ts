// Convolutions on the 'rocm' backend: TF.js's NHWC activations and RSCK filters are permuted on the
// device into the NCHW / KCRS layouts of conv-bypass's kernels, and the call goes through conv-bypass's
// strategy router (AUTO timing, hang-safe vendor probing, statistics) with BufferOperands — device
// buffers, never a host copy. Fused bias and ReLU run in the convolution's epilogue; the other
// activations are one elementwise launch after it.

import { getConvRouter } from '@rocm-patch/conv-bypass';
import { BufferOperand, type DeviceHandle, isBufferOperand } from '@rocm-patch/conv-bypass/device';
import { convGeometryOf } from '@rocm-patch/conv-bypass/tfjs';
import { backend_util, type TensorInfo } from '@tensorflow/tfjs-core';
import type { RocmBackend } from '../backend.js';
import { binary, fill, unary } from './elementwise.js';
import { transpose } from './movement.js';

type Conv2DInfo = backend_util.Conv2DInfo;
type Shape4 = [number, number, number, number];

const handles = new WeakMap<RocmBackend, DeviceHandle>();

/** x viewed with `shape` (same element order), its axes permuted; shares x's data when nothing moves. */
function permute(
  backend: RocmBackend,
  x: TensorInfo,
  perm: readonly number[],
  shape: readonly number[] = x.shape,
): TensorInfo {
  return transpose(backend, shape === x.shape ? x : { ...x, shape: [...shape] }, perm);
}

function handle(backend: RocmBackend): DeviceHandle {
  let h = handles.get(backend);
  if (!h) {
    h = { addon: backend.device, args: backend.args, kind: backend.deviceKind };
    handles.set(backend, h);
  }
  return h;
}

function operand(backend: RocmBackend, t: TensorInfo, shape: readonly number[]): BufferOperand {
  return new BufferOperand(handle(backend), backend.bufferOf(t), shape, backend.activeName);
}

/** A router result as a tensor of this backend with TF.js shape `shape` (the buffer changes hands). */
function adopt(backend: RocmBackend, result: unknown, shape: number[]): TensorInfo {
  if (!isBufferOperand(result)) throw new Error('the conv router returned no device buffer');
  return backend.adoptBuffer(result.take(), shape, 'float32');
}

export type Activation = 'linear' | 'relu' | 'relu6' | 'elu' | 'leakyrelu' | 'prelu' | 'sigmoid';

export interface ForwardOptions {
  depthwise: boolean;
  bias?: TensorInfo | undefined;
  activation?: Activation | undefined;
  preluWeights?: TensorInfo | undefined;
  leakyreluAlpha?: number | undefined;
}

/** Whether the call has nothing to compute (an empty input or output: the result is empty or zeros). */
function empty(info: Conv2DInfo): boolean {
  const dims = [
    info.batchSize,
    info.inChannels,
    info.inHeight,
    info.inWidth,
    info.outChannels,
    info.outHeight,
    info.outWidth,
  ];
  return dims.some((d) => d <= 0);
}

/** Why the device path cannot take this call (the host path runs it), or undefined. */
export function convRefusal(info: Conv2DInfo, depthwise: boolean): string | undefined {
  if (empty(info)) return undefined;
  if (!convGeometryOf(info, depthwise ? info.inChannels : 1))
    return 'a padding the conv kernels cannot express';
  return undefined;
}

function emptyResult(backend: RocmBackend, shape: number[]): TensorInfo {
  return fill(
    backend,
    shape.map((d) => Math.max(0, d)),
    'float32',
    0,
  );
}

function nchwShape(info: Conv2DInfo, which: 'in' | 'out'): Shape4 {
  return which === 'in'
    ? [info.batchSize, info.inChannels, info.inHeight, info.inWidth]
    : [info.batchSize, info.outChannels, info.outHeight, info.outWidth];
}

function tfShape(info: Conv2DInfo, which: 'in' | 'out'): number[] {
  const [n, c, h, w] = nchwShape(info, which);
  return info.dataFormat === 'channelsFirst' ? [n, c, h, w] : [n, h, w, c];
}

/** An activation tensor in NCHW (a new tensor, or x itself when TF.js already holds it so). */
function toNchw(backend: RocmBackend, x: TensorInfo, info: Conv2DInfo): { t: TensorInfo; temp: boolean } {
  if (info.dataFormat === 'channelsFirst') return { t: x, temp: false };
  return { t: permute(backend, x, [0, 3, 1, 2]), temp: true };
}

/** The filter as KCRS: RSCK → [K, C, R, S]; a depthwise RSCM filter → [C·M, 1, R, S]. */
function filterToKcrs(
  backend: RocmBackend,
  filter: TensorInfo,
  info: Conv2DInfo,
  depthwise: boolean,
): TensorInfo {
  const { filterHeight: r, filterWidth: s, inChannels: c, outChannels: k } = info;
  if (depthwise) return permute(backend, filter, [1, 0], [r * s, k]);
  return permute(backend, filter, [3, 2, 0, 1], [r, s, c, k]);
}

function kcrsShape(info: Conv2DInfo, depthwise: boolean): Shape4 {
  const { filterHeight: r, filterWidth: s, inChannels: c, outChannels: k } = info;
  return depthwise ? [k, 1, r, s] : [k, c, r, s];
}

function geometry(info: Conv2DInfo, depthwise: boolean) {
  const g = convGeometryOf(info, depthwise ? info.inChannels : 1);
  if (!g)
    throw new Error(
      'conv: the geometry is not representable (refuse() should have sent it to the host path)',
    );
  return g;
}

function dispose(backend: RocmBackend, ...temps: (TensorInfo | undefined | false)[]): void {
  for (const t of temps) if (t) backend.disposeIntermediateTensorInfo(t);
}

/** NCHW device result → TF.js layout. */
function fromNchw(backend: RocmBackend, y: TensorInfo, info: Conv2DInfo): TensorInfo {
  if (info.dataFormat === 'channelsFirst') return y;
  const out = permute(backend, y, [0, 2, 3, 1]);
  backend.disposeIntermediateTensorInfo(y);
  return out;
}

/**
 * A per-channel operand (bias, PReLU weights) as tfjs-backend-cpu applies it: in NCHW a 1-D one of more
 * than one value broadcasts along the channel axis ([C] → [C, 1, 1]); otherwise it broadcasts as it is.
 */
function channelwise(t: TensorInfo, info: Conv2DInfo): TensorInfo {
  if (info.dataFormat === 'channelsFirst' && t.shape.length === 1 && t.shape[0] !== 1) {
    return { ...t, shape: [t.shape[0]!, 1, 1] };
  }
  return t;
}

/** Whether the epilogue can add the bias: one value per output channel, broadcast along the channel axis. */
function epilogueBias(bias: TensorInfo | undefined, info: Conv2DInfo): boolean {
  if (!bias) return false;
  const size = bias.shape.reduce((a, b) => a * b, 1);
  if (size !== info.outChannels) return false;
  if (info.dataFormat === 'channelsFirst') return bias.shape.length === 1;
  return bias.shape.length <= 1 || bias.shape[bias.shape.length - 1] === info.outChannels;
}

export function convForward(
  backend: RocmBackend,
  x: TensorInfo,
  filter: TensorInfo,
  info: Conv2DInfo,
  o: ForwardOptions,
): TensorInfo {
  if (empty(info)) return emptyResult(backend, tfShape(info, 'out'));
  const xn = toNchw(backend, x, info);
  const w = filterToKcrs(backend, filter, info, o.depthwise);
  const fuseBias = epilogueBias(o.bias, info);
  // ReLU in the epilogue only where the bias is in it too (or absent): it must follow the bias.
  const fuseRelu = o.activation === 'relu' && (o.bias === undefined || fuseBias);
  let y: TensorInfo;
  try {
    const result = getConvRouter().run(
      o.depthwise ? 'DepthwiseConv2dNative' : 'Conv2D',
      {
        direction: 'forward',
        x: operand(backend, xn.t, nchwShape(info, 'in')),
        w: operand(backend, w, kcrsShape(info, o.depthwise)),
        bias: fuseBias && o.bias ? operand(backend, o.bias, [info.outChannels]) : undefined,
        relu: fuseRelu,
      },
      geometry(info, o.depthwise),
    );
    y = fromNchw(backend, adopt(backend, result, nchwShape(info, 'out')), info);
  } finally {
    dispose(backend, xn.temp && xn.t, w);
  }
  if (o.bias && !fuseBias)
    y = replace(backend, y, binary(backend, 'Add', y, channelwise(o.bias, info), 'float32'));
  return activate(backend, y, o, fuseRelu, info);
}

function replace(backend: RocmBackend, old: TensorInfo, next: TensorInfo): TensorInfo {
  backend.disposeIntermediateTensorInfo(old);
  return next;
}

/** The fused activations other than ReLU (which the epilogue applied). */
function activate(
  backend: RocmBackend,
  y: TensorInfo,
  o: ForwardOptions,
  reluDone: boolean,
  info: Conv2DInfo,
): TensorInfo {
  switch (o.activation ?? 'linear') {
    case 'linear':
      return y;
    case 'relu':
      return reluDone ? y : replace(backend, y, unary(backend, 'Relu', y, 'float32'));
    case 'relu6':
      return replace(backend, y, unary(backend, 'Relu6', y, 'float32'));
    case 'elu':
      return replace(backend, y, unary(backend, 'Elu', y, 'float32'));
    case 'sigmoid':
      return replace(backend, y, unary(backend, 'Sigmoid', y, 'float32'));
    case 'leakyrelu':
      return replace(backend, y, unary(backend, 'LeakyRelu', y, 'float32', o.leakyreluAlpha ?? 0.2));
    case 'prelu':
      if (!o.preluWeights) throw new Error('prelu activation needs preluActivationWeights');
      return replace(backend, y, binary(backend, 'Prelu', y, channelwise(o.preluWeights, info), 'float32'));
    default:
      throw new Error(`unknown fused activation '${String(o.activation)}'`);
  }
}

/** Whether dy has the output shape the geometry gives (conv2dTranspose may pass one that differs). */
export function dyMatches(info: Conv2DInfo, dy: TensorInfo): boolean {
  const expected = tfShape(info, 'out');
  return dy.shape.length === 4 && expected.every((d, i) => d === dy.shape[i]);
}

/** Why a gradient kernel's device path cannot take the call, or undefined. */
export function gradientRefusal(info: Conv2DInfo, dy: TensorInfo, depthwise: boolean): string | undefined {
  if (!dyMatches(info, dy)) return "dy does not have the geometry's output shape";
  return convRefusal(info, depthwise);
}

interface ConvAttrs {
  strides: number | [number, number];
  dilations?: number | [number, number];
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  dataFormat?: 'NHWC' | 'NCHW';
}

/**
 * TF.js's geometry of a conv kernel call (its rules for 'same', 'valid', explicit padding and rounding):
 * x's shape (or a gradient's inputShape), the filter's, and the kernel's attributes. The input gradient
 * kernels have no dilations; depthwise kernels are NHWC only.
 */
export function conv2dInfo(
  xShape: readonly number[],
  filterShape: readonly number[],
  attrs: ConvAttrs,
  depthwise: boolean,
): Conv2DInfo {
  return backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad,
    attrs.dimRoundingMode,
    depthwise,
    depthwise ? 'channelsLast' : backend_util.convertConv2DDataFormat(attrs.dataFormat ?? 'NHWC'),
  );
}

export function convBackwardData(
  backend: RocmBackend,
  dy: TensorInfo,
  filter: TensorInfo,
  info: Conv2DInfo,
  depthwise: boolean,
): TensorInfo {
  if (empty(info)) return emptyResult(backend, tfShape(info, 'in'));
  const dyn = toNchw(backend, dy, info);
  const w = filterToKcrs(backend, filter, info, depthwise);
  try {
    const result = getConvRouter().run(
      depthwise ? 'DepthwiseConv2dNativeBackpropInput' : 'Conv2DBackpropInput',
      {
        direction: 'backwardData',
        dy: operand(backend, dyn.t, nchwShape(info, 'out')),
        w: operand(backend, w, kcrsShape(info, depthwise)),
        inputShape: nchwShape(info, 'in'),
      },
      geometry(info, depthwise),
    );
    return fromNchw(backend, adopt(backend, result, nchwShape(info, 'in')), info);
  } finally {
    dispose(backend, dyn.temp && dyn.t, w);
  }
}

export function convBackwardFilter(
  backend: RocmBackend,
  x: TensorInfo,
  dy: TensorInfo,
  info: Conv2DInfo,
  depthwise: boolean,
): TensorInfo {
  const { filterHeight: r, filterWidth: s, inChannels: c, outChannels: k } = info;
  if (empty(info)) return emptyResult(backend, depthwise ? [r, s, c, k / c] : [r, s, c, k]);
  const xn = toNchw(backend, x, info);
  const dyn = toNchw(backend, dy, info);
  let dw: TensorInfo;
  try {
    const result = getConvRouter().run(
      depthwise ? 'DepthwiseConv2dNativeBackpropFilter' : 'Conv2DBackpropFilter',
      {
        direction: 'backwardFilter',
        x: operand(backend, xn.t, nchwShape(info, 'in')),
        dy: operand(backend, dyn.t, nchwShape(info, 'out')),
        filterShape: kcrsShape(info, depthwise),
      },
      geometry(info, depthwise),
    );
    dw = adopt(backend, result, kcrsShape(info, depthwise));
  } finally {
    dispose(backend, xn.temp && xn.t, dyn.temp && dyn.t);
  }
  // KCRS → RSCK ([K, C, R, S] → [R, S, C, K]); depthwise [C·M, 1, R, S] → [R, S, C, M].
  const out = depthwise
    ? permute(backend, dw, [1, 0], [k, r * s])
    : permute(backend, dw, [2, 3, 1, 0], [k, c, r, s]);
  backend.disposeIntermediateTensorInfo(dw);
  // The permuted depthwise gradient is [R·S, C·M]: the same data as [R, S, C, M].
  return depthwise ? { ...out, shape: [r, s, c, k / c] } : out;
}
