// N-API side of the GPU backend. Tensors arrive either as host Float32Arrays (copied to temporary
// device buffers and back) or as device buffers (type-tagged externals owned by a JS DeviceTensor).
// Every size is re-checked against the params before any copy or launch; GPU failures become JS errors
// naming the operation and the shape, with code ERR_GPU_OUT_OF_MEMORY or ERR_GPU.
#include "gpu/bindings.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/held_array.h"
#include "common/napi_conv.h"
#include "gpu/gpu_api.h"

namespace rocm_patch {
namespace gpu {
namespace {

// A device allocation owned by one DeviceTensor. `pending` counts async operations that use it, so a
// dispose() while one runs is refused instead of freeing memory under the kernel.
struct DeviceBuffer {
  float* ptr = nullptr;
  size_t count = 0;
  int pending = 0;
};

const napi_type_tag kBufferTag = {0x7f1c2b3a9d4e5f60ULL, 0x0a1b2c3d4e5f6071ULL};

void FinalizeBuffer(Napi::Env, DeviceBuffer* b) {  // backstop: dispose() normally frees first
  release(b->ptr);
  delete b;
}

Napi::Error GpuError(Napi::Env env, const Status& s) {
  Napi::Error e = Napi::Error::New(env, s.message);
  e.Set("code", Napi::String::New(env, s.outOfMemory ? "ERR_GPU_OUT_OF_MEMORY" : "ERR_GPU"));
  return e;
}

bool IsBuffer(Napi::Env env, const Napi::Value& v) {
  if (!v.IsExternal()) return false;
  bool tagged = false;
  return napi_check_object_type_tag(env, v, &kBufferTag, &tagged) == napi_ok && tagged;
}

DeviceBuffer* BufferArg(const Napi::Value& v, const char* name) {
  Napi::Env env = v.Env();
  if (!IsBuffer(env, v)) throw Napi::TypeError::New(env, std::string(name) + " must be a GPU buffer handle");
  DeviceBuffer* b = v.As<Napi::External<DeviceBuffer>>().Data();
  if (b->ptr == nullptr) throw Napi::Error::New(env, std::string(name) + ": the DeviceTensor was disposed");
  return b;
}

Napi::Value NewBuffer(Napi::Env env, float* ptr, size_t count) {
  auto* b = new DeviceBuffer{ptr, count, 0};
  Napi::External<DeviceBuffer> ext = Napi::External<DeviceBuffer>::New(env, b, FinalizeBuffer);
  napi_type_tag_object(env, ext, &kBufferTag);
  return ext;
}

ConvGeometry ToGeometry(const ConvParams& p) {
  ConvGeometry g;
  g.N = p.n; g.C = p.c; g.H = p.h; g.W = p.w; g.K = p.k; g.R = p.r; g.S = p.s; g.P = p.p; g.Q = p.q;
  g.strideH = p.stride_h; g.strideW = p.stride_w; g.padTop = p.pad_top; g.padLeft = p.pad_left;
  g.dilationH = p.dilation_h; g.dilationW = p.dilation_w; g.groups = p.groups;
  return g;
}

// One tensor argument of an operation.
struct Operand {
  const char* name = "";
  size_t count = 0;
  bool output = false;
  DeviceBuffer* dev = nullptr;  // a DeviceTensor's buffer
  float* host = nullptr;        // or host memory, staged through tmp
  float* tmp = nullptr;
  HeldFloat32Array held;        // async: the host memory, held (common/held_array.h); host points into it
  Napi::Float32Array array;     // the host array while the call is read (for the alias check)
  bool present() const { return dev != nullptr || host != nullptr; }
  float* device() const { return dev != nullptr ? dev->ptr : tmp; }
};

enum class OpKind { kForward, kBackwardData, kBackwardFilter };

struct Call {
  OpKind op = OpKind::kForward;
  ConvGeometry g;
  std::string what;  // "conv2d (gpu, x=[...] ...)"
  Operand in0, in1, bias, out;
  bool relu = false;
  ForwardAlgo algo = ForwardAlgo::kImplicitGemm;
  size_t extraBytes = 0;
  std::vector<Napi::Reference<Napi::Value>> keep;  // async: keeps the DeviceTensors' handles alive

