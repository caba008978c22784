import {
  APPROVE_COMMAND,
  configureConvBypass,
  type FallbackStrategy,
  getConvRouter,
  loadAddon,
  REBUILD_COMMAND,
  type RouterOptions,
} from '@rocm-patch/conv-bypass';
import { enableMiopenBypass, type MiopenBypassHandle } from '@rocm-patch/conv-bypass/tfjs';
import {
  checkOptionKeys,
  formatValue,
  type GpuInfo,
  type SetupOptions,
  type SetupResult,
  setupEnvironment,
} from '@rocm-patch/env';
import { type DataLoaderDefaults, loaderDefaults, patchDataLoader } from '@rocm-patch/loader';
import { type MultiprocessingDefaults, setupMultiprocessing } from '@rocm-patch/mp';
import { type BackendChoice, checkBackendChoice, selectBackend } from './backend.js';
import { importTf } from './tf-import.js';

export type StepStatus = 'done' | 'already-done' | 'off' | 'skipped' | 'failed';

export interface StepReport {
  status: StepStatus;
  /** One line on what the step did, or why it did not. */
  detail: string;
}

export interface ConvBypassStepOptions {
  /** The `tf` namespace to patch; default: the one importable from here (@tensorflow/tfjs, then tfjs-core). */
  tf?: unknown;
  /** Strategy of the patched kernels (default AUTO). */
  strategy?: FallbackStrategy;
  /** The TF.js backend to patch (default: the active one). */
  backend?: string;
  /** Settings of the default conv router (threshold, probe timeout, decision database path). */
  router?: Omit<RouterOptions, 'strategy'>;
}

export interface EnableAllPatchesOptions {
  /** Step 1, setupEnvironment: its options, or false to leave the environment alone. */
  environment?: SetupOptions | false;
  /** Step 2, setupMultiprocessing: defaults for worker pools, or false. */
  multiprocessing?: Partial<MultiprocessingDefaults> | false;
  /** Step 3, patchDataLoader: defaults for DataLoaders, or false. */
  dataLoader?: Partial<DataLoaderDefaults> | false;
  /**
   * Step 4, the TF.js backend: 'auto' (default) selects the 'rocm' backend (@rocm-patch/tfjs-backend)
   * where it can start — a usable GPU, or the host device when ROCM_PATCH_TFJS_DEVICE=host asks for it —
   * and leaves TF.js on its cpu backend elsewhere; 'rocm' throws when it cannot start; 'cpu' never selects it.
   */
  backend?: BackendChoice;
  /**
   * Step 5, enableMiopenBypass: its options, or false. Skipped (not an error) when TF.js is not found, and
   * when the 'rocm' backend runs (its convolutions go through the same conv router; `router` and `strategy`
   * then configure that router).
   */
  convBypass?: ConvBypassStepOptions | false;
  /** The `tf` namespace (default: the one importable from here); shorthand for convBypass.tf. */
  tf?: unknown;
  /** Receives each warning as it is found (default: process.emitWarning). They are also in the report. */
  onWarning?: (message: string) => void;
}

export interface EnableAllPatchesReport {
  steps: {
    environment: StepReport;
    multiprocessing: StepReport;
    dataLoader: StepReport;
    backend: StepReport;
    convBypass: StepReport;
  };
  /** GPUs the environment step detected (empty when none, or when that step is off). */
  gpus: GpuInfo[];
  /** The TF.js backend the model runs on ('rocm', 'cpu', …); null when there is no TF.js. */
  backend: string | null;
  /** What that backend computes on, e.g. "AMD Radeon RX 5700 XT (gfx1010, hip)" for 'rocm'. */
  backendDevice: string;
  /** The conv strategy in force, and where AUTO runs convolutions on this machine. */
  strategy: FallbackStrategy;
  convDevice: string;
  /** Warnings found on the way (a GPU runtime loaded too early, environment conflicts, …). */
  warnings: string[];
  /** The raw results of each step, for callers who want more than the summary. */
  environment: SetupResult | null;
  multiprocessingDefaults: Readonly<MultiprocessingDefaults> | null;
  dataLoaderDefaults: Readonly<DataLoaderDefaults> | null;
  bypass: MiopenBypassHandle | null;
}

