#!/usr/bin/env node
// The `rocm-patch` bin. It is committed, not built, so that npm links it at install time even in a
// source checkout where dist/ does not exist yet (npm links a bin only if its file exists then; without
// the link, `npx rocm-patch` would ask the registry for a package of that name). It runs the built
// CLI, or says how to build it.
import { existsSync } from 'node:fs';

const cli = new URL('../dist/cli.mjs', import.meta.url);
if (existsSync(cli)) await import(cli.href);
else {
  process.stderr.write(
    'rocm-patch: this copy of @rocm-patch/all is not built (dist/cli.mjs is missing): run `npm run build` at the root of the rocm-patch checkout\n',
  );
  process.exitCode = 1;
}
