// Choosing and opening the device the 'rocm' backend computes on. The GPU when one is usable; the host
// device (the same kernels' C++ on the CPU, for tests and CI) only when asked for by name — never as a
// silent fallback: without a GPU, selecting the backend fails with the reason and the fix.
import { type DeviceAddon, deviceAddon } from '@rocm-patch/conv-bypass/device';

/** Environment variable choosing the device: 'auto' (default: the GPU, or fail), 'gpu' or 'host'. */
export const DEVICE_ENV = 'ROCM_PATCH_TFJS_DEVICE';

export type DeviceRequest = 'auto' | 'gpu' | 'host';
export type DeviceKind = 'gpu' | 'host';

/** Thrown when the backend cannot open the device it was asked for; the message says why and what to do. */
export class DeviceUnavailableError extends Error {
  readonly reason: string;
  constructor(reason: string, fix: string) {
    super(`The 'rocm' TF.js backend cannot start: ${reason}.\n${fix}`);
    this.name = 'DeviceUnavailableError';
    this.reason = reason;
  }
}

export function checkDeviceRequest(value: unknown, name: string): DeviceRequest {
  if (value === undefined || value === '') return 'auto';
  if (value === 'auto' || value === 'gpu' || value === 'host') return value;
  throw new RangeError(`${name} must be 'auto', 'gpu' or 'host', got ${JSON.stringify(value)}`);
}

/** The device the environment asks for. */
export function requestedDevice(env: NodeJS.ProcessEnv = process.env): DeviceRequest {
  return checkDeviceRequest(env[DEVICE_ENV], DEVICE_ENV);
}

export interface DeviceProbe {
  /** The device the backend would open, or null when it would fail. */
  kind: DeviceKind | null;
  /** Why it would fail (empty when it would not). */
  reason: string;
  /** What to do about it. */
  fix: string;
}

const FIX_BUILD =
  'The native addon of @rocm-patch/conv-bypass was built without a GPU backend. Install ROCm (hipcc) on an AMD machine or the CUDA toolkit (nvcc) on an NVIDIA one, then rebuild it: npm rebuild @rocm-patch/conv-bypass';
const FIX_DRIVER =
  'Check the GPU driver and permissions (/dev/kfd and /dev/dri on AMD): `npx rocm-patch doctor` says what is missing.';
const FIX_HOST = `To run the same kernels on the CPU (tests, CI), set ${DEVICE_ENV}=host.`;

/** What selecting the backend would do here, without opening anything. Never throws. */
export function probeDevice(request: DeviceRequest = safeRequest()): DeviceProbe {
  let addon: DeviceAddon;
  try {
    addon = deviceAddon();
  } catch (error) {
    return {
      kind: null,
      reason: `the native addon could not be loaded (${firstLine(error)})`,
      fix: `Rebuild it: npm rebuild @rocm-patch/conv-bypass. ${FIX_HOST}`,
    };
  }
  if (request === 'host') return { kind: 'host', reason: '', fix: '' };
  const a = addon.available();
  if (a.gpu) return { kind: 'gpu', reason: '', fix: '' };
  if (a.backend === 'none') return { kind: null, reason: a.reason, fix: `${FIX_BUILD}\n${FIX_HOST}` };
  return { kind: null, reason: a.reason, fix: `${FIX_DRIVER}\n${FIX_HOST}` };
}

function safeRequest(): DeviceRequest {
  try {
    return requestedDevice();
  } catch {
    return 'auto';
  }
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
}

/** Opens the device (once per process); throws DeviceUnavailableError with the reason and the fix. */
export function openDevice(
  request: DeviceRequest,
  args: Float64Array,
): { addon: DeviceAddon; kind: DeviceKind; description: string } {
  const probe = probeDevice(request);
  if (probe.kind === null) throw new DeviceUnavailableError(probe.reason, probe.fix);
  const addon = deviceAddon();
  const info = addon.init(probe.kind, args);
  return { addon, kind: probe.kind, description: info.description };
}
