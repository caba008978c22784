export {
  type Batch,
  type Collated,
  type CollatedField,
  type CollatedFields,
  type CollateFn,
  defaultCollate,
} from './collate.js';
export {
  DataLoader,
  type DataLoaderOptions,
} from './dataloader.js';
export {
  type ItemContext,
  type IterableDataset,
  type MapDataset,
  type ModuleRef,
  moduleRefSymbol,
  type PortableDataset,
} from './dataset.js';
export { type DataLoaderDefaults, loaderDefaults, patchDataLoader } from './defaults.js';
export { BatchTimeoutError, SampleError } from './errors.js';
export { mixSeed, permutation, Rng, sampleSeed } from './rng.js';
export {
  BatchSampler,
  type BatchSamplerLike,
  DistributedSampler,
  type DistributedSamplerOptions,
  RandomSampler,
  type Sampler,
  SequentialSampler,
} from './samplers.js';
export {
  type ShapeItem,
  SyntheticShapesDataset,
  type SyntheticShapesOptions,
  shapeClasses,
} from './synthetic-shapes.js';
export type { Tensor, TypedArray } from './tensor.js';
export { TensorDataset, type TensorItem } from './tensor-dataset.js';
export { type TfLike, type ToTfDatasetOptions, toTfDataset } from './tfjs.js';
export { type LoaderWorkerInfo, workerInfo } from './worker-info.js';
