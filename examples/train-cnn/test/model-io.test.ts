import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fileLoadHandler, fileSaveHandler, MODEL_FILE, WEIGHTS_FILE } from '../src/model-io.js';
import { buildModel, MODEL_KINDS } from '../src/train.js';

const dir = mkdtempSync(join(tmpdir(), 'train-cnn-model-'));

beforeAll(async () => {
  tf.enableProdMode();
  await tf.setBackend('cpu');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it.each(MODEL_KINDS)(
  'saves model.json + weights.bin and loads them back to the same predictions (%s)',
  async (kind) => {
    const model = buildModel(tf, 16, 3, 3, 0.01, 1, kind);
    if (kind === 'batchnorm') {
      // One training step, so the moving statistics (weights too, not trainable ones) are not the initial ones.
      await model.trainOnBatch(
        tf.randomUniform([4, 16, 16, 3], 0, 1, 'float32', 3),
        tf.oneHot([0, 1, 2, 0], 3),
      );
      expect(model.layers.map((l) => l.getClassName())).toEqual(
        expect.arrayContaining(['BatchNormalization', 'MaxPooling2D', 'ReLU']),
      );
    }
    const input = tf.randomUniform([2, 16, 16, 3], 0, 1, 'float32', 7);
    const before = (model.predict(input) as tf.Tensor).arraySync();
    const saved = await model.save(fileSaveHandler(tf, dir));
    expect(saved.modelArtifactsInfo.weightDataBytes).toBeGreaterThan(0);

    const json = JSON.parse(readFileSync(join(dir, MODEL_FILE), 'utf8'));
    expect(json.weightsManifest[0].paths).toEqual([`./${WEIGHTS_FILE}`]);
    expect(readFileSync(join(dir, WEIGHTS_FILE)).byteLength).toBe(saved.modelArtifactsInfo.weightDataBytes);

    const loaded = await tf.loadLayersModel(fileLoadHandler(dir));
    const after = (loaded.predict(input) as tf.Tensor).arraySync();
    expect(after).toEqual(before);
    expect(loaded.layers.map((l) => l.getClassName())).toEqual(model.layers.map((l) => l.getClassName()));
  },
);

it('names the file when model.json is missing', async () => {
  await expect(tf.loadLayersModel(fileLoadHandler(join(dir, 'nope')))).rejects.toThrow(/model\.json/);
});
