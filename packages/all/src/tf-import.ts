/**
 * Finds TF.js when the caller did not pass it. The kernel registry and engine of tfjs-core live on the
 * global object, so patching through whichever copy is found patches the one the program uses.
 * Never imports tfjs-node or tfjs-node-gpu: loading those would load a GPU runtime.
 */
const CANDIDATES = ['@tensorflow/tfjs', '@tensorflow/tfjs-core'] as const;

export async function importTf(): Promise<unknown> {
  for (const specifier of CANDIDATES) {
    try {
      return await import(specifier);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') throw error;
    }
  }
  return undefined;
}
