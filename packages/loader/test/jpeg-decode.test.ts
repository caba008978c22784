import { readdirSync, readFileSync } from 'node:fs';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeJpeg, idctSelfCheck, MAX_JPEG_PIXELS } from '../src/jpeg-decode.js';
import { jpegSourceSha256 } from '../src/jpeg-wasm.js';
import { sourceSha256, wasmModules } from '../wasm/sources.mjs';

/** Edges, gradients and noise: every IDCT coefficient, every chroma step and range clip gets used. */
function texture(width: number, height: number, seed: number): Buffer {
  const data = Buffer.alloc(width * height * 3);
  let s = seed >>> 0;
  for (let i = 0; i < data.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const p = Math.floor(i / 3);
    const x = p % width;
    const y = Math.floor(p / width);
    data[i] = ((x >> 2) + (y >> 3)) % 2 ? 240 - (s >>> 28) : (i % 3) * 60 + (s >>> 27);
  }
  return data;
}

/** sharp's decode (what ImageFolderDataset used before): interleaved bytes and the channel count. */
async function sharpDecode(jpeg: Buffer) {
  const { data, info } = await sharp(jpeg).raw().toBuffer({ resolveWithObject: true });
  return { pixels: data, width: info.width, height: info.height, channels: info.channels };
}

async function expectSharpsPixels(jpeg: Buffer, name: string) {
  const want = await sharpDecode(jpeg);
  const got = decodeJpeg(jpeg);
  expect(got, `${name}: decoded here`).not.toBeNull();
  expect([got!.width, got!.height, got!.channels], name).toEqual([want.width, want.height, want.channels]);
  let differing = 0;
  for (let i = 0; i < want.pixels.length; i++) if (got!.pixels[i] !== want.pixels[i]) differing++;
  expect(differing, `${name}: bytes that differ from sharp's`).toBe(0);
}

const fixtures = new URL('./fixtures/jpeg/', import.meta.url);