  Operand* operands[4] = {&in0, &in1, &bias, &out};

  Status Run() {
    Status s;
    for (Operand* o : operands) {
      if (o->host == nullptr) continue;
      s = allocate(o->count, &o->tmp);
      if (s.ok() && !o->output) s = copyToDevice(o->tmp, o->host, o->count);
      if (!s.ok()) break;
    }
    if (s.ok()) {
      switch (op) {
        case OpKind::kForward:
          s = conv2dForward(g, in0.device(), in1.device(), bias.present() ? bias.device() : nullptr, relu,
                            out.device(), algo, &extraBytes);
          break;
        case OpKind::kBackwardData:
          s = conv2dBackwardData(g, in0.device(), in1.device(), out.device(), &extraBytes);
          break;
        case OpKind::kBackwardFilter:
          // the API takes (dy, x); the JS order is (x, dy)
          s = conv2dBackwardFilter(g, in1.device(), in0.device(), out.device(), &extraBytes);
          break;
      }
    }
    if (s.ok()) s = synchronize("gpu: synchronize");
    if (s.ok() && out.host != nullptr) s = copyToHost(out.host, out.tmp, out.count);
    for (Operand* o : operands) {
      release(o->tmp);
      o->tmp = nullptr;
    }
    if (!s.ok() && s.message.rfind("gpu conv2d", 0) != 0) s.message = what + ": " + s.message;  // name op + shape
    return s;
  }
};

void ReadOperand(Call& c, const Napi::Value& v, Operand& o, const char* name, int64_t count, bool output,
                 bool keep) {
  o.name = name;
  o.count = static_cast<size_t>(count);
  o.output = output;
  if (v.IsExternal()) {
    o.dev = BufferArg(v, name);
    if (o.dev->count != o.count)
      throw Napi::RangeError::New(v.Env(), std::string(name) + " must have " + std::to_string(count) +
                                               " elements, got a DeviceTensor of " + std::to_string(o.dev->count));
    if (keep) c.keep.push_back(Napi::Persistent(v));
  } else {
    Napi::Float32Array a = Float32Arg(v, name, count);
    o.array = a;
    if (keep) {  // the worker thread reads and writes held memory, never the array's own
      o.held = HeldFloat32Array(a, name, output);
      o.host = o.held.mutable_data();
    } else {
      o.host = a.Data();
    }
  }
}

const char* OpName(OpKind op) {
  switch (op) {
    case OpKind::kForward: return "conv2d";
    case OpKind::kBackwardData: return "conv2dBackwardData";
    default: return "conv2dBackwardFilter";
  }
}

// Arguments: (params, a, b, out) and for the forward (params, x, w, bias|null, y, relu?, algo?).
std::unique_ptr<Call> ReadCall(const Napi::CallbackInfo& info, OpKind op, bool keep) {
  Napi::Env env = info.Env();
  const size_t expected = op == OpKind::kForward ? 5 : 4;
  if (info.Length() < expected) throw Napi::TypeError::New(env, "expected " + std::to_string(expected) + " arguments");
  auto c = std::make_unique<Call>();
  c->op = op;
  const ConvParams p = ParamsFromJs(info[0]);
  c->g = ToGeometry(p);
  c->what = std::string(OpName(op)) + " (gpu, " + describe(c->g) + ")";
  switch (op) {
    case OpKind::kForward:
      ReadOperand(*c, info[1], c->in0, "x", p.XSize(), false, keep);
      ReadOperand(*c, info[2], c->in1, "w", p.WSize(), false, keep);
      if (!info[3].IsNull() && !info[3].IsUndefined()) ReadOperand(*c, info[3], c->bias, "bias", p.k, false, keep);
      ReadOperand(*c, info[4], c->out, "y", p.YSize(), true, keep);
      if (info.Length() > 5 && info[5].IsBoolean()) c->relu = info[5].As<Napi::Boolean>().Value();
      if (info.Length() > 6 && info[6].IsNumber())
        c->algo = info[6].As<Napi::Number>().Int32Value() == 1 ? ForwardAlgo::kUnfoldGemm : ForwardAlgo::kImplicitGemm;
      break;
    case OpKind::kBackwardData:
      ReadOperand(*c, info[1], c->in0, "dy", p.YSize(), false, keep);
      ReadOperand(*c, info[2], c->in1, "w", p.WSize(), false, keep);
      ReadOperand(*c, info[3], c->out, "dx", p.XSize(), true, keep);
      break;
    case OpKind::kBackwardFilter:
      ReadOperand(*c, info[1], c->in0, "x", p.XSize(), false, keep);
      ReadOperand(*c, info[2], c->in1, "dy", p.YSize(), false, keep);
      ReadOperand(*c, info[3], c->out, "dw", p.WSize(), true, keep);
      break;
  }
  if (c->out.dev != nullptr && (c->out.dev == c->in0.dev || c->out.dev == c->in1.dev))
    throw Napi::RangeError::New(env, std::string(OpName(op)) + ": the output must not alias an input");
  if (!c->out.array.IsEmpty()) {
    for (Operand* in : {&c->in0, &c->in1, &c->bias})
      if (!in->array.IsEmpty()) CheckNoAlias(c->out.array, c->out.name, in->array, in->name);
  }
  for (Operand* o : c->operands) o->array = Napi::Float32Array();  // a handle of this call's scope only
  return c;
}

Napi::Value RunSync(const Napi::CallbackInfo& info, OpKind op) {
  std::unique_ptr<Call> c = ReadCall(info, op, false);
  Status s = c->Run();
  if (!s.ok()) throw GpuError(info.Env(), s);
  return Napi::Number::New(info.Env(), static_cast<double>(c->extraBytes));
}

class GpuWorker : public Napi::AsyncWorker {
 public:
  GpuWorker(Napi::Env env, std::unique_ptr<Call> call)
      : Napi::AsyncWorker(env), call_(std::move(call)), deferred_(Napi::Promise::Deferred::New(env)) {
    for (Operand* o : call_->operands)
      if (o->dev != nullptr) ++o->dev->pending;
  }
  Napi::Promise Promise() const { return deferred_.Promise(); }
  void Execute() override {
    status_ = call_->Run();
    if (!status_.ok()) SetError(status_.message);
  }
  void OnOK() override {
    Done();
    try {
      call_->out.held.Publish(Env());  // a host output goes into its array here, on the JS thread
    } catch (const Napi::Error& e) {   // an exception leaving OnOK would be an uncaught one
      Release();
      deferred_.Reject(e.Value());
      return;
    }
    Release();
    deferred_.Resolve(Napi::Number::New(Env(), static_cast<double>(call_->extraBytes)));
  }
  void OnError(const Napi::Error&) override {
    Done();
    Release();
    deferred_.Reject(GpuError(Env(), status_).Value());
  }

