// The public convolution functions: validate, resolve the geometry, pick a backend, run.
import {
  BACKWARD_DATA_OPTION_KEYS,
  BACKWARD_FILTER_OPTION_KEYS,
  CONV2D_OPTION_KEYS,
  checkConvOptions,
} from './conv-options.js';
import { selectBackend } from './dispatch.js';
import {
  checkShape,
  checkShapeEquals,
  checkTensor,
  filterShapeOf,
  inputShapeOf,
  outputShapeOf,
  resolveParams,
} from './geometry.js';
import { type DeviceTensor, isDeviceTensor } from './gpu/device-tensor.js';
import {
  type AnyTensor,
  deviceConv2d,
  deviceConv2dAsync,
  deviceConv2dBackwardData,
  deviceConv2dBackwardDataAsync,
  deviceConv2dBackwardFilter,
  deviceConv2dBackwardFilterAsync,
} from './gpu/ops.js';
import { checkOut, newTensor } from './output.js';
import type {
  Conv2dBackwardDataOptions,
  Conv2dBackwardFilterOptions,
  Conv2dOptions,
  ConvParams,
  Tensor4,
} from './types.js';

/**
 * Waits for an async native call. The native side reports an output array that lost its memory while
 * the call ran (its buffer transferred, detached or resized; the result is then not written) with code
 * ERR_ARRAY_DETACHED; that array is always the caller's `out`, so name the function and the option.
 */
async function settle(run: Promise<Float32Array>, fn: string): Promise<Float32Array> {
  try {
    return await run;
  } catch (error) {
    if ((error as { code?: unknown } | null)?.code !== 'ERR_ARRAY_DETACHED') throw error;
    const e = new RangeError(
      `${fn}: out.data lost its memory while the call ran (its ArrayBuffer was transferred, detached or ` +
        'resized), so the result was not written; leave the buffers of out and the inputs alone until the promise settles',
      { cause: error },
    );
    throw Object.assign(e, { code: 'ERR_ARRAY_DETACHED' });
  }
}

type Shape4 = [number, number, number, number];

interface Prepared {
  p: ConvParams;
  a: Float32Array;
  b: Float32Array;
  bias: Float32Array | null;
  /** The caller's out, checked; undefined when the result goes into a new tensor of `shape`. */
  out: Tensor4 | undefined;
  shape: Shape4;
}

/** A sync call's output tensor. */
function outputOf(c: Prepared): Tensor4 {
  return c.out ?? newTensor(c.shape);
}

/** An async call's result: the caller's out, or the array the backend made (null asks for one). */
async function runAsync(
  c: Prepared,
  fn: string,
  run: (out: Float32Array | null) => Promise<Float32Array>,
): Promise<Tensor4> {
  const data = await settle(run(c.out?.data ?? null), fn);
  return c.out ?? { data, shape: [...c.shape] };
}

function prepareForward(x: Tensor4, w: Tensor4, options: Conv2dOptions | undefined, fn: string): Prepared {
  const opts = checkConvOptions(options, CONV2D_OPTION_KEYS, fn, false);
  checkTensor(x, 'x', fn);
  checkTensor(w, 'w', fn);
  const p = resolveParams(x.shape, w.shape, opts, fn);
  let bias: Float32Array | null = null;
  if (opts.bias !== undefined) {
    if (!(opts.bias instanceof Float32Array)) throw new TypeError(`${fn}: bias must be a Float32Array`);
    if (opts.bias.length !== p.k) {
      throw new RangeError(`${fn}: bias has ${opts.bias.length} elements, expected K = ${p.k}`);
    }
    bias = opts.bias;
  }
  const inputs: Record<string, Float32Array> = { x: x.data, w: w.data, ...(bias ? { bias } : {}) };
  const shape = outputShapeOf(p);
  return { p, a: x.data, b: w.data, bias, out: checkOut(opts.out, shape, inputs, fn), shape };
}

