import { _FusedMatMul, type _FusedMatMulAttrs, type TensorInfo } from '@tensorflow/tfjs-core';
import { deviceKernel, type RocmKernelArgs } from '../kernel_utils/kernel.js';
import { type MatMulOptions, matmul, matmulRefusal } from '../kernel_utils/matmul.js';

function optionsOf({ inputs, attrs }: RocmKernelArgs): MatMulOptions {
  const { transposeA, transposeB, activation, leakyreluAlpha } = attrs as unknown as _FusedMatMulAttrs;
  return {
    transposeA,
    transposeB,
    bias: inputs.bias as TensorInfo | undefined,
    activation,
    preluWeights: inputs.preluActivationWeights as TensorInfo | undefined,
    leakyreluAlpha,
  };
}

export const _fusedMatMulConfig = deviceKernel(
  _FusedMatMul,
  (args) => matmul(args.backend, args.inputs.a as TensorInfo, args.inputs.b as TensorInfo, optionsOf(args)),
  {
    refuse: (args) =>
      matmulRefusal(args.inputs.a as TensorInfo, args.inputs.b as TensorInfo, optionsOf(args)),
  },
);
