import type { Options } from 'tsup';

/**
 * The one build shape every @rocm-patch package publishes: ESM (.mjs) and CJS (.cjs), each with its
 * own declaration file (.d.mts / .d.cts) so TypeScript resolves the right module kind per condition.
 * No source maps: the output is readable, unminified JavaScript, and maps with their embedded sources
 * were two thirds of every tarball.
 */
export function libraryPreset(entry: Record<string, string>, overrides: Options = {}): Options {
  return {
    entry,
    format: ['esm', 'cjs'],
    target: 'node20',
    platform: 'node',
    dts: true,
    sourcemap: false,
    clean: true,
    splitting: false,
    shims: true,
    // .d.mts for the ESM build comes from scripts/esm-types.mjs (the dts worker ignores outExtension).
    outExtension: ({ format }) => ({ js: format === 'esm' ? '.mjs' : '.cjs' }),
    ...overrides,
  };
}

/**
 * A package with a CLI: the library build plus the CLI entry as ESM only (the committed bin launcher
 * imports dist/<name>.mjs; a CJS copy would be dead weight in the tarball). The library build's clean
 * spares the CLI's file, since tsup runs both builds at once.
 */
export function withCli(library: Options, cli: Record<string, string>): Options[] {
  const cliFiles = Object.keys(cli).map((name) => `!${name}.mjs`);
  return [
    { ...library, clean: cliFiles },
    { ...library, entry: cli, format: ['esm'], dts: false, clean: false },
  ];
}
