import { conv2d, conv2dBackwardData, conv2dBackwardFilter } from '../conv.js';
import type { Device, Tensor4 } from '../types.js';
import type { AlgorithmName, ConvAlgorithm, ConvGeometry, ConvOperand, Shape4 } from './types.js';

export function isHostTensor(operand: unknown): operand is Tensor4 {
  return (
    typeof operand === 'object' &&
    operand !== null &&
    (operand as { data?: unknown }).data instanceof Float32Array &&
    Array.isArray((operand as { shape?: unknown }).shape)
  );
}

/** A host copy of `operand`: itself when it is a host tensor, else a device tensor's download(). */
export function toHost(operand: ConvOperand | Float32Array, name: string): Tensor4 | Float32Array {
  if (operand instanceof Float32Array || isHostTensor(operand)) return operand;
  const download = (operand as { download?: unknown }).download;
  if (typeof download === 'function') return download.call(operand) as Tensor4;
  throw new TypeError(`${name} must be a { data: Float32Array, shape } tensor or a DeviceTensor`);
}

function hostTensor(operand: ConvOperand, name: string): Tensor4 {
  const host = toHost(operand, name);
  if (host instanceof Float32Array) throw new TypeError(`${name} must be a tensor, not a bare Float32Array`);
  return host;
}

export function hostBias(bias: Float32Array | ConvOperand | undefined): Float32Array | undefined {
  if (bias === undefined) return undefined;
  const host = toHost(bias, 'bias');
  return host instanceof Float32Array ? host : host.data;
}

function options(geometry: ConvGeometry, device: Device) {
  return {
    stride: geometry.stride,
    padding: geometry.padding,
    dilation: geometry.dilation,
    groups: geometry.groups,
    device,
  };
}

/**
 * An algorithm that runs through the public conv functions on one device. The CPU algorithm downloads
 * device tensors first (CPU only runs when asked for, so the copy is what the user requested).
 */
export function publicApiAlgorithm(name: AlgorithmName, device: Device): ConvAlgorithm {
  const host = device === 'cpu';
  const operand = (value: ConvOperand, label: string) =>
    host ? hostTensor(value, label) : (value as Tensor4);
  return {
    name,
    forward(x, w, geometry, bias) {
      // The bias is K floats: a DeviceTensor bias is downloaded (the conv API takes a Float32Array).
      const b = hostBias(bias);
      return conv2d(operand(x, 'x'), operand(w, 'w'), {
        ...options(geometry, device),
        ...(b ? { bias: b } : {}),
      });
    },
    backwardData(dy, w, inputShape: Shape4, geometry) {
      return conv2dBackwardData(operand(dy, 'dy'), operand(w, 'w'), {
        ...options(geometry, device),
        inputShape,
      });
    },
    backwardFilter(x, dy, filterShape: Shape4, geometry) {
      return conv2dBackwardFilter(operand(x, 'x'), operand(dy, 'dy'), {
        ...options(geometry, device),
        filterShape,
      });
    },
  };
}

export const cpuAlgorithm: ConvAlgorithm = publicApiAlgorithm('cpu', 'cpu');
