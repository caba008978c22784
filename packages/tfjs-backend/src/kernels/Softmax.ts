import { Softmax, type SoftmaxAttrs, type TensorInfo } from '@tensorflow/tfjs-core';
import { deviceKernel } from '../kernel_utils/kernel.js';
import { float32Refusal, softmax } from '../kernel_utils/nn.js';

// One launch: each row's max, Σ exp(x − max) and exp(x − max) / Σ (cpu composes Max, Sub, Exp, Sum,
// RealDiv to the same values). cpu throws for any axis but the last; those calls go to it.
export const softmaxConfig = deviceKernel(
  Softmax,
  ({ inputs, backend }) => softmax(backend, inputs.logits as TensorInfo),
  {
    refuse: ({ inputs, attrs }) => {
      const logits = inputs.logits as TensorInfo;
      const rank = logits.shape.length;
      const { dim } = attrs as unknown as SoftmaxAttrs;
      if (rank === 0) return 'scalar logits';
      if (dim !== -1 && dim !== rank - 1) return `softmax along axis ${dim} of rank ${rank}`;
      return float32Refusal(logits);
    },
  },
);
