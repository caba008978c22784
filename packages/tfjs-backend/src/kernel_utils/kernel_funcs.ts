// Factories for the many kernels that are one elementwise launch (in the style of tfjs-backend-webgpu's
// kernel_funcs_utils): a unary kernel names its device op and output dtype, a binary kernel too.
import {
  backend_util,
  type DataType,
  type KernelConfig,
  type NamedAttrMap,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { binary, castTo, rankRefusal, unary } from './elementwise.js';
import { deviceKernel } from './kernel.js';

export interface UnaryKernelOptions {
  /** Output dtype (default: the input's). */
  dtype?: DataType;
  /** The op's attribute values (alpha, clip bounds). */
  params?: (attrs: NamedAttrMap) => [number, number];
}

export function unaryKernel(kernelName: string, op: string, options: UnaryKernelOptions = {}): KernelConfig {
  return deviceKernel(kernelName, ({ inputs, backend, attrs }) => {
    const x = inputs.x as TensorInfo;
    const [p0, p1] = options.params?.(attrs ?? {}) ?? [0, 0];
    return unary(backend, op, x, options.dtype ?? x.dtype, p0, p1);
  });
}

export interface BinaryKernelOptions {
  /** Output dtype (default: the inputs' common dtype). */
  dtype?: DataType;
}

/** A broadcast binary kernel on inputs `a` and `b` (names as TF.js's BinaryInputs). */
export function binaryKernel(
  kernelName: string,
  op: string,
  options: BinaryKernelOptions = {},
): KernelConfig {
  return binaryKernelOn(kernelName, op, 'a', 'b', options);
}

/** A broadcast binary kernel whose inputs have other names (Prelu: x, alpha; EluGrad: dy, y). */
export function binaryKernelOn(
  kernelName: string,
  op: string,
  first: string,
  second: string,
  options: BinaryKernelOptions = {},
): KernelConfig {
  return deviceKernel(
    kernelName,
    ({ inputs, backend }) => {
      let a = inputs[first] as TensorInfo;
      let b = inputs[second] as TensorInfo;
      const common = backend_util.upcastType(a.dtype, b.dtype);
      // bool and int32 share the device representation; only float32 against int needs a cast.
      const toDispose: TensorInfo[] = [];
      if ((a.dtype === 'float32') !== (common === 'float32')) {
        a = castTo(backend, a, common);
        toDispose.push(a);
      }
      if ((b.dtype === 'float32') !== (common === 'float32')) {
        b = castTo(backend, b, common);
        toDispose.push(b);
      }
      try {
        return binary(backend, op, a, b, options.dtype ?? common);
      } finally {
        for (const t of toDispose) backend.disposeIntermediateTensorInfo(t);
      }
    },
    {
      refuse: ({ inputs }) =>
        rankRefusal((inputs[first] as TensorInfo).shape, (inputs[second] as TensorInfo).shape),
    },
  );
}
