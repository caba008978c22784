#!/usr/bin/env node
// tsup builds declarations in a worker that does not see the preset's `outExtension` function, so in a
// "type": "module" package the ESM declarations come out as .d.ts. The exports map promises .d.mts
// (ESM) beside .d.cts (CJS): rename them and point relative imports between declaration chunks at the
// .mjs files they describe. Run after `tsup` in each package's build script.
import { readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dist = join(process.cwd(), 'dist');
for (const name of readdirSync(dist, { recursive: true })) {
  const file = join(dist, String(name));
  if (file.endsWith('.d.ts')) {
    const target = file.replace(/\.d\.ts$/, '.d.mts');
    const text = readFileSync(file, 'utf8')
      .replace(/(from\s+['"]\.{1,2}\/[^'"]+?)\.js(['"])/g, '$1.mjs$2')
      .replace(/\/\/# sourceMappingURL=(.+)\.d\.ts\.map/, '//# sourceMappingURL=$1.d.mts.map');
    writeFileSync(target, text);
    rmSync(file);
  } else if (file.endsWith('.d.ts.map')) {
    renameSync(file, file.replace(/\.d\.ts\.map$/, '.d.mts.map'));
  }
}
