// The WebAssembly modules of the loader: their C sources, compiler flags, and the SHA-256 that the
// generated TypeScript records, so that a test fails when a source changes without a rebuild (build.mjs).
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const here = new URL('.', import.meta.url).pathname;

/** libjpeg-turbo 2.1.5's decompressor, as its CMake build compiles it (less its x86/Arm SIMD). */
const libjpegTurbo = [
  'jaricom',
  'jcomapi',
  'jdapimin',
  'jdapistd',
  'jdarith',
  'jdatasrc',
  'jdcoefct',
  'jdcolor',
  'jddctmgr',
  'jdhuff',
  'jdphuff',
  'jdinput',
  'jdmainct',
  'jdmarker',
  'jdmaster',
  'jdmerge',
  'jdpostct',
  'jdsample',
  'jidctflt',
  'jidctfst',
  'jidctint',
  'jidctred',
  'jquant1',
  'jquant2',
  'jutils',
  'jmemmgr',
].map((name) => `libjpeg-turbo/${name}.c`);

export const wasmModules = [
  {
    name: 'resample',
    output: '../src/resample-wasm.ts',
    sources: ['resample.c'],
    /** Files whose bytes the hash covers: the sources and every header they can include. */
    inputs: ['resample.c'],
    cflags: ['--target=wasm32', '-ffreestanding', '-nostdlib', '-O3', '-msimd128', '-Wall', '-Werror'],
    libc: false,
    ldflags: ['--no-entry', '--import-memory', '--export=__heap_base', '--strip-all'],
  },
  {
    name: 'jpeg',
    output: '../src/jpeg-wasm.ts',
    sources: [...libjpegTurbo, 'jpeg/jsimd-wasm.c', 'jpeg/decode.c'],
    inputs: [
      ...readdirSync(join(here, 'libjpeg-turbo'))
        .filter((f) => f.endsWith('.c') || f.endsWith('.h'))
        .map((f) => `libjpeg-turbo/${f}`),
      ...readdirSync(join(here, 'jpeg')).map((f) => `jpeg/${f}`),
    ].sort(),
    // wasi-libc for the headers and memcmp/memcpy/memset; the decoder calls nothing else of it (the link
    // fails on any import but `fail` and the memory: see build.mjs). No getenv/putenv: no environment.
    cflags: [
      '--target=wasm32-wasi',
      '-O3',
      '-msimd128',
      '-mbulk-memory',
      '-mmutable-globals',
      '-DNO_GETENV',
      '-DNO_PUTENV',
      '-Ijpeg',
      '-Ilibjpeg-turbo',
    ],
    libc: true,
    // __stack_pointer is exported so that JavaScript can restore it after an error unwound the module.
    ldflags: [
      '--no-entry',
      '--import-memory',
      '--export=__heap_base',
      '--export=__stack_pointer',
      '--strip-all',
    ],
  },
];

/** SHA-256 over a module's flags and input files (names and bytes). */
export function sourceSha256(module) {
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ cflags: module.cflags, ldflags: module.ldflags, sources: module.sources }));
  for (const file of module.inputs) {
    hash.update(`\0${file}\0`);
    hash.update(readFileSync(join(here, file)));
  }
  return hash.digest('hex');
}
