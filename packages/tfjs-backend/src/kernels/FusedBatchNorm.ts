import { FusedBatchNorm, type FusedBatchNormAttrs, type TensorInfo, util } from '@tensorflow/tfjs-core';
import { deviceKernel } from '../kernel_utils/kernel.js';
import { batchNorm, float32Refusal } from '../kernel_utils/nn.js';

export const fusedBatchNormConfig = deviceKernel(
  FusedBatchNorm,
  ({ inputs, backend, attrs }) => {
    const x = inputs.x as TensorInfo;
    const mean = inputs.mean as TensorInfo;
    const variance = inputs.variance as TensorInfo;
    const offset = (inputs.offset ?? undefined) as TensorInfo | undefined;
    const scale = (inputs.scale ?? undefined) as TensorInfo | undefined;
    // cpu's checks, with its messages.
    util.assert(
      mean.shape.length === variance.shape.length,
      () => 'Batch normalization gradient requires mean and variance to have equal ranks.',
    );
    util.assert(
      offset == null || mean.shape.length === offset.shape.length,
      () => 'Batch normalization gradient requires mean and offset to have equal ranks.',
    );
    util.assert(
      scale == null || mean.shape.length === scale.shape.length,
      () => 'Batch normalization gradient requires mean and scale to have equal ranks.',
    );
    const epsilon = (attrs as unknown as FusedBatchNormAttrs).varianceEpsilon ?? 0.001;
    return batchNorm(backend, { x, mean, variance, offset, scale }, epsilon);
  },
  {
    refuse: ({ inputs }) => {
      const params = [inputs.mean, inputs.variance, inputs.offset, inputs.scale].filter(
        (t): t is TensorInfo => t != null,
      );
      const refusal = float32Refusal(inputs.x as TensorInfo, ...params);
      if (refusal) return refusal;
      // cpu reads undefined (NaN) from an empty parameter; nothing to gather from on the device.
      const empty = params.some((t) => util.sizeFromShape(t.shape) === 0);
      return empty && util.sizeFromShape((inputs.x as TensorInfo).shape) > 0 ? 'empty parameter' : undefined;
    },
  },
);
