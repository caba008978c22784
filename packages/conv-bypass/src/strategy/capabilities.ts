import { loadNativeVendor } from '../vendor/native-vendor.js';
import { cpuAlgorithm } from './algorithms.js';
import { detectGpu } from './gpu-algorithms.js';
import type { Capabilities } from './types.js';

/**
 * What this process can run, from the addon: the CPU algorithm always; on a GPU machine our GPU
 * algorithms and, when its library loads, the vendor path.
 */
export function detectCapabilities(): Capabilities {
  const capabilities: Capabilities = { gpu: null, vendor: null, algorithms: { cpu: cpuAlgorithm } };
  const gpu = detectGpu();
  if (!gpu) return capabilities;
  capabilities.gpu = gpu.info;
  Object.assign(capabilities.algorithms, gpu.algorithms);
  const vendor = loadNativeVendor();
  if ('algorithm' in vendor) {
    capabilities.algorithms.vendor = vendor.algorithm;
    capabilities.vendor = vendor.info;
  }
  return capabilities;
}
