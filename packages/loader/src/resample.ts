/**
 * Resize (libvips' lanczos3 reduce, bit for bit) and normalise to CHW float32 in one WebAssembly pass:
 * the ImageFolderDataset's per-sample work after the decode. libvips' own resize costs more in pipeline
 * set-up than in arithmetic for images of a few hundred pixels (~1.6 ms of a ~4 ms sample, whatever the
 * kernel), and normalising in JavaScript another ~0.7 ms; this kernel does both in a fraction of that.
 *
 * The weights are libvips' (vips_reduce_make_mask: lanczos3 masks at 1/64-pixel steps, scaled to int16 by
 * truncation) and the arithmetic too (int32 sums, +2048 >> 12, clipped to uchar after each pass, vertical
 * pass first), so the pixels equal those of sharp's `resize(w, h, { fit: 'fill' })` for the reductions
 * libvips does as a single reduce. Normalisation reads a table per channel holding `v * scale - offset`
 * computed in float64 and rounded to float32, exactly what the JavaScript loop stored.
 */
import { resampleWasmBase64 } from './resample-wasm.js';
import { uninitialised } from './uninitialised.js';
import { type WasmMemory, wasmApi } from './wasm-api.js';

/** One axis of a resize: for each output pixel, `taps` input indices (clamped to the image) and int16 weights. */
export interface AxisTaps {
  readonly taps: number;
  readonly index: Int32Array;
  readonly weight: Int16Array;
}

const SUBPIXEL_STEPS = 64; // VIPS_TRANSFORM_SCALE
const WEIGHT_ONE = 4096; // VIPS_INTERPOLATE_SCALE

