// How every device kernel is registered: the wrapper counts the call, names it for the device (so an
// out-of-memory or device-reported error names the TF.js kernel), and sends calls the device kernel
// does not take — inputs kept on the host (string, complex64), or arguments its `accepts` refuses — to
// the host path.
import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs-core';
import { onDevice, type RocmBackend } from '../backend.js';
import type { KernelArgs } from '../host-path.js';
import type { KernelCounter } from '../report.js';

export const BACKEND_NAME = 'rocm';

export type RocmKernelArgs = KernelArgs & { backend: RocmBackend };
export type RocmKernelImpl = (args: RocmKernelArgs) => TensorInfo | TensorInfo[];

export interface DeviceKernelOptions {
  /**
   * Whether the device implementation takes these arguments; returns why not (a short reason for the
   * report), or undefined when it does.
   */
  refuse?: (args: RocmKernelArgs) => string | undefined;
}

function hostInput(args: KernelArgs): TensorInfo | undefined {
  for (const t of Object.values(args.inputs)) {
    if (t != null && !onDevice((t as TensorInfo).dtype)) return t as TensorInfo;
  }
  return undefined;
}

/** The KernelConfig of a kernel implemented on the device. */
export function deviceKernel(
  kernelName: string,
  impl: RocmKernelImpl,
  options: DeviceKernelOptions = {},
): KernelConfig {
  // Per backend instance (a new one after tf.removeBackend): its name id and counter, looked up once.
  let owner: RocmBackend | undefined;
  let nameId = 0;
  let counter: KernelCounter | undefined;
  const refuse = options.refuse;
  return {
    kernelName,
    backendName: BACKEND_NAME,
    kernelFunc: (a) => {
      const args = a as RocmKernelArgs;
      const backend = args.backend;
      const host = hostInput(args);
      if (host !== undefined) return backend.hostPath.run(kernelName, args, `${host.dtype} input`);
      if (refuse !== undefined) {
        const why = refuse(args);
        if (why !== undefined) return backend.hostPath.run(kernelName, args, why);
      }
      if (owner !== backend) {
        owner = backend;
        nameId = backend.nameId(kernelName);
        counter = backend.log.counter(kernelName);
      }
      counter!.native++;
      const previous = backend.activeName;
      backend.activeName = nameId;
      try {
        return impl(args);
      } finally {
        backend.activeName = previous;
      }
    },
  };
}

/** The KernelConfig of a kernel that always takes the host path (counted; an error in strict mode). */
export function hostKernel(kernelName: string): KernelConfig {
  return {
    kernelName,
    backendName: BACKEND_NAME,
    kernelFunc: (a) => {
      const args = a as RocmKernelArgs;
      return args.backend.hostPath.run(kernelName, args, 'no device kernel');
    },
  };
}
