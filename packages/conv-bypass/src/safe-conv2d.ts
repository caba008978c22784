import { checkOptionKeys } from '@rocm-patch/env';
import { conv2dBackwardBias } from './conv.js';
import { resolveParams } from './geometry.js';
import { isHostTensor, toHost } from './strategy/algorithms.js';
import { getConvRouter } from './strategy/index.js';
import type { CallObserver, ConvRouter } from './strategy/router.js';
import { checkStrategy } from './strategy/select.js';
import type {
  AlgorithmName,
  ConvGeometry,
  ConvOperand,
  FallbackStrategy,
  Shape4,
  Tensor4,
} from './strategy/types.js';
import type { Padding } from './types.js';

export interface SafeConv2dOptions {
  /** K × (C / groups) × R × S: a host tensor, or a DeviceTensor of the GPU backend. */
  weight: ConvOperand;
  /** Length K: a Float32Array, or a DeviceTensor. */
  bias?: Float32Array | ConvOperand;
  stride?: number | [number, number];
  padding?: Padding;
  dilation?: number | [number, number];
  groups?: number;
  /** This layer's strategy (default: the router's). */
  strategy?: FallbackStrategy;
  /** Default: the package's default router. */
  router?: ConvRouter;
  /** Shown in errors and statistics (default conv<N>). */
  name?: string;
}

export interface SafeConv2dGradients {
  /** Gradient with respect to the input x. */
  dx: ConvOperand;
  /** Gradient with respect to the weight. */
  dw: ConvOperand;
  /** Gradient with respect to the bias (undefined when the layer has none). */
  db: Float32Array | undefined;
}

export interface SafeConv2dStats {
  calls: number;
  timeMs: number;
  byAlgorithm: Partial<Record<AlgorithmName, number>>;
}

const SAFE_CONV2D_OPTION_KEYS: readonly (keyof SafeConv2dOptions)[] = [
  'weight',
  'bias',
  'stride',
  'padding',
  'dilation',
  'groups',
  'strategy',
  'router',
  'name',
];

let layerCounter = 0;

function shape4(operand: ConvOperand, name: string): Shape4 {
  const shape = (operand as { shape?: unknown } | null)?.shape;
  if (!Array.isArray(shape) || shape.length !== 4)
    throw new TypeError(`${name} must be a rank-4 tensor ({ data, shape } or DeviceTensor)`);
  return [...shape] as Shape4;
}

/**
 * A 2-D convolution layer for users without TF.js: forward, backward (dx, dw, db) through the strategy
 * router, so the vendor library is used only where it is probed safe and everything else runs on our
 * kernels. The layer keeps the input of the last forward() for backward().
 */
export class SafeConv2d {
  readonly name: string;
  weight: ConvOperand;
  bias: Float32Array | ConvOperand | undefined;
  readonly strategy: FallbackStrategy | undefined;
  private readonly router: ConvRouter;
  readonly geometryOptions: Pick<SafeConv2dOptions, 'stride' | 'padding' | 'dilation' | 'groups'>;
  private lastInput: ConvOperand | undefined;
  private readonly counters: SafeConv2dStats = { calls: 0, timeMs: 0, byAlgorithm: {} };
  private readonly observe: CallObserver = (algorithm, ms) => {
    this.counters.calls += 1;
    this.counters.timeMs += ms;
    this.counters.byAlgorithm[algorithm] = (this.counters.byAlgorithm[algorithm] ?? 0) + 1;
  };

  constructor(options: SafeConv2dOptions) {
    if (typeof options !== 'object' || options === null)
      throw new TypeError('SafeConv2d: options must be an object');
    checkOptionKeys('SafeConv2d', 'options', options, SAFE_CONV2D_OPTION_KEYS);
    layerCounter += 1;
    this.name = options.name ?? `conv${layerCounter}`;
    const w = shape4(options.weight, 'SafeConv2d: options.weight');
    if (options.bias !== undefined) {
      const length =
        options.bias instanceof Float32Array ? options.bias.length : shapeSize(options.bias.shape);
      if (length !== w[0])
        throw new RangeError(`SafeConv2d: options.bias has ${length} elements, expected K = ${w[0]}`);
    }
    this.weight = options.weight;
    this.bias = options.bias;
    this.strategy =
      options.strategy === undefined
        ? undefined
        : checkStrategy(options.strategy, 'SafeConv2d: options.strategy');
    this.router = options.router ?? getConvRouter();
    this.geometryOptions = {
      stride: options.stride,
      padding: options.padding,
      dilation: options.dilation,
      groups: options.groups,
    };
  }

