/**
 * The backend self-test of `rocm-patch doctor`: a handful of TF.js ops (the kernels every model needs:
 * a broadcasting add, a matMul, a conv2d, a reduction, a softmax, a max pool) run on the 'rocm' backend
 * and on tfjs-backend-cpu, compared within a tolerance, with the kernels each one ran on the device or
 * on the host path. Skipped, with the reason, where the backend cannot start. Strict mode is off while it
 * runs (a host-path call is reported, not an error).
 */
import { checkOptionKeys, formatValue } from '@rocm-patch/env';
import type * as Tfjs from '@tensorflow/tfjs';
import { loadRocmBackend, type RocmBackendModule, setBackendExplained } from './backend.js';
import { median, random, relError } from './self-test.js';
import { importTf } from './tf-import.js';

type Tf = typeof Tfjs;
type Tensor = Tfjs.Tensor;

interface Case {
  name: string;
  inputs: readonly (readonly number[])[];
  run: (tf: Tf, inputs: Tensor[]) => Tensor;
}

const CASES: readonly Case[] = [
  {
    name: 'add, broadcast [4,1,5]+[3,5]',
    inputs: [
      [4, 1, 5],
      [3, 5],
    ],
    run: (tf, [a, b]) => tf.add(a!, b!),
  },
  {
    name: 'matMul [8,16]×[12,16]ᵀ',
    inputs: [
      [8, 16],
      [12, 16],
    ],
    run: (tf, [a, b]) => tf.matMul(a as Tfjs.Tensor2D, b as Tfjs.Tensor2D, false, true),
  },
  {
    name: 'conv2d [2,9,9,3]*[3,3,3,4] same',
    inputs: [
      [2, 9, 9, 3],
      [3, 3, 3, 4],
    ],
    run: (tf, [x, w]) => tf.conv2d(x as Tfjs.Tensor4D, w as Tfjs.Tensor4D, 1, 'same'),
  },
  { name: 'sum [6,7,5] axis 1', inputs: [[6, 7, 5]], run: (tf, [x]) => tf.sum(x!, 1) },
  { name: 'softmax [4,10]', inputs: [[4, 10]], run: (tf, [x]) => tf.softmax(x!) },
  {
    name: 'maxPool 2×2 [2,8,8,3]',
    inputs: [[2, 8, 8, 3]],
    run: (tf, [x]) => tf.maxPool(x as Tfjs.Tensor4D, 2, 2, 'valid'),
  },
];

const TOLERANCE = 1e-4;
const REPEATS = 3;

export interface BackendCheck {
  case: string;
  status: 'ok' | 'mismatch' | 'error';
  /** max |rocm − cpu| / max |cpu| */
  relError: number | null;
  /** Median of the timed runs on 'rocm' (the op and reading its result back), in ms. */
  ms: number | null;
  /** The kernels the 'rocm' backend ran for it. */
  kernels: string[];
  /** Those of them that took the host path (tfjs-backend-cpu on downloaded inputs), with the reason. */
  hostPath: Record<string, string>;
  detail?: string;
}

export interface BackendSelfTestReport {
  /** What the backend computes on, e.g. "AMD Radeon RX 5700 XT (gfx1010, hip)". */
  device: string;
  checks: BackendCheck[];
  /** Every check matched tfjs-backend-cpu (host-path calls do not count against it: they are correct). */
  ok: boolean;
  /** Kernel calls of the checks that took the host path. */
  hostPathCalls: number;
}

/** Where the backend cannot start: why, and what to do about it. */
export interface BackendSelfTestSkipped {
  skipped: string;
  fix?: string;
}

export type BackendSelfTestResult = BackendSelfTestReport | BackendSelfTestSkipped | { error: string };

export interface BackendSelfTestOptions {
  /** The `tf` namespace (default: the one importable from here). */
  tf?: unknown;
  /** Called after each check (for progress). */
  onCheck?: (check: BackendCheck, index: number, total: number) => void;
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
}

function makeInputs(tf: Tf, c: Case, index: number): Tensor[] {
  return c.inputs.map((shape, i) => {
    const n = shape.reduce((a, b) => a * b, 1);
    return tf.tensor(random(n, 101 + 10 * index + i), [...shape]);
  });
}

/** Runs the case on the active backend: its result, and the time of each run. */
function runCase(tf: Tf, c: Case, index: number, repeats: number): { values: Float32Array; ms: number[] } {
  const inputs = makeInputs(tf, c, index);
  try {
    const ms: number[] = [];
    let values = new Float32Array(0);
    for (let r = 0; r < repeats; r++) {
      const t0 = performance.now();
      const out = c.run(tf, inputs);
      try {
        values = Float32Array.from(out.dataSync() as ArrayLike<number>);
      } finally {
        out.dispose();
      }
      ms.push(performance.now() - t0);
    }
    return { values, ms };
  } finally {
    tf.dispose(inputs);
  }
}

