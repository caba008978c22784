/**
 * Process-wide state (statistics, the default router) kept on globalThis under a registered symbol, so
 * that the separately bundled entry points (`.`, `./tfjs`) and the ESM and CJS builds all see one copy:
 * a TF.js kernel call counted by the tfjs bundle shows up in getBypassStats() of the main bundle.
 */
export function sharedState<T>(name: string, create: () => T): T {
  const key = Symbol.for(`@rocm-patch/conv-bypass:${name}`);
  const store = globalThis as unknown as Record<symbol, T | undefined>;
  let value = store[key];
  if (value === undefined) {
    value = create();
    store[key] = value;
  }
  return value;
}
