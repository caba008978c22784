// Convolutions on device buffers (the TF.js 'rocm' backend's tensors) through the strategy layer: a
// BufferOperand is a conv operand that lives in the device context's memory, and every algorithm of the
// router takes it — our GPU kernels, the vendor library (for keys its probe found safe) and, on the host
// device, the CPU convolution — without copying anything to the host and without waiting for the device.
import { resolveParams } from '../geometry.js';
import type {
  AlgorithmName,
  ConvAlgorithm,
  ConvGeometry,
  ConvOperand,
  Shape4,
  Tensor4,
} from '../strategy/types.js';
import type { ConvParams } from '../types.js';
import type { DeviceAddon } from './index.js';

/** What a BufferOperand needs of the device context: the addon and the args array given to init(). */
export interface DeviceHandle {
  addon: DeviceAddon;
  args: Float64Array;
  /** The host device runs the CPU convolution on its buffers; on the GPU, 'cpu' means a host round trip. */
  kind: 'gpu' | 'host';
}

/**
 * A float32 tensor in device memory: NCHW activations, KCRS filters, or a bias of K. An operand built by
 * the caller borrows its buffer; an algorithm's result owns its buffer until `take()` hands it over (or
 * `dispose()` frees it: the router disposes the results of AUTO's losing candidates).
 */
// A brand, not instanceof: each entry point of this package (., ./device, ./tfjs) is bundled on its own,
// so the class exists once per bundle.
const BRAND = Symbol.for('@rocm-patch/conv-bypass.BufferOperand');

export class BufferOperand {
  readonly [BRAND] = true;
  readonly shape: number[];
  #buffer: number;
  #owned: boolean;

  constructor(
    readonly device: DeviceHandle,
    buffer: number,
    shape: readonly number[],
    /** The name id of the TF.js kernel (names it in device errors and out-of-memory messages). */
    readonly nameId: number,
    owned = false,
  ) {
    this.#buffer = buffer;
    this.shape = [...shape];
    this.#owned = owned;
  }

