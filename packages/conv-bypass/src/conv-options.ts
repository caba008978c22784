// The options objects of the conv functions (host and DeviceTensor paths): an object, with no key but
// the documented ones.
import { checkOptionKeys } from '@rocm-patch/env';

const GEOMETRY_KEYS = ['stride', 'padding', 'dilation', 'groups', 'device', 'out'] as const;
export const CONV2D_OPTION_KEYS: readonly string[] = [...GEOMETRY_KEYS, 'bias'];
export const BACKWARD_DATA_OPTION_KEYS: readonly string[] = [...GEOMETRY_KEYS, 'inputShape'];
export const BACKWARD_FILTER_OPTION_KEYS: readonly string[] = [...GEOMETRY_KEYS, 'filterShape'];

/** `options` checked: an object (or absent when not `required`) whose keys are all in `keys`. */
export function checkConvOptions<T>(
  options: T | undefined,
  keys: readonly string[],
  fn: string,
  required: boolean,
): T {
  if (options === undefined && !required) return {} as T;
  if (typeof options !== 'object' || options === null)
    throw new TypeError(`${fn}: options must be an object`);
  checkOptionKeys(fn, 'options', options, keys);
  return options;
}
