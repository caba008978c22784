#!/usr/bin/env node
/**
 * DataLoader throughput for 0, 1, 2 and 4 workers on an image folder this script generates with sharp:
 * JPEGs decoded, resized and normalised in the workers (ImageFolderDataset), batches collated there and
 * moved to the main thread.
 *   node dist/main.mjs [--images N] [--source-size N] [--image-size N] [--batch-size N]
 *                      [--workers 0,1,2,4] [--runtime thread|process] [--dir DIR] [--json]
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DataLoader, Progress } from '@rocm-patch/all';
import { ImageFolderDataset } from '@rocm-patch/loader/image-folder';
import sharp from 'sharp';

const USAGE = `Usage: npm start -- [options]

  --images N         images to generate (default 480, in 4 classes)
  --source-size N    side of the generated JPEGs (default 256)
  --image-size N     side after the resize in the workers (default 224)
  --batch-size N     (default 32)
  --workers LIST     worker counts to measure (default 0,1,2,4)
  --runtime R        thread (default) or process
  --dir DIR          where the images go (default: a temporary folder, removed afterwards)
  --json             print the results as one JSON object
`;

function int(value: string | undefined, name: string, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min)
    throw new RangeError(`${name} must be an integer ≥ ${min}, got ${value}`);
  return n;
}

/** A JPEG with a coloured gradient, a block and noise: enough entropy that decoding costs what real photos cost. */
async function writeImage(path: string, side: number, seed: number): Promise<void> {
  const pixels = Buffer.alloc(side * side * 3);
  let s = seed * 2654435761;
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      const noise = (s >>> 24) & 63;
      const inBlock = x > side / 4 && x < (side * 3) / 4 && y > side / 3 && y < (side * 2) / 3;
      const i = (y * side + x) * 3;
      pixels[i] = ((x * 255) / side + noise + seed * 37) & 255;
      pixels[i + 1] = ((y * 255) / side + noise) & 255;
      pixels[i + 2] = inBlock ? 255 - noise : (noise * 3) & 255;
    }
  }
  await sharp(pixels, { raw: { width: side, height: side, channels: 3 } })
    .jpeg({ quality: 90 })
    .toFile(path);
}

export interface Row {
  workers: number;
  samples: number;
  seconds: number;
  samplesPerSecond: number;
  speedup: number;
}

async function main(): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      options: {
        images: { type: 'string' },
        'source-size': { type: 'string' },
        'image-size': { type: 'string' },
        'batch-size': { type: 'string' },
        workers: { type: 'string' },
        runtime: { type: 'string' },
        dir: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }).values;
  } catch (error) {
    process.stderr.write(`dataloader-workers: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const str = (k: string) => values[k] as string | undefined;
  const images = int(str('images'), '--images', 480, 4);
  const sourceSize = int(str('source-size'), '--source-size', 256, 8);
  const imageSize = int(str('image-size'), '--image-size', 224, 4);
  const batchSize = int(str('batch-size'), '--batch-size', 32, 1);
  const workerCounts = (str('workers') ?? '0,1,2,4').split(',').map((w) => int(w.trim(), '--workers', 0, 0));
  const runtime = str('runtime') ?? 'thread';
  if (runtime !== 'thread' && runtime !== 'process') {
    throw new RangeError(`--runtime must be thread or process, got ${runtime}`);
  }
  const json = values.json === true;
  const log = (text: string) => (json ? process.stderr : process.stdout).write(`${text}\n`);

  const temporary = str('dir') === undefined;
  const dir = str('dir') ?? mkdtempSync(join(tmpdir(), 'rocm-patch-images-'));
  try {
    const classes = ['a', 'b', 'c', 'd'];
    const gen = new Progress({
      total: images,
      label: `generating ${images} JPEGs of ${sourceSize}×${sourceSize}`,
    });
    for (const c of classes) mkdirSync(join(dir, c), { recursive: true });
    for (let i = 0; i < images; i++) {
      await writeImage(join(dir, classes[i % classes.length]!, `${i}.jpg`), sourceSize, i);
      gen.tick();
    }
    gen.finish();

    // sharp's own thread pool set to 1: the parallelism measured is the loader's workers'.
    const dataset = new ImageFolderDataset({ root: dir, size: imageSize, sharpConcurrency: 1 });
    log(
      `\n${dataset.length} images → ${imageSize}×${imageSize} CHW float32, batch ${batchSize}, ${runtime} workers, ${availableParallelism()} CPU cores`,
    );
    const rows: Row[] = [];
    for (const workers of workerCounts) {
      const loader = new DataLoader({ dataset, batchSize, numWorkers: workers, runtime, seed: 1 });
      try {
        // Warm-up epoch (workers start, modules load), then the timed one.
        for await (const _ of loader) break;
        const bar = new Progress({ total: loader.length ?? 0, label: `${workers} worker(s)` });
        const t0 = performance.now();
        let samples = 0;
        for await (const batch of loader) {
          samples += batch.indices.length;
          bar.tick();
        }
        const seconds = (performance.now() - t0) / 1000;
        bar.finish(`${(samples / seconds).toFixed(0)} samples/s`);
        rows.push({ workers, samples, seconds, samplesPerSecond: samples / seconds, speedup: 0 });
      } finally {
        await loader.close();
      }
    }
    const base = rows.find((r) => r.workers === 0)?.samplesPerSecond ?? rows[0]!.samplesPerSecond;
    for (const r of rows) r.speedup = r.samplesPerSecond / base;
    if (json) {
      process.stdout.write(
        `${JSON.stringify({ images: dataset.length, imageSize, sourceSize, batchSize, runtime, cores: availableParallelism(), rows }, null, 2)}\n`,
      );
    } else {
      log('\n| workers | samples/s | vs 0 workers | epoch time |');
      log('|---:|---:|---:|---:|');
      for (const r of rows) {
        log(
          `| ${r.workers} | ${r.samplesPerSecond.toFixed(1)} | ${r.speedup.toFixed(2)}× | ${r.seconds.toFixed(2)} s |`,
        );
      }
    }
    return 0;
  } finally {
    if (temporary) rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const e = error as Error;
    const usage = e instanceof RangeError || e instanceof TypeError;
    process.stderr.write(`dataloader-workers: ${usage ? e.message : (e?.stack ?? String(e))}\n`);
    process.exitCode = usage ? 2 : 1;
  },
);
