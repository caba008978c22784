// Registration: importing the package registers the backend factory and every kernel — the device ones
// and, for each other kernel tfjs-backend-cpu has, a counted host-path one — even on a machine without a
// GPU, so tf.getKernelsForBackend('rocm') can be inspected anywhere. The backend's priority is above cpu
// (and tfjs-node) only when a GPU is usable, so tf.ready() picks it there and never tries it elsewhere.
import '@tensorflow/tfjs-backend-cpu';
import { getKernel, getKernelsForBackend, registerBackend, registerKernel } from '@tensorflow/tfjs-core';
import { RocmBackend } from './backend.js';
import { probeDevice, requestedDevice } from './device.js';
import { installDeviceGradients } from './gradients.js';
import { BACKEND_NAME, hostKernel } from './kernel_utils/kernel.js';
import { installFusedOptimizers } from './optimizers.js';
import { KERNEL_CONFIGS } from './register_all_kernels.js';

/** The backend's priority where it can start (tfjs-backend-cpu: 1, webgl/wasm: 2, tfjs-node: 3). */
export const PRIORITY_WITH_DEVICE = 4;

let registered = false;

export function registerRocmBackend(): void {
  if (registered) return;
  registered = true;
  const probe = probeDevice();
  registerBackend(
    BACKEND_NAME,
    () => new RocmBackend({ device: requestedDevice() }),
    probe.kind !== null ? PRIORITY_WITH_DEVICE : 0,
  );
  const native = new Set<string>();
  for (const config of KERNEL_CONFIGS) {
    native.add(config.kernelName);
    if (!getKernel(config.kernelName, BACKEND_NAME)) registerKernel(config);
  }
  for (const { kernelName } of getKernelsForBackend('cpu')) {
    if (!native.has(kernelName) && !getKernel(kernelName, BACKEND_NAME))
      registerKernel(hostKernel(kernelName));
  }
  installFusedOptimizers();
  installDeviceGradients();
}

/** The names of the kernels implemented on the device. */
export function deviceKernelNames(): string[] {
  return KERNEL_CONFIGS.map((c) => c.kernelName).sort();
}
