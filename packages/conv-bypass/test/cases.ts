// Random convolution cases for the property tests, small enough for the naive reference.
import fc from 'fast-check';
import { type ConvGeometryOptions, type ConvParams, resolveParams, type Tensor4 } from '../src/index.js';
import { randomData } from './reference.js';

export type Shape4 = [number, number, number, number];

export interface ConvCase {
  xShape: Shape4;
  wShape: Shape4;
  opts: ConvGeometryOptions;
  seed: number;
}

export function tensor(shape: Shape4, seed: number): Tensor4 {
  return {
    data: randomData(
      shape.reduce((a, b) => a * b, 1),
      seed,
    ),
    shape,
  };
}

/** The resolved params, or undefined when the options give an empty output. */
export function paramsOf(c: ConvCase): ConvParams | undefined {
  try {
    return resolveParams(c.xShape, c.wShape, c.opts, 'test');
  } catch {
    return undefined;
  }
}

export interface CaseLimits {
  maxSpatial?: number;
  depthwiseOnly?: boolean;
  /** TF.js: no groups other than 1 or depthwise, no dilation together with stride. */
  tfjsCompatible?: boolean;
}

export function convCase(limits: CaseLimits = {}): fc.Arbitrary<ConvCase> {
  const maxSpatial = limits.maxSpatial ?? 10;
  const padding = fc.oneof(
    fc.constant<'same'>('same'),
    fc.constant<'valid'>('valid'),
    fc.integer({ min: 0, max: 2 }),
    fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 })),
    fc.tuple(
      fc.integer({ min: 0, max: 3 }),
      fc.integer({ min: 0, max: 3 }),
      fc.integer({ min: 0, max: 3 }),
      fc.integer({ min: 0, max: 3 }),
    ),
  );
  return fc
    .record({
      n: fc.integer({ min: 1, max: 2 }),
      groups: fc.integer({ min: 1, max: 3 }),
      cg: fc.integer({ min: 1, max: 4 }),
      kg: fc.integer({ min: 1, max: 4 }),
      h: fc.integer({ min: 1, max: maxSpatial }),
      w: fc.integer({ min: 1, max: maxSpatial }),
      r: fc.integer({ min: 1, max: 3 }),
      s: fc.integer({ min: 1, max: 3 }),
      stride: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
      dilation: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 })),
      padding,
      depthwise: fc.boolean(),
      seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
    })
    .map((v) => {
      const depthwise = limits.depthwiseOnly || v.depthwise;
      const cg = depthwise ? 1 : v.cg;
      let groups = v.groups;
      if (limits.tfjsCompatible) groups = depthwise ? v.groups : 1;
      const c = cg * groups;
      const k = v.kg * groups;
      let stride = v.stride;
      let dilation = v.dilation;
      if (limits.tfjsCompatible && (dilation[0] > 1 || dilation[1] > 1)) stride = [1, 1];
      if (limits.tfjsCompatible && depthwise && (stride[0] !== stride[1] || dilation[0] !== dilation[1])) {
        stride = [stride[0], stride[0]];
        dilation = [dilation[0], dilation[0]];
      }
      return {
        xShape: [v.n, c, v.h, v.w] as Shape4,
        wShape: [k, cg, v.r, v.s] as Shape4,
        opts: { stride, dilation, padding: v.padding, groups },
        seed: v.seed,
      };
    })
    .filter((c) => paramsOf(c) !== undefined);
}