describe('decodeJpeg (libjpeg-turbo in WebAssembly)', () => {
  it("gives sharp's pixels, byte for byte, for every sampling, quality and scan layout sharp writes", async () => {
    // Sizes: SIMD bodies with scalar edges (301 × 197), widths below one vector step, 1-pixel sides.
    for (const [width, height] of [
      [301, 197],
      [256, 256],
      [37, 23],
      [17, 9],
      [3, 3],
      [64, 1],
      [1, 40],
    ] as const) {
      const raw = sharp(texture(width, height, width * height), { raw: { width, height, channels: 3 } });
      for (const chromaSubsampling of ['4:2:0', '4:4:4'] as const) {
        for (const quality of [30, 90, 100]) {
          for (const progressive of [false, true]) {
            const jpeg = await raw.clone().jpeg({ quality, chromaSubsampling, progressive }).toBuffer();
            await expectSharpsPixels(
              jpeg,
              `${width}×${height} ${chromaSubsampling} q${quality} p${progressive}`,
            );
          }
        }
      }
      await expectSharpsPixels(await raw.clone().greyscale().jpeg().toBuffer(), `${width}×${height} grey`);
      await expectSharpsPixels(
        await raw.clone().jpeg({ mozjpeg: true }).toBuffer(),
        `${width}×${height} mozjpeg (trellis, progressive)`,
      );
    }
  });

  it("gives sharp's pixels for what only other encoders write: 4:2:2, 4:4:0, 4:1:1, restarts, RGB, arithmetic", async () => {
    // Made with libjpeg-turbo 2.1.5's cjpeg from a 61 × 45 texture: -sample 2x1 / 1x2 / 4x1 / 4x2,
    // -progressive, -restart 1, -rgb (no colour transform), -arithmetic.
    const names = readdirSync(fixtures).filter((f) => f.endsWith('.jpg'));
    expect(names.length).toBe(8);
    for (const name of names) await expectSharpsPixels(readFileSync(new URL(name, fixtures)), name);
  });

  it('leaves to sharp what sharp would convert: CMYK, an embedded ICC profile, images over maxPixels', async () => {
    const raw = sharp(texture(40, 30, 5), { raw: { width: 40, height: 30, channels: 3 } });
    expect(decodeJpeg(await raw.clone().toColourspace('cmyk').jpeg().toBuffer())).toBeNull();
    expect(decodeJpeg(await raw.clone().withIccProfile('p3').jpeg().toBuffer())).toBeNull();
    const plain = await raw.clone().jpeg().toBuffer();
    expect(decodeJpeg(plain, 40 * 30 - 1)).toBeNull();
    expect(decodeJpeg(plain, 40 * 30)).not.toBeNull();
  });

  it('answers null for corrupt or truncated data, however often, and decodes the next file as before', async () => {
    const jpeg = await sharp(texture(64, 48, 9), { raw: { width: 64, height: 48, channels: 3 } })
      .jpeg()
      .toBuffer();
    const want = Buffer.from(decodeJpeg(jpeg)!.pixels);
    // Each failure unwinds the module through a JavaScript exception; thousands of them must not use up
    // its stack or memory.
    for (let i = 0; i < 3000; i++) {
      expect(decodeJpeg(jpeg.subarray(0, 20 + (i % 400)))).toBeNull();
    }
    expect(decodeJpeg(Buffer.from('not a jpeg at all'))).toBeNull();
    expect(decodeJpeg(new Uint8Array(0))).toBeNull();
    const flipped = Buffer.from(jpeg);
    for (let i = 300; i < flipped.length - 2; i += 37) flipped[i] = flipped[i]! ^ 0x5a;
    expect(decodeJpeg(flipped)).toBeNull();
    expect(Buffer.from(decodeJpeg(jpeg)!.pixels).equals(want)).toBe(true);
  });

  it("computes the IDCT exactly as libjpeg-turbo's C code, for any coefficients (overflowing ones too)", () => {
    // 200,000 blocks in the module itself: jidctint.c's jpeg_idct_islow against the SIMD kernel.
    expect(idctSelfCheck(1, 200_000)).toBe(0);
    expect(idctSelfCheck(0xdeadbeef, 50_000)).toBe(0);
  });

  it("on corrupt files gives sharp's pixels or leaves them to sharp: never other pixels, never a crash", async () => {
    // Flipped bits and bytes in the tables and headers (quantizers, Huffman tables, sampling factors,
    // markers) and in the entropy-coded data; deterministic. Where libjpeg-turbo's C and x86 SIMD
    // IDCTs would part ways (values no encoder writes), the decoder declines and sharp decides.
    const w = 48;
    const h = 40;
    const raw = sharp(texture(w, h, 3), { raw: { width: w, height: h, channels: 3 } });
    const sources = [
      await raw.clone().jpeg({ quality: 90 }).toBuffer(),
      await raw.clone().jpeg({ quality: 100, chromaSubsampling: '4:4:4' }).toBuffer(),
      await raw.clone().jpeg({ quality: 60, progressive: true }).toBuffer(),
      await raw.clone().greyscale().jpeg().toBuffer(),
      readFileSync(new URL('cjpeg-2x1.jpg', fixtures)),
      readFileSync(new URL('cjpeg-arith.jpg', fixtures)),
    ];
    let s = 20261129;
    const random = (n: number) => {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      return s % n;
    };
    let decoded = 0;
    let differing = 0;
    let decodedWhereSharpFails = 0;
    for (let i = 0; i < 3000; i++) {
      const bytes = Buffer.from(sources[random(sources.length)]!);
      const kind = random(3);
      for (let k = 1 + random(6); k > 0; k--) {
        const at = kind === 0 ? 2 + random(Math.min(600, bytes.length - 2)) : random(bytes.length);
        bytes[at] = kind === 2 ? bytes[at]! ^ (1 << random(8)) : random(256);
      }
      const got = decodeJpeg(bytes);
      if (!got) continue;
      decoded++;
      const want = await sharp(bytes)
        .raw()
        .toBuffer()
        .catch(() => null);
      if (!want) decodedWhereSharpFails++;
      else if (!want.equals(Buffer.from(got.pixels))) differing++;
    }
    expect(decoded).toBeGreaterThan(100); // the test reaches the decoder's output, not only its refusals
    expect(differing).toBe(0);
    expect(decodedWhereSharpFails).toBe(0);
  });

  it('validates its arguments', () => {
    expect(() => decodeJpeg('x' as unknown as Uint8Array)).toThrow(/bytes must be a Uint8Array/);
    expect(() => decodeJpeg(new Uint8Array(4), 0)).toThrow(/maxPixels must be an integer in \[1, 67108864\]/);
    expect(() => decodeJpeg(new Uint8Array(4), MAX_JPEG_PIXELS + 1)).toThrow(/maxPixels/);
  });

  it('is compiled from the sources in the repository (rebuild with node wasm/build.mjs jpeg)', () => {
    const spec = wasmModules.find((m) => m.name === 'jpeg')!;
    expect(jpegSourceSha256).toBe(sourceSha256(spec));
  });
});
