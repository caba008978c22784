import { OneHot, type OneHotAttrs, type TensorInfo } from '@tensorflow/tfjs-core';
import { oneHot, oneHotStored } from '../kernel_utils/gather.js';
import { deviceKernel } from '../kernel_utils/kernel.js';

export const oneHotConfig = deviceKernel(
  OneHot,
  ({ inputs, backend, attrs }) => {
    const { depth, onValue, offValue, dtype } = attrs as unknown as OneHotAttrs;
    return oneHot(backend, inputs.indices as TensorInfo, depth, onValue, offValue, dtype);
  },
  {
    refuse: ({ inputs, attrs }) => {
      const { onValue, offValue, dtype } = attrs as unknown as OneHotAttrs;
      if ((inputs.indices as TensorInfo).dtype !== 'int32') return 'indices are not int32';
      if (dtype !== 'float32' && dtype !== 'int32' && dtype !== 'bool') return `${dtype} output`;
      // cpu stores bool values as bytes: 2 stays 2, which a 0/1 tensor cannot hold.
      if (dtype === 'bool' && [onValue, offValue].some((v) => oneHotStored(v, 'bool') > 1))
        return 'bool values other than 0 and 1';
      return undefined;
    },
  },
);
