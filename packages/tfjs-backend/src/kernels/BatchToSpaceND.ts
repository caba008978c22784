import {
  BatchToSpaceND,
  type BatchToSpaceNDAttrs,
  backend_util,
  slice_util,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { MAX_RANK } from '../kernel_utils/elementwise.js';
import { deviceKernel } from '../kernel_utils/kernel.js';
import { slice, transpose } from '../kernel_utils/movement.js';

// As tfjs-backend-cpu composes it: view x as [b1, …, bM, batch/prod, s1, …, rest], move each block offset
// after its spatial dimension (one strided copy), take the merged shape (no copy), and crop (a second
// strided copy, skipped when nothing is cropped: a crop of a merged dimension is not a strided view of
// the unmerged ones).
export const batchToSpaceNDConfig = deviceKernel(
  BatchToSpaceND,
  ({ inputs, backend, attrs }) => {
    const x = inputs.x as TensorInfo;
    const { blockShape, crops } = attrs as unknown as BatchToSpaceNDAttrs;
    const prod = blockShape.reduce((a, b) => a * b);
    const reshaped = backend_util.getReshaped(x.shape, blockShape, prod);
    const perm = backend_util.getPermuted(reshaped.length, blockShape.length);
    const uncropped = backend_util.getReshapedPermuted(x.shape, blockShape, prod);
    const permuted = transpose(backend, { dataId: x.dataId, shape: reshaped, dtype: x.dtype }, perm);
    const merged = backend.aliasTensorInfo(permuted, uncropped);
    backend.disposeIntermediateTensorInfo(permuted);
    if (crops.every((c) => c[0] === 0 && c[1] === 0)) return merged;
    const [begin, size] = slice_util.parseSliceParams(
      merged,
      backend_util.getSliceBeginCoords(crops, blockShape.length),
      backend_util.getSliceSize(uncropped, crops, blockShape.length),
    ) as [number[], number[]];
    try {
      slice_util.assertParamsValid(merged, begin, size);
      return slice(backend, merged, begin, size);
    } finally {
      backend.disposeIntermediateTensorInfo(merged);
    }
  },
  {
    refuse: ({ inputs, attrs }) => {
      const x = inputs.x as TensorInfo;
      const { blockShape, crops } = attrs as unknown as BatchToSpaceNDAttrs;
      if (crops.some((c) => !(c[0]! >= 0 && c[1]! >= 0))) return 'negative crops';
      if (x.shape.length + blockShape.length > MAX_RANK)
        return `rank ${x.shape.length + blockShape.length} > ${MAX_RANK}`;
      return undefined;
    },
  },
);