 private:
  void Done() {
    for (Operand* o : call_->operands)
      if (o->dev != nullptr) --o->dev->pending;
  }
  void Release() {
    for (Operand* o : call_->operands) o->held.Release();
  }
  std::unique_ptr<Call> call_;
  Napi::Promise::Deferred deferred_;
  Status status_;
};

Napi::Value RunAsync(const Napi::CallbackInfo& info, OpKind op) {
  auto* w = new GpuWorker(info.Env(), ReadCall(info, op, true));
  Napi::Promise promise = w->Promise();
  w->Queue();
  return promise;
}

Napi::Value IsAvailableJs(const Napi::CallbackInfo& info) {
  std::string why;
  const bool ok = isAvailable(&why);
  Napi::Object o = Napi::Object::New(info.Env());
  o.Set("available", ok);
  o.Set("reason", why);
  return o;
}

Napi::Value DeviceInfoJs(const Napi::CallbackInfo& info) {
  DeviceInfo d;
  Status s = deviceInfo(&d);
  if (!s.ok()) throw GpuError(info.Env(), s);
  Napi::Object o = Napi::Object::New(info.Env());
  o.Set("name", d.name);
  o.Set("arch", d.arch);
  o.Set("backend", d.backend);
  o.Set("totalMemory", static_cast<double>(d.totalMemory));
  o.Set("freeMemory", static_cast<double>(d.freeMemory));
  o.Set("multiprocessors", d.multiprocessors);
  o.Set("waveSize", d.waveSize);
  o.Set("runtimeVersion", d.runtimeVersion);
  return o;
}

size_t CountArg(const Napi::Value& v, const char* fn) {
  if (!v.IsNumber()) throw Napi::TypeError::New(v.Env(), std::string(fn) + ": count must be a number");
  const double d = v.As<Napi::Number>().DoubleValue();
  if (!(d >= 0 && d <= 9007199254740991.0) || d != static_cast<double>(static_cast<uint64_t>(d)))
    throw Napi::RangeError::New(v.Env(), std::string(fn) + ": count must be a non-negative integer");
  return static_cast<size_t>(d);
}

Napi::Value AllocJs(const Napi::CallbackInfo& info) {
  const size_t count = CountArg(info[0], "gpuAlloc");
  float* p = nullptr;
  Status s = allocate(count, &p);
  if (!s.ok()) {
    s.message = "gpu.empty: " + s.message;
    throw GpuError(info.Env(), s);
  }
  return NewBuffer(info.Env(), p, count);
}

Napi::Value UploadJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsTypedArray() || info[0].As<Napi::TypedArray>().TypedArrayType() != napi_float32_array)
    throw Napi::TypeError::New(env, "gpu.upload: data must be a Float32Array");
  Napi::Float32Array a = info[0].As<Napi::Float32Array>();
  float* p = nullptr;
  Status s = allocate(a.ElementLength(), &p);
  if (s.ok()) {
    s = copyToDevice(p, a.Data(), a.ElementLength());
    if (!s.ok()) release(p);
  }
  if (!s.ok()) {
    s.message = "gpu.upload: " + s.message;
    throw GpuError(env, s);
  }
  return NewBuffer(env, p, a.ElementLength());
}

Napi::Value DownloadJs(const Napi::CallbackInfo& info) {
  DeviceBuffer* b = BufferArg(info[0], "DeviceTensor.download");
  Napi::Float32Array out = Float32Arg(info[1], "out", static_cast<int64_t>(b->count));
  Status s = copyToHost(out.Data(), b->ptr, b->count);
  if (!s.ok()) throw GpuError(info.Env(), s);
  return out;
}

Napi::Value CopyJs(const Napi::CallbackInfo& info) {  // (dst, src) device to device, same count
  DeviceBuffer* dst = BufferArg(info[0], "dst");
  DeviceBuffer* src = BufferArg(info[1], "src");
  if (dst->count != src->count) throw Napi::RangeError::New(info.Env(), "gpuCopy: sizes differ");
  Status s = copyOnDevice(dst->ptr, src->ptr, src->count);
  if (!s.ok()) throw GpuError(info.Env(), s);
  return info.Env().Undefined();
}

Napi::Value FreeJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!IsBuffer(env, info[0])) throw Napi::TypeError::New(env, "gpuFree: expected a GPU buffer handle");
  DeviceBuffer* b = info[0].As<Napi::External<DeviceBuffer>>().Data();
  if (b->pending > 0)
    throw Napi::Error::New(env, "DeviceTensor.dispose: the tensor is in use by a pending GPU operation");
  release(b->ptr);  // idempotent: a second dispose finds ptr null
  b->ptr = nullptr;
  b->count = 0;
  return env.Undefined();
}

