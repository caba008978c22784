import {
  backend_util,
  SpaceToBatchND,
  type SpaceToBatchNDAttrs,
  type TensorInfo,
  util,
} from '@tensorflow/tfjs-core';
import { MAX_RANK } from '../kernel_utils/elementwise.js';
import { deviceKernel } from '../kernel_utils/kernel.js';
import { pad, transpose } from '../kernel_utils/movement.js';

// As tfjs-backend-cpu composes it: pad the spatial dimensions (the native pad, skipped when there is no
// padding), view the result as [batch, s1/b1, b1, …, rest], move the block offsets in front of the batch
// (one strided copy), and take the flattened shape (no copy).
export const spaceToBatchNDConfig = deviceKernel(
  SpaceToBatchND,
  ({ inputs, backend, attrs }) => {
    const x = inputs.x as TensorInfo;
    const { blockShape, paddings } = attrs as unknown as SpaceToBatchNDAttrs;
    const prod = util.sizeFromShape(blockShape);
    const complete: number[][] = [[0, 0], ...paddings.map((p) => [p[0]!, p[1]!])];
    for (let d = 1 + blockShape.length; d < x.shape.length; d++) complete.push([0, 0]);
    const padded = complete.some((p) => p[0] !== 0 || p[1] !== 0) ? pad(backend, x, complete, 'constant') : x;
    const paddedShape = x.shape.map((s, d) => s + complete[d]![0]! + complete[d]![1]!);
    const reshaped = backend_util.getReshaped(paddedShape, blockShape, prod, false);
    const perm = backend_util.getPermuted(reshaped.length, blockShape.length, false);
    const flat = backend_util.getReshapedPermuted(paddedShape, blockShape, prod, false);
    const permuted = transpose(backend, { dataId: padded.dataId, shape: reshaped, dtype: x.dtype }, perm);
    const result = backend.aliasTensorInfo(permuted, flat);
    backend.disposeIntermediateTensorInfo(permuted);
    if (padded !== x) backend.disposeIntermediateTensorInfo(padded);
    return result;
  },
  {
    refuse: ({ inputs, attrs }) => {
      const x = inputs.x as TensorInfo;
      const { blockShape, paddings } = attrs as unknown as SpaceToBatchNDAttrs;
      // tf.spaceToBatchND checks these; beyond them the cpu kernel's pad writes out of place.
      if (paddings.some((p) => !(p[0]! >= 0 && p[1]! >= 0))) return 'negative paddings';
      if (x.shape.length + blockShape.length > MAX_RANK)
        return `rank ${x.shape.length + blockShape.length} > ${MAX_RANK}`;
      return undefined;
    },
  },
);
