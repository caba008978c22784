// Finding and loading rocm_patch_conv.node. One function, one error: if no candidate loads, the error
// lists every path tried with why it failed, and how to rebuild.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ConvParams } from './types.js';

/** The functions the addon exports (the GPU backend, when built, adds its own). */
export interface NativeAddon {
  conv2dForward(
    p: ConvParams,
    x: Float32Array,
    w: Float32Array,
    bias: Float32Array | null,
    y: Float32Array,
  ): void;
  /** The async twins resolve to the output array; a null output makes a new one (written in place). */
  conv2dForwardAsync(
    p: ConvParams,
    x: Float32Array,
    w: Float32Array,
    bias: Float32Array | null,
    y: Float32Array | null,
  ): Promise<Float32Array>;
  conv2dBackwardData(p: ConvParams, dy: Float32Array, w: Float32Array, dx: Float32Array): void;
  conv2dBackwardDataAsync(
    p: ConvParams,
    dy: Float32Array,
    w: Float32Array,
    dx: Float32Array | null,
  ): Promise<Float32Array>;
  conv2dBackwardFilter(p: ConvParams, x: Float32Array, dy: Float32Array, dw: Float32Array): void;
  conv2dBackwardFilterAsync(
    p: ConvParams,
    x: Float32Array,
    dy: Float32Array,
    dw: Float32Array | null,
  ): Promise<Float32Array>;
  getThreads(): number;
  setThreads(n: number): void;
  getIsa(): string;
  setIsa(isa: string): boolean;
  availableIsas(): string[];
  /** The im2col workspace bound of the CPU backward-data path, in floats (tests lower it). */
  getWorkspaceLimit(): number;
  setWorkspaceLimit(floats: number): void;
  /** Whether the two arrays' elements share memory, by address (one SharedArrayBuffer has many objects). */
  float32ArraysOverlap(a: Float32Array, b: Float32Array): boolean;
  /** 'none' when the addon was built without a GPU backend, else 'hip' or 'cuda'. */
  gpuBackend: string;
  readonly [key: string]: unknown;
}

export const ADDON_FILE = 'rocm_patch_conv.node';
/** Environment variable naming an addon file to load instead of the package's own build. */
export const ADDON_PATH_ENV = 'ROCM_PATCH_CONV_ADDON';
export const REBUILD_COMMAND = 'npm rebuild @rocm-patch/conv-bypass';
/** npm 11's approval of this package's install script (which builds the addon) for the installs to come. */
export const APPROVE_COMMAND = 'npm install-scripts approve @rocm-patch/conv-bypass';

export interface AddonAttempt {
  path: string;
  error: string;
}

/** Thrown when no candidate addon file loads; `attempts` says what was tried and why it failed. */
export class NativeAddonError extends Error {
  readonly attempts: AddonAttempt[];
  constructor(attempts: AddonAttempt[], cause: unknown) {
    const lines = attempts.map((a) => `  - ${a.path}: ${a.error}`);
    super(
      [
        `@rocm-patch/conv-bypass: could not load its native addon (${ADDON_FILE}).`,
        'Tried:',
        ...lines,
        "The package's install script builds it with cmake-js (needs CMake >= 3.18 and a C++17 compiler; nothing",
        'is downloaded). It did not run or did not finish: npm 11 holds back install scripts it was not told to',
        'allow, and --ignore-scripts skips them all. Allow it (npm 11) and build it, in your project:',
        `  ${APPROVE_COMMAND}`,
        `  ${REBUILD_COMMAND}`,
        `or set ${ADDON_PATH_ENV} to the path of a built ${ADDON_FILE}.`,
      ].join('\n'),
      { cause },
    );
    this.name = 'NativeAddonError';
    this.attempts = attempts;
  }
}

/** The package directory, from this module's location (src/ in tests, dist/ once built). */
function packageRoot(): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..');
}

/** The files tried, in order: $ROCM_PATCH_CONV_ADDON, then build/Release and build/Debug of the package. */
export function addonCandidates(root = packageRoot(), env: NodeJS.ProcessEnv = process.env): string[] {
  const fromEnv = env[ADDON_PATH_ENV];
  return [
    ...(fromEnv ? [fromEnv] : []),
    join(root, 'build', 'Release', ADDON_FILE),
    join(root, 'build', 'Debug', ADDON_FILE),
  ];
}

/** Loads the first candidate that loads; throws one NativeAddonError listing every attempt otherwise. */
export function loadAddon(candidates: string[] = addonCandidates()): NativeAddon {
  const require = createRequire(import.meta.url);
  const attempts: AddonAttempt[] = [];
  let cause: unknown;
  for (const path of candidates) {
    if (!existsSync(path)) {
      attempts.push({ path, error: 'not found' });
      continue;
    }
    try {
      return require(path) as NativeAddon;
    } catch (error) {
      cause = error;
      attempts.push({ path, error: error instanceof Error ? error.message : String(error) });
    }
  }
  throw new NativeAddonError(attempts, cause);
}

let cached: NativeAddon | undefined;

/** The addon of this package, loaded on first use. */
export function addon(): NativeAddon {
  cached ??= loadAddon();
  return cached;
}
