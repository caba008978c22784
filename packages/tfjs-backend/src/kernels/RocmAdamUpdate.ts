import { type TensorInfo, util } from '@tensorflow/tfjs-core';
import { deviceKernel } from '../kernel_utils/kernel.js';

/** The fused Adam step of one variable (see optimizers.ts): outputs [x', m', v']. */
export const ROCM_ADAM_UPDATE = 'RocmAdamUpdate';

export interface RocmAdamAttrs {
  beta1: number;
  beta2: number;
  learningRate: number;
  epsilon: number;
}

export const rocmAdamUpdateConfig = deviceKernel(ROCM_ADAM_UPDATE, ({ inputs, backend, attrs }) => {
  const { x, g, m, v, c1, c2 } = inputs as Record<string, TensorInfo>;
  const a = attrs as unknown as RocmAdamAttrs;
  const n = util.sizeFromShape(x!.shape);
  const outs = [x!, m!, v!].map((t) => backend.makeTensorInfo([...t.shape], 'float32'));
  backend.device.adam(
    backend.activeName,
    n,
    backend.bufferOf(x!),
    backend.bufferOf(g!),
    backend.bufferOf(m!),
    backend.bufferOf(v!),
    backend.bufferOf(outs[0]!),
    backend.bufferOf(outs[1]!),
    backend.bufferOf(outs[2]!),
    backend.bufferOf(c1!),
    backend.bufferOf(c2!),
    a.beta1,
    a.beta2,
    a.learningRate,
    a.epsilon,
  );
  return outs;
});
