/**
 * The 'rocm' TF.js backend (@rocm-patch/tfjs-backend) as seen from @rocm-patch/all: the backend step of
 * enableAllPatches(), and the functions a user needs at the end of training (the backend's report,
 * strict mode). The package is only ever imported dynamically, and only when TF.js is present: importing
 * it registers the backend with tfjs-core and loads tfjs-backend-cpu (its host path), which a program
 * without TF.js does not have.
 */
import { formatValue } from '@rocm-patch/env';
import type { BackendReport, DeviceProbe } from '@rocm-patch/tfjs-backend';
import type { StepReport } from './enable.js';

export type { BackendReport } from '@rocm-patch/tfjs-backend';

/** The module @rocm-patch/tfjs-backend (its whole public API). */
export type RocmBackendModule = typeof import('@rocm-patch/tfjs-backend');

/**
 * Which TF.js backend enableAllPatches() selects: 'auto' (the 'rocm' backend where it can start, the
 * conv patch on the cpu backend elsewhere), 'rocm' (fail when it cannot start) or 'cpu' (the conv patch on
 * the active backend, as without the 'rocm' backend).
 */
export type BackendChoice = 'auto' | 'rocm' | 'cpu';

export function checkBackendChoice(value: unknown, name = 'options.backend'): BackendChoice {
  if (value === undefined) return 'auto';
  if (value === 'auto' || value === 'rocm' || value === 'cpu') return value;
  const shown = typeof value === 'string' ? JSON.stringify(value) : String(value);
  throw new RangeError(`${name} must be 'auto', 'rocm' or 'cpu', got ${shown}`);
}

interface BackendState {
  module: RocmBackendModule | undefined;
  /** setStrict() called before the module was loaded: applied when it is. */
  strict: boolean | undefined;
}

// One state per process even when the ESM and CJS builds of this package are both loaded.
const BACKEND_STATE = Symbol.for('@rocm-patch/all.rocm-backend');
function backendState(): BackendState {
  const g = globalThis as Record<symbol, BackendState | undefined>;
  g[BACKEND_STATE] ??= { module: undefined, strict: undefined };
  return g[BACKEND_STATE];
}

/**
 * Imports @rocm-patch/tfjs-backend (which registers the 'rocm' backend with TF.js; selecting it is
 * `tf.setBackend('rocm')`) and returns it. Needs @tensorflow/tfjs-core and tfjs-backend-cpu.
 */
export async function loadRocmBackend(): Promise<RocmBackendModule> {
  const s = backendState();
  if (!s.module) {
    s.module = await import('@rocm-patch/tfjs-backend');
    if (s.strict !== undefined) s.module.setStrict(s.strict);
  }
  return s.module;
}

/** The module if something in this process loaded it through @rocm-patch/all (never loads it). */
export function loadedRocmBackend(): RocmBackendModule | undefined {
  return backendState().module;
}

/**
 * Kernel calls of the 'rocm' backend since it started: native ones and those that took the host path
 * (tfjs-backend-cpu on downloaded inputs; 0 when the whole model runs on the device). null when the
 * backend has not started (enableAllPatches() chose the cpu backend, or has not run).
 */
export function getBackendReport(): BackendReport | null {
  const m = backendState().module;
  return m?.rocmBackend() ? m.getBackendReport() : null;
}

/** A backend report as text (a table of kernels by calls, host-path ones with their reason). */
export function formatBackendReport(report: BackendReport): string {
  const m = backendState().module;
  if (!m) {
    throw new Error(
      "formatBackendReport: @rocm-patch/tfjs-backend is not loaded (enableAllPatches() loads it where the 'rocm' backend can start)",
    );
  }
  return m.formatBackendReport(report);
}

/**
 * Writes the backend report (what the end of a training script prints: how many kernel calls took the
 * host path) and returns it; when the 'rocm' backend is not in use, writes one line saying so and
 * returns null.
 */
