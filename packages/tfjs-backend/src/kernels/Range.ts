import { Range, type RangeAttrs } from '@tensorflow/tfjs-core';
import { rangeShape, sequence } from '../kernel_utils/gather.js';
import { deviceKernel } from '../kernel_utils/kernel.js';

// cpu's values: start, then each the previous plus step, stored before the next (one launch: a parallel
// closed form where it is provably the same, else the recurrence on one thread).
export const rangeConfig = deviceKernel(
  Range,
  ({ backend, attrs }) => {
    const { start, stop, step, dtype } = attrs as unknown as RangeAttrs;
    const shape = rangeShape(start, stop, step);
    return sequence(backend, shape.n, start, shape.step, dtype);
  },
  {
    refuse: ({ attrs }) => {
      const { start, stop, step, dtype } = attrs as unknown as RangeAttrs;
      if (dtype !== 'float32' && dtype !== 'int32') return `${dtype} range`;
      const { n } = rangeShape(start, stop, step);
      return Number.isSafeInteger(n) ? undefined : `length ${n}`;
    },
  },
);
