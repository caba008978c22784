/**
 * The training job: a small CNN, on the 'rocm' backend where enableAllPatches() selected it, else on
 * TF.js's cpu backend with its conv kernels replaced by the conv bypass; fed by a @rocm-patch/loader
 * DataLoader whose workers make (or decode) the images.
 */
import type { Batch, DataLoader, Sampler } from '@rocm-patch/all';
import {
  DataLoader as Loader,
  Progress,
  permutation,
  SyntheticShapesDataset,
  shapeClasses,
} from '@rocm-patch/all';
import type * as tfTypes from '@tensorflow/tfjs';

type Tf = typeof tfTypes;

export interface TrainOptions {
  epochs: number;
  /** Synthetic data: training and held-out sample counts (ignored with `data`). */
  trainSamples: number;
  testSamples: number;
  /** Image side in pixels. */
  imageSize: number;
  batchSize: number;
  numWorkers: number;
  learningRate: number;
  seed: number;
  /** The model (see buildModel); default 'strided'. */
  model?: ModelKind;
  /** An image folder (one sub-folder per class) instead of synthetic shapes; 20% is held out. */
  data?: string;
  /** Where the progress bars go (default process.stderr). */
  progressStream?: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
}

export interface EpochRecord {
  epoch: number;
  loss: number;
  accuracy: number;
  testLoss: number;
  testAccuracy: number;
  seconds: number;
  imagesPerSecond: number;
}

export interface TrainResult {
  model: tfTypes.LayersModel;
  classes: readonly string[];
  history: EpochRecord[];
  trainSamples: number;
  testSamples: number;
  seconds: number;
}

