import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hwcToNormalisedChw, ImageFolderDataset } from '../src/image-folder.js';
import { DataLoader } from '../src/index.js';
import { normaliseTable } from '../src/resample.js';
import { collect, removeDir, tempDir } from './helpers.js';

const root = tempDir();
const colours = { blue: [0, 0, 255], red: [255, 0, 0] } as const;

beforeAll(async () => {
  // Two classes of small solid images in three formats, one of them grey, plus a file that is no image.
  for (const [name, [r, g, b]] of Object.entries(colours)) {
    mkdirSync(join(root, name));
    for (let i = 0; i < 3; i++) {
      const image = sharp({ create: { width: 20 + i, height: 12, channels: 3, background: { r, g, b } } });
      const file = join(root, name, `img${i}`);
      if (i === 0) await image.png().toFile(`${file}.png`);
      else if (i === 1) await image.jpeg({ quality: 100 }).toFile(`${file}.JPG`);
      else await image.webp({ lossless: true }).toFile(`${file}.webp`);
    }
  }
  await sharp({ create: { width: 5, height: 5, channels: 3, background: { r: 128, g: 128, b: 128 } } })
    .toColourspace('b-w')
    .png()
    .toFile(join(root, 'red', 'grey.png'));
  writeFileSync(join(root, 'red', 'notes.txt'), 'not an image');
});
afterAll(() => removeDir(root));

