// The host path: a kernel the backend has no device implementation for (or one whose arguments its
// device implementation does not take) runs tfjs-backend-cpu's kernel on downloaded inputs, and its
// outputs are uploaded. Never silent: every call is counted per kernel, and in strict mode it throws.
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { type BackendValues, getKernel, type KernelConfig, type TensorInfo } from '@tensorflow/tfjs-core';
import type { RocmBackend } from './backend.js';

export type KernelArgs = Parameters<KernelConfig['kernelFunc']>[0];
type Result = TensorInfo | TensorInfo[];

export class HostPath {
  private cpu: MathBackendCPU | undefined;

  constructor(private readonly backend: RocmBackend) {}

  /** The private cpu backend the host path computes on (created on first use). */
  private cpuBackend(): MathBackendCPU {
    this.cpu ??= new MathBackendCPU();
    return this.cpu;
  }

  /** Runs tfjs-backend-cpu's `kernelName` on the inputs, counted (or refused in strict mode). */
  run(kernelName: string, args: KernelArgs, why: string): Result {
    this.backend.log.hostPath(kernelName, why);
    const config = getKernel(kernelName, 'cpu');
    if (!config) {
      throw new Error(
        `${kernelName}: the 'rocm' backend has no device kernel for this call (${why}), and tfjs-backend-cpu has no kernel of that name to run on the host`,
      );
    }
    const cpu = this.cpuBackend();
    const temporaries: TensorInfo[] = [];
    let out: Result;
    try {
      // Some kernels take a list of inputs (Concat, Pack, AddN, Einsum), the others named ones.
      // (RaggedGather's named inputs hold lists too.)
      const convert = (t: unknown): unknown =>
        t == null ? t : Array.isArray(t) ? t.map(convert) : this.toCpu(t as TensorInfo, temporaries);
      const inputs = Array.isArray(args.inputs)
        ? (args.inputs as TensorInfo[]).map(convert)
        : Object.fromEntries(Object.entries(args.inputs).map(([key, t]) => [key, convert(t)]));
      out = config.kernelFunc({
        inputs: inputs as KernelArgs['inputs'],
        attrs: args.attrs ?? {},
        backend: cpu,
      }) as Result;
    } finally {
      for (const t of temporaries) cpu.disposeData(t.dataId);
    }
    const outs = Array.isArray(out) ? out : [out];
    const results = outs.map((o) => {
      const values = cpu.readSync(o.dataId) as BackendValues;
      const r = this.backend.makeTensorInfo([...o.shape], o.dtype, values);
      cpu.disposeData(o.dataId);
      return r;
    });
    return Array.isArray(out) ? results : results[0]!;
  }

  private toCpu(t: TensorInfo, temporaries: TensorInfo[]): TensorInfo {
    const cpu = this.cpuBackend();
    const values = this.backend.readSync(t.dataId);
    if (t.dtype === 'complex64') {
      // Our complex64 data is interleaved (real, imaginary); the cpu backend keeps the parts apart.
      const v = values as Float32Array;
      const re = new Float32Array(v.length / 2);
      const im = new Float32Array(v.length / 2);
      for (let i = 0; i < re.length; i++) {
        re[i] = v[2 * i]!;
        im[i] = v[2 * i + 1]!;
      }
      const real = cpu.makeTensorInfo(t.shape, 'float32', re);
      const imag = cpu.makeTensorInfo(t.shape, 'float32', im);
      const complex = getKernel('Complex', 'cpu')!.kernelFunc({
        inputs: { real, imag },
        backend: cpu,
        attrs: {},
      }) as TensorInfo;
      cpu.disposeData(real.dataId);
      cpu.disposeData(imag.dataId);
      temporaries.push(complex);
      return complex;
    }
    const dataId = cpu.write(values, t.shape, t.dtype);
    // `rank` too: the engine hands kernels Tensors, and a few cpu kernels read it (Dilation2D's grads).
    const info = { dataId, shape: t.shape, dtype: t.dtype, rank: t.shape.length };
    temporaries.push(info);
    return info;
  }
}
