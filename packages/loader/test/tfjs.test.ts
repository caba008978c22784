import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { DataLoader, SyntheticShapesDataset, toTfDataset } from '../src/index.js';

describe('toTfDataset', () => {
  it('feeds loader batches to model.fitDataset as { xs, ys } tensors, one loader epoch per pass', async () => {
    await tf.setBackend('cpu');
    const loader = new DataLoader({
      dataset: new SyntheticShapesDataset({ length: 24, size: 8, channels: 1 }),
      batchSize: 8,
      shuffle: true,
      seed: 3,
    });
    const dataset = toTfDataset(loader, tf, { xKey: 'image', yKey: 'label' });
    const batches = await dataset.toArray();
    expect(batches.length).toBe(3);
    const { xs, ys } = batches[0] as { xs: tf.Tensor; ys: tf.Tensor };
    expect(xs.shape).toEqual([8, 1, 8, 8]);
    expect(xs.dtype).toBe('float32');
    expect(ys.shape).toEqual([8]);
    expect(ys.dtype).toBe('int32');
    tf.dispose(batches as tf.Tensor[]);
    expect(loader.epoch).toBe(1);

    const model = tf.sequential({
      layers: [
        tf.layers.flatten({ inputShape: [1, 8, 8] }),
        tf.layers.dense({ units: 3, activation: 'softmax' }),
      ],
    });
    model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
    const oneHot = toTfDataset(loader, tf, { xKey: 'image', yKey: 'label', oneHot: 3 });
    const history = await model.fitDataset(oneHot, { epochs: 2, verbose: 0 });
    expect(history.history.loss).toHaveLength(2);
    expect(loader.epoch).toBe(3);
    model.dispose();
  });

  it('names a missing field', async () => {
    const loader = new DataLoader({
      dataset: new SyntheticShapesDataset({ length: 2, size: 4 }),
      batchSize: 2,
    });
    await expect(toTfDataset(loader, tf, { xKey: 'pixels' }).toArray()).rejects.toThrow(
      /options.xKey: batch field 'pixels' is not a tensor \(fields: image, label, indices\)/,
    );
    expect(() => toTfDataset(loader, tf, { oneHot: 0 })).toThrow(/options.oneHot must be a positive integer/);
    expect(() => toTfDataset(loader, {} as typeof tf)).toThrow(/tf must be the @tensorflow\/tfjs namespace/);
  });
});