interface State {
  environment: SetupResult | null;
  multiprocessing: Readonly<MultiprocessingDefaults> | null;
  dataLoader: Readonly<DataLoaderDefaults> | null;
  bypass: MiopenBypassHandle | null;
}

// One state per process even when the ESM and CJS builds are both loaded.
const STATE_SYMBOL = Symbol.for('@rocm-patch/all.state');
function state(): State {
  const g = globalThis as Record<symbol, State | undefined>;
  g[STATE_SYMBOL] ??= { environment: null, multiprocessing: null, dataLoader: null, bypass: null };
  return g[STATE_SYMBOL];
}

function optionObject<T extends object>(value: T | false | undefined, name: string): T | false {
  if (value === undefined) return {} as T;
  if (value === false) return false;
  if (typeof value !== 'object' || value === null) {
    throw new TypeError(`${name} must be an options object or false, got ${formatValue(value)}`);
  }
  return value;
}

/**
 * Every key of T, listed once: `keysOf<T>()([...])` does not compile while a key of T is missing from the
 * list, so these lists cannot drift from the option types they check.
 */
const keysOf =
  <T>() =>
  <const K extends readonly (keyof T & string)[]>(
    keys: K &
      (Exclude<keyof T, K[number]> extends never ? unknown : { missing: Exclude<keyof T, K[number]> }),
  ): K =>
    keys;

const OPTION_KEYS = keysOf<EnableAllPatchesOptions>()([
  'environment',
  'multiprocessing',
  'dataLoader',
  'backend',
  'convBypass',
  'tf',
  'onWarning',
]);
const CONV_BYPASS_KEYS = keysOf<ConvBypassStepOptions>()(['tf', 'strategy', 'backend', 'router']);
const ENVIRONMENT_KEYS = keysOf<SetupOptions>()([
  'root',
  'canAccess',
  'force',
  'pinToDiscrete',
  'commands',
  'env',
  'onWarning',
]);
const MULTIPROCESSING_KEYS = keysOf<MultiprocessingDefaults>()([
  'runtime',
  'size',
  'hideGpus',
  'persistent',
  'maxRestarts',
  'taskTimeoutMs',
  'killGraceMs',
]);
const DATA_LOADER_KEYS = keysOf<DataLoaderDefaults>()([
  'numWorkers',
  'prefetchFactor',
  'persistentWorkers',
  'runtime',
]);

/**
 * Every rocm-patch fix in the order they must happen: the environment before any GPU runtime loads,
 * worker-pool defaults, DataLoader defaults, the TF.js backend ('rocm' where it can start), then — when
 * TF.js stays on its cpu backend — the TF.js conv kernels through the bypass. Each step can be switched
 * off (`false`; the backend step with `backend: 'cpu'`); a step that already ran in this process is not
 * run again, so calling this twice is harmless (a later call can still add a step the first left out).
 */