  get buffer(): number {
    if (this.#buffer < 0) throw new Error('BufferOperand: the buffer was taken or disposed');
    return this.#buffer;
  }

  /** Hands the buffer to the caller, who frees it from now on. */
  take(): number {
    const b = this.buffer;
    this.#owned = false;
    this.#buffer = -1;
    return b;
  }

  dispose(): void {
    if (this.#owned && this.#buffer >= 0) this.device.addon.free(this.#buffer);
    this.#buffer = -1;
    this.#owned = false;
  }

  /** Waits for the device (AUTO times its candidates once per key with it). */
  synchronize(): void {
    this.device.addon.synchronize();
  }
}

export function isBufferOperand(value: unknown): value is BufferOperand {
  return typeof value === 'object' && value !== null && (value as { [BRAND]?: unknown })[BRAND] === true;
}

/** The native algorithm codes of convForward/convBackwardData/convBackwardFilter. */
const ALGO_CODES: Partial<Record<AlgorithmName, number>> = {
  implicit_gemm: 0,
  gpu_unfold: 1,
  vendor: 2,
  cpu: 3,
};

function writeParams(args: Float64Array, p: ConvParams): void {
  args[0] = p.n;
  args[1] = p.c;
  args[2] = p.h;
  args[3] = p.w;
  args[4] = p.k;
  args[5] = p.r;
  args[6] = p.s;
  args[7] = p.p;
  args[8] = p.q;
  args[9] = p.strideH;
  args[10] = p.strideW;
  args[11] = p.padTop;
  args[12] = p.padLeft;
  args[13] = p.dilationH;
  args[14] = p.dilationW;
  args[15] = p.groups;
}

function shape4(operand: BufferOperand, name: string): Shape4 {
  if (operand.shape.length !== 4)
    throw new RangeError(`${name} must be a 4-D tensor, got [${operand.shape.join(', ')}]`);
  return operand.shape as Shape4;
}

function result(like: BufferOperand, shape: Shape4): BufferOperand {
  const count = shape.reduce((a, b) => a * b, 1);
  const buffer = like.device.addon.alloc(count * 4, like.nameId);
  return new BufferOperand(like.device, buffer, shape, like.nameId, true);
}

function run(out: BufferOperand, launch: () => void): BufferOperand {
  try {
    launch();
  } catch (error) {
    out.dispose();
    throw error;
  }
  return out;
}

/**
 * `algorithm` extended to BufferOperands: calls whose operands are all BufferOperands run the native
 * algorithm `name` on the device buffers; any other call goes to `algorithm` unchanged.
 */
export function withBufferOperands(algorithm: ConvAlgorithm): ConvAlgorithm {
  const code = ALGO_CODES[algorithm.name];
  if (code === undefined) return algorithm;
  const fn = `conv (${algorithm.name}, device buffers)`;
  // The CPU algorithm on a GPU's buffers (strategy 'cpu', which the user asked for): download, compute on
  // the host, upload.
  const roundTrip = (operand: BufferOperand): boolean =>
    algorithm.name === 'cpu' && operand.device.kind === 'gpu';
  return {
    name: algorithm.name,
    forward(x, w, geometry, bias, relu) {
      if (!isBufferOperand(x) || !isBufferOperand(w)) {
        return reluOnHost(algorithm.forward(x, w, geometry, bias), relu);
      }
      if (roundTrip(x)) {
        const b = bias === undefined ? undefined : isBufferOperand(bias) ? host(bias) : bias;
        return upload(x, reluOnHost(algorithm.forward(host(x), host(w), geometry, b), relu));
      }
      if (bias !== undefined && !isBufferOperand(bias))
        throw new TypeError(`${fn}: bias must be a BufferOperand`);
      const p = resolveParams(shape4(x, 'x'), shape4(w, 'w'), { ...geometry }, fn);
      const y = result(x, [p.n, p.k, p.p, p.q]);
      return run(y, () => {
        writeParams(x.device.args, p);
        x.device.addon.convForward(
          x.nameId,
          code,
          x.buffer,
          w.buffer,
          bias?.buffer ?? -1,
          y.buffer,
          relu === true,
        );
      });
    },
    backwardData(dy, w, inputShape, geometry) {
      if (!isBufferOperand(dy) || !isBufferOperand(w))
        return algorithm.backwardData(dy, w, inputShape, geometry);
      if (roundTrip(dy)) return upload(dy, algorithm.backwardData(host(dy), host(w), inputShape, geometry));
      const p = resolveParams(inputShape, shape4(w, 'w'), { ...geometry }, fn);
      const dx = result(dy, [...inputShape]);
      return run(dx, () => {
        writeParams(dy.device.args, p);
        dy.device.addon.convBackwardData(dy.nameId, code, dy.buffer, w.buffer, dx.buffer);
      });
    },
    backwardFilter(x, dy, filterShape, geometry) {
      if (!isBufferOperand(x) || !isBufferOperand(dy))
        return algorithm.backwardFilter(x, dy, filterShape, geometry);
      if (roundTrip(x)) return upload(x, algorithm.backwardFilter(host(x), host(dy), filterShape, geometry));
      const p = resolveParams(shape4(x, 'x'), filterShape, { ...geometry }, fn);
      const dw = result(x, [...filterShape]);
      return run(dw, () => {
        writeParams(x.device.args, p);
        x.device.addon.convBackwardFilter(x.nameId, code, x.buffer, dy.buffer, dw.buffer);
      });
    },
  };
}

/** A host copy of a buffer operand (waits for the device). */
function host(o: BufferOperand): Tensor4 {
  const count = o.shape.reduce((a, b) => a * b, 1);
  return { data: o.device.addon.readSync(o.buffer, count, 0) as Float32Array, shape: [...o.shape] as Shape4 };
}

/** A host result as a new owned buffer operand beside `like`. */
function upload(like: BufferOperand, r: ConvOperand): BufferOperand {
  const t = r as Tensor4;
  if (!(t.data instanceof Float32Array))
    throw new TypeError('conv: the CPU algorithm returned no host tensor');
  const out = result(like, t.shape);
  return run(out, () => like.device.addon.upload(out.buffer, t.data));
}

/** ReLU applied to a host result (the host algorithms have no epilogue); device results pass through. */
function reluOnHost(r: ConvOperand, relu: boolean | undefined): ConvOperand {
  const data = (r as Partial<Tensor4>).data;
  if (relu && data instanceof Float32Array) {
    for (let i = 0; i < data.length; i++) if (data[i]! < 0) data[i] = 0;
  }
  return r;
}

/** The synchronize() of the first BufferOperand among the operands, if any (for AUTO's timing). */
export function deviceSynchronizer(operands: readonly unknown[]): (() => void) | undefined {
  for (const o of operands) if (isBufferOperand(o)) return () => o.synchronize();
  return undefined;
}

export type { ConvGeometry, ConvOperand };
