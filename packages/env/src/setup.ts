import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type DetectOptions, detect } from './detect.js';
import { checkOptionKeys, formatValue } from './options.js';
import { type PlanOptions, planEnvironment } from './plan.js';
import { readRegularFile } from './root-fs.js';
import type { DetectionReport, EnvPlan, Finding } from './types.js';

/** /proc/self/maps is a few hundred KiB even for a large process; the bound is against special files. */
const MAX_MAPS_BYTES = 16 << 20;

export interface SetupOptions
  extends Omit<DetectOptions, 'env' | 'commands'>,
    Omit<PlanOptions, 'env' | 'owned'> {
  /** Run rocminfo/rocm-smi/nvidia-smi too (default false: sysfs holds all that planning needs). */
  commands?: DetectOptions['commands'];
  /** The environment to read and change (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Receives the warning when a GPU runtime is already loaded (default: process.emitWarning). */
  onWarning?: (message: string) => void;
}

const SETUP_OPTION_KEYS = [
  'root',
  'canAccess',
  'force',
  'pinToDiscrete',
  'commands',
  'env',
  'onWarning',
] as const;

export interface SetupResult extends EnvPlan {
  report: DetectionReport;
  /** Names this call changed in the environment. */
  applied: string[];
  /** GPU runtimes found already loaded in this process (the changes come too late for them). */
  loadedRuntimes: string[];
}

interface SharedState {
  marked: Set<string>;
  owned: WeakMap<NodeJS.ProcessEnv, Record<string, string>>;
  last: SetupResult | null;
}

/**
 * Process-wide state, kept on globalThis under a registered symbol so that the ESM and CJS builds (and
 * duplicated installs) loaded into one process share it: a runtime marked through one copy is seen by all.
 */
const STATE_KEY = Symbol.for('@rocm-patch/env.state');
const holder = globalThis as { [STATE_KEY]?: SharedState };
holder[STATE_KEY] ??= { marked: new Set(), owned: new WeakMap(), last: null };
const state: SharedState = holder[STATE_KEY];

/**
 * Records that a GPU runtime (HIP, CUDA, a TF.js GPU backend...) has been loaded into this process.
 * Other rocm-patch packages call it when they load one, so setupEnvironment can warn that it is too late.
 */
export function markGpuRuntimeLoaded(name: string): void {
  if (typeof name !== 'string' || name.trim() === '') throw new TypeError('name must be a non-empty string');
  state.marked.add(name.trim());
}

const RUNTIME_LIBRARIES: readonly [RegExp, string][] = [
  [/\blibamdhip64\.so/, 'libamdhip64 (HIP)'],
  [/\blibhsa-runtime64\.so/, 'libhsa-runtime64 (ROCr)'],
  [/\blibMIOpen\.so/, 'libMIOpen'],
  [/\blibcuda\.so/, 'libcuda (CUDA driver)'],
  [/\blibcudart\.so/, 'libcudart (CUDA runtime)'],
];

/** GPU runtimes loaded in this process: libraries mapped in /proc/self/maps (under root) and marked ones. */
export function loadedGpuRuntimes(root = '/'): string[] {
  const found = new Set(state.marked);
  let maps = '';
  try {
    // Bounded, regular files only: a FIFO or a link to /dev/zero under a test root must not hang or fill memory.
    maps = readRegularFile(join(root, 'proc/self/maps'), MAX_MAPS_BYTES).toString('utf8');
  } catch {
    // No procfs (not Linux, or a sandbox): only the marks tell.
  }
  for (const [pattern, name] of RUNTIME_LIBRARIES) if (pattern.test(maps)) found.add(name);
  return [...found].sort();
}

/** The result of the last setupEnvironment() call in this process, or null when it has not run. */
export function appliedEnvironment(): SetupResult | null {
  return state.last;
}

/**
 * Detects, plans and applies the plan to the environment (process.env by default) so that GPU
 * runtimes loaded afterwards, and every child process, see it. Idempotent: a second call finds the
 * values in place and keeps them. Never replaces a value the user set unless `force`.
 */
export function setupEnvironment(options: SetupOptions = {}): SetupResult {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`setupEnvironment: options must be an object, got ${formatValue(options)}`);
  }
  checkOptionKeys('setupEnvironment', 'options', options, SETUP_OPTION_KEYS);
  if (options.onWarning !== undefined && typeof options.onWarning !== 'function') {
    throw new TypeError('setupEnvironment: options.onWarning must be a function');
  }
  const env = options.env ?? process.env;
  const owned = state.owned.get(env) ?? {};
  const { root, canAccess, force, pinToDiscrete } = options;
  // Planning needs nothing the diagnostic tools add (names), so by default they are not run here.
  const report = detect({
    root,
    env,
    commands: options.commands ?? false,
    ...(canAccess === undefined ? {} : { canAccess }),
  });
  const plan = planEnvironment(report, { force, pinToDiscrete, env, owned });
  const applied: string[] = [];
  for (const entry of plan.entries) {
    if (entry.action !== 'set') continue;
    if (entry.name === 'MIOPEN_USER_DB_PATH' || entry.name === 'MIOPEN_CUSTOM_CACHE_DIR') {
      try {
        mkdirSync(entry.value, { recursive: true });
      } catch (error) {
        plan.findings.push({
          id: 'miopen-dir-unwritable',
          severity: 'warning',
          message: `${entry.name}: cannot create ${entry.value} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
          fix: `Set ${entry.name} to a writable directory.`,
        });
      }
    }
    env[entry.name] = entry.value;
    owned[entry.name] = entry.value;
    applied.push(entry.name);
  }
  state.owned.set(env, owned);

  const loadedRuntimes = loadedGpuRuntimes(report.root);
  const findings: Finding[] = [...plan.findings];
  if (loadedRuntimes.length > 0) {
    const message = `GPU runtime already loaded in this process (${loadedRuntimes.join(', ')}): environment changes made now${
      applied.length > 0 ? ` (${applied.join(', ')})` : ''
    } may not take effect. Call setupEnvironment() before loading any GPU backend, or start the program through \`rocm-patch-env exec\`.`;
    findings.push({
      id: 'runtime-already-loaded',
      severity: 'warning',
      message,
      fix: 'Call setupEnvironment() first thing, or use rocm-patch-env exec.',
    });
    (options.onWarning ?? ((m: string) => process.emitWarning(m, { code: 'ROCM_PATCH_ENV_TOO_LATE' })))(
      message,
    );
  }
  const result: SetupResult = { entries: plan.entries, findings, report, applied, loadedRuntimes };
  state.last = result;
  return result;
}
