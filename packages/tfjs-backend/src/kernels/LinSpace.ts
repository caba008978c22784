import { LinSpace, type LinSpaceAttrs } from '@tensorflow/tfjs-core';
import { sequence } from '../kernel_utils/gather.js';
import { deviceKernel } from '../kernel_utils/kernel.js';

// cpu's values: start, then each the previous plus (stop - start) / (num - 1), stored as float32.
export const linSpaceConfig = deviceKernel(
  LinSpace,
  ({ backend, attrs }) => {
    const { start, stop, num } = attrs as unknown as LinSpaceAttrs;
    return sequence(backend, num, start, (stop - start) / (num - 1), 'float32');
  },
  {
    refuse: ({ attrs }) => {
      const { num } = attrs as unknown as LinSpaceAttrs;
      return Number.isSafeInteger(num) && num >= 0 ? undefined : `num ${num}`;
    },
  },
);
