import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { hwcToNormalisedChw } from '../src/image-folder.js';
import { readImageHeader } from '../src/image-header.js';
import { kernelReproducesResize, lanczos3Taps, normaliseTable, resampleNormalise } from '../src/resample.js';
import { resampleSourceSha256 } from '../src/resample-wasm.js';
import { sourceSha256, wasmModules } from '../wasm/sources.mjs';

const mean = [0.485, 0.456, 0.406] as const;
const std = [0.229, 0.224, 0.225] as const;
const table = normaliseTable(mean, std);

/** A deterministic image with edges, gradients and noise: lanczos3 rings and clips on it. */
function texture(width: number, height: number, channels: 1 | 3, seed: number): Buffer {
  const data = Buffer.alloc(width * height * channels);
  let s = seed >>> 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < channels; c++) {
        s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
        const edge = (x >> 3) % 2 === (y >> 4) % 2 ? 230 : 20;
        const v = c === 0 ? edge : c === 1 ? (x * 255) / width : (s >>> 24) & 0xff;
        data[(y * width + x) * channels + c] = v;
      }
    }
  }
  return data;
}

/** sharp's resize of raw pixels (what ImageFolderDataset did before the kernel) as uint8 HWC RGB. */
async function sharpResize(
  pixels: Buffer,
  width: number,
  height: number,
  channels: 1 | 3,
  w: number,
  h: number,
) {
  return sharp(pixels, { raw: { width, height, channels } })
    .resize(w, h, { fit: 'fill' })
    .toColourspace('srgb')
    .raw()
    .toBuffer();
}

describe('resampleNormalise (libvips lanczos3 reduce + normalise, WebAssembly)', () => {
  it('gives exactly the tensor of sharp’s resize plus the normalisation, for every ratio it takes', async () => {
    const cases: [number, number, number, number, 1 | 3][] = [
      [256, 256, 224, 224, 3], // the benchmark's
      [300, 200, 224, 160, 3],
      [257, 129, 100, 64, 3], // odd sizes, ratios above 2
      [224, 224, 224, 224, 3], // identity: normalisation only
      [640, 300, 170, 299, 3], // 3.76 and 1.003
      [90, 70, 64, 48, 1], // grey: one plane, written to all three
      [33, 17, 33, 5, 3], // one axis only
    ];
    for (const [width, height, w, h, channels] of cases) {
      const pixels = texture(width, height, channels, width * 31 + height);
      const got = resampleNormalise({ pixels, width, height, channels }, h, w, table);
      const reference = hwcToNormalisedChw(
        await sharpResize(pixels, width, height, channels, w, h),
        h,
        w,
        mean,
        std,
      );
      let different = 0;
      for (let i = 0; i < got.length; i++) if (got[i] !== reference[i]) different++;
      expect(different, `${width}×${height}×${channels} → ${w}×${h}`).toBe(0);
    }
  });

  it('normalises exactly as before: v · (1 / (255 std)) − mean / std in float64, rounded once to float32', () => {
    const pixels = new Uint8Array(256 * 3);
    for (let v = 0; v < 256; v++) pixels.fill(v, 3 * v, 3 * v + 3);
    const out = resampleNormalise({ pixels, width: 256, height: 1, channels: 3 }, 1, 256, table);
    for (let c = 0; c < 3; c++) {
      for (let v = 0; v < 256; v++) {
        expect(out[c * 256 + v]).toBe(Math.fround(v * (1 / (255 * std[c]!)) - mean[c]! / std[c]!));
      }
    }
  });

  it('uses libvips’ masks: 7 taps for 256 → 224, weights summing to ~1, symmetric in the middle', () => {
    const taps = lanczos3Taps(256, 224);
    expect(taps.taps).toBe(7);
    expect(taps.index.length).toBe(224 * 7);
    for (let o = 0; o < 224; o++) {
      const sum = taps.weight.subarray(o * 7, o * 7 + 7).reduce((a, b) => a + b, 0);
      expect(Math.abs(sum - 4096)).toBeLessThanOrEqual(7); // truncation loses < 1 per tap
    }
    expect(Math.min(...taps.index)).toBe(0);
    expect(Math.max(...taps.index)).toBe(255);
    const identity = lanczos3Taps(50, 50);
    expect([identity.taps, identity.index[49], identity.weight[49]]).toEqual([1, 49, 4096]);
  });

  it('refuses what it cannot do with an error naming the argument', () => {
    const pixels = new Uint8Array(10 * 10 * 3);
    const ok = { pixels, width: 10, height: 10, channels: 3 };
    expect(() => resampleNormalise(ok, 20, 10, table)).toThrow(
      /resampleNormalise: 10×10 → 10×20: each side must shrink by a ratio in \[1, 4\)/,
    );
    expect(() => resampleNormalise(ok, 2, 10, table)).toThrow(/ratio in \[1, 4\)/);
    expect(() => resampleNormalise({ ...ok, channels: 4 }, 5, 5, table)).toThrow(
      /resampleNormalise: input.channels must be 1 or 3, got 4/,
    );
    expect(() => resampleNormalise({ ...ok, width: 11 }, 5, 5, table)).toThrow(
      /input.pixels must be a Uint8Array of width × height × channels = 330 bytes, got 300/,
    );
    expect(() => resampleNormalise({ ...ok, width: 1.5 }, 5, 5, table)).toThrow(
      /input.width must be an integer/,
    );
    expect(() => resampleNormalise(ok, 5, 5, new Float32Array(10))).toThrow(
      /table must be a Float32Array of 3 × 256/,
    );
    expect(() => resampleNormalise(ok, 5, 5, table, new Float32Array(5))).toThrow(
      /out must be a Float32Array of 3 × 5 × 5/,
    );
    const huge = { pixels: new Uint8Array(0), width: 60000, height: 60000, channels: 3 };
    Object.defineProperty(huge.pixels, 'length', { value: 60000 * 60000 * 3 });
    expect(() => resampleNormalise(huge, 30000, 30000, table)).toThrow(/needs \d+ bytes of kernel memory/);
  });

  it('is compiled from the resample.c in the repository (rebuild with node wasm/build.mjs resample)', () => {
    const spec = wasmModules.find((m) => m.name === 'resample')!;
    expect(resampleSourceSha256).toBe(sourceSha256(spec));
  });
});

