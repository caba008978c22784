import { Select, type TensorInfo } from '@tensorflow/tfjs-core';
import { rankRefusal, select } from '../kernel_utils/elementwise.js';
import { deviceKernel } from '../kernel_utils/kernel.js';
import { contiguousStrides } from '../kernel_utils/shape.js';

// t and e have one shape (tf.where broadcasts them); the condition has that shape too, or is a vector
// that picks whole rows along the first axis.
export const selectConfig = deviceKernel(
  Select,
  ({ inputs, backend }) => {
    const condition = inputs.condition as TensorInfo;
    const t = inputs.t as TensorInfo;
    const e = inputs.e as TensorInfo;
    const shape = [...t.shape];
    const condStrides =
      condition.shape.length === 1 && shape.length > 1
        ? shape.map((_, d) => (d === 0 ? 1 : 0))
        : contiguousStrides(shape);
    return select(backend, condition, t, e, shape, condStrides);
  },
  { refuse: ({ inputs }) => rankRefusal((inputs.t as TensorInfo).shape) },
);
