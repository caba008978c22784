// The 'rocm' TF.js backend: tensor data lives in device buffers of the native addon's device context
// (GPU, or the host device on request); kernels enqueue work on the device's one stream and return at
// once; JavaScript waits only when it reads data. In the style of tfjs-backend-webgpu's backend class.
import type { DeviceAddon, HostArray, HostKind } from '@rocm-patch/conv-bypass/device';
import {
  type BackendTimingInfo,
  type BackendValues,
  type DataId,
  DataStorage,
  type DataType,
  engine,
  KernelBackend,
  type TensorInfo,
  util,
} from '@tensorflow/tfjs-core';
import { type DeviceKind, type DeviceRequest, openDevice } from './device.js';
import { HostPath } from './host-path.js';
import { CallLog, initialStrict } from './report.js';

export interface TensorData {
  dtype: DataType;
  shape: number[];
  refCount: number;
  /** The device buffer's id, or -1 for data kept on the host (string and complex64 tensors). */
  buffer: number;
  /** Elements. */
  size: number;
  /** Host-resident values (string: encoded bytes; complex64: interleaved real, imaginary). */
  values: BackendValues | null;
}

/** Element count of the shared argument array (shapes and strides of kernel calls). */
const ARGS_LENGTH = 4096;

/** Whether a dtype lives on the device. */
export function onDevice(dtype: DataType): boolean {
  return dtype === 'float32' || dtype === 'int32' || dtype === 'bool';
}

/** The device element type of a device dtype: 0 float32, 1 int32 (bool included). */
export function deviceDType(dtype: DataType): 0 | 1 {
  return dtype === 'float32' ? 0 : 1;
}

function hostKind(dtype: DataType): HostKind {
  return dtype === 'float32' ? 0 : dtype === 'int32' ? 1 : 2;
}

// Values in the typed array the device expects for a dtype (engine.makeTensor already gives the right
// one; host-path results and kernels' own constants may not).
function deviceArray(values: BackendValues, dtype: DataType): HostArray {
  if (dtype === 'float32')
    return values instanceof Float32Array ? values : Float32Array.from(values as ArrayLike<number>);
  if (dtype === 'int32')
    return values instanceof Int32Array ? values : Int32Array.from(values as ArrayLike<number>);
  if (values instanceof Uint8Array || values instanceof Int32Array) return values;
  return Int32Array.from(values as ArrayLike<number>, (v) => (v ? 1 : 0));
}

export interface RocmBackendOptions {
  device: DeviceRequest;
  strict?: boolean;
}

export class RocmBackend extends KernelBackend {
  readonly device: DeviceAddon;
  readonly deviceKind: DeviceKind;
  /** What the device is, e.g. "NVIDIA H200 (sm_90, cuda)". */
  readonly deviceDescription: string;
  /** Shapes and strides of the next kernel call (shared with the native addon). */
  readonly args = new Float64Array(ARGS_LENGTH);
  readonly log: CallLog;
  readonly hostPath: HostPath;
  private readonly data: DataStorage<TensorData>;
  private readonly nameIds = new Map<string, number>();
  /** The name id of the kernel running now (names it in out-of-memory errors). */
  activeName = 0;
  private nextId = 0;
  private disposed = false;

  constructor(options: RocmBackendOptions) {
    super();
    const opened = openDevice(options.device, this.args);
    this.device = opened.addon;
    this.deviceKind = opened.kind;
    this.deviceDescription = opened.description;
    this.data = new DataStorage(this, engine());
    this.log = new CallLog(options.strict ?? initialStrict());
    this.hostPath = new HostPath(this);
    this.activeName = this.nameId('upload');
  }

  /** The device's id for a kernel name (registered once). */
  nameId(kernelName: string): number {
    let id = this.nameIds.get(kernelName);
    if (id === undefined) {
      id = this.device.registerName(kernelName);
      this.nameIds.set(kernelName, id);
    }
    return id;
  }

  // ---- tensor data ----------------------------------------------------------------------------------

  /** The data of a tensor of this backend (TF.js moves it here first when it lives elsewhere). */
  tensorData(dataId: DataId): TensorData {
    return this.data.get(dataId);
  }

  /** The device buffer of a device-resident tensor. */
  bufferOf(t: TensorInfo): number {
    const d = this.data.get(t.dataId);
    if (d.buffer < 0) throw new Error(`a ${d.dtype} tensor has no device buffer`);
    return d.buffer;
  }