export async function enableAllPatches(
  options: EnableAllPatchesOptions = {},
): Promise<EnableAllPatchesReport> {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
  const envOptions = optionObject(options.environment, 'options.environment');
  const mpOptions = optionObject(options.multiprocessing, 'options.multiprocessing');
  const loaderOptions = optionObject(options.dataLoader, 'options.dataLoader');
  const bypassOptions = optionObject(options.convBypass, 'options.convBypass');
  // Every step's keys before any step runs: a misspelt key would otherwise be ignored (`conVBypass: false`
  // keeps the bypass on), or found by its step after the earlier steps have changed the process.
  checkOptionKeys('enableAllPatches', 'options', options, OPTION_KEYS);
  if (bypassOptions !== false) {
    checkOptionKeys('enableAllPatches', 'options.convBypass', bypassOptions, CONV_BYPASS_KEYS);
  }
  if (envOptions !== false) {
    checkOptionKeys('enableAllPatches', 'options.environment', envOptions, ENVIRONMENT_KEYS);
  }
  if (mpOptions !== false) {
    checkOptionKeys('enableAllPatches', 'options.multiprocessing', mpOptions, MULTIPROCESSING_KEYS);
  }
  if (loaderOptions !== false) {
    checkOptionKeys('enableAllPatches', 'options.dataLoader', loaderOptions, DATA_LOADER_KEYS);
  }
  const backendChoice = checkBackendChoice(options.backend);
  if (options.onWarning !== undefined && typeof options.onWarning !== 'function') {
    throw new TypeError('options.onWarning must be a function');
  }
  const warn = options.onWarning ?? ((m: string) => process.emitWarning(m, { code: 'ROCM_PATCH_ALL' }));
  const warnings: string[] = [];
  const addWarning = (message: string) => {
    warnings.push(message);
    warn(message);
  };
  const s = state();

  // 1. Environment: first, because a GPU runtime reads these variables once, when it loads.
  let environment: StepReport;
  if (envOptions === false) environment = { status: 'off', detail: 'switched off' };
  else if (s.environment) environment = { status: 'already-done', detail: summariseEnv(s.environment) };
  else {
    // setupEnvironment itself warns (through addWarning) when a GPU runtime is already loaded.
    s.environment = setupEnvironment({ ...envOptions, onWarning: addWarning });
    environment = { status: 'done', detail: summariseEnv(s.environment) };
    for (const f of s.environment.findings) {
      if (f.id !== 'runtime-already-loaded' && (f.severity === 'warning' || f.severity === 'error')) {
        addWarning(`${f.message}${f.fix ? ` (fix: ${f.fix})` : ''}`);
      }
    }
  }

  // 2. Worker pools: process workers by default, GPUs hidden from them.
  let multiprocessing: StepReport;
  if (mpOptions === false) multiprocessing = { status: 'off', detail: 'switched off' };
  else if (s.multiprocessing && Object.keys(mpOptions).length === 0) {
    multiprocessing = { status: 'already-done', detail: summariseMp(s.multiprocessing) };
  } else {
    s.multiprocessing = setupMultiprocessing(mpOptions);
    multiprocessing = { status: 'done', detail: summariseMp(s.multiprocessing) };
  }

  // 3. DataLoader: persistent workers (the original project's fix); process workers when there is a GPU,
  // so data workers never touch it; threads otherwise (cheaper, and there is nothing to hide).
  let dataLoader: StepReport;
  const gpus = s.environment?.report.gpus ?? [];
  if (loaderOptions === false) dataLoader = { status: 'off', detail: 'switched off' };
  else if (s.dataLoader && Object.keys(loaderOptions).length === 0) {
    dataLoader = { status: 'already-done', detail: summariseLoader(s.dataLoader) };
  } else {
    // A later call changes only what it names; the first one also sets our defaults.
    patchDataLoader(
      s.dataLoader
        ? loaderOptions
        : { persistentWorkers: true, runtime: gpus.length > 0 ? 'process' : 'thread', ...loaderOptions },
    );
    s.dataLoader = loaderDefaults();
    dataLoader = { status: 'done', detail: summariseLoader(s.dataLoader) };
  }

  // 4. The TF.js backend: 'rocm' where it can start. Its package is imported only when TF.js is present.
  const given = (bypassOptions === false ? undefined : bypassOptions.tf) ?? options.tf;
  const tf = given ?? (await importTf());
  const selected = await selectBackend(tf, backendChoice, addWarning);

  // 5. The conv bypass on TF.js: the cpu backend's conv kernels through the router. The 'rocm' backend's
  // own conv kernels already call that router (on device buffers): it has nothing to patch.
  let convBypass: StepReport;
  if (bypassOptions === false) convBypass = { status: 'off', detail: 'switched off' };
  else if (selected.rocm) {
    const { router, strategy } = bypassOptions;
    if (router || strategy !== undefined) {
      configureConvBypass({ ...router, ...(strategy === undefined ? {} : { strategy }) });
    }
    convBypass = {
      status: 'skipped',
      detail: "not needed: the 'rocm' backend runs convolutions through the conv router itself",
    };
  } else {
    if (bypassOptions.router) configureConvBypass({ ...bypassOptions.router });
    if (tf === undefined) {
      convBypass = {
        status: 'skipped',
        detail: 'no TF.js given and none importable (@tensorflow/tfjs or @tensorflow/tfjs-core)',
      };
    } else {
      const wasActive = s.bypass?.enabled === true;
      try {
        const handle = enableMiopenBypass({
          tf,
          ...(bypassOptions.strategy === undefined ? {} : { strategy: bypassOptions.strategy }),
          ...(bypassOptions.backend === undefined ? {} : { backend: bypassOptions.backend }),
        });
        const again = wasActive && s.bypass === handle;
        s.bypass = handle;
        convBypass = {
          status: again ? 'already-done' : 'done',
          detail: `TF.js backend "${handle.backendName}": ${handle.kernelNames.join(', ')} go through the bypass`,
        };
      } catch (error) {
        if (given !== undefined) throw error; // the caller's own tf: a bad one is their error to see
        convBypass = { status: 'failed', detail: (error as Error).message };
        addWarning(`conv bypass not enabled: ${(error as Error).message}`);
      }
    }
  }

  const router = getConvRouter();
  let convDevice: string;
  try {
    // The router's GPU check counts an addon that does not load as "no GPU" (and would report "cpu"):
    // load it first, so a missing build is reported here and not found at the first convolution.
    loadAddon();
    const gpu = router.capabilities.gpu;
    convDevice = gpu
      ? `gpu: ${gpu.name} (${gpu.arch}, ${gpu.backend})`
      : 'cpu (no usable GPU in this process)';
  } catch (error) {
    // The native addon does not load: say so here; a conv call would throw the loader's full message.
    const first = ((error as Error).message ?? String(error)).split('\n')[0];
    convDevice = `none: ${first}`;
    addWarning(
      `the conv addon does not load: ${first} (fix: ${APPROVE_COMMAND}, then ${REBUILD_COMMAND}; see the error of any conv call for the paths tried)`,
    );
  }
  return {
    steps: { environment, multiprocessing, dataLoader, backend: selected.step, convBypass },
    gpus,
    backend: selected.name,
    backendDevice: selected.device,
    strategy: bypassOptions === false ? router.strategy : (bypassOptions.strategy ?? router.strategy),
    convDevice,
    warnings,
    environment: s.environment,
    multiprocessingDefaults: s.multiprocessing,
    dataLoaderDefaults: s.dataLoader,
    bypass: s.bypass,
  };
}

