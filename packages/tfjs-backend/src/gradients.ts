// Device-side gradients of Sum and Mean. tfjs-core's gradients of both multiply the broadcast dy by
// `ones(x.shape)`: a ones array of the input's full size filled in JavaScript and uploaded on every
// backward pass. Batch normalisation computes its training statistics with Mean, so on a CNN that is
// megabytes per layer and step: on an H200 it was two thirds of bncnn's step time (a JavaScript fill
// loop and an upload, while the GPU waited). On the 'rocm' backend the ones come from the Fill kernel on
// the device instead; the arithmetic is tfjs-core's (the same kernels, the same order), so the results
// are identical. Other backends keep tfjs-core's gradient functions untouched.
import {
  backend_util,
  div,
  engine,
  fill,
  type GradConfig,
  getGradient,
  Mean,
  mul,
  type NamedAttrMap,
  registerGradient,
  reshape,
  Sum,
  type Tensor,
  util,
} from '@tensorflow/tfjs-core';
import { BACKEND_NAME } from './kernel_utils/kernel.js';

type GradFunc = NonNullable<GradConfig['gradFunc']>;

/** dy reshaped to x's rank, with 1 on the reduced axes (as tfjs-core's gradients do). */
function expandedDy(dy: Tensor, x: Tensor, axes: number[]): Tensor {
  const shape = x.shape.slice();
  for (const a of axes) shape[a] = 1;
  return reshape(dy, shape);
}

const sumOnDevice: GradFunc = (dy, saved, attrs) => {
  const [x] = saved as Tensor[];
  const axes = util.parseAxisParam((attrs as unknown as { axis: number | number[] }).axis, x!.shape);
  const derX = mul(expandedDy(dy as Tensor, x!, axes), fill(x!.shape, 1, 'float32'));
  return { x: () => derX };
};

const meanOnDevice: GradFunc = (dy, saved, attrs) => {
  const [x] = saved as Tensor[];
  const axes = util.parseAxisParam((attrs as unknown as { axis: number | number[] }).axis, x!.shape);
  const reduceSize = util.sizeFromShape(backend_util.computeOutAndReduceShapes(x!.shape, axes)[1]);
  return {
    x: () => div(mul(expandedDy(dy as Tensor, x!, axes), fill(x!.shape, 1, 'float32')), reduceSize),
  };
};

/** A gradient that runs `onDevice` on the 'rocm' backend and tfjs-core's own function elsewhere. */
function perBackend(original: GradConfig, onDevice: GradFunc): GradConfig {
  const fallback = original.gradFunc!;
  return {
    ...original,
    gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap) =>
      engine().backendName === BACKEND_NAME ? onDevice(dy, saved, attrs) : fallback(dy, saved, attrs),
  };
}

let installed = false;

/** Installs the device-side gradients (once; tfjs-core's are registered when tfjs-core loads). */
export function installDeviceGradients(): void {
  if (installed) return;
  for (const [kernelName, onDevice] of [
    [Sum, sumOnDevice],
    [Mean, meanOnDevice],
  ] as const) {
    const original = getGradient(kernelName);
    // A tfjs-core without these gradients (or with another shape of config) keeps what it has.
    if (original?.gradFunc == null) continue;
    registerGradient(perBackend(original, onDevice));
  }
  installed = true;
}
