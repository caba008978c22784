/**
 * @rocm-patch/tfjs-backend: the 'rocm' TF.js backend. Importing it registers the backend and its kernels;
 * `await tf.setBackend('rocm')` selects it (tf.ready() picks it by itself where a GPU is usable).
 */
import { engine } from '@tensorflow/tfjs-core';
import type { RocmBackend } from './backend.js';
import { type DeviceProbe, probeDevice } from './device.js';
import { BACKEND_NAME } from './kernel_utils/kernel.js';
import { registerRocmBackend } from './register.js';
import { type BackendReport, formatBackendReport, initialStrict, strictSetting } from './report.js';

registerRocmBackend();

export type { RocmBackend, TensorData } from './backend.js';
export {
  checkDeviceRequest,
  DEVICE_ENV,
  type DeviceKind,
  type DeviceProbe,
  type DeviceRequest,
  DeviceUnavailableError,
} from './device.js';
export { BACKEND_NAME } from './kernel_utils/kernel.js';
export { FUSED_OPTIMIZERS_ENV } from './optimizers.js';
export { deviceKernelNames, PRIORITY_WITH_DEVICE, registerRocmBackend } from './register.js';
export { type BackendReport, formatBackendReport, HostPathError, STRICT_ENV } from './report.js';

/** The backend instance, if TF.js has created it (never creates it). */
export function rocmBackend(): RocmBackend | undefined {
  return (engine().registry as Record<string, unknown>)[BACKEND_NAME] as RocmBackend | undefined;
}

function requireBackend(fn: string): RocmBackend {
  const b = rocmBackend();
  if (!b)
    throw new Error(`${fn}: the 'rocm' backend has not been created yet (await tf.setBackend('rocm') first)`);
  return b;
}

/** Whether the backend can start here, and why not (never throws, opens nothing). */
export function deviceAvailability(): DeviceProbe {
  return probeDevice();
}

/** Native and host-path calls per kernel since the backend started (or the last reset). */
export function getBackendReport(): BackendReport {
  const b = rocmBackend();
  if (!b) {
    return {
      device: 'not started',
      strict: initialStrict(),
      native: {},
      hostPath: {},
      hostPathReasons: {},
      totalNative: 0,
      totalHostPath: 0,
    };
  }
  return b.log.report(b.deviceDescription);
}

export function resetBackendReport(): void {
  rocmBackend()?.log.reset();
}

/** Prints the report (console.log) and returns it. */
export function printBackendReport(): BackendReport {
  const r = getBackendReport();
  console.log(formatBackendReport(r));
  return r;
}

/**
 * Strict mode: a kernel call that would take the host path throws a HostPathError naming the kernel
 * instead. Applies to the running backend and to one created later.
 */
export function setStrict(on: boolean): void {
  if (typeof on !== 'boolean') throw new TypeError(`setStrict: on must be a boolean, got ${String(on)}`);
  strictSetting.value = on;
  const b = rocmBackend();
  if (b) b.log.strict = on;
}

export function isStrict(): boolean {
  return rocmBackend()?.log.strict ?? initialStrict();
}

/** Gives the device memory the backend's allocator caches (not in use by any tensor) back to the driver. */
export function releaseMemory(): void {
  requireBackend('releaseMemory').device.releaseMemory();
}

/** The allocator's figures: bytes in use, cached, reserved, peak, and the counts behind them. */
export function memoryStats(): ReturnType<RocmBackend['device']['memory']> {
  return requireBackend('memoryStats').device.memory();
}

/**
 * Caps the device memory the backend may reserve (0: no cap). Allocations past it fail with an
 * out-of-memory error naming the kernel, after the cache has been released.
 */
export function setMemoryLimit(bytes: number): void {
  if (typeof bytes !== 'number' || !Number.isInteger(bytes) || bytes < 0) {
    throw new RangeError(`setMemoryLimit: bytes must be a non-negative integer, got ${String(bytes)}`);
  }
  requireBackend('setMemoryLimit').device.setMemoryLimit(bytes);
}

/** Waits for all enqueued device work; a device error of an earlier kernel is thrown here. */
export function synchronize(): void {
  requireBackend('synchronize').device.synchronize();
}
