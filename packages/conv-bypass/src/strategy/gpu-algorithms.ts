// Our GPU algorithms (issue 5's kernels) as strategy algorithms.
import { resolveParams } from '../geometry.js';
import { type DeviceTensor, empty, isDeviceTensor, requireGpu } from '../gpu/device-tensor.js';
import { gpu } from '../gpu/index.js';
import type { GpuOperand } from '../gpu/native.js';
import { hostBias, publicApiAlgorithm } from './algorithms.js';
import type { Capabilities, ConvAlgorithm, ConvOperand, Shape4, Tensor4 } from './types.js';

function gpuOperand(operand: ConvOperand, name: string, fn: string): { shape: Shape4; arg: GpuOperand } {
  if (isDeviceTensor(operand)) return { shape: operand.shape, arg: operand.handle(fn) };
  const host = operand as Tensor4;
  if (!(host.data instanceof Float32Array))
    throw new TypeError(`${fn}: ${name} must be a tensor or a DeviceTensor`);
  return { shape: host.shape, arg: host.data };
}

/**
 * The original project's method: explicit unfold (im2col) + GEMM for the forward pass (addon algo 1).
 * The GPU backend has no unfold variant of the gradients, so they run its implicit-GEMM kernels.
 */
export function gpuUnfoldAlgorithm(): ConvAlgorithm {
  const gradients = publicApiAlgorithm('gpu_unfold', 'gpu');
  return {
    ...gradients,
    name: 'gpu_unfold',
    forward(x, w, geometry, bias) {
      const fn = 'conv2d (gpu_unfold)';
      const X = gpuOperand(x, 'x', fn);
      const W = gpuOperand(w, 'w', fn);
      const p = resolveParams(X.shape, W.shape, { ...geometry }, fn);
      const shape: Shape4 = [p.n, p.k, p.p, p.q];
      const b = hostBias(bias) ?? null;
      const addon = requireGpu(fn);
      if (isDeviceTensor(x) || isDeviceTensor(w)) {
        const out: DeviceTensor = empty(shape);
        try {
          addon.gpuConv2dForward(p, X.arg, W.arg, b, out.handle(fn), false, 1);
        } catch (error) {
          out.dispose();
          throw error;
        }
        return out;
      }
      const y = new Float32Array(shape.reduce((a, c) => a * c, 1));
      addon.gpuConv2dForward(p, X.arg, W.arg, b, y, false, 1);
      return { data: y, shape };
    },
  };
}

/** The GPU of this process and our algorithms for it, or undefined when no GPU is usable. */
export function detectGpu():
  | { info: NonNullable<Capabilities['gpu']>; algorithms: Capabilities['algorithms'] }
  | undefined {
  if (!gpu.isAvailable()) return undefined;
  const info = gpu.info();
  return {
    info: { arch: info.arch, name: info.name, backend: info.backend },
    algorithms: {
      implicit_gemm: publicApiAlgorithm('implicit_gemm', 'gpu'),
      gpu_unfold: gpuUnfoldAlgorithm(),
    },
  };
}
