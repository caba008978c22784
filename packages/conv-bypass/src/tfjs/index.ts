/**
 * The TF.js kernel patch (`@rocm-patch/conv-bypass/tfjs`): replaces the conv kernels of a TF.js backend
 * with ones that run through the strategy router (our kernels, or the vendor library where it probed
 * safe), so that a TF.js model trains without MIOpen.
 */
import { checkOptionKeys } from '@rocm-patch/env';
import { getConvRouter } from '../strategy/index.js';
import type { ConvRouter } from '../strategy/router.js';
import { checkStrategy } from '../strategy/select.js';
import type { FallbackStrategy } from '../strategy/types.js';
import type { PatchContext, PatchedKernel } from './conv-core.js';
import { PATCHED_KERNELS } from './kernels/index.js';
import type { KernelConfig, KernelFunc, TfBackend, TfNamespace } from './tf-types.js';

export { geometryOf as convGeometryOf } from './conv-core.js';
export { FUSED_ACTIVATIONS, type FusedActivation } from './epilogue.js';
export { PATCHED_KERNELS } from './kernels/index.js';
export type { KernelArgs, KernelConfig, KernelFunc, TensorInfo, TfBackend, TfNamespace } from './tf-types.js';

export interface MiopenBypassOptions {
  /** The `tf` namespace (@tensorflow/tfjs, tfjs-core or tfjs-node, 4.x). */
  tf: unknown;
  /** Strategy of the patched kernels (default: the router's, AUTO). */
  strategy?: FallbackStrategy;
  /** The backend whose kernels are replaced (default: the active one). */
  backend?: string;
  /** The router to use (default: the package's default router, see configureConvBypass). */
  router?: ConvRouter;
}

export interface MiopenBypassHandle {
  readonly backendName: string;
  /** The kernels replaced on that backend. */
  readonly kernelNames: readonly string[];
  /** Calls each kernel handed back to the original (dtype, shape or activation the patch does not take). */
  readonly delegatedCalls: Readonly<Record<string, number>>;
  readonly enabled: boolean;
  /** Restores the original kernels. Calling it again does nothing. */
  disable(): void;
}

interface ActivePatch {
  handle: MiopenBypassHandle;
  context: PatchContext;
}

const active = new WeakMap<object, Map<string, ActivePatch>>();

function checkTf(tf: unknown): TfNamespace {
  const t = tf as Partial<TfNamespace> | null;
  if (
    typeof t !== 'object' ||
    t === null ||
    typeof t.getKernel !== 'function' ||
    typeof t.registerKernel !== 'function' ||
    typeof t.unregisterKernel !== 'function' ||
    typeof t.backend_util?.computeConv2DInfo !== 'function'
  ) {
    throw new TypeError(
      'options.tf must be the tf namespace of @tensorflow/tfjs or @tensorflow/tfjs-core 4.x (getKernel, registerKernel, unregisterKernel, backend_util)',
    );
  }
  return t as TfNamespace;
}

function resolveBackend(tf: TfNamespace, requested: unknown): string {
  if (requested !== undefined && (typeof requested !== 'string' || requested === '')) {
    throw new TypeError('options.backend must be a backend name such as "cpu"');
  }
  if (requested === undefined) tf.backend(); // initialises the default backend when none is active yet
  const name = (requested as string | undefined) ?? tf.getBackend();
  if (!name) throw new Error('TF.js has no active backend; pass options.backend');
  const instance = tf.findBackend(name) as Partial<TfBackend> | null | undefined;
  if (!instance) throw new RangeError(`options.backend: no TF.js backend named "${name}" is registered`);
  if (typeof instance.readSync !== 'function' || typeof instance.write !== 'function') {
    throw new TypeError(
      `options.backend: the TF.js backend "${name}" has no readSync/write, so its tensors cannot reach the native conv`,
    );
  }
  return name;
}

/**
 * Replaces Conv2D, FusedConv2D, Conv2DBackpropInput, Conv2DBackpropFilter, DepthwiseConv2dNative (+ its
 * fused form and both backprops) on one backend. Anything a patched kernel does not support (non-float32,
 * an unusual bias/prelu shape or activation) runs the original kernel. Enabling again on the same backend
 * updates the strategy/router of the active patch and returns the same handle.
 */
export function enableMiopenBypass(options: MiopenBypassOptions): MiopenBypassHandle {
  if (typeof options !== 'object' || options === null)
    throw new TypeError('enableMiopenBypass: options must be an object');
  checkOptionKeys('enableMiopenBypass', 'options', options, ['tf', 'strategy', 'backend', 'router']);
  const tf = checkTf(options.tf);
  const backendName = resolveBackend(tf, options.backend);
  const strategy =
    options.strategy === undefined ? undefined : checkStrategy(options.strategy, 'options.strategy');
  const router = options.router ?? getConvRouter();
  let perBackend = active.get(tf);
  if (!perBackend) {
    perBackend = new Map();
    active.set(tf, perBackend);
  }
  const existing = perBackend.get(backendName);
  if (existing) {
    existing.context.router = router;
    existing.context.strategy = strategy;
    return existing.handle;
  }
  const context: PatchContext = { tf, router, strategy };
  const originals = new Map<string, KernelConfig | undefined>();
  const delegatedCalls: Record<string, number> = {};
  for (const kernel of PATCHED_KERNELS) {
    const original = tf.getKernel(kernel.kernelName, backendName);
    originals.set(kernel.kernelName, original);
    if (!original) continue; // this backend lacks the kernel: nothing to replace or delegate to
    delegatedCalls[kernel.kernelName] = 0;
    tf.unregisterKernel(kernel.kernelName, backendName);
    tf.registerKernel({
      ...original,
      kernelFunc: patchedKernelFunc(kernel, original.kernelFunc, context, delegatedCalls),
    });
  }
  let enabled = true;
  const handle: MiopenBypassHandle = {
    backendName,
    kernelNames: [...originals].filter(([, original]) => original).map(([name]) => name),
    delegatedCalls,
    get enabled() {
      return enabled;
    },
    disable() {
      if (!enabled) return;
      enabled = false;
      for (const [name, original] of originals) {
        if (!original) continue;
        tf.unregisterKernel(name, backendName);
        tf.registerKernel(original);
      }
      perBackend.delete(backendName);
    },
  };
  perBackend.set(backendName, { handle, context });
  return handle;
}

function patchedKernelFunc(
  kernel: PatchedKernel,
  original: KernelFunc,
  context: PatchContext,
  delegatedCalls: Record<string, number>,
): KernelFunc {
  return (args) => {
    const result = kernel.run(args, context);
    if (result !== undefined) return result;
    delegatedCalls[kernel.kernelName] = (delegatedCalls[kernel.kernelName] ?? 0) + 1;
    return original(args);
  };
}
