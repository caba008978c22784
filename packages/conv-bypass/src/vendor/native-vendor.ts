import { resolveParams } from '../geometry.js';
import { isDeviceTensor, upload } from '../gpu/device-tensor.js';
import { addon } from '../native.js';
import { toHost } from '../strategy/algorithms.js';
import type {
  ConvAlgorithm,
  ConvGeometry,
  ConvOperand,
  Shape4,
  Tensor4,
  VendorInfo,
} from '../strategy/types.js';
import type { ConvParams } from '../types.js';

/**
 * The vendor binding of the addon (native/src/vendor/), present in GPU builds: it dlopen()s
 * libMIOpen.so (HIP builds) or libcudnn.so.9 (CUDA builds) on first use; no build-time dependency on
 * either. Host buffers in, host buffers out (the binding copies through device memory).
 */
export interface NativeVendorBinding {
  /** Loads the library; the library name and version, or an Error's message saying why it could not. */
  open(): { library: string; version: string } | { error: string };
  forward(p: ConvParams, x: Float32Array, w: Float32Array, y: Float32Array): void;
  backwardData(p: ConvParams, dy: Float32Array, w: Float32Array, dx: Float32Array): void;
  backwardFilter(p: ConvParams, x: Float32Array, dy: Float32Array, dw: Float32Array): void;
}

function hostTensor(operand: ConvOperand, name: string): Tensor4 {
  const host = toHost(operand, name);
  if (host instanceof Float32Array) throw new TypeError(`${name} must be a tensor`);
  return host;
}

function params(x: Shape4, w: Shape4, geometry: ConvGeometry, fn: string): ConvParams {
  return resolveParams(x, w, { ...geometry }, fn);
}

/** Results stay where the operands were: on the GPU when any operand is a DeviceTensor. */
function placed(result: Tensor4, operands: readonly unknown[]): ConvOperand {
  return operands.some((operand) => isDeviceTensor(operand)) ? upload(result) : result;
}

/**
 * The vendor path as an algorithm over a binding (the native one, or a test's). The binding takes host
 * buffers, so DeviceTensor operands are downloaded and the result uploaded again.
 */
export function vendorAlgorithm(binding: NativeVendorBinding): ConvAlgorithm {
  return {
    name: 'vendor',
    forward(x, w, geometry, bias) {
      const hx = hostTensor(x, 'x');
      const hw = hostTensor(w, 'w');
      const p = params(hx.shape, hw.shape, geometry, 'vendor conv2d');
      const y = new Float32Array(p.n * p.k * p.p * p.q);
      binding.forward(p, hx.data, hw.data, y);
      if (bias !== undefined) {
        const hb = toHost(bias, 'bias');
        const b = hb instanceof Float32Array ? hb : hb.data;
        const plane = p.p * p.q;
        for (let i = 0; i < y.length; i++) y[i]! += b[Math.floor(i / plane) % p.k]!;
      }
      return placed({ data: y, shape: [p.n, p.k, p.p, p.q] }, [x, w]);
    },
    backwardData(dy, w, inputShape, geometry) {
      const hdy = hostTensor(dy, 'dy');
      const hw = hostTensor(w, 'w');
      const p = params(inputShape, hw.shape, geometry, 'vendor conv2dBackwardData');
      const dx = new Float32Array(p.n * p.c * p.h * p.w);
      binding.backwardData(p, hdy.data, hw.data, dx);
      return placed({ data: dx, shape: [...inputShape] }, [dy, w]);
    },
    backwardFilter(x, dy, filterShape, geometry) {
      const hx = hostTensor(x, 'x');
      const hdy = hostTensor(dy, 'dy');
      const p = params(hx.shape, filterShape, geometry, 'vendor conv2dBackwardFilter');
      const dw = new Float32Array(filterShape.reduce((a, b) => a * b, 1));
      binding.backwardFilter(p, hx.data, hdy.data, dw);
      return placed({ data: dw, shape: [...filterShape] }, [x, dy]);
    },
  };
}

let cached: { algorithm: ConvAlgorithm; info: VendorInfo } | { error: string } | undefined;

/** The native vendor path of this process, or why there is none. */
export function loadNativeVendor(): { algorithm: ConvAlgorithm; info: VendorInfo } | { error: string } {
  if (cached) return cached;
  let binding: NativeVendorBinding | undefined;
  try {
    binding = addon().vendor as NativeVendorBinding | undefined;
  } catch (error) {
    cached = { error: (error as Error).message };
    return cached;
  }
  if (!binding) {
    cached = { error: 'this build of the addon has no vendor binding (it is built with the GPU backend)' };
    return cached;
  }
  const opened = binding.open();
  cached =
    'error' in opened
      ? { error: opened.error }
      : { algorithm: vendorAlgorithm(binding), info: { library: opened.library, version: opened.version } };
  return cached;
}