Napi::Value MemoryInfoJs(const Napi::CallbackInfo& info) {
  size_t freeB = 0, totalB = 0;
  Status s = memoryInfo(&freeB, &totalB);
  if (!s.ok()) throw GpuError(info.Env(), s);
  Napi::Object o = Napi::Object::New(info.Env());
  o.Set("free", static_cast<double>(freeB));
  o.Set("total", static_cast<double>(totalB));
  o.Set("workspace", static_cast<double>(workspaceBytes()));
  return o;
}

Napi::Value ReleaseWorkspaceJs(const Napi::CallbackInfo& info) {
  releaseWorkspace();
  return info.Env().Undefined();
}

// (op 0|1|2, algo 0|1, params, a, b, out, iters) on device buffers → median ms.
Napi::Value TimeConvJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 7 || !info[0].IsNumber() || !info[1].IsNumber() || !info[6].IsNumber())
    throw Napi::TypeError::New(env, "gpuTimeConv(op, algo, params, a, b, out, iters)");
  const int op = info[0].As<Napi::Number>().Int32Value();
  if (op < 0 || op > 2) throw Napi::RangeError::New(env, "gpuTimeConv: op must be 0, 1 or 2");
  const ConvParams p = ParamsFromJs(info[2]);
  const int64_t sizes[3][3] = {{p.XSize(), p.WSize(), p.YSize()},
                               {p.YSize(), p.WSize(), p.XSize()},
                               {p.YSize(), p.XSize(), p.WSize()}};
  DeviceBuffer* bufs[3] = {BufferArg(info[3], "a"), BufferArg(info[4], "b"), BufferArg(info[5], "out")};
  for (int i = 0; i < 3; ++i)
    if (static_cast<int64_t>(bufs[i]->count) != sizes[op][i])
      throw Napi::RangeError::New(env, "gpuTimeConv: buffer " + std::to_string(i) + " has the wrong size");
  double ms = 0;
  Status s = timeOp(static_cast<Op>(op), info[1].As<Napi::Number>().Int32Value() == 1 ? ForwardAlgo::kUnfoldGemm
                                                                                      : ForwardAlgo::kImplicitGemm,
                    ToGeometry(p), bufs[0]->ptr, bufs[1]->ptr, bufs[2]->ptr, info[6].As<Napi::Number>().Int32Value(),
                    &ms);
  if (!s.ok()) throw GpuError(env, s);
  return Napi::Number::New(env, ms);
}

}  // namespace

