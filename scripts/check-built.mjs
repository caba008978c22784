#!/usr/bin/env node
// `prepack` of every published package: refuse to pack a package whose build output is missing, which
// `npm pack` on a fresh clone would otherwise do without a word (a tarball without dist/). Checks each
// file package.json points at (main, module, types, exports, and dist/cli.mjs behind a bin launcher).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.cwd();
const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));

/** Every string leaf of the exports map (conditions nest). */
function exportTargets(value) {
  if (typeof value === 'string') return [value];
  if (value && typeof value === 'object') return Object.values(value).flatMap(exportTargets);
  return [];
}

const files = new Set(
  [manifest.main, manifest.module, manifest.types, ...exportTargets(manifest.exports)].filter(
    (f) => typeof f === 'string' && f !== './package.json',
  ),
);
// The bin launchers (bin/*.mjs) are committed; what they load is the built CLI.
if (manifest.bin) files.add('./dist/cli.mjs');

const missing = [...files].filter((f) => !existsSync(join(dir, f)));
if (missing.length > 0) {
  process.stderr.write(
    `${manifest.name}: not built, refusing to pack; missing: ${missing.join(', ')}\nRun \`npm run build\` at the root of the rocm-patch checkout first.\n`,
  );
  process.exit(1);
}
