import { Pack, type PackAttrs, type TensorInfo, util } from '@tensorflow/tfjs-core';
import { deviceKernel } from '../kernel_utils/kernel.js';
import { concat } from '../kernel_utils/movement.js';

// A concatenation along a new axis: one native launch per 64 inputs. Checks and messages as
// tfjs-backend-cpu's (expandDims, then concat).
export const packConfig = deviceKernel(Pack, ({ inputs, backend, attrs }) => {
  const list = inputs as unknown as TensorInfo[];
  const { axis } = attrs as unknown as PackAttrs;
  const shape = list[0]!.shape;
  const dtype = list[0]!.dtype;
  if (list.length > 1) {
    for (const t of list) {
      util.assertShapesMatch(shape, t.shape, 'All tensors passed to stack must have matching shapes');
      util.assert(dtype === t.dtype, () => 'All tensors passed to stack must have matching dtypes');
    }
  }
  const rank = shape.length;
  let $axis = axis;
  if (axis < 0) {
    util.assert(-(rank + 1) <= axis, () => `Axis must be in the interval [${-(rank + 1)}, ${rank}]`);
    $axis = rank + axis + 1;
  }
  const expanded = [...shape];
  expanded.splice($axis, 0, 1);
  if (list.length === 1) return backend.aliasTensorInfo(list[0]!, expanded);
  util.parseAxisParam(axis, expanded); // the cpu kernel's concat checks the axis against this rank
  const outShape = [...shape];
  outShape.splice($axis, 0, list.length);
  const expandedInputs = list.map((t) => ({ ...t, shape: expanded }));
  return concat(backend, expandedInputs, $axis, outShape, dtype);
});
