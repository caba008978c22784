// The benchmark models of issue 14 (input 32×32×3, 10 classes, tf.sequential, glorot-uniform init with a
// seed so that every backend starts from the same weights), and their training data.
// `tf` is the caller's namespace (@tensorflow/tfjs).

function glorot(tf, seed) {
  return tf.initializers.glorotUniform({ seed });
}

/** conv 32 3×3 valid + relu, maxPool 2, conv 64 + relu, maxPool 2, conv 64 + relu, flatten, dense 64 + relu, dense 10 softmax; SGD 0.01. */
export function cifar(tf, seed = 1) {
  const m = tf.sequential();
  let s = seed;
  m.add(
    tf.layers.conv2d({
      inputShape: [32, 32, 3],
      filters: 32,
      kernelSize: 3,
      activation: 'relu',
      kernelInitializer: glorot(tf, s++),
    }),
  );
  m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  m.add(
    tf.layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu', kernelInitializer: glorot(tf, s++) }),
  );
  m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  m.add(
    tf.layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu', kernelInitializer: glorot(tf, s++) }),
  );
  m.add(tf.layers.flatten());
  m.add(tf.layers.dense({ units: 64, activation: 'relu', kernelInitializer: glorot(tf, s++) }));
  m.add(tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: glorot(tf, s++) }));
  m.compile({ optimizer: tf.train.sgd(0.01), loss: 'categoricalCrossentropy' });
  return m;
}

/** [conv 3×3 same no bias, batchNorm, ReLU] × 32, 32, maxPool 2, × 64, 64, maxPool 2, × 128, global average pool, dense 10 softmax; Adam 1e-3. */
export function bncnn(tf, seed = 1) {
  const m = tf.sequential();
  let s = seed;
  const block = (filters, first) => {
    m.add(
      tf.layers.conv2d({
        ...(first ? { inputShape: [32, 32, 3] } : {}),
        filters,
        kernelSize: 3,
        padding: 'same',
        useBias: false,
        kernelInitializer: glorot(tf, s++),
      }),
    );
    m.add(tf.layers.batchNormalization());
    m.add(tf.layers.reLU());
  };
  block(32, true);
  block(32);
  m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  block(64);
  block(64);
  m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  block(128);
  m.add(tf.layers.globalAveragePooling2d({}));
  m.add(tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: glorot(tf, s++) }));
  m.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
  return m;
}

export const MODELS = { cifar, bncnn };

/** The standard cases: [model, batch]. */
export const CASES = [
  ['cifar', 32],
  ['cifar', 256],
  ['bncnn', 64],
];

/** A batch of inputs in [0, 1) and one-hot labels, from a seed (mulberry32), identical on every backend. */
export function batch(tf, size, seed = 7) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const x = new Float32Array(size * 32 * 32 * 3);
  for (let i = 0; i < x.length; i++) x[i] = next();
  const labels = new Int32Array(size);
  for (let i = 0; i < size; i++) labels[i] = Math.floor(next() * 10);
  return {
    x: tf.tensor4d(x, [size, 32, 32, 3]),
    y: tf.oneHot(tf.tensor1d(labels, 'int32'), 10).toFloat(),
  };
}
