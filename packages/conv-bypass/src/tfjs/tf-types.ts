/**
 * The few parts of @tensorflow/tfjs-core the patch uses, as structural types: the patch takes the user's
 * `tf` namespace as an argument, so this package needs tfjs-core neither at run time nor for its types
 * (it is an optional peer dependency).
 */

export type DataId = object;

export interface TensorInfo {
  dataId: DataId;
  shape: number[];
  dtype: string;
}

/** A TF.js backend: the patch reads inputs with readSync and hands results over with write. */
export interface TfBackend {
  readSync(dataId: DataId): ArrayLike<number> | unknown;
  write(values: Float32Array, shape: number[], dtype: string): DataId;
}

export type Attrs = Record<string, unknown>;

export interface KernelArgs {
  inputs: Record<string, TensorInfo | undefined>;
  backend: TfBackend;
  attrs?: Attrs;
}

export type KernelFunc = (args: KernelArgs) => TensorInfo | TensorInfo[];

export interface KernelConfig {
  kernelName: string;
  backendName: string;
  kernelFunc: KernelFunc;
  setupFunc?: unknown;
  disposeFunc?: unknown;
}

export interface Conv2DInfo {
  batchSize: number;
  inHeight: number;
  inWidth: number;
  inChannels: number;
  outHeight: number;
  outWidth: number;
  outChannels: number;
  dataFormat: 'channelsFirst' | 'channelsLast';
  strideHeight: number;
  strideWidth: number;
  dilationHeight: number;
  dilationWidth: number;
  filterHeight: number;
  filterWidth: number;
  padInfo: { top: number; bottom: number; left: number; right: number; type: string };
  outShape: [number, number, number, number];
}

/** The `tf` namespace of @tensorflow/tfjs, tfjs-core or tfjs-node (4.x). */
export interface TfNamespace {
  getKernel(kernelName: string, backendName: string): KernelConfig | undefined;
  registerKernel(config: KernelConfig): void;
  unregisterKernel(kernelName: string, backendName: string): void;
  getBackend(): string | undefined;
  backend(): unknown;
  findBackend(name: string): unknown;
  backend_util: {
    computeConv2DInfo(
      inShape: [number, number, number, number],
      filterShape: [number, number, number, number],
      strides: number | [number, number],
      dilations: number | [number, number],
      pad: unknown,
      roundingMode?: unknown,
      depthwise?: boolean,
      dataFormat?: 'channelsFirst' | 'channelsLast',
    ): Conv2DInfo;
  };
}
