// Fused optimizer steps. tfjs-core's Adam runs a dozen elementwise kernels per variable and step, and
// uploads a scalar for each numeric constant it uses; SGD runs two. On the 'rocm' backend these become one
// launch per variable (kernels RocmAdamUpdate, RocmSgdUpdate), with the same formulas in float32. The
// optimizers keep their state exactly as tfjs-core does (moment variables, accumulated β powers,
// iterations), so saving, loading and switching backends see no difference. Other backends, other dtypes
// and ROCM_PATCH_TFJS_FUSED_OPTIMIZERS=0 run tfjs-core's own code.
import {
  AdamOptimizer,
  engine,
  mul,
  type NamedTensorMap,
  SGDOptimizer,
  sub,
  type Tensor,
  tidy,
  type Variable,
  zerosLike,
} from '@tensorflow/tfjs-core';
import { BACKEND_NAME } from './kernel_utils/kernel.js';
import { ROCM_ADAM_UPDATE } from './kernels/RocmAdamUpdate.js';
import { ROCM_SGD_UPDATE } from './kernels/RocmSgdUpdate.js';

/** Environment variable: '0' keeps tfjs-core's unfused optimizer steps on the 'rocm' backend. */
export const FUSED_OPTIMIZERS_ENV = 'ROCM_PATCH_TFJS_FUSED_OPTIMIZERS';

type Gradients = NamedTensorMap | { name: string; tensor: Tensor }[];
type Apply = (this: unknown, g: Gradients) => void;

// tfjs-core's private fields the fused steps read and update (as of 4.x; checked before use).
interface AdamInternals {
  beta1: number;
  beta2: number;
  epsilon: number;
  learningRate: number;
  accBeta1: Variable;
  accBeta2: Variable;
  accumulatedFirstMoment: ({ originalName: string; variable: Variable } | undefined)[];
  accumulatedSecondMoment: ({ originalName: string; variable: Variable } | undefined)[];
  incrementIterations(): void;
}
interface SgdInternals {
  c: Tensor;
  incrementIterations(): void;
}

function names(g: Gradients): string[] {
  return Array.isArray(g) ? g.map((v) => v.name) : Object.keys(g);
}

function gradientOf(g: Gradients, name: string, i: number): Tensor | undefined {
  return Array.isArray(g) ? g[i]?.tensor : g[name];
}

/** Whether this call can take the fused path: the 'rocm' backend, float32 variables and gradients. */
function fusable(g: Gradients): boolean {
  if (engine().backendName !== BACKEND_NAME || process.env[FUSED_OPTIMIZERS_ENV] === '0') return false;
  const vars = engine().registeredVariables;
  return names(g).every((name, i) => {
    const grad = gradientOf(g, name, i);
    return vars[name]?.dtype === 'float32' && (grad == null || grad.dtype === 'float32');
  });
}

function fusedAdam(this: AdamInternals, g: Gradients): void {
  const vars = engine().registeredVariables;
  tidy(() => {
    const oneMinusAccBeta1 = sub(1, this.accBeta1);
    const oneMinusAccBeta2 = sub(1, this.accBeta2);
    names(g).forEach((name, i) => {
      const value = vars[name]!;
      this.accumulatedFirstMoment[i] ??= {
        originalName: `${name}/m`,
        variable: tidy(() => zerosLike(value).variable(false)),
      };
      this.accumulatedSecondMoment[i] ??= {
        originalName: `${name}/v`,
        variable: tidy(() => zerosLike(value).variable(false)),
      };
      const gradient = gradientOf(g, name, i);
      if (gradient == null) return;
      const m = this.accumulatedFirstMoment[i]!.variable;
      const v = this.accumulatedSecondMoment[i]!.variable;
      const [x2, m2, v2] = engine().runKernel(
        ROCM_ADAM_UPDATE,
        { x: value, g: gradient, m, v, c1: oneMinusAccBeta1, c2: oneMinusAccBeta2 },
        { beta1: this.beta1, beta2: this.beta2, learningRate: this.learningRate, epsilon: this.epsilon },
      ) as Tensor[];
      m.assign(m2!);
      v.assign(v2!);
      value.assign(x2!);
    });
    this.accBeta1.assign(mul(this.accBeta1, this.beta1));
    this.accBeta2.assign(mul(this.accBeta2, this.beta2));
  });
  this.incrementIterations();
}

function fusedSgd(this: SgdInternals, g: Gradients): void {
  const vars = engine().registeredVariables;
  names(g).forEach((name, i) => {
    const gradient = gradientOf(g, name, i);
    if (gradient == null) return;
    const value = vars[name]!;
    tidy(() => {
      value.assign(engine().runKernel(ROCM_SGD_UPDATE, { x: value, g: gradient, c: this.c }, {}) as Tensor);
    });
  });
  this.incrementIterations();
}

const PATCHED = Symbol.for('@rocm-patch/tfjs-backend.fusedOptimizer');

function patch(proto: object, fused: Apply, required: string[]): void {
  const p = proto as { applyGradients: Apply; [PATCHED]?: boolean };
  if (p[PATCHED]) return;
  const original = p.applyGradients;
  p.applyGradients = function applyGradients(this: unknown, g: Gradients) {
    // tfjs-core's own step unless this is a 'rocm' call with the fields the fused step relies on.
    const self = this as Record<string, unknown>;
    if (!fusable(g) || required.some((k) => self[k] === undefined)) return original.call(this, g);
    return fused.call(this, g);
  };
  p[PATCHED] = true;
}

/** Installs the fused steps on tfjs-core's Adam and SGD optimizers (once per tfjs-core instance). */
export function installFusedOptimizers(): void {
  patch(AdamOptimizer.prototype, fusedAdam as Apply, [
    'accBeta1',
    'accBeta2',
    'accumulatedFirstMoment',
    'accumulatedSecondMoment',
  ]);
  patch(SGDOptimizer.prototype, fusedSgd as Apply, ['c']);
}
