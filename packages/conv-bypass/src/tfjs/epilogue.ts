// The fused part of FusedConv2D / FusedDepthwiseConv2D: bias and activation, applied to NCHW y.

/**
 * A per-output-channel vector of length k from a TF.js tensor that broadcasts against the output
 * (a scalar, [k], or all-ones but the channel axis); undefined for any other shape (the original
 * kernel then runs, so nothing unusual is approximated).
 */
export function channelVector(
  values: Float32Array,
  shape: readonly number[],
  k: number,
  dataFormat: 'channelsFirst' | 'channelsLast',
): Float32Array | undefined {
  if (values.length === 1) return new Float32Array(k).fill(values[0]!);
  if (values.length !== k) return undefined;
  if (shape.length <= 1) return values;
  // The channel axis: last for NHWC; for NCHW the third from the end ([k, 1, 1] or [1, k, 1, 1]).
  const axis = dataFormat === 'channelsLast' ? shape.length - 1 : shape.length - 3;
  if (axis < 0) return undefined;
  return shape.every((d, i) => (i === axis ? d === k : d === 1)) ? values : undefined;
}

export const FUSED_ACTIVATIONS = ['linear', 'relu', 'relu6', 'elu', 'leakyrelu', 'prelu', 'sigmoid'] as const;
export type FusedActivation = (typeof FUSED_ACTIVATIONS)[number];

export function isFusedActivation(value: unknown): value is FusedActivation {
  return value === undefined || value === null || (FUSED_ACTIVATIONS as readonly unknown[]).includes(value);
}

/**
 * Applies `activation` in place to y (N×K×plane, NCHW). `alpha` is leakyrelu's slope; `preluWeights` the
 * per-channel slopes of prelu.
 */
export function applyActivation(
  y: Float32Array,
  k: number,
  plane: number,
  activation: FusedActivation | null | undefined,
  alpha: number,
  preluWeights: Float32Array | undefined,
): void {
  switch (activation ?? 'linear') {
    case 'linear':
      return;
    case 'relu':
      for (let i = 0; i < y.length; i++) if (y[i]! < 0) y[i] = 0;
      return;
    case 'relu6':
      for (let i = 0; i < y.length; i++) y[i] = Math.min(Math.max(y[i]!, 0), 6);
      return;
    case 'elu':
      for (let i = 0; i < y.length; i++) if (y[i]! < 0) y[i] = Math.expm1(y[i]!);
      return;
    case 'leakyrelu':
      for (let i = 0; i < y.length; i++) if (y[i]! < 0) y[i] = alpha * y[i]!;
      return;
    case 'sigmoid':
      for (let i = 0; i < y.length; i++) y[i] = 1 / (1 + Math.exp(-y[i]!));
      return;
    case 'prelu': {
      if (!preluWeights) throw new Error('prelu activation needs preluActivationWeights');
      for (let i = 0; i < y.length; i++) {
        if (y[i]! < 0) y[i] = preluWeights[Math.floor(i / plane) % k]! * y[i]!;
      }
      return;
    }
  }
}
