// Pooling on the device: TF.js's Conv2DInfo / Conv3DInfo (backend_util.computePool2DInfo / 3DInfo: filter,
// strides, dilations, padding incl. explicit, dimRoundingMode) as the native geometry, and the launches of
// the forward pass (max, average, argmax) and the gradients. A 2-D pool is the 3-D one with depth 1; the
// flags carry where tfjs-backend-cpu's 2-D and 3-D pools differ (native/src/tensor/ops/pool.h lists them).
import {
  type backend_util,
  type DataType,
  type KernelConfig,
  type NamedAttrMap,
  type TensorInfo,
  util,
} from '@tensorflow/tfjs-core';
import type { RocmBackend } from '../backend.js';
import { deviceKernel } from './kernel.js';
import { float32Refusal } from './nn.js';

export type PoolInfo = backend_util.Conv2DInfo | backend_util.Conv3DInfo;

/** The native geometry (NDHWC; 2-D pools have depth 1) of a pool. */
export interface PoolGeometry {
  values: number[];
  inShape: number[];
  outShape: number[];
  /** filterD·filterH·filterW (the average-pool gradient's divisor). */
  filterVolume: number;
  effW: number;
  effH: number;
}

function is3D(info: PoolInfo): info is backend_util.Conv3DInfo {
  return (info as backend_util.Conv3DInfo).inDepth !== undefined;
}

export function poolGeometry(info: PoolInfo): PoolGeometry {
  const d = is3D(info)
    ? {
        inD: info.inDepth,
        outD: info.outDepth,
        effD: info.effectiveFilterDepth,
        strideD: info.strideDepth,
        dilD: info.dilationDepth,
        front: info.padInfo.front,
        filterD: info.filterDepth,
      }
    : { inD: 1, outD: 1, effD: 1, strideD: 1, dilD: 1, front: 0, filterD: 1 };
  return {
    values: [
      info.batchSize,
      d.inD,
      info.inHeight,
      info.inWidth,
      info.inChannels,
      d.outD,
      info.outHeight,
      info.outWidth,
      d.effD,
      info.effectiveFilterHeight,
      info.effectiveFilterWidth,
      d.strideD,
      info.strideHeight,
      info.strideWidth,
      d.dilD,
      info.dilationHeight,
      info.dilationWidth,
      d.front,
      info.padInfo.top,
      info.padInfo.left,
    ],
    inShape: [...info.inShape],
    outShape: [...info.outShape],
    filterVolume: d.filterD * info.filterHeight * info.filterWidth,
    effW: info.effectiveFilterWidth,
    effH: info.effectiveFilterHeight,
  };
}

function writeGeometry(backend: RocmBackend, g: PoolGeometry): void {
  backend.args.set(g.values, 0);
}

export type PoolKind = 'max' | 'avg';
const KIND = { max: 0, avg: 1 } as const;

/** Where tfjs-backend-cpu's 2-D pools (pool_utils.pool, maxPoolPositions) and 3-D ones differ. */
export interface PoolVariant {
  /** The 2-D forward pool scans each window from max(0, corner); the 3-D one on the dilation grid. */
  clampStart: boolean;
  /** The 3-D average divides by max(count, 1); the 2-D one by count (NaN for an empty window). */
  avgEmptyIsZero: boolean;
  /** The 3-D max positions keep the last maximum (>=); the 2-D ones the first (>). */
  tieLast: boolean;
  /** The 3-D positions encode rows with the effective filter height (cpu's slip), the 2-D with the width. */
  rowFactorIsHeight: boolean;
}

export const POOL_2D: PoolVariant = {
  clampStart: true,
  avgEmptyIsZero: false,
  tieLast: false,
  rowFactorIsHeight: false,
};
export const POOL_3D: PoolVariant = {
  clampStart: false,
  avgEmptyIsZero: true,
  tieLast: true,
  rowFactorIsHeight: true,
};

function rowFactor(g: PoolGeometry, v: PoolVariant): number {
  return v.rowFactorIsHeight ? g.effH : g.effW;
}

/** Argmax outputs of MaxPoolWithArgmax: the flat offset in the image, or in the whole batch. */
export type ArgmaxKind = 'flat' | 'flatWithBatch';
const ARGMAX = { flat: 2, flatWithBatch: 3 } as const;

