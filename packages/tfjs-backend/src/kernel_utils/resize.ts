// Bilinear and nearest-neighbour resizing of NHWC images and their gradients on the device
// (native/src/tensor/ops/resize.h: cpu's source coordinates, computed the same way in double).
import { type DataType, type TensorInfo, util } from '@tensorflow/tfjs-core';
import type { RocmBackend } from '../backend.js';

export interface ResizeAttrs {
  alignCorners: boolean;
  halfPixelCenters: boolean;
}

/** images [batch, h, w, c] resized to [batch, newH, newW, c] (bilinear: float32; nearest: the images' dtype). */
export function resize(
  backend: RocmBackend,
  method: 'bilinear' | 'nearest',
  images: TensorInfo,
  size: [number, number],
  a: ResizeAttrs,
  outDtype: DataType,
): TensorInfo {
  const [batch, inH, inW, channels] = images.shape as [number, number, number, number];
  const [outH, outW] = size;
  const y = backend.makeTensorInfo([batch, outH, outW, channels], outDtype);
  if (util.sizeFromShape(y.shape) === 0) return y;
  const fn = method === 'bilinear' ? backend.device.resizeBilinear : backend.device.resizeNearest;
  fn.call(
    backend.device,
    backend.activeName,
    backend.bufferOf(images),
    backend.bufferOf(y),
    images.dtype !== 'float32',
    batch,
    inH,
    inW,
    channels,
    outH,
    outW,
    !!a.alignCorners,
    !!a.halfPixelCenters,
  );
  return y;
}

/**
 * The gradient with respect to `images` of a resize whose output gradient is dy: float32 with the
 * images' shape (tfjs-backend-cpu's ResizeBilinearGrad reports [batch, width, height, c], which only
 * differs for non-square images, where tf.grad then rejects cpu's result; webgl's and this one's is the
 * images' shape).
 */
export function resizeGrad(
  backend: RocmBackend,
  method: 'bilinear' | 'nearest',
  images: TensorInfo,
  dy: TensorInfo,
  a: ResizeAttrs,
): TensorInfo {
  const [batch, xH, xW, channels] = images.shape as [number, number, number, number];
  const [, yH, yW] = dy.shape as [number, number, number, number];
  const dx = backend.makeTensorInfo([...images.shape], 'float32');
  if (util.sizeFromShape(images.shape) === 0) return dx;
  const fn = method === 'bilinear' ? backend.device.resizeBilinearGrad : backend.device.resizeNearestGrad;
  fn.call(
    backend.device,
    backend.activeName,
    backend.bufferOf(dy),
    backend.bufferOf(dx),
    batch,
    xH,
    xW,
    channels,
    yH,
    yW,
    !!a.alignCorners,
    !!a.halfPixelCenters,
  );
  return dx;
}

/** Why a resize does not run on the device: an empty image resized to a non-empty one (cpu reads past it). */
export function emptySourceRefusal(images: TensorInfo, size: [number, number]): string | undefined {
  const [batch, inH, inW, channels] = images.shape;
  const nonEmptyOut = batch! > 0 && channels! > 0 && size[0] > 0 && size[1] > 0;
  return nonEmptyOut && (inH === 0 || inW === 0) ? 'empty source image' : undefined;
}