describe('ImageFolderDataset', () => {
  it('finds classes and images, decodes, resizes and normalises to CHW float32', async () => {
    const ds = new ImageFolderDataset({ root, size: [6, 4], mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] });
    expect(ds.classes).toEqual(['blue', 'red']);
    expect(ds.length).toBe(7);
    expect(ds.samples.map(([p, l]) => [p.slice(root.length + 1), l])).toEqual([
      ['blue/img0.png', 0],
      ['blue/img1.JPG', 0],
      ['blue/img2.webp', 0],
      ['red/grey.png', 1],
      ['red/img0.png', 1],
      ['red/img1.JPG', 1],
      ['red/img2.webp', 1],
    ]);
    const blue = await ds.getItem(0);
    expect(blue.label).toBe(0);
    expect(blue.image.shape).toEqual([3, 6, 4]);
    const plane = 24;
    // (x / 255 - 0.5) / 0.5: red and green channels -1, blue +1
    expect([blue.image.data[0], blue.image.data[plane], blue.image.data[2 * plane]]).toEqual([-1, -1, 1]);
    const grey = await ds.getItem(3);
    const v = (128 / 255 - 0.5) / 0.5;
    for (const c of [0, 1, 2]) expect(grey.image.data[c * plane]).toBeCloseTo(v, 5);
    const jpegRed = await ds.getItem(5);
    expect(jpegRed.image.data[0]).toBeGreaterThan(0.95);
    await expect(ds.getItem(7)).rejects.toThrow(/index must be an integer in \[0, 7\)/);
  });

  it('decodes in loader workers (threads and processes)', async () => {
    const inline = await collect(
      new DataLoader({ dataset: new ImageFolderDataset({ root, size: 8 }), batchSize: 4 }),
    );
    for (const runtime of ['thread', 'process'] as const) {
      const loader = new DataLoader({
        dataset: new ImageFolderDataset({ root, size: 8 }),
        batchSize: 4,
        numWorkers: 2,
        runtime,
      });
      const batches = await collect(loader);
      expect(batches.map((b) => b.image.shape)).toEqual([
        [4, 3, 8, 8],
        [3, 3, 8, 8],
      ]);
      expect(batches).toEqual(inline);
      expect(batches.flatMap((b) => [...b.label.data])).toEqual([0, 0, 0, 1, 1, 1, 1]);
    }
  });

  it('gives batches equal to sharp’s resize plus the normalisation, on every decode path', async () => {
    // Textured images (lanczos3 rings and clips on them) for each path: the kernel resizes a plain decode
    // (a JPEG decoded in WebAssembly, an 8-bit PNG within its ratios, grey too), sharp resizes the others
    // (a JPEG that sharp decodes at half size, enlarging, alpha, 16 bits, WebP), and sharp decodes the
    // JPEGs it converts (CMYK, an ICC profile).
    const dir = tempDir();
    try {
      mkdirSync(join(dir, 'a'));
      const texture = (width: number, height: number, channels: 3 | 4) => {
        const data = Buffer.alloc(width * height * channels);
        for (let i = 0; i < data.length; i++) data[i] = ((i * 7919) % 251) ^ ((i >> 9) & 0xff);
        return sharp(data, { raw: { width, height, channels } });
      };
      await texture(256, 256, 3)
        .jpeg({ quality: 90 })
        .toFile(join(dir, 'a', '0-kernel.jpg'));
      await texture(300, 200, 3)
        .png()
        .toFile(join(dir, 'a', '1-kernel.png'));
      await texture(90, 120, 3)
        .toColourspace('b-w')
        .jpeg()
        .toFile(join(dir, 'a', '2-kernel-grey.jpg'));
      await texture(700, 700, 3)
        .jpeg()
        .toFile(join(dir, 'a', '3-shrink-on-load.jpg'));
      await texture(40, 30, 3)
        .jpeg()
        .toFile(join(dir, 'a', '4-enlarge.jpg'));
      await texture(100, 100, 4)
        .png()
        .toFile(join(dir, 'a', '5-alpha.png'));
      await texture(100, 100, 3)
        .toColourspace('rgb16')
        .png()
        .toFile(join(dir, 'a', '6-16bit.png'));
      await texture(100, 100, 3)
        .webp()
        .toFile(join(dir, 'a', '7.webp'));
      // JPEGs the WebAssembly decoder leaves to sharp, which converts them to sRGB: CMYK, an ICC profile.
      await texture(100, 100, 3)
        .toColourspace('cmyk')
        .jpeg()
        .toFile(join(dir, 'a', '8-cmyk.jpg'));
      await texture(120, 90, 3)
        .withIccProfile('p3')
        .jpeg({ quality: 95, chromaSubsampling: '4:4:4', progressive: true })
        .toFile(join(dir, 'a', '9-icc.jpg'));
      const [height, width] = [64, 80];
      const mean = [0.5, 0.4, 0.3] as const;
      const std = [0.2, 0.25, 0.3] as const;
      const table = normaliseTable(mean, std);
      const options = { root: dir, size: [height, width] as const, mean, std };
      const ds = new ImageFolderDataset(options);
      const reference = await Promise.all(
        ds.samples.map(async ([path]) => {
          const rgb = await sharp(path)
            .resize(width, height, { fit: 'fill' })
            .removeAlpha()
            .toColourspace('srgb')
            .raw()
            .toBuffer();
          return hwcToNormalisedChw(rgb, height, width, mean, std);
        }),
      );
      const plane = height * width;
      for (const numWorkers of [0, 2]) {
        const loader = new DataLoader({
          dataset: new ImageFolderDataset(options),
          batchSize: 10,
          numWorkers,
          runtime: 'process',
        });
        const [batch] = await collect(loader);
        expect(batch!.image.shape).toEqual([10, 3, height, width]);
        for (let b = 0; b < 10; b++) {
          const got = batch!.image.data.subarray(b * 3 * plane, (b + 1) * 3 * plane);
          const want = reference[b]!;
          let exact = 0;
          let notNormalised = 0;
          let outOfTolerance = 0;
          for (let i = 0; i < got.length; i++) {
            const c = Math.floor(i / plane);
            // Normalisation: every value is exactly the normalised value of a byte, for its channel…
            const level = Math.round((got[i]! + mean[c]! / std[c]!) * 255 * std[c]!);
            if (got[i] !== table[c * 256 + level]) notNormalised++;
            // …and that byte is within libvips' resampling tolerance (one level) of sharp's resize.
            const refLevel = Math.round((want[i]! + mean[c]! / std[c]!) * 255 * std[c]!);
            if (Math.abs(level - refLevel) > 1) outOfTolerance++;
            if (got[i] === want[i]) exact++;
          }
          const name = `${ds.samples[b]![0]} with ${numWorkers} workers`;
          expect(notNormalised, name).toBe(0);
          expect(outOfTolerance, name).toBe(0);
          // The kernel reproduces libvips' arithmetic: not one value differs.
          expect(exact, `${ds.samples[b]![0]} with ${numWorkers} workers`).toBe(got.length);
        }
      }
    } finally {
      removeDir(dir);
    }
  });

  it('names the file when sharp cannot decode it', async () => {
    const ds = new ImageFolderDataset({ root, extensions: ['.txt'] });
    await expect(ds.getItem(0)).rejects.toThrow(
      /red\/notes\.txt: Input buffer contains unsupported image format/,
    );
  });

  it('validates its options', () => {
    expect(() => new ImageFolderDataset({ root: join(root, 'missing') })).toThrow(
      /options.root: cannot read/,
    );
    expect(() => new ImageFolderDataset({ root: join(root, 'blue') })).toThrow(/has no class sub-folders/);
    expect(() => new ImageFolderDataset({ root, size: 0 })).toThrow(/options.size/);
    expect(() => new ImageFolderDataset({ root, std: [1, 0, 1] })).toThrow(
      /options.std must be 3 finite numbers > 0/,
    );
    expect(() => new ImageFolderDataset({ root, sharpConcurrency: -1 })).toThrow(/options.sharpConcurrency/);
    expect(() => new ImageFolderDataset({ root, sharpCache: 0 as unknown as boolean })).toThrow(
      /options.sharpCache must be a boolean/,
    );
  });
});
