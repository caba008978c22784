import { backend_util, Concat, type ConcatAttrs, type TensorInfo, util } from '@tensorflow/tfjs-core';
import { deviceKernel } from '../kernel_utils/kernel.js';
import { concat } from '../kernel_utils/movement.js';

// Every input is a [outer, cols] block of the output's [outer, Σ cols] view: one native launch writes up
// to 64 inputs (empty ones skipped), so a concatenation of many small tensors costs a launch or two, not
// one per input. Checks and shapes as tfjs-backend-cpu's.
export const concatConfig = deviceKernel(
  Concat,
  ({ inputs, backend, attrs }) => {
    const list = inputs as unknown as TensorInfo[];
    const { axis } = attrs as unknown as ConcatAttrs;
    const $axis = util.parseAxisParam(axis, list[0]!.shape)[0]!;
    backend_util.assertParamsConsistent(
      list.map((t) => t.shape),
      $axis,
    );
    const outShape = backend_util.computeOutShape(
      list.map((t) => t.shape),
      $axis,
    );
    const dtype = list[0]!.dtype;
    if (util.sizeFromShape(outShape) === 0) return backend.makeTensorInfo(outShape, dtype);
    const nonEmpty = list.filter((t) => util.sizeFromShape(t.shape) > 0);
    if (nonEmpty.length === 1) return backend.aliasTensorInfo(nonEmpty[0]!, [...nonEmpty[0]!.shape]);
    return concat(backend, nonEmpty, $axis, outShape, dtype);
  },
  {
    // The cpu kernel stores every input into an array of the first one's dtype (converting float to int,
    // or numbers to bytes for bool); mixed dtypes stay there.
    refuse: ({ inputs }) => {
      const list = inputs as unknown as TensorInfo[];
      return list.some((t) => t.dtype !== list[0]!.dtype) ? 'mixed input dtypes' : undefined;
    },
  },
);