/** The pooled tensor (and, when `argmax` is given, the int32 argmax tensor) of x. */
export function pool(
  backend: RocmBackend,
  x: TensorInfo,
  info: PoolInfo,
  kind: PoolKind,
  variant: PoolVariant,
  outDtype: DataType = 'float32',
  argmax?: ArgmaxKind,
): TensorInfo[] {
  const g = poolGeometry(info);
  const y = backend.makeTensorInfo(g.outShape, outDtype);
  const positions = argmax ? backend.makeTensorInfo(g.outShape, 'int32') : undefined;
  if (util.sizeFromShape(g.outShape) > 0) {
    writeGeometry(backend, g);
    backend.device.pool(
      backend.activeName,
      backend.bufferOf(x),
      backend.bufferOf(y),
      positions ? backend.bufferOf(positions) : -1,
      KIND[kind],
      argmax ? ARGMAX[argmax] : 0,
      variant.clampStart,
      variant.avgEmptyIsZero,
      variant.tieLast,
      rowFactor(g, variant),
    );
  }
  return positions ? [y, positions] : [y];
}

/**
 * dx (float32, x's shape) of a pool: a max pool's finds each window's argmax in x with the forward pass's
 * rule, then every dx element gathers the dy of the windows whose argmax it is; an average pool's
 * gathers the dy of every window that reads it, times 1 / filter volume (cpu's divisor).
 */
export function poolGrad(
  backend: RocmBackend,
  dy: TensorInfo,
  x: TensorInfo,
  info: PoolInfo,
  kind: PoolKind,
  variant: PoolVariant,
): TensorInfo {
  const g = poolGeometry(info);
  const dx = backend.makeTensorInfo([...x.shape], 'float32');
  if (util.sizeFromShape(x.shape) > 0) {
    writeGeometry(backend, g);
    backend.args.set(dySpatial(dy), g.values.length);
    backend.device.poolGrad(
      backend.activeName,
      backend.bufferOf(dy),
      kind === 'max' ? backend.bufferOf(x) : -1,
      backend.bufferOf(dx),
      KIND[kind],
      variant.tieLast,
      rowFactor(g, variant),
      1 / g.filterVolume,
    );
  }
  return dx;
}

/** dy's depth, height and width (a 2-D pool's depth 1). */
function dySpatial(dy: TensorInfo): [number, number, number] {
  const s = dy.shape;
  return s.length === 5 ? [s[1]!, s[2]!, s[3]!] : [1, s[1]!, s[2]!];
}

/**
 * Why a pool gradient does not run on the device: dy must match the geometry's batch and channels and be
 * at least its output size (cpu indexes dy by dy's own shape, which is larger after a forward pass with
 * dimRoundingMode 'ceil' or 'round': tfjs-core passes no rounding mode to the 2-D gradients).
 */
export function poolGradRefusal(dy: TensorInfo, info: PoolInfo): string | undefined {
  const g = poolGeometry(info);
  const [d, h, w] = dySpatial(dy);
  const s = dy.shape;
  const fits =
    s.length === g.outShape.length &&
    s[0] === g.outShape[0] &&
    s[s.length - 1] === g.outShape[g.outShape.length - 1] &&
    d >= g.values[5]! &&
    h >= g.values[6]! &&
    w >= g.values[7]!;
  return fits ? undefined : `dy of shape [${s}] for a pool output of [${g.outShape}]`;
}

/** The 3-D pools compute on NDHWC (tfjs-core's ops accept nothing else). */
export function ndhwcRefusal(dataFormat: string | undefined): string | undefined {
  return dataFormat === undefined || dataFormat === 'NDHWC' ? undefined : `dataFormat ${dataFormat}`;
}

/**
 * A pool-gradient kernel (inputs dy, input[, output]): `infoOf` computes the geometry from the input's
 * shape and the attributes as tfjs-backend-cpu's kernel does.
 */
export function poolGradKernel(
  kernelName: string,
  kind: PoolKind,
  variant: PoolVariant,
  infoOf: (x: TensorInfo, attrs: NamedAttrMap) => PoolInfo,
): KernelConfig {
  return deviceKernel(
    kernelName,
    ({ inputs, backend, attrs }) => {
      const x = inputs.input as TensorInfo;
      return poolGrad(backend, inputs.dy as TensorInfo, x, infoOf(x, attrs ?? {}), kind, variant);
    },
    {
      refuse: ({ inputs, attrs }) => {
        const dy = inputs.dy as TensorInfo;
        const x = inputs.input as TensorInfo;
        // An average pool's gradient reads only x's shape.
        const dtypes = kind === 'max' ? float32Refusal(dy, x) : float32Refusal(dy);
        return dtypes ?? poolGradRefusal(dy, infoOf(x, attrs ?? {}));
      },
    },
  );
}
