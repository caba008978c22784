import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImageFolderDataset } from '../src/image-folder.js';
import { DataLoader } from '../src/index.js';
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
