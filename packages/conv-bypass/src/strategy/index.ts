import { sharedState } from '../shared-state.js';
import { ConvRouter, checkRouterOptionKeys, type RouterOptions } from './router.js';

export { detectCapabilities } from './capabilities.js';
export { decisionKey, makeProblem } from './key.js';
export { ConvRouter, type ProbeFunction, type ProbeResult, problemOf, type RouterOptions } from './router.js';
export {
  DEFAULT_SELECTIVE_THRESHOLD,
  type Plan,
  planAlgorithm,
  type VendorState,
  vendorState,
} from './select.js';
export * from './types.js';

/** A router with the process's real capabilities and the process-pool probe (= new ConvRouter(options)). */
export function createConvRouter(options: RouterOptions = {}): ConvRouter {
  if (typeof options === 'object' && options !== null) checkRouterOptionKeys(options, 'createConvRouter');
  return new ConvRouter(options);
}

const shared = sharedState('router', (): { router: ConvRouter | undefined } => ({ router: undefined }));

/** The router that the TF.js patch and SafeConv2d use unless given their own. */
export function getConvRouter(): ConvRouter {
  shared.router ??= createConvRouter();
  return shared.router;
}

/** Replaces the default router's settings (strategy, threshold, probe timeout, database path). */
export function configureConvBypass(options: RouterOptions = {}): ConvRouter {
  if (typeof options === 'object' && options !== null) checkRouterOptionKeys(options, 'configureConvBypass');
  shared.router = createConvRouter(options);
  return shared.router;
}