/** Dataset indices in a new seeded order every epoch (the loader calls setEpoch). */
class SubsetRandomSampler implements Sampler {
  readonly length: number;
  #epoch = 0;
  constructor(
    private readonly indices: Int32Array,
    private readonly seed: number,
  ) {
    this.length = indices.length;
  }
  setEpoch(epoch: number): void {
    this.#epoch = epoch;
  }
  *[Symbol.iterator](): Iterator<number> {
    for (const i of permutation(this.indices.length, this.seed * 1000 + this.#epoch)) yield this.indices[i]!;
  }
}

interface Data {
  classes: readonly string[];
  channels: number;
  train: DataLoader;
  test: DataLoader;
  trainSamples: number;
  testSamples: number;
}

async function makeData(options: TrainOptions): Promise<Data> {
  const common = { batchSize: options.batchSize, numWorkers: options.numWorkers, seed: options.seed };
  if (options.data === undefined) {
    const size = options.imageSize;
    // Different seeds: the held-out images are not the training images.
    const train = new SyntheticShapesDataset({ length: options.trainSamples, size, seed: options.seed });
    const test = new SyntheticShapesDataset({ length: options.testSamples, size, seed: options.seed + 1 });
    return {
      classes: shapeClasses,
      channels: 3,
      train: new Loader({ ...common, dataset: train, shuffle: true }),
      test: new Loader({ ...common, dataset: test }),
      trainSamples: train.length,
      testSamples: test.length,
    };
  }
  // Imported only here: it needs sharp, which synthetic runs do not.
  const { ImageFolderDataset } = await import('@rocm-patch/loader/image-folder');
  const dataset = new ImageFolderDataset({ root: options.data, size: options.imageSize });
  if (dataset.length < 2) throw new RangeError(`--data ${options.data}: needs at least 2 images`);
  const order = permutation(dataset.length, options.seed);
  const testCount = Math.max(1, Math.round(dataset.length * 0.2));
  const testIdx = Int32Array.from(order.subarray(0, testCount)).sort();
  const trainIdx = Int32Array.from(order.subarray(testCount));
  return {
    classes: dataset.classes,
    channels: 3,
    train: new Loader({ ...common, dataset, sampler: new SubsetRandomSampler(trainIdx, options.seed) }),
    test: new Loader({ ...common, dataset, sampler: testIdx }),
    trainSamples: trainIdx.length,
    testSamples: testIdx.length,
  };
}

/**
 * The two models:
 * - 'batchnorm', a real CNN: three blocks of 3×3 convolution (16, 32, 64 channels, no bias), batch
 *   normalization, ReLU and 2×2 max pooling, then a dense softmax. What runs on the 'rocm' backend.
 * - 'strided': four 3×3 convolutions (16, 32, 32, 32 channels; the last three with stride 2 instead of
 *   pooling; no biases) and a dense softmax. What runs on TF.js's cpu backend: there MaxPoolGrad, the
 *   batch-norm gradients and the bias-gradient Sum cost many times more than the (bypassed, native)
 *   convolutions themselves — the 'batchnorm' model takes about 18× as long per step.
 */
export type ModelKind = 'batchnorm' | 'strided';
export const MODEL_KINDS: readonly ModelKind[] = ['batchnorm', 'strided'];

export function buildModel(
  tf: Tf,
  size: number,
  channels: number,
  classes: number,
  lr: number,
  seed = 1,
  kind: ModelKind = 'strided',
) {
  const model = tf.sequential();
  // Seeded initial weights: the same run gives the same numbers.
  let layer = 0;
  const init = () => tf.initializers.glorotUniform({ seed: seed * 100 + layer++ });
  const conv = (filters: number, strides: number, activation: 'relu' | 'linear') =>
    tf.layers.conv2d({
      filters,
      kernelSize: 3,
      strides,
      padding: 'same',
      activation,
      useBias: false,
      kernelInitializer: init(),
    });
  model.add(tf.layers.inputLayer({ inputShape: [size, size, channels] }));
  if (kind === 'batchnorm') {
    for (const filters of [16, 32, 64]) {
      model.add(conv(filters, 1, 'linear'));
      // Momentum 0.9 (Keras: 0.99): the moving statistics that evaluation uses settle within an epoch of
      // a few dozen batches.
      model.add(tf.layers.batchNormalization({ momentum: 0.9 }));
      model.add(tf.layers.reLU());
      model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
    }
  } else {
    model.add(conv(16, 1, 'relu'));
    model.add(conv(32, 2, 'relu'));
    model.add(conv(32, 2, 'relu'));
    model.add(conv(32, 2, 'relu'));
  }
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: classes, activation: 'softmax', kernelInitializer: init() }));
  model.compile({ optimizer: tf.train.adam(lr), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}

interface ImageBatch {
  image: { data: Float32Array; shape: number[] };
  label: { data: Int32Array; shape: number[] };
}

/** A loader batch (NCHW images, int labels) as NHWC float32 images and one-hot labels. */
function toTensors(tf: Tf, batch: Batch, classes: number): { xs: tfTypes.Tensor4D; ys: tfTypes.Tensor2D } {
  const { image, label } = batch as unknown as ImageBatch;
  const [n, c, h, w] = image.shape as [number, number, number, number];
  // The one-hot labels are made here, not by tf.oneHot: one kernel less per batch on the device.
  const oneHot = new Float32Array(n * classes);
  for (let i = 0; i < n; i++) oneHot[i * classes + label.data[i]!] = 1;
  return tf.tidy(() => {
    const xs = tf.tensor4d(image.data, [n, c, h, w]).transpose<tfTypes.Tensor4D>([0, 2, 3, 1]);
    return { xs, ys: tf.tensor2d(oneHot, [n, classes]) };
  });
}

async function evaluate(tf: Tf, model: tfTypes.LayersModel, loader: DataLoader, classes: number) {
  let loss = 0;
  let correct = 0;
  let seen = 0;
  for await (const batch of loader) {
    const { xs, ys } = toTensors(tf, batch, classes);
    const [batchLoss, batchCorrect] = tf.tidy(() => {
      const probs = model.predict(xs) as tfTypes.Tensor2D;
      // The model ends in softmax: the loss is the mean of -log p(true class).
      const nll = tf.neg(tf.sum(tf.mul(ys, tf.log(probs.clipByValue(1e-7, 1))), 1)).sum();
      const hits = tf.equal(tf.argMax(probs, 1), tf.argMax(ys, 1)).sum();
      return [nll.dataSync()[0]!, hits.dataSync()[0]!];
    });
    loss += batchLoss;
    correct += batchCorrect;
    seen += xs.shape[0];
    tf.dispose([xs, ys]);
  }
  return { loss: loss / Math.max(1, seen), accuracy: correct / Math.max(1, seen) };
}

export async function train(tf: Tf, options: TrainOptions): Promise<TrainResult> {
  const started = performance.now();
  const data = await makeData(options);
  const classes = data.classes.length;
  const model = buildModel(
    tf,
    options.imageSize,
    data.channels,
    classes,
    options.learningRate,
    options.seed,
    options.model ?? 'strided',
  );
  const history: EpochRecord[] = [];
  const batchesPerEpoch = Math.ceil(data.trainSamples / options.batchSize);
  try {
    for (let epoch = 1; epoch <= options.epochs; epoch++) {
      const progress = new Progress({
        total: batchesPerEpoch,
        label: `epoch ${epoch}/${options.epochs}`,
        ...(options.progressStream ? { stream: options.progressStream } : {}),
      });
      const t0 = performance.now();
      let lossSum = 0;
      let accSum = 0;
      let seen = 0;
      for await (const batch of data.train) {
        const { xs, ys } = toTensors(tf, batch, classes);
        const n = xs.shape[0];
        const [loss, acc] = (await model.trainOnBatch(xs, ys)) as number[];
        tf.dispose([xs, ys]);
        lossSum += loss! * n;
        accSum += acc! * n;
        seen += n;
        const rate = seen / ((performance.now() - t0) / 1000);
        progress.tick(
          1,
          `loss ${(lossSum / seen).toFixed(3)} acc ${(accSum / seen).toFixed(3)} · ${rate.toFixed(0)} img/s`,
        );
      }
      const seconds = (performance.now() - t0) / 1000;
      const test = await evaluate(tf, model, data.test, classes);
      const record: EpochRecord = {
        epoch,
        loss: lossSum / seen,
        accuracy: accSum / seen,
        testLoss: test.loss,
        testAccuracy: test.accuracy,
        seconds,
        imagesPerSecond: seen / seconds,
      };
      history.push(record);
      progress.finish(
        `loss ${record.loss.toFixed(3)} acc ${record.accuracy.toFixed(3)} · held-out acc ${record.testAccuracy.toFixed(3)} · ${record.imagesPerSecond.toFixed(0)} img/s · ${seconds.toFixed(1)} s`,
      );
    }
  } finally {
    await data.train.close();
    await data.test.close();
  }
  return {
    model,
    classes: data.classes,
    history,
    trainSamples: data.trainSamples,
    testSamples: data.testSamples,
    seconds: (performance.now() - started) / 1000,
  };
}
