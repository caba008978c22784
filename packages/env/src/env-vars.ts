/** The environment variables that change how ROCm, HIP, CUDA, MIOpen and PyTorch see the GPUs. */

const EXACT = new Set([
  'ROCR_VISIBLE_DEVICES',
  'HIP_VISIBLE_DEVICES',
  'CUDA_VISIBLE_DEVICES',
  'GPU_DEVICE_ORDINAL',
  'PYTORCH_HIP_ALLOC_CONF',
  'PYTORCH_CUDA_ALLOC_CONF',
  'ROC_ENABLE_PRE_VEGA',
  'ROCM_PATH',
  'HIP_PLATFORM',
]);

/** Whether a variable name is one detection reports and planning must respect. */
export function isRelevantVariable(name: string): boolean {
  return EXACT.has(name) || name.startsWith('HSA_') || name.startsWith('MIOPEN_');
}

/** The relevant variables that are set in `env`, sorted by name. */
export function relevantEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of Object.keys(env).sort()) {
    const value = env[name];
    if (value !== undefined && isRelevantVariable(name)) out[name] = value;
  }
  return out;
}
