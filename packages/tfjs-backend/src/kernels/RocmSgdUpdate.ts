import { type TensorInfo, util } from '@tensorflow/tfjs-core';
import { deviceKernel } from '../kernel_utils/kernel.js';

/** The fused SGD step of one variable (see optimizers.ts): x + c·g with the optimizer's scalar c = −lr. */
export const ROCM_SGD_UPDATE = 'RocmSgdUpdate';

export const rocmSgdUpdateConfig = deviceKernel(ROCM_SGD_UPDATE, ({ inputs, backend }) => {
  const { x, g, c } = inputs as Record<string, TensorInfo>;
  const out = backend.makeTensorInfo([...x!.shape], 'float32');
  backend.device.axpy(
    backend.activeName,
    util.sizeFromShape(x!.shape),
    backend.bufferOf(c!),
    backend.bufferOf(g!),
    backend.bufferOf(x!),
    backend.bufferOf(out),
  );
  return out;
});
