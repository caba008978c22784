import type { Options } from 'tsup';

/**
 * The one build shape every @rocm-patch package publishes: ESM (.mjs) and CJS (.cjs), each with its
 * own declaration file (.d.mts / .d.cts) so TypeScript resolves the right module kind per condition.
 */
export function libraryPreset(entry: Record<string, string>, overrides: Options = {}): Options {
  return {
    entry,
    format: ['esm', 'cjs'],
    target: 'node20',
    platform: 'node',
    dts: true,
    sourcemap: true,
    clean: true,
    splitting: false,
    shims: true,
    // .d.mts for the ESM build comes from scripts/esm-types.mjs (the dts worker ignores outExtension).
    outExtension: ({ format }) => ({ js: format === 'esm' ? '.mjs' : '.cjs' }),
    ...overrides,
  };
}
