import { BatchMatMul, type BatchMatMulAttrs, type TensorInfo } from '@tensorflow/tfjs-core';
import { deviceKernel } from '../kernel_utils/kernel.js';
import { matmul, matmulRefusal } from '../kernel_utils/matmul.js';

export const batchMatMulConfig = deviceKernel(
  BatchMatMul,
  ({ inputs, backend, attrs }) => {
    const { transposeA, transposeB } = attrs as unknown as BatchMatMulAttrs;
    return matmul(backend, inputs.a as TensorInfo, inputs.b as TensorInfo, { transposeA, transposeB });
  },
  {
    refuse: ({ inputs, attrs }) => {
      const { transposeA, transposeB } = attrs as unknown as BatchMatMulAttrs;
      return matmulRefusal(inputs.a as TensorInfo, inputs.b as TensorInfo, { transposeA, transposeB });
    },
  },
);
