import { Fill, type FillAttrs } from '@tensorflow/tfjs-core';
import { fill } from '../kernel_utils/elementwise.js';
import { deviceKernel } from '../kernel_utils/kernel.js';

export const fillConfig = deviceKernel(
  Fill,
  ({ backend, attrs }) => {
    const { shape, value, dtype } = attrs as unknown as FillAttrs;
    return fill(backend, [...shape], dtype, value as number);
  },
  { refuse: ({ attrs }) => ((attrs as unknown as FillAttrs).dtype === 'string' ? 'string fill' : undefined) },
);