/** Calls per kernel between two reports (native and host path together), and the host-path ones. */
function callsBetween(
  before: ReturnType<RocmBackendModule['getBackendReport']>,
  after: ReturnType<RocmBackendModule['getBackendReport']>,
): { kernels: string[]; hostPath: Record<string, string>; hostPathCalls: number } {
  const kernels = new Set<string>();
  const hostPath: Record<string, string> = {};
  let hostPathCalls = 0;
  for (const [name, n] of Object.entries(after.native)) if (n > (before.native[name] ?? 0)) kernels.add(name);
  for (const [name, n] of Object.entries(after.hostPath)) {
    const added = n - (before.hostPath[name] ?? 0);
    if (added > 0) {
      kernels.add(name);
      hostPath[name] = after.hostPathReasons[name] ?? '';
      hostPathCalls += added;
    }
  }
  return { kernels: [...kernels].sort(), hostPath, hostPathCalls };
}

/**
 * Runs every check on 'rocm' and on 'cpu', then puts the backend that was active back. Never throws for
 * a failing kernel (that is a check with status 'error'); an invalid ROCM_PATCH_TFJS_DEVICE, or a
 * @rocm-patch/tfjs-backend that does not load while TF.js does, is `{ error }`.
 */
export async function runBackendSelfTest(
  options: BackendSelfTestOptions = {},
): Promise<BackendSelfTestResult> {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`runBackendSelfTest: options must be an object, got ${formatValue(options)}`);
  }
  checkOptionKeys('runBackendSelfTest', 'options', options, ['tf', 'onCheck']);
  const tf = (options.tf ?? (await importTf())) as Tf | undefined;
  if (tf === undefined) {
    return {
      skipped: 'no TF.js importable (@tensorflow/tfjs or @tensorflow/tfjs-core): nothing would use it',
    };
  }
  let rocm: RocmBackendModule;
  try {
    rocm = await loadRocmBackend();
    rocm.checkDeviceRequest(process.env[rocm.DEVICE_ENV], rocm.DEVICE_ENV);
  } catch (error) {
    return { error: firstLine(error) };
  }
  const probe = rocm.deviceAvailability();
  if (probe.kind === null)
    return { skipped: `the 'rocm' backend cannot start here: ${probe.reason}`, fix: probe.fix };

  await tf.ready(); // the backend TF.js would use: put back at the end
  const previous = tf.getBackend();
  const selected = await setBackendExplained(tf, rocm.BACKEND_NAME);
  if (!selected.ok) {
    await tf.setBackend(previous === rocm.BACKEND_NAME ? 'cpu' : previous);
    return { error: `tf.setBackend('rocm') failed on the ${probe.kind}: ${selected.why}` };
  }
  const device = rocm.getBackendReport().device;
  const checks: BackendCheck[] = [];
  let hostPathCalls = 0;
  // Strict mode (ROCM_PATCH_TFJS_STRICT=1) would turn each host-path call into an error: the test is
  // about results and about which kernels take the host path, so it runs them there and says so.
  const strict = rocm.isStrict();
  rocm.setStrict(false);
  try {
    for (const [index, c] of CASES.entries()) {
      let check: BackendCheck;
      await tf.setBackend('cpu');
      const expected = runCase(tf, c, index, 1).values;
      await tf.setBackend(rocm.BACKEND_NAME);
      const before = rocm.getBackendReport();
      try {
        const { values, ms } = runCase(tf, c, index, REPEATS);
        const calls = callsBetween(before, rocm.getBackendReport());
        hostPathCalls += calls.hostPathCalls;
        const err = relError(values, expected);
        check = {
          case: c.name,
          status: err <= TOLERANCE ? 'ok' : 'mismatch',
          relError: err,
          ms: median(ms),
          kernels: calls.kernels,
          hostPath: calls.hostPath,
        };
      } catch (error) {
        const calls = callsBetween(before, rocm.getBackendReport());
        check = {
          case: c.name,
          status: 'error',
          relError: null,
          ms: null,
          kernels: calls.kernels,
          hostPath: calls.hostPath,
          detail: firstLine(error),
        };
      }
      checks.push(check);
      options.onCheck?.(check, checks.length, CASES.length);
    }
  } finally {
    rocm.setStrict(strict);
    await tf.setBackend(previous);
  }
  return { device, checks, ok: checks.every((c) => c.status === 'ok'), hostPathCalls };
}
