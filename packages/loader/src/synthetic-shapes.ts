import { checkOptionKeys, formatValue } from '@rocm-patch/env';
import { builtFileUrl } from './built-file.js';
import {
  type ItemContext,
  type MapDataset,
  type ModuleRef,
  moduleRefSymbol,
  type PortableDataset,
} from './dataset.js';
import { mixSeed, Rng, sampleSeed, validateSeed } from './rng.js';
import type { Tensor } from './tensor.js';

export const shapeClasses = ['circle', 'square', 'triangle'] as const;

export interface SyntheticShapesOptions {
  /** Number of samples. */
  length: number;
  /** Image side in pixels (default 32). */
  size?: number;
  /** 1 (grey) or 3 (RGB) channels (default 3). */
  channels?: 1 | 3;
  /** Standard deviation of the Gaussian pixel noise (default 0.05). */
  noise?: number;
  /** Seed of the procedural content: sample i is the same image for the same seed (default 0). */
  seed?: number;
  /**
   * Random horizontal flip and brightness jitter drawn from the sample's epoch stream (`context.rng`):
   * different every epoch, identical for the same loader seed whatever the number of workers.
   */
  augment?: boolean;
}

export interface ShapeItem {
  /** CHW float32 pixels in about [0, 1]. */
  image: Tensor<Float32Array>;
  /** Index into `shapeClasses`: 0 circle, 1 square, 2 triangle. */
  label: number;
}

/** Procedural images of circles, squares and triangles with noise and labels; deterministic per index. */
export class SyntheticShapesDataset implements MapDataset<ShapeItem>, PortableDataset {
  readonly length: number;
  readonly size: number;
  readonly channels: 1 | 3;
  readonly noise: number;
  readonly seed: number;
  readonly augment: boolean;

  constructor(options: SyntheticShapesOptions) {
    if (typeof options !== 'object' || options === null) {
      throw new TypeError(
        `new SyntheticShapesDataset: options must be an object ({ length, size, … }), got ${formatValue(options)}`,
      );
    }
    checkOptionKeys('new SyntheticShapesDataset', 'options', options, [
      'length',
      'size',
      'channels',
      'noise',
      'seed',
      'augment',
    ]);
    const { length, size = 32, channels = 3, noise = 0.05, seed = 0, augment = false } = options;
    if (!Number.isInteger(length) || length < 0) {
      throw new RangeError(`options.length must be a non-negative integer, got ${formatValue(length)}`);
    }
    if (!Number.isInteger(size) || size < 4 || size > 4096) {
      throw new RangeError(`options.size must be an integer in [4, 4096], got ${formatValue(size)}`);
    }
    if (channels !== 1 && channels !== 3)
      throw new RangeError(`options.channels must be 1 or 3, got ${channels}`);
    if (typeof noise !== 'number' || !(noise >= 0)) {
      throw new RangeError(`options.noise must be a number >= 0, got ${formatValue(noise)}`);
    }
    this.length = length;
    this.size = size;
    this.channels = channels;
    this.noise = noise;
    this.seed = validateSeed(seed, 'options.seed');
    this.augment = Boolean(augment);
  }

  getItem(index: number, context?: ItemContext): ShapeItem {
    if (!Number.isInteger(index) || index < 0 || index >= this.length) {
      throw new RangeError(`index must be an integer in [0, ${this.length}), got ${index}`);
    }
    const { size, channels } = this;
    const rng = new Rng(mixSeed(this.seed, index));
    const label = rng.int(3);
    const cx = rng.uniform(0.35, 0.65) * size;
    const cy = rng.uniform(0.35, 0.65) * size;
    const r = rng.uniform(0.15, 0.3) * size;
    const bg: number[] = [];
    const fg: number[] = [];
    for (let c = 0; c < channels; c++) {
      bg.push(rng.uniform(0, 0.4));
      fg.push(rng.uniform(0.6, 1));
    }
    const inside = insideTest(label, cx, cy, r);
    const plane = size * size;
    const data = new Float32Array(channels * plane);
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const hit = inside(x + 0.5, y + 0.5);
        for (let c = 0; c < channels; c++) {
          data[c * plane + y * size + x] = (hit ? fg[c]! : bg[c]!) + this.noise * rng.normal();
        }
      }
    }
    if (this.augment) {
      const aug = context?.rng ?? new Rng(sampleSeed(0, 0, index));
      if (aug.next() < 0.5) flipHorizontal(data, channels, size);
      const shift = aug.uniform(-0.1, 0.1);
      for (let i = 0; i < data.length; i++) data[i] = data[i]! + shift;
    }
    return { image: { data, shape: [channels, size, size] }, label };
  }

  [moduleRefSymbol](): ModuleRef {
    const { length, size, channels, noise, seed, augment } = this;
    return {
      module: builtFileUrl('index', import.meta.url),
      export: 'SyntheticShapesDataset',
      args: [{ length, size, channels, noise, seed, augment }],
    };
  }
}

function insideTest(label: number, cx: number, cy: number, r: number): (x: number, y: number) => boolean {
  if (label === 0) return (x, y) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
  if (label === 1) return (x, y) => Math.abs(x - cx) <= r && Math.abs(y - cy) <= r;
  // Upward triangle with apex (cx, cy - r) and base from (cx - r, cy + r) to (cx + r, cy + r).
  return (x, y) => y <= cy + r && y >= cy - r && Math.abs(x - cx) <= (y - (cy - r)) / 2;
}

function flipHorizontal(data: Float32Array, channels: number, size: number): void {
  for (let c = 0; c < channels; c++) {
    for (let y = 0; y < size; y++) {
      const row = c * size * size + y * size;
      data.subarray(row, row + size).reverse();
    }
  }
}