export function printBackendReport(
  write: (text: string) => void = (text) => console.log(text),
): BackendReport | null {
  const report = getBackendReport();
  write(
    report
      ? formatBackendReport(report)
      : "rocm backend: not in use in this process (TF.js runs on another backend; see enableAllPatches()'s report)",
  );
  return report;
}

/**
 * Strict mode of the 'rocm' backend: a kernel call that would take the host path throws (a
 * HostPathError naming the kernel) instead of running there. Takes effect now, or when the backend is
 * loaded (the environment variable ROCM_PATCH_TFJS_STRICT=1 does the same from the start).
 */
export function setStrict(on: boolean): void {
  if (typeof on !== 'boolean') throw new TypeError(`setStrict: on must be a boolean, got ${formatValue(on)}`);
  const s = backendState();
  s.strict = on;
  s.module?.setStrict(on);
}

export function isStrict(): boolean {
  const s = backendState();
  return s.module?.isStrict() ?? s.strict ?? process.env.ROCM_PATCH_TFJS_STRICT === '1';
}

/** The part of the `tf` namespace the backend step uses. */
interface TfBackends {
  getBackend(): string | undefined | null;
  setBackend(name: string): Promise<boolean>;
  ready(): Promise<void>;
  env?: () => { getBool(flag: string): boolean; set(flag: string, value: boolean): void };
}

/**
 * tf.setBackend(name), and why it failed when it did. TF.js catches the backend factory's error and only
 * logs it (console.warn, and not at all in production mode), so for this one call its log is switched on
 * and captured; messages of a call that succeeds are passed on to console.warn.
 */
export async function setBackendExplained(
  tf: TfBackends,
  name: string,
): Promise<{ ok: boolean; why: string }> {
  const flags = tf.env?.();
  const prod = flags?.getBool('PROD') ?? false;
  const logged: string[] = [];
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    logged.push(args.map((a) => (a instanceof Error ? (a.stack ?? a.message) : String(a))).join(' '));
  };
  if (prod) flags?.set('PROD', false);
  let ok: boolean;
  let thrown = '';
  try {
    ok = await tf.setBackend(name);
  } catch (error) {
    ok = false;
    thrown = firstLine(error);
  } finally {
    if (prod) flags?.set('PROD', true);
    console.warn = warn;
  }
  if (ok) {
    for (const message of logged) warn(message);
    return { ok, why: '' };
  }
  // TF.js logs "Initialization of backend X failed", then the error's stack: its first line is the message.
  const error = logged.find((m) => !m.startsWith('Initialization of backend'));
  return { ok, why: thrown || (error ? firstLine(error) : 'no reason given') };
}

function checkTfBackends(tf: unknown): TfBackends {
  const t = tf as Partial<TfBackends> | null;
  if (
    typeof t !== 'object' ||
    t === null ||
    typeof t.getBackend !== 'function' ||
    typeof t.setBackend !== 'function' ||
    typeof t.ready !== 'function'
  ) {
    throw new TypeError(
      'options.tf must be the tf namespace of @tensorflow/tfjs or @tensorflow/tfjs-core 4.x (getBackend, setBackend, ready)',
    );
  }
  return t as TfBackends;
}

/** The backend TF.js runs on now, without initialising one when none is (null then). */
function activeBackend(tf: TfBackends): string | null {
  return tf.getBackend() ?? null;
}

export interface BackendStepResult {
  step: StepReport;
  /** The TF.js backend the model runs on ('rocm', 'cpu', …), or null when there is no TF.js. */
  name: string | null;
  /** What that backend computes on, in words. */
  device: string;
  /** The 'rocm' backend was selected: the conv patch has nothing to do. */
  rocm: boolean;
}

function describe(name: string): string {
  return name === 'cpu' ? 'the CPU (tfjs-backend-cpu, JavaScript kernels)' : `TF.js backend "${name}"`;
}

function isModuleNotFound(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
}

/**
 * The backend step: selects 'rocm' where it can start (the GPU; the host device only when
 * ROCM_PATCH_TFJS_DEVICE=host asks for it), else leaves TF.js on its cpu backend for the conv patch.
 * `tf` is undefined when no TF.js was given or found. Throws when `choice` is 'rocm' and it cannot be.
 */
