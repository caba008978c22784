import { type TensorInfo, UnsortedSegmentSum, type UnsortedSegmentSumAttrs } from '@tensorflow/tfjs-core';
import { segmentSumRefusal, unsortedSegmentSum } from '../kernel_utils/gather.js';
import { deviceKernel } from '../kernel_utils/kernel.js';

// float32 out, as cpu (a float32 mask times x, summed): NaN where a non-finite x lies in another segment's
// row. A float32 atomic sum on the GPU: the last bits vary from run to run.
export const unsortedSegmentSumConfig = deviceKernel(
  UnsortedSegmentSum,
  ({ inputs, backend, attrs }) => {
    const { numSegments } = attrs as unknown as UnsortedSegmentSumAttrs;
    return unsortedSegmentSum(backend, inputs.x as TensorInfo, inputs.segmentIds as TensorInfo, numSegments);
  },
  {
    refuse: ({ inputs, attrs }) =>
      segmentSumRefusal(
        inputs.x as TensorInfo,
        inputs.segmentIds as TensorInfo,
        (attrs as unknown as UnsortedSegmentSumAttrs).numSegments,
      ),
  },
);