  private makeData(
    values: BackendValues | null,
    shape: number[],
    dtype: DataType,
    refCount: number,
  ): TensorData {
    const size = util.sizeFromShape(shape);
    if (!onDevice(dtype)) {
      const empty = dtype === 'string' ? [] : new Float32Array(size * 2);
      return { dtype, shape, refCount, buffer: -1, size, values: values ?? (empty as BackendValues) };
    }
    const buffer = this.device.alloc(size * 4, this.activeName);
    if (values != null && size > 0) {
      try {
        this.device.upload(buffer, deviceArray(values, dtype));
      } catch (error) {
        this.device.free(buffer);
        throw error;
      }
    }
    return { dtype, shape, refCount, buffer, size, values: null };
  }

  override write(values: BackendValues | null, shape: number[], dtype: DataType): DataId {
    const dataId = { id: this.nextId++ };
    this.data.set(dataId, this.makeData(values, shape, dtype, 1));
    return dataId;
  }

  override move(
    dataId: DataId,
    values: BackendValues,
    shape: number[],
    dtype: DataType,
    refCount: number,
  ): void {
    this.data.set(dataId, this.makeData(values, shape, dtype, refCount));
  }

  /** A new tensor of this backend: with `values` uploaded, else an uninitialised device buffer. */
  makeTensorInfo(shape: number[], dtype: DataType, values?: BackendValues): TensorInfo {
    const dataId = this.write(values ?? null, shape, dtype);
    return { dataId, shape, dtype };
  }

  /** A tensor of this backend around a device buffer allocated elsewhere (a conv result): it owns it now. */
  adoptBuffer(buffer: number, shape: number[], dtype: DataType): TensorInfo {
    const dataId = { id: this.nextId++ };
    this.data.set(dataId, {
      dtype,
      shape,
      refCount: 1,
      buffer,
      size: util.sizeFromShape(shape),
      values: null,
    });
    return { dataId, shape, dtype };
  }

  /** A tensor sharing `t`'s data (Reshape, Identity, ExpandDims: no copy). */
  aliasTensorInfo(t: TensorInfo, shape: number[], dtype: DataType = t.dtype): TensorInfo {
    this.incRef(t.dataId);
    return { dataId: t.dataId, shape, dtype };
  }

  disposeIntermediateTensorInfo(t: TensorInfo): void {
    this.disposeData(t.dataId);
  }

  override incRef(dataId: DataId): void {
    const d = this.data.get(dataId);
    if (d) d.refCount++;
  }

  override refCount(dataId: DataId): number {
    return this.data.has(dataId) ? this.data.get(dataId).refCount : 0;
  }

  override disposeData(dataId: DataId, force = false): boolean {
    if (!this.data.has(dataId)) return true;
    const d = this.data.get(dataId);
    if (force) d.refCount = 0;
    else d.refCount--;
    if (d.refCount > 0) return false;
    if (d.buffer >= 0 && !this.disposed) this.device.free(d.buffer);
    this.data.delete(dataId);
    return true;
  }

  override numDataIds(): number {
    return this.data.numDataIds();
  }

  override readSync(dataId: DataId): BackendValues {
    const d = this.data.get(dataId);
    if (d.values !== null) return d.values;
    return this.device.readSync(d.buffer, d.size, hostKind(d.dtype));
  }

  override async read(dataId: DataId): Promise<BackendValues> {
    const d = this.data.get(dataId);
    if (d.values !== null) return d.values;
    return this.device.read(d.buffer, d.size, hostKind(d.dtype));
  }

  // ---- timing, memory, lifecycle ------------------------------------------------------------------------

  override timerAvailable(): boolean {
    return true;
  }

  /** Times f's kernels with device events (tf.time, tf.profile). */
  override async time(f: () => void): Promise<BackendTimingInfo> {
    const timer = this.device.timerStart();
    try {
      f();
    } catch (error) {
      this.device.timerEnd(timer).catch(() => {}); // frees the timer's events
      throw error;
    }
    return { kernelMs: await this.device.timerEnd(timer) };
  }

  override memory(): {
    unreliable: boolean;
    numBytesInGPU: number;
    numBytesInGPUAllocated: number;
    numBytesInGPUFree: number;
  } {
    const m = this.device.memory();
    return {
      unreliable: false,
      numBytesInGPU: m.inUse,
      numBytesInGPUAllocated: m.reserved,
      numBytesInGPUFree: m.cached,
    };
  }

  override floatPrecision(): 16 | 32 {
    return 32;
  }

  override epsilon(): number {
    return 1e-7;
  }

  override dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.device.freeAll();
    this.device.releaseMemory();
  }
}