  /** The resolved geometry for an input shape (checks the options against the weight). */
  geometryFor(inputShape: Shape4): ConvGeometry {
    const p = resolveParams(
      inputShape,
      shape4(this.weight, 'weight'),
      { ...this.geometryOptions },
      `SafeConv2d(${this.name})`,
    );
    // Bottom/right padding from the output size; a negative value (rows the last window skips) is 0.
    const bottom = Math.max(0, (p.p - 1) * p.strideH + (p.r - 1) * p.dilationH + 1 - p.h - p.padTop);
    const right = Math.max(0, (p.q - 1) * p.strideW + (p.s - 1) * p.dilationW + 1 - p.w - p.padLeft);
    return {
      stride: [p.strideH, p.strideW],
      padding: [p.padTop, bottom, p.padLeft, right],
      dilation: [p.dilationH, p.dilationW],
      groups: p.groups,
    };
  }

  /** y = conv(x, weight) + bias. */
  forward(x: ConvOperand): ConvOperand {
    const geometry = this.geometryFor(shape4(x, `SafeConv2d(${this.name}).forward: x`));
    this.lastInput = x;
    return this.router.run(
      'SafeConv2d.forward',
      { direction: 'forward', x, w: this.weight, bias: this.bias },
      geometry,
      { strategy: this.strategy, observe: this.observe },
    );
  }

  /** Gradients from dy, for the input of the last forward() (or the given x). */
  backward(dy: ConvOperand, x: ConvOperand | undefined = this.lastInput): SafeConv2dGradients {
    if (x === undefined) throw new Error(`SafeConv2d(${this.name}).backward: call forward() first or pass x`);
    const inputShape = shape4(x, `SafeConv2d(${this.name}).backward: x`);
    const geometry = this.geometryFor(inputShape);
    const call = { strategy: this.strategy, observe: this.observe };
    const dx = this.router.run(
      'SafeConv2d.backwardData',
      { direction: 'backwardData', dy, w: this.weight, inputShape },
      geometry,
      call,
    );
    const filterShape = shape4(this.weight, 'weight');
    const dw = this.router.run(
      'SafeConv2d.backwardFilter',
      { direction: 'backwardFilter', x, dy, filterShape },
      geometry,
      call,
    );
    let db: Float32Array | undefined;
    if (this.bias !== undefined) {
      const hostDy = isHostTensor(dy) ? dy : (toHost(dy, 'dy') as Tensor4);
      db = conv2dBackwardBias(hostDy);
    }
    return { dx, dw, db };
  }

  /** This layer's calls, time and algorithms (forward and both gradients). */
  stats(): SafeConv2dStats {
    return {
      calls: this.counters.calls,
      timeMs: this.counters.timeMs,
      byAlgorithm: { ...this.counters.byAlgorithm },
    };
  }
}

function shapeSize(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * The patchModel helper for a list of layers: turns each layer description (SafeConv2dOptions) into a
 * SafeConv2d — or re-creates an existing SafeConv2d — with one strategy and router for all of them.
 */
export function patchLayers(
  layers: readonly (SafeConv2dOptions | SafeConv2d)[],
  options: { strategy?: FallbackStrategy; router?: ConvRouter } = {},
): SafeConv2d[] {
  if (!Array.isArray(layers))
    throw new TypeError('patchLayers: layers must be an array of layer options or SafeConv2d');
  if (typeof options !== 'object' || options === null)
    throw new TypeError('patchLayers: options must be an object');
  checkOptionKeys('patchLayers', 'options', options, ['strategy', 'router']);
  return layers.map((layer, index) => {
    if (typeof layer !== 'object' || layer === null)
      throw new TypeError(`patchLayers: layers[${index}] must be an object`);
    const base: SafeConv2dOptions =
      layer instanceof SafeConv2d
        ? { weight: layer.weight, bias: layer.bias, ...layer.geometryOptions, name: layer.name }
        : layer;
    return new SafeConv2d({
      ...base,
      ...(options.strategy !== undefined ? { strategy: options.strategy } : {}),
      ...(options.router !== undefined ? { router: options.router } : {}),
    });
  });
}