function prepareBackwardData(
  dy: Tensor4,
  w: Tensor4,
  options: Conv2dBackwardDataOptions | undefined,
  fn: string,
): Prepared {
  const opts = checkConvOptions(options, BACKWARD_DATA_OPTION_KEYS, fn, true);
  checkTensor(dy, 'dy', fn);
  checkTensor(w, 'w', fn);
  const inputShape = checkShape(opts.inputShape, 'inputShape', fn);
  const p = resolveParams(inputShape, w.shape, opts, fn);
  checkShapeEquals(dy, outputShapeOf(p), 'dy', fn);
  const shape = inputShapeOf(p);
  const out = checkOut(opts.out, shape, { dy: dy.data, w: w.data }, fn);
  return { p, a: dy.data, b: w.data, bias: null, out, shape };
}

function prepareBackwardFilter(
  x: Tensor4,
  dy: Tensor4,
  options: Conv2dBackwardFilterOptions | undefined,
  fn: string,
): Prepared {
  const opts = checkConvOptions(options, BACKWARD_FILTER_OPTION_KEYS, fn, true);
  checkTensor(x, 'x', fn);
  checkTensor(dy, 'dy', fn);
  const filterShape = checkShape(opts.filterShape, 'filterShape', fn);
  const p = resolveParams(x.shape, filterShape, opts, fn);
  checkShapeEquals(dy, outputShapeOf(p), 'dy', fn);
  const shape = filterShapeOf(p);
  const out = checkOut(opts.out, shape, { x: x.data, dy: dy.data }, fn);
  return { p, a: x.data, b: dy.data, bias: null, out, shape };
}

/**
 * y = conv2d(x, w) (+ bias): x N×C×H×W, w K×(C/groups)×R×S, y N×K×P×Q. With a DeviceTensor operand it
 * runs on the GPU and returns a DeviceTensor.
 */
export function conv2d(x: Tensor4, w: Tensor4, opts?: Conv2dOptions): Tensor4;
export function conv2d(x: AnyTensor, w: AnyTensor, opts?: Conv2dOptions): DeviceTensor;
export function conv2d(x: AnyTensor, w: AnyTensor, opts?: Conv2dOptions): Tensor4 | DeviceTensor {
  if (isDeviceTensor(x) || isDeviceTensor(w)) return deviceConv2d(x, w, opts, 'conv2d');
  const c = prepareForward(x, w, opts, 'conv2d');
  const out = outputOf(c);
  selectBackend(opts?.device, 'conv2d').forward(c.p, c.a, c.b, c.bias, out.data);
  return out;
}

/** conv2d off the event loop; resolves to the same result. Do not modify the inputs until it settles. */
export function conv2dAsync(x: Tensor4, w: Tensor4, opts?: Conv2dOptions): Promise<Tensor4>;
export function conv2dAsync(x: AnyTensor, w: AnyTensor, opts?: Conv2dOptions): Promise<DeviceTensor>;
export async function conv2dAsync(
  x: AnyTensor,
  w: AnyTensor,
  opts?: Conv2dOptions,
): Promise<Tensor4 | DeviceTensor> {
  if (isDeviceTensor(x) || isDeviceTensor(w)) return deviceConv2dAsync(x, w, opts, 'conv2dAsync');
  const c = prepareForward(x, w, opts, 'conv2dAsync');
  const backend = selectBackend(opts?.device, 'conv2dAsync');
  return runAsync(c, 'conv2dAsync', (out) => backend.forwardAsync(c.p, c.a, c.b, c.bias, out));
}

/** dx, the gradient of the loss with respect to conv2d's input x, from dy (N×K×P×Q) and w. */
export function conv2dBackwardData(dy: Tensor4, w: Tensor4, opts: Conv2dBackwardDataOptions): Tensor4;
export function conv2dBackwardData(
  dy: AnyTensor,
  w: AnyTensor,
  opts: Conv2dBackwardDataOptions,
): DeviceTensor;
export function conv2dBackwardData(
  dy: AnyTensor,
  w: AnyTensor,
  opts: Conv2dBackwardDataOptions,
): Tensor4 | DeviceTensor {
  if (isDeviceTensor(dy) || isDeviceTensor(w))
    return deviceConv2dBackwardData(dy, w, opts, 'conv2dBackwardData');
  const c = prepareBackwardData(dy, w, opts, 'conv2dBackwardData');
  const out = outputOf(c);
  selectBackend(opts.device, 'conv2dBackwardData').backwardData(c.p, c.a, c.b, out.data);
  return out;
}

