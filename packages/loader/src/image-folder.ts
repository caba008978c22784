/**
 * ImageFolderDataset: one folder per class, images decoded with sharp (an optional peer dependency that
 * only this entry point imports), resized and normalised to CHW float32. With workers, decoding runs in
 * the workers: each builds its own instance from the module reference the instance carries.
 *
 * Per sample: libjpeg-turbo compiled to WebAssembly decodes a JPEG (jpeg-decode.ts; sharp decodes the
 * other formats and the JPEGs sharp would convert), and a WebAssembly kernel (resample.ts) resizes and
 * normalises in one pass, with libvips' own weights and rounding, so the tensor is the one sharp's decode
 * and resize plus the normalisation gave. Letting libvips resize costs about as much again as the decode
 * for images of a few hundred pixels (pipeline set-up, not arithmetic). Where sharp would decode a JPEG at reduced size (a reduction
 * by 3 or more) or the reduction is not one libvips reduce (enlarging, 4× or more), and for the formats
 * whose size is not read here, sharp resizes as before and the kernel only normalises.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { checkOptionKeys, formatValue } from '@rocm-patch/env';
import sharp from 'sharp';
import { builtFileUrl } from './built-file.js';
import { type MapDataset, type ModuleRef, moduleRefSymbol, type PortableDataset } from './dataset.js';
import { readImageHeader } from './image-header.js';
import { decodeJpeg } from './jpeg-decode.js';
import { kernelReproducesResize, normaliseTable, resampleNormalise } from './resample.js';
import type { Tensor } from './tensor.js';

export interface ImageFolderOptions {
  /** A folder holding one sub-folder per class. */
  root: string;
  /** Output size: a side for square images, or [height, width] (default 224). Images are resized to fill it. */
  size?: number | readonly [number, number];
  /** Per-channel mean subtracted after scaling to [0, 1] (default ImageNet's [0.485, 0.456, 0.406]). */
  mean?: readonly [number, number, number];
  /** Per-channel standard deviation divided by (default ImageNet's [0.229, 0.224, 0.225]). */
  std?: readonly [number, number, number];
  /** File extensions taken as images, lower case (default .jpg .jpeg .png .webp .gif .tif .tiff .avif). */
  extensions?: readonly string[];
  /**
   * Threads libvips may use per image (sharp.concurrency, process-wide). Set 1 to make a loader's
   * parallelism come from its workers alone; default: sharp's own default.
   */
  sharpConcurrency?: number;
  /**
   * false turns libvips' operation cache off (sharp.cache(false), process-wide). A dataset decodes each
   * file once per epoch, so the cache cannot help, and with several thread workers in one process its
   * lock is contended: 2 threads decode ~20-40% faster without it. Default: sharp's own setting.
   */
  sharpCache?: boolean;
}

export interface ImageItem {
  /** CHW float32, normalised. */
  image: Tensor<Float32Array>;
  /** Index of the class in `classes` (sorted folder names). */
  label: number;
}

const defaultExtensions = ['.jpg', '.jpeg', '.png', '.webp', '.gif', '.tif', '.tiff', '.avif'];

export class ImageFolderDataset implements MapDataset<ImageItem>, PortableDataset {
  readonly root: string;
  /** Class names: the sub-folders of root, sorted. */
  readonly classes: readonly string[];
  /** Every image as [path, label], sorted by class then file name. */
  readonly samples: readonly (readonly [string, number])[];
  readonly height: number;
  readonly width: number;
  readonly mean: readonly [number, number, number];
  readonly std: readonly [number, number, number];
  readonly #options: ImageFolderOptions;
  /** normaliseTable(mean, std): the normalised value of each byte value, per channel. */
  readonly #table: Float32Array;

