#!/usr/bin/env node
// npm run bench -w @rocm-patch/conv-bypass -- --device cpu|gpu [--json]
// Runs bench/<device>.mjs (the CPU benchmark here; the GPU one is bench/gpu.mjs).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const at = args.indexOf('--device');
const device = at >= 0 ? args[at + 1] : 'cpu';
if (device !== 'cpu' && device !== 'gpu') {
  console.error(`bench: --device must be cpu or gpu, got ${device}`);
  process.exit(2);
}
const file = join(dirname(fileURLToPath(import.meta.url)), `${device}.mjs`);
if (!existsSync(file)) {
  console.error(`bench: no ${device} benchmark in this checkout (${file})`);
  process.exit(2);
}
await import(pathToFileURL(file).href);