/** Round half to even, as C's rint() in the default rounding mode. */
function rint(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function sinc(x: number): number {
  if (x === 0) return 1;
  const px = x * Math.PI;
  return Math.sin(px) / px;
}

function lanczos3(x: number): number {
  return x >= -3 && x <= 3 ? sinc(x) * sinc(x / 3) : 0;
}

/**
 * libvips' reduceh / reducev geometry for a reduction of `inSize` to `outSize` pixels (inSize / outSize
 * in [1, 4): one reduce, no integer pre-shrink), as sharp reaches it: vips_resize gets scale 1 / shrink
 * and reduces by 1 / scale. An equal size is the identity (one tap of weight 1).
 */
export function lanczos3Taps(inSize: number, outSize: number): AxisTaps {
  if (inSize === outSize) {
    const index = new Int32Array(outSize);
    for (let i = 0; i < outSize; i++) index[i] = i;
    return { taps: 1, index, weight: new Int16Array(outSize).fill(WEIGHT_ONE) };
  }
  const shrink = 1 / (1 / (inSize / outSize));
  const taps = 2 * rint(3 * shrink) + 1;
  // Input pixels invented (or dropped) by rounding the output size: the origin moves by half of them.
  const extra = outSize * shrink - inSize;
  const offset = (1 + extra) / 2 - 1;
  const masks: Int16Array[] = [];
  for (let step = 0; step <= SUBPIXEL_STEPS; step++) {
    const x = Math.fround(step / SUBPIXEL_STEPS);
    const half = x + taps / 2 - 1;
    const raw = new Float64Array(taps);
    let sum = 0;
    for (let i = 0; i < taps; i++) {
      raw[i] = lanczos3((i - half) / shrink);
      sum += raw[i]!;
    }
    const mask = new Int16Array(taps);
    for (let i = 0; i < taps; i++) mask[i] = Math.trunc((raw[i]! / sum) * WEIGHT_ONE);
    masks.push(mask);
  }
  // libvips embeds the input in ceil(taps / 2) - 1 copied edge pixels; indices here are clamped instead.
  const pad = Math.ceil(taps / 2) - 1;
  const index = new Int32Array(outSize * taps);
  const weight = new Int16Array(outSize * taps);
  // Accumulated as libvips does along a row (X += shrink), so positions round the same way.
  let position = 0.5 * shrink - 0.5 - offset;
  for (let o = 0; o < outSize; o++, position += shrink) {
    const first = Math.trunc(position);
    const sub = Math.trunc(position * SUBPIXEL_STEPS * 2) & (SUBPIXEL_STEPS * 2 - 1);
    const mask = masks[(sub + 1) >> 1]!;
    for (let i = 0; i < taps; i++) {
      index[o * taps + i] = Math.min(inSize - 1, Math.max(0, first + i - pad));
      weight[o * taps + i] = mask[i]!;
    }
  }
  return { taps, index, weight };
}

/** The ratios (input / output, per axis) the kernel reproduces libvips for: one reduce, no pre-shrink. */
export function isSingleReduce(inSize: number, outSize: number): boolean {
  return inSize >= outSize && inSize < 4 * outSize;
}

/**
 * Whether sharp's `resize(outWidth, outHeight, { fit: 'fill' })` of an image of this stored size is one
 * libvips reduce per axis on the full-size decode, which the kernel reproduces: no enlargement, each ratio
 * below 4 (from 4 libvips shrinks by an integer first), and for a JPEG the smaller ratio below 3 (from 3
 * sharp decodes a JPEG at 1/2 size or less: fastShrinkOnLoad).
 */
export function kernelReproducesResize(
  header: { format: string; width: number; height: number },
  outWidth: number,
  outHeight: number,
): boolean {
  const { width, height } = header;
  if (!isSingleReduce(width, outWidth) || !isSingleReduce(height, outHeight)) return false;
  return header.format !== 'jpeg' || Math.min(width / outWidth, height / outHeight) < 3;
}

/** `v * (1 / (255 std)) - mean / std` for v = 0…255 and each channel, float64 rounded to float32. */
export function normaliseTable(mean: readonly number[], std: readonly number[]): Float32Array {
  const table = new Float32Array(3 * 256);
  for (let c = 0; c < 3; c++) {
    const scale = 1 / (255 * std[c]!);
    const offset = mean[c]! / std[c]!;
    for (let v = 0; v < 256; v++) table[c * 256 + v] = v * scale - offset;
  }
  return table;
}

interface Kernel {
  memory: WasmMemory;
  heapBase: number;
  resample: (...args: number[]) => void;
}

let kernel: Kernel | null = null;

/** The module, compiled and instantiated once per thread (a few microseconds; the module is 4 KB). */
function getKernel(): Kernel {
  if (kernel) return kernel;
  const module = new wasmApi.Module(Buffer.from(resampleWasmBase64, 'base64'));
  const memory = new wasmApi.Memory({ initial: 32 });
  const exports = new wasmApi.Instance(module, { env: { memory } }).exports as {
    resample_normalise: (...args: number[]) => void;
    __heap_base: { value: number };
  };
  kernel = { memory, heapBase: exports.__heap_base.value, resample: exports.resample_normalise };
  return kernel;
}

/** 2 GiB less 64 KiB: offsets in the kernel are int32. */
const MAX_MEMORY = 2 ** 31 - 65536;

const tapsCache = new Map<string, AxisTaps>();

function cachedTaps(inSize: number, outSize: number): AxisTaps {
  const key = `${inSize}:${outSize}`;
  let taps = tapsCache.get(key);
  if (!taps) {
    // Datasets have few distinct sizes; a bounded cache keeps a folder of odd sizes from growing it.
    if (tapsCache.size >= 256) tapsCache.clear();
    taps = lanczos3Taps(inSize, outSize);
    tapsCache.set(key, taps);
  }
  return taps;
}

export interface ResampleInput {
  /** height × width × channels bytes, interleaved (channels 1: grey, written to all three planes; 3: RGB). */
  pixels: Uint8Array;
  width: number;
  height: number;
  channels: number;
}

/**
 * Resizes `input` to outHeight × outWidth (libvips' lanczos3 reduce; each ratio in [1, 4)) and writes
 * `table[c * 256 + v]` for each pixel into `out` as three planes (CHW). Returns `out`.
 */
export function resampleNormalise(
  input: ResampleInput,
  outHeight: number,
  outWidth: number,
  table: Float32Array,
  out?: Float32Array,
): Float32Array {
  const { pixels, width, height, channels } = input;
  const fn = 'resampleNormalise';
  for (const [name, v] of [
    ['input.width', width],
    ['input.height', height],
    ['outWidth', outWidth],
    ['outHeight', outHeight],
  ] as const) {
    if (!Number.isInteger(v) || v < 1 || v > 65535)
      throw new RangeError(`${fn}: ${name} must be an integer in [1, 65535], got ${String(v)}`);
  }
  if (channels !== 1 && channels !== 3)
    throw new RangeError(`${fn}: input.channels must be 1 or 3, got ${String(channels)}`);
  if (!(pixels instanceof Uint8Array) || pixels.length !== width * height * channels) {
    throw new RangeError(
      `${fn}: input.pixels must be a Uint8Array of width × height × channels = ${width * height * channels} bytes, got ${pixels?.length}`,
    );
  }
  if (!isSingleReduce(width, outWidth) || !isSingleReduce(height, outHeight)) {
    throw new RangeError(
      `${fn}: ${width}×${height} → ${outWidth}×${outHeight}: each side must shrink by a ratio in [1, 4)`,
    );
  }
  if (!(table instanceof Float32Array) || table.length !== 768)
    throw new RangeError(`${fn}: table must be a Float32Array of 3 × 256 entries`);
  if (out !== undefined && (!(out instanceof Float32Array) || out.length !== 3 * outHeight * outWidth))
    throw new RangeError(`${fn}: out must be a Float32Array of 3 × ${outHeight} × ${outWidth} elements`);

  const vertical = cachedTaps(height, outHeight);
  const horizontal = cachedTaps(width, outWidth);
  const k = getKernel();
  // Layout in the module's memory, each block 16-byte aligned, after the module's own data and stack.
  let end = k.heapBase;
  const take = (bytes: number): number => {
    const at = end;
    end += Math.ceil(bytes / 16) * 16;
    return at;
  };
  const src = take(pixels.length);
  const vIndex = take(4 * vertical.index.length);
  const vWeight = take(2 * vertical.weight.length);
  const hIndex = take(4 * horizontal.index.length);
  const hWeight = take(2 * horizontal.weight.length);
  const row = take(outHeight);
  const dest = take(4 * width * channels);
  const tmp = take(channels * width * outHeight);
  const lut = take(4 * 768);
  const dst = take(4 * 3 * outHeight * outWidth);
  // Every offset the kernel computes (int32) stays below this, and so inside the memory.
  if (end > MAX_MEMORY) {
    throw new RangeError(
      `${fn}: ${width}×${height}×${channels} → ${outWidth}×${outHeight} needs ${end} bytes of kernel memory, more than ${MAX_MEMORY}`,
    );
  }
  // Not zeroed: the kernel's output is copied over all of it.
  out ??= uninitialised(Float32Array, 3 * outHeight * outWidth);
  const have = k.memory.buffer.byteLength;
  if (end > have) k.memory.grow(Math.ceil((end - have) / 65536));
  const buffer = k.memory.buffer;
  new Uint8Array(buffer, src, pixels.length).set(pixels);
  // Offsets in bytes: input rows of the source, input columns of the transposed intermediate.
  const rowBytes = width * channels;
  const vi = new Int32Array(buffer, vIndex, vertical.index.length);
  for (let i = 0; i < vi.length; i++) vi[i] = vertical.index[i]! * rowBytes;
  new Int16Array(buffer, vWeight, vertical.weight.length).set(vertical.weight);
  const hi = new Int32Array(buffer, hIndex, horizontal.index.length);
  for (let i = 0; i < hi.length; i++) hi[i] = horizontal.index[i]! * outHeight;
  new Int16Array(buffer, hWeight, horizontal.weight.length).set(horizontal.weight);
  new Float32Array(buffer, lut, 768).set(table);
  k.resample(
    src,
    width,
    channels,
    vIndex,
    vWeight,
    vertical.taps,
    outHeight,
    hIndex,
    hWeight,
    horizontal.taps,
    outWidth,
    row,
    dest,
    tmp,
    lut,
    dst,
  );
  out.set(new Float32Array(buffer, dst, out.length));
  return out;
}