  constructor(options: ImageFolderOptions) {
    if (typeof options !== 'object' || options === null) {
      throw new TypeError(
        `new ImageFolderDataset: options must be an object ({ root, … }), got ${formatValue(options)}`,
      );
    }
    checkOptionKeys('new ImageFolderDataset', 'options', options, [
      'root',
      'size',
      'mean',
      'std',
      'extensions',
      'sharpConcurrency',
      'sharpCache',
    ]);
    const { size = 224, mean = [0.485, 0.456, 0.406], std = [0.229, 0.224, 0.225] } = options;
    if (typeof options.root !== 'string' || options.root === '') {
      throw new TypeError('options.root must be the path of a folder with one sub-folder per class');
    }
    const [height, width] = typeof size === 'number' ? [size, size] : size;
    for (const [name, v] of [
      ['height', height],
      ['width', width],
    ] as const) {
      if (!Number.isInteger(v) || v < 1 || v > 16384) {
        throw new RangeError(`options.size: ${name} must be an integer in [1, 16384], got ${formatValue(v)}`);
      }
    }
    checkTriple(mean, 'options.mean', false);
    checkTriple(std, 'options.std', true);
    const extensions = (options.extensions ?? defaultExtensions).map((e) => e.toLowerCase());
    if (options.sharpConcurrency !== undefined) {
      if (!Number.isInteger(options.sharpConcurrency) || options.sharpConcurrency < 0) {
        throw new RangeError(
          `options.sharpConcurrency must be a non-negative integer, got ${formatValue(options.sharpConcurrency)}`,
        );
      }
      sharp.concurrency(options.sharpConcurrency);
    }
    if (options.sharpCache !== undefined) {
      if (typeof options.sharpCache !== 'boolean') {
        throw new TypeError(`options.sharpCache must be a boolean, got ${formatValue(options.sharpCache)}`);
      }
      sharp.cache(options.sharpCache);
    }
    this.root = resolve(options.root);
    let entries: string[];
    try {
      entries = readdirSync(this.root).sort();
    } catch (error) {
      throw new Error(`options.root: cannot read ${this.root}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    this.classes = entries.filter((name) => statSync(join(this.root, name)).isDirectory());
    if (this.classes.length === 0)
      throw new RangeError(`options.root: ${this.root} has no class sub-folders`);
    const samples: [string, number][] = [];
    this.classes.forEach((name, label) => {
      for (const file of readdirSync(join(this.root, name)).sort()) {
        if (extensions.includes(extname(file).toLowerCase()))
          samples.push([join(this.root, name, file), label]);
      }
    });
    this.samples = samples;
    this.height = height;
    this.width = width;
    this.mean = mean;
    this.std = std;
    this.#table = normaliseTable(mean, std);
    this.#options = { ...options, root: this.root };
  }

  get length(): number {
    return this.samples.length;
  }

  async getItem(index: number): Promise<ImageItem> {
    const sample = this.samples[index];
    if (!Number.isInteger(index) || sample === undefined) {
      throw new RangeError(`index must be an integer in [0, ${this.samples.length}), got ${index}`);
    }
    const [path, label] = sample;
    try {
      return { image: { data: await this.#decode(path), shape: [3, this.height, this.width] }, label };
    } catch (error) {
      // sharp's messages name no file (it decodes the bytes read here).
      throw new Error(`${path}: ${(error as Error).message}`, { cause: error });
    }
  }

  /** The image at `path` as normalised CHW float32 of the dataset's size. */
  async #decode(path: string): Promise<Float32Array> {
    // Read here rather than by sharp: the header decides how to decode (a few µs for a cached file).
    const bytes = readFileSync(path);
    const header = readImageHeader(bytes);
    if (header && kernelReproducesResize(header, this.width, this.height)) {
      // libjpeg-turbo in WebAssembly: sharp's pixels without libvips' per-image cost (jpeg-decode.ts).
      const decoded = header.format === 'jpeg' ? decodeJpeg(bytes) : null;
      if (decoded) return resampleNormalise(decoded, this.height, this.width, this.#table);
      const { data, info } = await sharp(bytes).raw().toBuffer({ resolveWithObject: true });
      // Alpha (a PNG transparency chunk), 16 bits or a size other than the header's: sharp resizes below.
      if (
        (info.channels === 3 || info.channels === 1) &&
        info.width === header.width &&
        info.height === header.height &&
        data.length === info.width * info.height * info.channels
      ) {
        const pixels = { pixels: data, width: info.width, height: info.height, channels: info.channels };
        return resampleNormalise(pixels, this.height, this.width, this.#table);
      }
    }
    const { data, info } = await sharp(bytes)
      .resize(this.width, this.height, { fit: 'fill' })
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`decoded to ${info.channels} channels, expected 3`);
    // Already at the output size: the kernel only normalises (one tap of weight 1 per axis).
    const pixels = { pixels: data, width: this.width, height: this.height, channels: 3 };
    return resampleNormalise(pixels, this.height, this.width, this.#table);
  }

  [moduleRefSymbol](): ModuleRef {
    return {
      module: builtFileUrl('image-folder', import.meta.url),
      export: 'ImageFolderDataset',
      args: [this.#options],
    };
  }
}

/** Interleaved RGB bytes to planar float32, (x / 255 - mean) / std per channel. */
export function hwcToNormalisedChw(
  rgb: Uint8Array,
  height: number,
  width: number,
  mean: readonly number[],
  std: readonly number[],
): Float32Array {
  const plane = height * width;
  const out = new Float32Array(3 * plane);
  for (let c = 0; c < 3; c++) {
    const scale = 1 / (255 * std[c]!);
    const offset = mean[c]! / std[c]!;
    const base = c * plane;
    for (let p = 0, s = c; p < plane; p++, s += 3) out[base + p] = rgb[s]! * scale - offset;
  }
  return out;
}

function checkTriple(value: unknown, name: string, positive: boolean): void {
  if (
    !Array.isArray(value) ||
    value.length !== 3 ||
    value.some((v) => typeof v !== 'number' || !Number.isFinite(v) || (positive && v <= 0))
  ) {
    throw new RangeError(
      `${name} must be 3 finite numbers${positive ? ' > 0' : ''}, got ${formatValue(value)}`,
    );
  }
}
