import { Slice, type SliceAttrs, slice_util, type TensorInfo } from '@tensorflow/tfjs-core';
import { rankRefusal } from '../kernel_utils/elementwise.js';
import { deviceKernel } from '../kernel_utils/kernel.js';
import { slice } from '../kernel_utils/movement.js';

function parse(x: TensorInfo, attrs: SliceAttrs): [number[], number[]] {
  const [begin, size] = slice_util.parseSliceParams(x, attrs.begin, attrs.size) as [number[], number[]];
  slice_util.assertParamsValid(x, begin, size);
  return [begin, size];
}

// One strided copy from the slice's first element (parsed and checked as tfjs-backend-cpu does, so the
// errors are its own).
export const sliceConfig = deviceKernel(
  Slice,
  ({ inputs, backend, attrs }) => {
    const x = inputs.x as TensorInfo;
    const [begin, size] = parse(x, attrs as unknown as SliceAttrs);
    return slice(backend, x, begin, size);
  },
  {
    refuse: ({ inputs, attrs }) => {
      const x = inputs.x as TensorInfo;
      const [begin] = parse(x, attrs as unknown as SliceAttrs);
      // slice_util lets begin < −1 through; the cpu kernel then reads from the end of the data. Only
      // in-range slices run on the device.
      if (begin.some((b) => b < 0)) return 'negative begin';
      return rankRefusal(x.shape);
    },
  },
);