function summariseEnv(result: SetupResult): string {
  const kept = result.entries.filter((e) => e.action === 'keep').length;
  const conflicts = result.entries.filter((e) => e.action === 'conflict').map((e) => e.name);
  const parts = [
    result.applied.length > 0 ? `set ${result.applied.join(', ')}` : 'nothing to set',
    ...(kept > 0 ? [`${kept} already in place`] : []),
    ...(conflicts.length > 0 ? [`kept your values of ${conflicts.join(', ')} (conflict)`] : []),
  ];
  return `${parts.join('; ')}; ${result.report.gpus.length} GPU(s) detected`;
}

function summariseMp(d: Readonly<MultiprocessingDefaults>): string {
  return `pools default to ${d.runtime} workers ×${d.size}, GPUs ${d.hideGpus ? 'hidden' : 'visible'}, ${
    d.persistent ? 'persistent' : 'not persistent'
  }, ${d.maxRestarts} restarts`;
}

function summariseLoader(d: Readonly<DataLoaderDefaults>): string {
  return `loaders default to ${d.runtime} workers, ${d.persistentWorkers ? 'persistent' : 'not persistent'}, prefetch ${d.prefetchFactor}, numWorkers ${d.numWorkers}`;
}

/** The report as readable lines (what the examples and the CLI print). */
export function formatPatchReport(report: EnableAllPatchesReport): string {
  const lines = ['rocm-patch: enableAllPatches()'];
  for (const [name, step] of Object.entries(report.steps)) {
    lines.push(`  ${name.padEnd(16)} ${step.status.padEnd(12)} ${step.detail}`);
  }
  const gpus =
    report.gpus.length === 0
      ? 'none'
      : report.gpus.map((g) => `${g.index}: ${g.name}${g.arch ? ` (${g.arch})` : ''}`).join('; ');
  lines.push(`  GPUs             ${gpus}`);
  lines.push(
    `  TF.js backend    ${report.backend === null ? 'none (no TF.js)' : `${report.backend}, on ${report.backendDevice}`}`,
  );
  lines.push(`  conv strategy    ${report.strategy}, runs on ${report.convDevice}`);
  for (const w of report.warnings) lines.push(`  warning: ${w}`);
  return `${lines.join('\n')}\n`;
}
