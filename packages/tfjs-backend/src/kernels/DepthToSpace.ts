import { DepthToSpace, type DepthToSpaceAttrs, type TensorInfo } from '@tensorflow/tfjs-core';
import { stridedCopy } from '../kernel_utils/elementwise.js';
import { deviceKernel } from '../kernel_utils/kernel.js';

// The channels split as (block row, block column, depth) and moved next to the spatial dimensions: one
// strided copy over the output seen as 6-D. Both data formats (tfjs-backend-cpu takes NHWC only and
// throws for NCHW; the channel split is TF's in both).
export const depthToSpaceConfig = deviceKernel(DepthToSpace, ({ inputs, backend, attrs }) => {
  const x = inputs.x as TensorInfo;
  const { blockSize: bs, dataFormat } = attrs as unknown as DepthToSpaceAttrs;
  const [n, a, b, c] = x.shape as [number, number, number, number];
  if (dataFormat === 'NHWC') {
    const [h, w, ch] = [a, b, c];
    const d = ch / (bs * bs);
    const out = backend.makeTensorInfo([n, h * bs, w * bs, d], x.dtype);
    // out[n, h, i, w, j, d] = x[n, h, w, (i·bs + j)·D + d]
    return stridedCopy(backend, x, [n, h, bs, w, bs, d], [h * w * ch, w * ch, bs * d, ch, d, 1], 0, {
      info: out,
      strides: [h * bs * w * bs * d, bs * w * bs * d, w * bs * d, bs * d, d, 1],
      base: 0,
    });
  }
  const [ch, h, w] = [a, b, c];
  const d = ch / (bs * bs);
  const out = backend.makeTensorInfo([n, d, h * bs, w * bs], x.dtype);
  const hw = h * w;
  // out[n, d, h, i, w, j] = x[n, (i·bs + j)·D + d, h, w]
  return stridedCopy(backend, x, [n, d, h, bs, w, bs], [ch * hw, hw, w, bs * d * hw, 1, d * hw], 0, {
    info: out,
    strides: [d * h * bs * w * bs, h * bs * w * bs, bs * w * bs, w * bs, bs, 1],
    base: 0,
  });
});