describe('which images the kernel resizes', () => {
  it('reads the stored size of JPEGs and 8-bit grey/RGB PNGs, and nothing else', async () => {
    const rgb = texture(40, 30, 3, 1);
    const raw = { raw: { width: 40, height: 30, channels: 3 as const } };
    expect(readImageHeader(await sharp(rgb, raw).jpeg().toBuffer())).toEqual({
      format: 'jpeg',
      width: 40,
      height: 30,
    });
    // EXIF and ICC segments before the frame header are skipped.
    const withMetadata = await sharp(rgb, raw)
      .withMetadata({ orientation: 3 })
      .jpeg({ progressive: true })
      .toBuffer();
    expect(readImageHeader(withMetadata)).toEqual({ format: 'jpeg', width: 40, height: 30 });
    expect(readImageHeader(await sharp(rgb, raw).png().toBuffer())).toEqual({
      format: 'png',
      width: 40,
      height: 30,
    });
    expect(readImageHeader(await sharp(rgb, raw).toColourspace('b-w').png().toBuffer())).toEqual({
      format: 'png',
      width: 40,
      height: 30,
    });
    expect(readImageHeader(await sharp(rgb, raw).ensureAlpha().png().toBuffer())).toBeNull();
    expect(readImageHeader(await sharp(rgb, raw).png({ palette: true }).toBuffer())).toBeNull();
    expect(readImageHeader(await sharp(rgb, raw).toColourspace('rgb16').png().toBuffer())).toBeNull();
    expect(readImageHeader(await sharp(rgb, raw).webp().toBuffer())).toBeNull();
    expect(readImageHeader(new Uint8Array([0xff, 0xd8, 0xff]))).toBeNull(); // truncated
    expect(readImageHeader(new Uint8Array([0xff, 0xd8, 0x00, 0x00, 0x00]))).toBeNull(); // not a marker
  });

  it('takes the reductions sharp does as one libvips reduce on the full decode', () => {
    const jpeg = (width: number, height: number) => ({ format: 'jpeg', width, height });
    const png = (width: number, height: number) => ({ format: 'png', width, height });
    expect(kernelReproducesResize(jpeg(256, 256), 224, 224)).toBe(true);
    expect(kernelReproducesResize(jpeg(224, 224), 224, 224)).toBe(true);
    expect(kernelReproducesResize(jpeg(500, 375), 224, 224)).toBe(true); // 2.23 and 1.67
    expect(kernelReproducesResize(jpeg(700, 700), 224, 224)).toBe(false); // 3.1: sharp decodes at 1/2 size
    expect(kernelReproducesResize(jpeg(800, 600), 224, 224)).toBe(true); // 3.57, 2.68: smaller below 3
    expect(kernelReproducesResize(png(700, 700), 224, 224)).toBe(true); // no shrink-on-load for PNG
    expect(kernelReproducesResize(png(896, 500), 224, 224)).toBe(false); // 4: libvips shrinks by 2 first
    expect(kernelReproducesResize(png(200, 500), 224, 224)).toBe(false); // enlarging
  });
});
