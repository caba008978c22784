// Unknown option keys are errors that name the function and suggest the nearest valid key (issue 15
// item 10): a misspelt option used to be ignored and the call ran with the default.

import { nearestName } from '@rocm-patch/env';
import { describe, expect, it } from 'vitest';
import {
  ConvRouter,
  configureConvBypass,
  conv2d,
  conv2dAsync,
  conv2dBackwardData,
  conv2dBackwardDataAsync,
  conv2dBackwardFilter,
  conv2dBackwardFilterAsync,
  createConvRouter,
  DeviceTensor,
  patchLayers,
  SafeConv2d,
} from '../src/index.js';
import { enableMiopenBypass } from '../src/tfjs/index.js';
import { tensor } from './cases.js';

const x = tensor([1, 4, 6, 6], 1);
const w = tensor([4, 4, 3, 3], 2);
const dy = tensor([1, 4, 4, 4], 3);

describe('unknown option keys', () => {
  it("conv2d(x, w, { strides: 2 }) throws and suggests 'stride' (it ran with stride 1 before)", async () => {
    expect(() => conv2d(x, w, { strides: 2 } as never)).toThrow(
      new TypeError(
        'conv2d: options.strides is not an option — did you mean options.stride? (options takes stride, ' +
          'padding, dilation, groups, device, out, bias)',
      ),
    );
    await expect(conv2dAsync(x, w, { dilations: 2 } as never)).rejects.toThrow(
      /conv2dAsync: options\.dilations is not an option — did you mean options\.dilation\?/,
    );
  });

  it('every conv function, host and DeviceTensor paths alike', async () => {
    const inputShape = x.shape;
    const filterShape = w.shape;
    expect(() => conv2dBackwardData(dy, w, { inputShape, pad: 1 } as never)).toThrow(
      /conv2dBackwardData: options\.pad is not an option — did you mean options\.padding\?/,
    );
    await expect(conv2dBackwardDataAsync(dy, w, { input_shape: inputShape } as never)).rejects.toThrow(
      /conv2dBackwardDataAsync: options\.input_shape is not an option — did you mean options\.inputShape\?/,
    );
    expect(() => conv2dBackwardFilter(x, dy, { filterShape, group: 1 } as never)).toThrow(
      /conv2dBackwardFilter: options\.group is not an option — did you mean options\.groups\?/,
    );
    await expect(
      conv2dBackwardFilterAsync(x, dy, { filterShape, dataFormat: 'NHWC' } as never),
    ).rejects.toThrow(/conv2dBackwardFilterAsync: options\.dataFormat is not an option \(options takes/);
    // A key of another function is unknown here too.
    expect(() => conv2d(x, w, { inputShape } as never)).toThrow(
      /conv2d: options\.inputShape is not an option/,
    );
    expect(() => conv2dBackwardData(dy, w, { inputShape, bias: new Float32Array(4) } as never)).toThrow(
      /options\.bias is not an option/,
    );
    // A DeviceTensor operand takes the GPU path, which checks its options the same way (before it
    // needs a GPU: this handle is never used).
    const onDevice = new DeviceTensor({} as never, x.shape);
    expect(() => conv2d(onDevice, w, { strides: 2 } as never)).toThrow(
      /conv2d: options\.strides is not an option/,
    );
    expect(() => conv2dBackwardData(onDevice, w, { inputShape, out_: 1 } as never)).toThrow(
      /conv2dBackwardData: options\.out_ is not an option — did you mean options\.out\?/,
    );
    await expect(conv2dBackwardFilterAsync(onDevice, dy, { filterShape, strid: 1 } as never)).rejects.toThrow(
      /conv2dBackwardFilterAsync: options\.strid is not an option/,
    );
    // Known keys with undefined values are fine.
    expect(conv2d(x, w, { stride: undefined, padding: 1 }).shape).toEqual([1, 4, 6, 6]);
  });

  it('the router, SafeConv2d, patchLayers and the TF.js patch', () => {
    expect(() => new ConvRouter({ probeTimeout: 5 } as never)).toThrow(
      /ConvRouter: options\.probeTimeout is not an option — did you mean options\.probeTimeoutMs\?/,
    );
    expect(() => createConvRouter({ stratgy: 'cpu' } as never)).toThrow(
      /createConvRouter: options\.stratgy is not an option — did you mean options\.strategy\?/,
    );
    expect(() => configureConvBypass({ selectiveTreshold: 10 } as never)).toThrow(
      /configureConvBypass: options\.selectiveTreshold is not an option — did you mean options\.selectiveThreshold\?/,
    );
    const router = createConvRouter({ strategy: 'cpu', probe: async () => ({ outcome: 'ok' }) });
    const operands = { direction: 'forward' as const, x, w };
    const geometry = { stride: [1, 1], padding: [1, 1, 1, 1], dilation: [1, 1], groups: 1 } as const;
    expect(() => router.run('Conv2D', operands, geometry as never, { strategie: 'cpu' } as never)).toThrow(
      /ConvRouter\.run: options\.strategie is not an option — did you mean options\.strategy\?/,
    );
    expect(() => new SafeConv2d({ weight: w, stides: 1 } as never)).toThrow(
      /SafeConv2d: options\.stides is not an option — did you mean options\.stride\?/,
    );
    expect(() => patchLayers([{ weight: w }], { routr: router } as never)).toThrow(
      /patchLayers: options\.routr is not an option — did you mean options\.router\?/,
    );
    expect(() => patchLayers([{ weight: w, dilations: 2 } as never])).toThrow(
      /SafeConv2d: options\.dilations is not an option — did you mean options\.dilation\?/,
    );
    expect(() => enableMiopenBypass({ tf: {}, backnd: 'cpu' } as never)).toThrow(
      /enableMiopenBypass: options\.backnd is not an option — did you mean options\.backend\?/,
    );
  });
});

describe('nearestName', () => {
  const keys = ['stride', 'padding', 'dilation', 'groups', 'device', 'out', 'bias', 'inputShape'];
  it.each([
    ['strides', 'stride'],
    ['Stride', 'stride'],
    ['dilations', 'dilation'],
    ['pad', 'padding'],
    ['inputshape', 'inputShape'],
    ['devcie', 'device'],
    ['biases', 'bias'],
  ])('%s → %s', (name, expected) => {
    expect(nearestName(name, keys)).toBe(expected);
  });
  it.each(['dataFormat', 'x', 'kernelSize', 'activation'])('%s → none', (name) => {
    expect(nearestName(name, keys)).toBeUndefined();
  });
});
