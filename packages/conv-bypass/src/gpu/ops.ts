// Convolutions whose operands may be DeviceTensors: they run on the GPU and return a DeviceTensor
// (the result stays on the device). conv.ts sends a call here when any operand is a DeviceTensor.
import {
  BACKWARD_DATA_OPTION_KEYS,
  BACKWARD_FILTER_OPTION_KEYS,
  CONV2D_OPTION_KEYS,
  checkConvOptions,
} from '../conv-options.js';
import { describeValue } from '../describe-value.js';
import {
  checkShape,
  checkTensor,
  filterShapeOf,
  inputShapeOf,
  outputShapeOf,
  resolveParams,
} from '../geometry.js';
import type {
  Conv2dBackwardDataOptions,
  Conv2dBackwardFilterOptions,
  Conv2dOptions,
  ConvParams,
  Tensor4,
} from '../types.js';
import { type DeviceTensor, empty, isDeviceTensor, requireGpu } from './device-tensor.js';
import type { GpuOperand } from './native.js';

type Shape4 = [number, number, number, number];

/** A conv operand: a host tensor or a DeviceTensor. */
export type AnyTensor = Tensor4 | DeviceTensor;

/** Options of a GPU call; `out` must then be a DeviceTensor, and `device` may only be 'gpu' or 'auto'. */
type GpuOpts = { device?: unknown; out?: unknown };

function operand(t: unknown, name: string, fn: string): { shape: Shape4; arg: GpuOperand } {
  if (isDeviceTensor(t)) return { shape: t.shape, arg: t.handle(fn) };
  const h = checkTensor(t, name, fn);
  return { shape: h.shape, arg: h.data };
}

function checkDevice(opts: GpuOpts, fn: string): void {
  if (opts.device !== undefined && opts.device !== 'auto' && opts.device !== 'gpu' && opts.device !== 'cpu') {
    throw new TypeError(`${fn}: device must be 'auto', 'cpu' or 'gpu', got ${describeValue(opts.device)}`);
  }
  if (opts.device === 'cpu') {
    throw new TypeError(
      `${fn}: DeviceTensor operands run on the GPU; device 'cpu' needs host tensors (download() them)`,
    );
  }
}

function outputOf(
  opts: GpuOpts,
  shape: Shape4,
  inputs: GpuOperand[],
  fn: string,
): { out: DeviceTensor; owned: boolean } {
  if (opts.out === undefined) return { out: empty(shape), owned: true };
  if (!isDeviceTensor(opts.out))
    throw new TypeError(`${fn}: out must be a DeviceTensor when operands are on the GPU`);
  const o = opts.out;
  if (o.shape.some((d, i) => d !== shape[i])) {
    throw new RangeError(`${fn}: out.shape is [${o.shape.join(', ')}], expected [${shape.join(', ')}]`);
  }
  if (inputs.includes(o.handle(fn))) throw new RangeError(`${fn}: out must not alias an input`);
  return { out: o, owned: false };
}

function biasOf(bias: unknown, p: ConvParams, fn: string): Float32Array | null {
  if (bias === undefined) return null;
  if (!(bias instanceof Float32Array)) throw new TypeError(`${fn}: bias must be a Float32Array`);
  if (bias.length !== p.k)
    throw new RangeError(`${fn}: bias has ${bias.length} elements, expected K = ${p.k}`);
  return bias;
}

interface Prepared {
  p: ConvParams;
  a: GpuOperand;
  b: GpuOperand;
  bias: Float32Array | null;
  out: DeviceTensor;
  owned: boolean;
}

function prepareForward(x: unknown, w: unknown, options: Conv2dOptions | undefined, fn: string): Prepared {
  const o = checkConvOptions(options, CONV2D_OPTION_KEYS, fn, false);
  checkDevice(o, fn);
  const X = operand(x, 'x', fn);
  const W = operand(w, 'w', fn);
  const p = resolveParams(X.shape, W.shape, o, fn);
  const bias = biasOf(o.bias, p, fn);
  const { out, owned } = outputOf(o, outputShapeOf(p), [X.arg, W.arg], fn);
  return { p, a: X.arg, b: W.arg, bias, out, owned };
}