void RegisterBindings(Napi::Env env, Napi::Object exports) {
  auto fn = [&](const char* name, Napi::Function::Callback cb) { exports.Set(name, Napi::Function::New(env, cb, name)); };
  fn("gpuIsAvailable", IsAvailableJs);
  fn("gpuDeviceInfo", DeviceInfoJs);
  fn("gpuAlloc", AllocJs);
  fn("gpuUpload", UploadJs);
  fn("gpuDownload", DownloadJs);
  fn("gpuCopy", CopyJs);
  fn("gpuFree", FreeJs);
  fn("gpuMemoryInfo", MemoryInfoJs);
  fn("gpuReleaseWorkspace", ReleaseWorkspaceJs);
  fn("gpuTimeConv", TimeConvJs);
  fn("gpuConv2dForward", [](const Napi::CallbackInfo& i) { return RunSync(i, OpKind::kForward); });
  fn("gpuConv2dBackwardData", [](const Napi::CallbackInfo& i) { return RunSync(i, OpKind::kBackwardData); });
  fn("gpuConv2dBackwardFilter", [](const Napi::CallbackInfo& i) { return RunSync(i, OpKind::kBackwardFilter); });
  fn("gpuConv2dForwardAsync", [](const Napi::CallbackInfo& i) { return RunAsync(i, OpKind::kForward); });
  fn("gpuConv2dBackwardDataAsync", [](const Napi::CallbackInfo& i) { return RunAsync(i, OpKind::kBackwardData); });
  fn("gpuConv2dBackwardFilterAsync",
     [](const Napi::CallbackInfo& i) { return RunAsync(i, OpKind::kBackwardFilter); });
}

}  // namespace gpu
}  // namespace rocm_patch
