import { checkOptionKeys, formatValue } from '@rocm-patch/env';
import { isTensor, type Tensor } from './tensor.js';

/** The part of the @tensorflow/tfjs namespace toTfDataset uses (so this package does not depend on tfjs). */
export interface TfLike<D = unknown> {
  data: { generator(generator: () => AsyncIterator<never>): D };
  tensor(values: Float32Array | Int32Array, shape: number[], dtype?: string): unknown;
  oneHot?(indices: never, depth: number): unknown;
}

export interface ToTfDatasetOptions {
  /** The batch field that becomes `xs` (default 'x'). */
  xKey?: string;
  /** The batch field that becomes `ys` (default 'y'); null for a dataset of xs only. */
  yKey?: string | null;
  /**
   * Turn integer class labels in ys into one-hot float32 vectors of this depth (for categoricalCrossentropy;
   * TF.js's sparseCategoricalCrossentropy wants float32 labels, so int32 labels suit neither directly).
   */
  oneHot?: number;
}

/**
 * A tf.data.Dataset whose elements are the loader's batches as { xs, ys } tensors, for model.fitDataset.
 * Each pass over the dataset (each fitDataset epoch) is one loader epoch. Int32 fields become int32
 * tensors; every other typed array becomes float32 (TF.js's only other numeric dtype).
 */
export function toTfDataset<D>(
  loader: AsyncIterable<object>,
  tf: TfLike<D>,
  options: ToTfDatasetOptions = {},
): D {
  if (typeof tf?.data?.generator !== 'function' || typeof tf.tensor !== 'function') {
    throw new TypeError('tf must be the @tensorflow/tfjs namespace (with data.generator and tensor)');
  }
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`toTfDataset: options must be an object, got ${formatValue(options)}`);
  }
  checkOptionKeys('toTfDataset', 'options', options, ['xKey', 'yKey', 'oneHot']);
  const xKey = options.xKey ?? 'x';
  const yKey = options.yKey === undefined ? 'y' : options.yKey;
  if (typeof xKey !== 'string') throw new TypeError('options.xKey must be a string');
  if (yKey !== null && typeof yKey !== 'string') throw new TypeError('options.yKey must be a string or null');
  const { oneHot } = options;
  if (oneHot !== undefined) {
    if (!Number.isInteger(oneHot) || oneHot < 1) {
      throw new RangeError(`options.oneHot must be a positive integer depth, got ${formatValue(oneHot)}`);
    }
    if (yKey === null) throw new TypeError('options.oneHot needs a yKey');
    if (typeof tf.oneHot !== 'function') throw new TypeError('options.oneHot needs tf.oneHot');
  }
  const field = (batch: Record<string, unknown>, key: string, option: string): Tensor => {
    const value = batch[key];
    if (!isTensor(value)) {
      throw new TypeError(
        `${option}: batch field '${key}' is not a tensor (fields: ${Object.keys(batch).join(', ')})`,
      );
    }
    return value;
  };
  const toTf = (t: Tensor): unknown => {
    if (t.data instanceof Int32Array) return tf.tensor(t.data, t.shape, 'int32');
    const data =
      t.data instanceof Float32Array ? t.data : Float32Array.from(t.data as ArrayLike<number>, Number);
    return tf.tensor(data, t.shape, 'float32');
  };
  return tf.data.generator(() => {
    const it = loader[Symbol.asyncIterator]();
    const iterator: AsyncIterator<unknown> = {
      async next() {
        const step = await it.next();
        if (step.done) return { done: true, value: undefined };
        const batch = step.value as unknown as Record<string, unknown>;
        const xs = toTf(field(batch, xKey, 'options.xKey'));
        if (yKey === null) return { done: false, value: xs };
        const y = field(batch, yKey, 'options.yKey');
        let ys: unknown;
        if (oneHot === undefined) ys = toTf(y);
        else {
          if (!(y.data instanceof Int32Array) || y.shape.length !== 1) {
            throw new TypeError(
              `options.oneHot: batch field '${yKey}' must hold int32 class labels of shape [batch]`,
            );
          }
          const labels = tf.tensor(y.data, y.shape, 'int32');
          ys = tf.oneHot!(labels as never, oneHot);
          (labels as { dispose(): void }).dispose();
        }
        const value = { xs, ys };
        return { done: false, value };
      },
      async return() {
        await it.return?.(undefined);
        return { done: true, value: undefined };
      },
    };
    // tf.data types its elements as TensorContainer; these are { xs, ys } of tf tensors.
    return iterator as AsyncIterator<never>;
  });
}