function prepareBackwardData(
  dy: unknown,
  w: unknown,
  options: Conv2dBackwardDataOptions,
  fn: string,
): Prepared {
  const o = checkConvOptions(options, BACKWARD_DATA_OPTION_KEYS, fn, true);
  checkDevice(o, fn);
  const D = operand(dy, 'dy', fn);
  const W = operand(w, 'w', fn);
  const p = resolveParams(checkShape(o.inputShape, 'inputShape', fn), W.shape, o, fn);
  checkSame(D.shape, outputShapeOf(p), 'dy', fn);
  const { out, owned } = outputOf(o, inputShapeOf(p), [D.arg, W.arg], fn);
  return { p, a: D.arg, b: W.arg, bias: null, out, owned };
}

function prepareBackwardFilter(
  x: unknown,
  dy: unknown,
  options: Conv2dBackwardFilterOptions,
  fn: string,
): Prepared {
  const o = checkConvOptions(options, BACKWARD_FILTER_OPTION_KEYS, fn, true);
  checkDevice(o, fn);
  const X = operand(x, 'x', fn);
  const D = operand(dy, 'dy', fn);
  const p = resolveParams(X.shape, checkShape(o.filterShape, 'filterShape', fn), o, fn);
  checkSame(D.shape, outputShapeOf(p), 'dy', fn);
  const { out, owned } = outputOf(o, filterShapeOf(p), [X.arg, D.arg], fn);
  return { p, a: X.arg, b: D.arg, bias: null, out, owned };
}

function checkSame(shape: Shape4, expected: Shape4, name: string, fn: string): void {
  if (shape.some((d, i) => d !== expected[i])) {
    throw new RangeError(`${fn}: ${name}.shape is [${shape.join(', ')}], expected [${expected.join(', ')}]`);
  }
}

// Runs the native call; a result tensor we allocated is freed again if the call fails.
function settle(c: Prepared, run: () => unknown): DeviceTensor {
  try {
    run();
  } catch (error) {
    if (c.owned) c.out.dispose();
    throw error;
  }
  return c.out;
}
async function settleAsync(c: Prepared, run: () => Promise<unknown>): Promise<DeviceTensor> {
  try {
    await run();
  } catch (error) {
    if (c.owned) c.out.dispose();
    throw error;
  }
  return c.out;
}

export function deviceConv2d(
  x: AnyTensor,
  w: AnyTensor,
  options: Conv2dOptions | undefined,
  fn: string,
): DeviceTensor {
  const c = prepareForward(x, w, options, fn);
  const g = requireGpu(fn);
  return settle(c, () => g.gpuConv2dForward(c.p, c.a, c.b, c.bias, c.out.handle(fn), false, 0));
}

export function deviceConv2dAsync(
  x: AnyTensor,
  w: AnyTensor,
  options: Conv2dOptions | undefined,
  fn: string,
): Promise<DeviceTensor> {
  const c = prepareForward(x, w, options, fn);
  const g = requireGpu(fn);
  return settleAsync(c, () => g.gpuConv2dForwardAsync(c.p, c.a, c.b, c.bias, c.out.handle(fn), false, 0));
}

export function deviceConv2dBackwardData(
  dy: AnyTensor,
  w: AnyTensor,
  options: Conv2dBackwardDataOptions,
  fn: string,
): DeviceTensor {
  const c = prepareBackwardData(dy, w, options, fn);
  const g = requireGpu(fn);
  return settle(c, () => g.gpuConv2dBackwardData(c.p, c.a, c.b, c.out.handle(fn)));
}

export function deviceConv2dBackwardDataAsync(
  dy: AnyTensor,
  w: AnyTensor,
  options: Conv2dBackwardDataOptions,
  fn: string,
): Promise<DeviceTensor> {
  const c = prepareBackwardData(dy, w, options, fn);
  const g = requireGpu(fn);
  return settleAsync(c, () => g.gpuConv2dBackwardDataAsync(c.p, c.a, c.b, c.out.handle(fn)));
}

export function deviceConv2dBackwardFilter(
  x: AnyTensor,
  dy: AnyTensor,
  options: Conv2dBackwardFilterOptions,
  fn: string,
): DeviceTensor {
  const c = prepareBackwardFilter(x, dy, options, fn);
  const g = requireGpu(fn);
  return settle(c, () => g.gpuConv2dBackwardFilter(c.p, c.a, c.b, c.out.handle(fn)));
}

export function deviceConv2dBackwardFilterAsync(
  x: AnyTensor,
  dy: AnyTensor,
  options: Conv2dBackwardFilterOptions,
  fn: string,
): Promise<DeviceTensor> {
  const c = prepareBackwardFilter(x, dy, options, fn);
  const g = requireGpu(fn);
  return settleAsync(c, () => g.gpuConv2dBackwardFilterAsync(c.p, c.a, c.b, c.out.handle(fn)));
}
