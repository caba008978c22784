// The GPU as a ConvBackend for host tensors: each call copies its inputs in and its result out.
import type { ConvBackend } from '../dispatch.js';
import { NativeAddonError } from '../native.js';
import { requireGpu } from './device-tensor.js';
import { gpuUnavailableReason } from './native.js';

let available: boolean | undefined;

/** Whether a GPU can run convolutions (a GPU build, a driver and a device); checked once per process. */
export function isAvailable(): boolean {
  if (available === undefined) {
    try {
      available = gpuUnavailableReason() === undefined;
    } catch (error) {
      if (!(error instanceof NativeAddonError)) throw error;
      available = false;
    }
  }
  return available;
}

export const gpuBackend: ConvBackend = {
  name: 'gpu',
  isAvailable,
  forward: (p, x, w, bias, y) => {
    requireGpu('conv2d').gpuConv2dForward(p, x, w, bias, y, false, 0);
  },
  // Host tensors go through device memory anyway: a missing output is allocated here.
  forwardAsync: async (p, x, w, bias, y) => {
    const out = y ?? new Float32Array(p.n * p.k * p.p * p.q);
    await requireGpu('conv2dAsync').gpuConv2dForwardAsync(p, x, w, bias, out, false, 0);
    return out;
  },
  backwardData: (p, dy, w, dx) => {
    requireGpu('conv2dBackwardData').gpuConv2dBackwardData(p, dy, w, dx);
  },
  backwardDataAsync: async (p, dy, w, dx) => {
    const out = dx ?? new Float32Array(p.n * p.c * p.h * p.w);
    await requireGpu('conv2dBackwardDataAsync').gpuConv2dBackwardDataAsync(p, dy, w, out);
    return out;
  },
  backwardFilter: (p, x, dy, dw) => {
    requireGpu('conv2dBackwardFilter').gpuConv2dBackwardFilter(p, x, dy, dw);
  },
  backwardFilterAsync: async (p, x, dy, dw) => {
    const out = dw ?? new Float32Array(p.k * (p.c / p.groups) * p.r * p.s);
    await requireGpu('conv2dBackwardFilterAsync').gpuConv2dBackwardFilterAsync(p, x, dy, out);
    return out;
  },
};
