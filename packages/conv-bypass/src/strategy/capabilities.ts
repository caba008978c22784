import { withBufferOperands } from '../device/conv.js';
import { loadNativeVendor } from '../vendor/native-vendor.js';
import { cpuAlgorithm } from './algorithms.js';
import { detectGpu } from './gpu-algorithms.js';
import type { Capabilities } from './types.js';

/**
 * What this process can run, from the addon: the CPU algorithm always; on a GPU machine our GPU
 * algorithms and, when its library loads, the vendor path. Every algorithm also takes BufferOperands
 * (device buffers of the TF.js 'rocm' backend).
 */
export function detectCapabilities(): Capabilities {
  const capabilities: Capabilities = { gpu: null, vendor: null, algorithms: { cpu: cpuAlgorithm } };
  const gpu = detectGpu();
  if (gpu) {
    capabilities.gpu = gpu.info;
    Object.assign(capabilities.algorithms, gpu.algorithms);
    const vendor = loadNativeVendor();
    if ('algorithm' in vendor) {
      capabilities.algorithms.vendor = vendor.algorithm;
      capabilities.vendor = vendor.info;
    }
  }
  for (const [name, algorithm] of Object.entries(capabilities.algorithms)) {
    if (algorithm)
      capabilities.algorithms[name as keyof typeof capabilities.algorithms] = withBufferOperands(algorithm);
  }
  return capabilities;
}