/** conv2dBackwardData off the event loop. */
export function conv2dBackwardDataAsync(
  dy: Tensor4,
  w: Tensor4,
  opts: Conv2dBackwardDataOptions,
): Promise<Tensor4>;
export function conv2dBackwardDataAsync(
  dy: AnyTensor,
  w: AnyTensor,
  opts: Conv2dBackwardDataOptions,
): Promise<DeviceTensor>;
export async function conv2dBackwardDataAsync(
  dy: AnyTensor,
  w: AnyTensor,
  opts: Conv2dBackwardDataOptions,
): Promise<Tensor4 | DeviceTensor> {
  if (isDeviceTensor(dy) || isDeviceTensor(w)) {
    return deviceConv2dBackwardDataAsync(dy, w, opts, 'conv2dBackwardDataAsync');
  }
  const c = prepareBackwardData(dy, w, opts, 'conv2dBackwardDataAsync');
  const backend = selectBackend(opts.device, 'conv2dBackwardDataAsync');
  return runAsync(c, 'conv2dBackwardDataAsync', (out) => backend.backwardDataAsync(c.p, c.a, c.b, out));
}

/** dw, the gradient of the loss with respect to conv2d's filter w, from x and dy (N×K×P×Q). */
export function conv2dBackwardFilter(x: Tensor4, dy: Tensor4, opts: Conv2dBackwardFilterOptions): Tensor4;
export function conv2dBackwardFilter(
  x: AnyTensor,
  dy: AnyTensor,
  opts: Conv2dBackwardFilterOptions,
): DeviceTensor;
export function conv2dBackwardFilter(
  x: AnyTensor,
  dy: AnyTensor,
  opts: Conv2dBackwardFilterOptions,
): Tensor4 | DeviceTensor {
  if (isDeviceTensor(x) || isDeviceTensor(dy)) {
    return deviceConv2dBackwardFilter(x, dy, opts, 'conv2dBackwardFilter');
  }
  const c = prepareBackwardFilter(x, dy, opts, 'conv2dBackwardFilter');
  const out = outputOf(c);
  selectBackend(opts.device, 'conv2dBackwardFilter').backwardFilter(c.p, c.a, c.b, out.data);
  return out;
}

/** conv2dBackwardFilter off the event loop. */
export function conv2dBackwardFilterAsync(
  x: Tensor4,
  dy: Tensor4,
  opts: Conv2dBackwardFilterOptions,
): Promise<Tensor4>;
export function conv2dBackwardFilterAsync(
  x: AnyTensor,
  dy: AnyTensor,
  opts: Conv2dBackwardFilterOptions,
): Promise<DeviceTensor>;
export async function conv2dBackwardFilterAsync(
  x: AnyTensor,
  dy: AnyTensor,
  opts: Conv2dBackwardFilterOptions,
): Promise<Tensor4 | DeviceTensor> {
  if (isDeviceTensor(x) || isDeviceTensor(dy)) {
    return deviceConv2dBackwardFilterAsync(x, dy, opts, 'conv2dBackwardFilterAsync');
  }
  const c = prepareBackwardFilter(x, dy, opts, 'conv2dBackwardFilterAsync');
  const backend = selectBackend(opts.device, 'conv2dBackwardFilterAsync');
  return runAsync(c, 'conv2dBackwardFilterAsync', (out) => backend.backwardFilterAsync(c.p, c.a, c.b, out));
}

/**
 * The gradient of the loss with respect to conv2d's bias: dbias[k] = Σ over n, p, q of dy[n][k][p][q].
 * Summed in double precision.
 */
export function conv2dBackwardBias(dy: Tensor4): Float32Array {
  checkTensor(dy, 'dy', 'conv2dBackwardBias');
  const [n, k, p, q] = dy.shape;
  const plane = p * q;
  const out = new Float32Array(k);
  for (let kk = 0; kk < k; kk++) {
    let sum = 0;
    for (let nn = 0; nn < n; nn++) {
      const base = (nn * k + kk) * plane;
      for (let i = 0; i < plane; i++) sum += dy.data[base + i]!;
    }
    out[kk] = sum;
  }
  return out;
}
