import { type TensorInfo, Unpack, type UnpackAttrs } from '@tensorflow/tfjs-core';
import { deviceKernel } from '../kernel_utils/kernel.js';
import { split } from '../kernel_utils/movement.js';

// Every output is one [outer, inner] column block of the input's [outer, num·inner] view: one native
// launch writes up to 64 outputs.
export const unpackConfig = deviceKernel(Unpack, ({ inputs, backend, attrs }) => {
  const value = inputs.value as TensorInfo;
  let { axis } = attrs as unknown as UnpackAttrs;
  if (axis < 0) axis += value.shape.length;
  const num = value.shape[axis]!;
  const outShape = value.shape.filter((_, d) => d !== axis);
  return split(backend, value, axis, new Array<number>(num).fill(1), new Array<number[]>(num).fill(outShape));
});
