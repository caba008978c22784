import { builtFileUrl } from './built-file.js';
import { type MapDataset, type ModuleRef, moduleRefSymbol, type PortableDataset } from './dataset.js';
import { isTensor, isTypedArray, shapeSize, type Tensor, type TypedArray } from './tensor.js';

/**
 * One sample of a TensorDataset: a tensor per field (shape [] for a 1-D field), a view on the dataset's
 * memory, so the default collate stacks each field in its own typed array type.
 */
export type TensorItem = Record<string, Tensor>;

/**
 * In-memory samples: every field is a typed array (one value per sample) or a { data, shape } tensor whose
 * first dimension is the sample count. Sent to workers as a copy per worker.
 */
export class TensorDataset implements MapDataset<TensorItem>, PortableDataset {
  readonly length: number;
  readonly #fields: Record<string, Tensor | TypedArray>;

  constructor(fields: Record<string, Tensor | TypedArray>) {
    if (typeof fields !== 'object' || fields === null || Object.keys(fields).length === 0) {
      throw new TypeError('fields must be an object with at least one typed array or { data, shape } tensor');
    }
    let length: number | undefined;
    for (const [key, value] of Object.entries(fields)) {
      let n: number;
      if (isTypedArray(value)) n = value.length;
      else if (isTensor(value)) {
        if (value.shape.length === 0 || shapeSize(value.shape) !== value.data.length) {
          throw new RangeError(
            `fields.${key}: shape [${value.shape}] must have a leading sample dimension and match data.length ${value.data.length}`,
          );
        }
        n = value.shape[0]!;
      } else throw new TypeError(`fields.${key} must be a typed array or a { data, shape } tensor`);
      if (length !== undefined && n !== length) {
        throw new RangeError(`fields.${key} holds ${n} samples but an earlier field holds ${length}`);
      }
      length = n;
    }
    this.length = length ?? 0;
    this.#fields = fields;
  }

  getItem(index: number): TensorItem {
    if (!Number.isInteger(index) || index < 0 || index >= this.length) {
      throw new RangeError(`index must be an integer in [0, ${this.length}), got ${index}`);
    }
    const item: TensorItem = {};
    for (const [key, value] of Object.entries(this.#fields)) {
      if (isTypedArray(value)) item[key] = { data: value.subarray(index, index + 1), shape: [] };
      else {
        const rest = value.shape.slice(1);
        const size = shapeSize(rest);
        item[key] = { data: value.data.subarray(index * size, (index + 1) * size), shape: rest };
      }
    }
    return item;
  }

  [moduleRefSymbol](): ModuleRef {
    return { module: builtFileUrl('index', import.meta.url), export: 'TensorDataset', args: [this.#fields] };
  }
}