export async function selectBackend(
  tfGiven: unknown,
  choice: BackendChoice,
  addWarning: (message: string) => void,
): Promise<BackendStepResult> {
  if (tfGiven === undefined) {
    if (choice === 'rocm') {
      throw new Error(
        "options.backend is 'rocm', but no TF.js was given and none is importable (@tensorflow/tfjs or @tensorflow/tfjs-core)",
      );
    }
    return {
      step: { status: 'skipped', detail: 'no TF.js given and none importable' },
      name: null,
      device: 'none',
      rocm: false,
    };
  }
  const tf = checkTfBackends(tfGiven);

  const cpuPath = async (step: StepReport): Promise<BackendStepResult> => {
    // The conv patch goes on the active backend (TF.js's best one when none is active yet), but never on
    // 'rocm' (selected by an earlier call, or the best where it can start): it runs convolutions through
    // the conv router itself.
    if (activeBackend(tf) === null) await tf.ready();
    if (activeBackend(tf) === 'rocm') await tf.setBackend('cpu');
    const name = activeBackend(tf) ?? 'cpu';
    return { step, name, device: describe(name), rocm: false };
  };

  if (choice === 'cpu') {
    return cpuPath({
      status: 'off',
      detail: "backend 'cpu' asked for: the conv patch on TF.js's cpu backend",
    });
  }

  let rocm: RocmBackendModule;
  try {
    rocm = await loadRocmBackend();
  } catch (error) {
    if (choice === 'rocm') throw error;
    if (isModuleNotFound(error)) {
      return cpuPath({
        status: 'skipped',
        detail: `@rocm-patch/tfjs-backend cannot be loaded (${firstLine(error)}); the cpu backend instead`,
      });
    }
    addWarning(`the 'rocm' TF.js backend does not load: ${firstLine(error)}`);
    return cpuPath({
      status: 'failed',
      detail: `@rocm-patch/tfjs-backend does not load: ${firstLine(error)}`,
    });
  }

  // probeDevice reads an invalid ROCM_PATCH_TFJS_DEVICE as 'auto'; the backend itself would refuse it.
  let probe: DeviceProbe;
  try {
    rocm.checkDeviceRequest(process.env[rocm.DEVICE_ENV], rocm.DEVICE_ENV);
    probe = rocm.deviceAvailability();
  } catch (error) {
    if (choice === 'rocm') throw error;
    addWarning(`the 'rocm' TF.js backend is not used: ${firstLine(error)}`);
    return cpuPath({ status: 'failed', detail: firstLine(error) });
  }
  if (probe.kind === null) {
    if (choice === 'rocm') throw new rocm.DeviceUnavailableError(probe.reason, probe.fix);
    return cpuPath({
      status: 'skipped',
      detail: `the 'rocm' backend cannot start here: ${probe.reason}`,
    });
  }

  const wasActive = activeBackend(tf) === rocm.BACKEND_NAME;
  if (!wasActive) {
    const before = activeBackend(tf);
    const { ok, why } = await setBackendExplained(tf, rocm.BACKEND_NAME);
    if (!ok) {
      const message = `tf.setBackend('rocm') failed on the ${probe.kind}: ${why}`;
      // A failed setBackend leaves TF.js with no usable backend active.
      await tf.setBackend(before && before !== rocm.BACKEND_NAME ? before : 'cpu');
      if (choice === 'rocm') throw new Error(message);
      addWarning(`${message}; the conv patch on the cpu backend instead`);
      return cpuPath({ status: 'failed', detail: message });
    }
  }
  const device = rocm.getBackendReport().device;
  return {
    step: {
      status: wasActive ? 'already-done' : 'done',
      detail: `TF.js runs on the 'rocm' backend: ${device}${probe.kind === 'host' ? ` (${rocm.DEVICE_ENV}=host)` : ''}`,
    },
    name: rocm.BACKEND_NAME,
    device,
    rocm: true,
  };
}
