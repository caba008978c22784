import type { PatchContext } from '../conv-core.js';
import type { Conv2DInfo, KernelArgs, TensorInfo } from '../tf-types.js';

type Shape4 = [number, number, number, number];

export function rank4(info: TensorInfo | undefined): Shape4 | undefined {
  return info && info.shape.length === 4 ? (info.shape as Shape4) : undefined;
}

export function isShape4(value: unknown): value is Shape4 {
  return Array.isArray(value) && value.length === 4 && value.every((d) => Number.isInteger(d) && d > 0);
}

/** TF.js's own geometry for the kernel's attributes (its rules for 'same', 'valid', explicit, rounding). */
export function convInfo(
  context: PatchContext,
  args: KernelArgs,
  xShape: Shape4,
  filterShape: Shape4,
  options: { depthwise: boolean; dilations: boolean },
): Conv2DInfo {
  const attrs = args.attrs ?? {};
  return context.tf.backend_util.computeConv2DInfo(
    xShape,
    filterShape,
    attrs.strides as number | [number, number],
    options.dilations ? ((attrs.dilations ?? 1) as number | [number, number]) : 1,
    attrs.pad,
    attrs.dimRoundingMode,
    options.depthwise,
    options.depthwise ? 'channelsLast' : attrs.dataFormat === 'NCHW' ? 'channelsFirst' : 'channelsLast',
  );
}

/** TF.js depthwise kernels are NHWC only. */
export function depthwiseLayoutSupported(args: KernelArgs): boolean {
  return args.attrs?.dataFormat === undefined || args.attrs.dataFormat === 'NHWC';
}

/**
 * Whether dy has the output shape TF.js's geometry gives (NHWC or NCHW). TF.js's own kernels do not check
 * it and index dy by the geometry; a call where they differ (conv2dTranspose with an outputShape smaller
 * than the stride-1 'same' geometry implies) is handed back to the original kernel rather than refused.
 */
export function dyMatches(info: Conv2DInfo, dy: TensorInfo | undefined): boolean {
  const s = dy?.shape;
  if (s?.length !== 4) return false;
  const expected =
    info.dataFormat === 'channelsFirst'
      ? [info.batchSize, info.outChannels, info.outHeight, info.outWidth]
      : [info.batchSize, info.outHeight, info.outWidth, info.outChannels];
  return expected.every((d, i) => d === s[i]);
}
