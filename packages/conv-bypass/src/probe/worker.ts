/**
 * The probe worker (its own build entry, dist/probe-worker.mjs): a @rocm-patch/mp process worker that
 * runs the vendor path once for a key on random data and checks the result against our CPU kernel. If the
 * vendor library hangs or crashes, only this process is lost.
 */
import { cpuAlgorithm } from '../strategy/algorithms.js';
import { runAlgorithm } from '../strategy/router.js';
import type {
  ConvAlgorithm,
  ConvOperand,
  ConvOperands,
  ConvProblem,
  Shape4,
  Tensor4,
} from '../strategy/types.js';
import { loadNativeVendor } from '../vendor/native-vendor.js';
import type { ProbeRequest } from './runner.js';

/** Largest |a - b| / max|b| allowed between the vendor result and ours. */
const TOLERANCE = 1e-3;

function random(shape: Shape4, seed: number): Tensor4 {
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
  let state = seed >>> 0 || 1;
  for (let i = 0; i < data.length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    data[i] = ((state >>> 0) / 4294967296) * 2 - 1;
  }
  return { data, shape };
}

function operandsFor(problem: ConvProblem): ConvOperands {
  switch (problem.direction) {
    case 'forward':
      return { direction: 'forward', x: random(problem.x, 1), w: random(problem.w, 2) };
    case 'backwardData':
      return {
        direction: 'backwardData',
        dy: random(problem.y, 3),
        w: random(problem.w, 2),
        inputShape: problem.x,
      };
    case 'backwardFilter':
      return {
        direction: 'backwardFilter',
        x: random(problem.x, 1),
        dy: random(problem.y, 3),
        filterShape: problem.w,
      };
  }
}

async function vendorFor(request: ProbeRequest): Promise<ConvAlgorithm> {
  if (request.vendorModule) {
    const module = (await import(request.vendorModule)) as { createVendorAlgorithm(): ConvAlgorithm };
    return module.createVendorAlgorithm();
  }
  const vendor = loadNativeVendor();
  if ('error' in vendor) throw new Error(`no vendor conv library: ${vendor.error}`);
  return vendor.algorithm;
}

function maxRelativeError(actual: ConvOperand, expected: ConvOperand): number {
  const a = (actual as Tensor4).data;
  const b = (expected as Tensor4).data;
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let scale = 0;
  let worst = 0;
  for (let i = 0; i < b.length; i++) {
    scale = Math.max(scale, Math.abs(b[i]!));
    worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  }
  if (Number.isNaN(worst)) return Number.POSITIVE_INFINITY;
  return worst / Math.max(scale, 1e-30);
}

/** Task: runs the vendor path for `request.key` once; throws when it fails or computes a wrong result. */
export async function probeConv(request: ProbeRequest): Promise<{ ms: number }> {
  const vendor = await vendorFor(request);
  const { problem, key } = request;
  const operands = operandsFor(problem);
  const start = performance.now();
  const result = runAlgorithm(vendor, key, operands, problem);
  const ms = performance.now() - start;
  const error = maxRelativeError(result, runAlgorithm(cpuAlgorithm, key, operands, problem));
  if (!(error <= TOLERANCE)) {
    throw new Error(`the vendor result differs from ours by ${error.toExponential(2)} (relative) for ${key}`);
  }
  return { ms };
}
