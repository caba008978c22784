// N-API surface of the device context. Buffers are numbers (ids from the buffer table); transfers take
// and return typed arrays; the async read and the timer resolve promises from a worker thread that
// waits for an event, so JavaScript never blocks on the GPU except in readSync/synchronize.
#include "device/bindings.h"

#include <cstring>
#include <memory>
#include <unordered_map>
#include <vector>

#include "device/context.h"
#include "tensor/napi_util.h"

namespace rocm_patch {
namespace device {
namespace {

using tensor::throwStatus;

Context* requireContext(Napi::Env env, const char* fn) {
  Context* c = Context::get();
  if (c == nullptr) throw Napi::Error::New(env, std::string(fn) + ": the device is not initialised");
  return c;
}

double idArg(const Napi::CallbackInfo& info, size_t i, const char* fn) {
  if (i >= info.Length() || !info[i].IsNumber())
    throw Napi::TypeError::New(info.Env(), std::string(fn) + ": argument " + std::to_string(i) + " must be a buffer id");
  return info[i].As<Napi::Number>().DoubleValue();
}

size_t sizeArg(const Napi::CallbackInfo& info, size_t i, const char* fn, const char* what) {
  if (i >= info.Length() || !info[i].IsNumber())
    throw Napi::TypeError::New(info.Env(), std::string(fn) + ": " + what + " must be a number");
  const double d = info[i].As<Napi::Number>().DoubleValue();
  if (!(d >= 0 && d <= 9007199254740991.0) || d != static_cast<double>(static_cast<uint64_t>(d)))
    throw Napi::RangeError::New(info.Env(), std::string(fn) + ": " + what + " must be a non-negative integer");
  return static_cast<size_t>(d);
}

Buffer* bufferArg(Context* c, const Napi::CallbackInfo& info, size_t i, const char* fn) {
  Buffer* b = c->buffers().get(idArg(info, i, fn));
  if (b == nullptr) throw Napi::RangeError::New(info.Env(), std::string(fn) + ": not a live device buffer");
  return b;
}

// Element kinds of host arrays: 0 float32, 1 int32, 2 bool (Uint8Array on the host, int32 on the device).
enum Kind { kF32 = 0, kI32 = 1, kBool = 2 };

int kindArg(const Napi::CallbackInfo& info, size_t i, const char* fn) {
  const size_t k = sizeArg(info, i, fn, "kind");
  if (k > 2) throw Napi::RangeError::New(info.Env(), std::string(fn) + ": kind must be 0, 1 or 2");
  return static_cast<int>(k);
}

Napi::Value makeArray(Napi::Env env, int kind, const void* deviceWords, size_t count) {
  if (kind == kBool) {
    Napi::Uint8Array a = Napi::Uint8Array::New(env, count);
    const int32_t* w = static_cast<const int32_t*>(deviceWords);
    for (size_t i = 0; i < count; ++i) a[i] = w[i] != 0 ? 1 : 0;
    return a;
  }
  Napi::ArrayBuffer ab = Napi::ArrayBuffer::New(env, count * 4);
  if (count != 0) std::memcpy(ab.Data(), deviceWords, count * 4);
  if (kind == kF32) return Napi::Float32Array::New(env, count, ab, 0);
  return Napi::Int32Array::New(env, count, ab, 0);
}

// ---- lifecycle ------------------------------------------------------------------------------------

// available() → { gpu: boolean, reason: string, backend: 'cuda'|'hip'|'none' } (initialises nothing but
// the GPU runtime's own discovery).
Napi::Value Available(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object o = Napi::Object::New(env);
#ifdef ROCM_PATCH_WITH_GPU
  std::string why;
  Runtime* rt = gpuRuntime(&why);
  o.Set("gpu", rt != nullptr);
  o.Set("reason", rt != nullptr ? std::string() : why);
  o.Set("backend", ROCM_PATCH_GPU_BACKEND_NAME);
#else
  o.Set("gpu", false);
  o.Set("reason", "this build of the native addon has no GPU backend (it was built without hipcc or nvcc, or with ROCM_PATCH_GPU=off)");
  o.Set("backend", "none");
#endif
  return o;
}

// init(kind: 'gpu'|'host', args: Float64Array) → { kind, description }
Napi::Value Init(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsString() || !info[1].IsTypedArray() ||
      info[1].As<Napi::TypedArray>().TypedArrayType() != napi_float64_array)
    throw Napi::TypeError::New(env, "device.init(kind, args: Float64Array)");
  const std::string kind = info[0].As<Napi::String>().Utf8Value();
  if (kind != "gpu" && kind != "host") throw Napi::RangeError::New(env, "device.init: kind must be 'gpu' or 'host'");
  Context* c = nullptr;
  Status s = Context::init(kind == "host", &c);
  if (!s.ok()) throwStatus(env, s);
  // The args array lives as long as the process: the reference keeps it (and its memory) alive.
  static Napi::Reference<Napi::Float64Array>* keep = nullptr;
  Napi::Float64Array args = info[1].As<Napi::Float64Array>();
  if (keep == nullptr) {
    keep = new Napi::Reference<Napi::Float64Array>(Napi::Persistent(args));
  } else {
    keep->Reset(args, 1);
  }
  tensor::sharedArgs().data = args.Data();
  tensor::sharedArgs().length = args.ElementLength();
  Napi::Object o = Napi::Object::New(env);
  o.Set("kind", c->rt()->kind());
  o.Set("description", c->rt()->describe());
  o.Set("launchBlocking", c->launchBlocking());
  return o;
}

Napi::Value RegisterName(const Napi::CallbackInfo& info) {
  Context* c = requireContext(info.Env(), "registerName");
  if (info.Length() < 1 || !info[0].IsString()) throw Napi::TypeError::New(info.Env(), "registerName(name: string)");
  return Napi::Number::New(info.Env(), c->registerName(info[0].As<Napi::String>().Utf8Value()));
}

// ---- buffers and transfers --------------------------------------------------------------------------

// alloc(bytes, nameId) → id
Napi::Value Alloc(const Napi::CallbackInfo& info) {
  Context* c = requireContext(info.Env(), "alloc");
  const size_t bytes = sizeArg(info, 0, "alloc", "bytes");
  const int nameId = static_cast<int>(sizeArg(info, 1, "alloc", "nameId"));
  double id = -1;
  Status s = c->allocBuffer(bytes, nameId, &id);
  if (!s.ok()) throwStatus(info.Env(), s);
  return Napi::Number::New(info.Env(), id);
}

Napi::Value Free(const Napi::CallbackInfo& info) {
  Context* c = requireContext(info.Env(), "free");
  c->freeBuffer(idArg(info, 0, "free"));
  return info.Env().Undefined();
}

// freeAll(): frees every buffer (the backend's dispose()).
Napi::Value FreeAll(const Napi::CallbackInfo& info) {
  Context* c = requireContext(info.Env(), "freeAll");
  std::vector<double> ids;
  c->buffers().forEachId([&](double id) { ids.push_back(id); });
  for (double id : ids) c->freeBuffer(id);
  return info.Env().Undefined();
}

// upload(id, values: Float32Array|Int32Array|Uint8Array): the values become the buffer's first elements
// (Uint8Array widened to int32). Returns at once; the copy is ordered before later kernels.
Napi::Value Upload(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Context* c = requireContext(env, "upload");
  Buffer* b = bufferArg(c, info, 0, "upload");
  if (info.Length() < 2 || !info[1].IsTypedArray()) throw Napi::TypeError::New(env, "upload: values must be a typed array");
  Napi::TypedArray t = info[1].As<Napi::TypedArray>();
  const napi_typedarray_type type = t.TypedArrayType();
  if (type != napi_float32_array && type != napi_int32_array && type != napi_uint8_array)
    throw Napi::TypeError::New(env, "upload: values must be a Float32Array, Int32Array or Uint8Array");
  const size_t count = t.ElementLength();
  if (count > b->bytes / 4)
    throw Napi::RangeError::New(env, "upload: " + std::to_string(count) + " values do not fit a buffer of " +
                                         std::to_string(b->bytes / 4) + " elements");
  if (count == 0) return env.Undefined();
  const uint8_t* src = static_cast<const uint8_t*>(t.ArrayBuffer().Data()) + t.ByteOffset();
  Runtime* rt = c->rt();
  Status s;
  if (rt->isHost()) {
    if (type == napi_uint8_array) {
      int32_t* d = static_cast<int32_t*>(b->ptr);
      for (size_t i = 0; i < count; ++i) d[i] = src[i] != 0 ? 1 : 0;
    } else {
      s = rt->copyToDevice(b->ptr, src, count * 4);
    }
  } else {
    // Through page-locked staging: the copy is asynchronous and the caller's array is free at return.
    StagingBlock* st = nullptr;
    s = c->staging().acquire(count * 4, &st);
    if (s.ok()) {
      if (type == napi_uint8_array) {
        int32_t* d = static_cast<int32_t*>(st->ptr);
        for (size_t i = 0; i < count; ++i) d[i] = src[i] != 0 ? 1 : 0;
      } else {
        std::memcpy(st->ptr, src, count * 4);
      }
      s = rt->copyToDevice(b->ptr, st->ptr, count * 4);
      if (s.ok()) s = rt->record(st->event);
      if (!s.ok()) (void)rt->synchronize();  // the staging block must not be reused under a copy
      c->staging().recycle(st);
    }
  }
  if (!s.ok()) {
    s.message = "upload: " + s.message;
    throwStatus(env, s);
  }
  return env.Undefined();
}

// readSync(id, count, kind) → typed array (waits for the device; device errors are thrown here).
Napi::Value ReadSync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Context* c = requireContext(env, "readSync");
  Buffer* b = bufferArg(c, info, 0, "readSync");
  const size_t count = sizeArg(info, 1, "readSync", "count");
  const int kind = kindArg(info, 2, "readSync");
  if (count > b->bytes / 4) throw Napi::RangeError::New(env, "readSync: count exceeds the buffer");
  Status s = c->synchronize();
  if (!s.ok()) throwStatus(env, s);
  if (c->rt()->isHost()) return makeArray(env, kind, b->ptr, count);
  std::vector<int32_t> host(count);
  s = c->rt()->copyToHost(host.data(), b->ptr, count * 4);
  if (s.ok()) s = c->rt()->synchronize();
  if (!s.ok()) throwStatus(env, c->faultStatus(s));
  return makeArray(env, kind, host.data(), count);
}

// Waits on a worker thread for an event recorded after some copies, then finishes on the JS thread.
class EventWaiter : public Napi::AsyncWorker {
 public:
  EventWaiter(Napi::Env env, Context* c, StagingBlock* block)
      : Napi::AsyncWorker(env), c_(c), block_(block), deferred_(Napi::Promise::Deferred::New(env)) {}
  Napi::Promise Promise() const { return deferred_.Promise(); }
  void Execute() override { status_ = c_->rt()->wait(block_->event); }
  void OnOK() override {
    Napi::Env env = Env();
    Napi::HandleScope scope(env);
    if (!status_.ok()) {
      finish();
      deferred_.Reject(errorOf(env, c_->faultStatus(status_)));
      return;
    }
    try {
      deferred_.Resolve(Complete(env));
    } catch (const Napi::Error& e) {
      deferred_.Reject(e.Value());
    }
    finish();
  }
  void OnError(const Napi::Error& e) override {
    finish();
    deferred_.Reject(e.Value());
  }

 protected:
  virtual Napi::Value Complete(Napi::Env env) = 0;
  static Napi::Value errorOf(Napi::Env env, const Status& s) {
    try {
      throwStatus(env, s);
    } catch (const Napi::Error& e) {
      return e.Value();
    }
    return env.Undefined();
  }
  Context* c_;
  StagingBlock* block_;

 private:
  void finish() {
    if (block_ != nullptr) c_->staging().recycle(block_);  // its event has completed: reusable
    block_ = nullptr;
  }
  Napi::Promise::Deferred deferred_;
  Status status_;
};

// The data, then the error record, in one staging block.
class ReadWaiter final : public EventWaiter {
 public:
  ReadWaiter(Napi::Env env, Context* c, StagingBlock* b, size_t count, int kind)
      : EventWaiter(env, c, b), count_(count), kind_(kind) {}

 protected:
  Napi::Value Complete(Napi::Env env) override {
    ErrorRecord rec;
    std::memcpy(&rec, static_cast<char*>(block_->ptr) + recordOffset(count_), sizeof(rec));
    Status s = c_->checkCaptured(rec);
    if (!s.ok()) throwStatus(env, s);
    return makeArray(env, kind_, block_->ptr, count_);
  }

 public:
  static size_t recordOffset(size_t count) { return (count * 4 + 7) / 8 * 8; }

 private:
  size_t count_;
  int kind_;
};

// read(id, count, kind) → Promise<typed array>
Napi::Value Read(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Context* c = requireContext(env, "read");
  Buffer* b = bufferArg(c, info, 0, "read");
  const size_t count = sizeArg(info, 1, "read", "count");
  const int kind = kindArg(info, 2, "read");
  if (count > b->bytes / 4) throw Napi::RangeError::New(env, "read: count exceeds the buffer");
  StagingBlock* st = nullptr;
  const size_t recOff = ReadWaiter::recordOffset(count);
  Status s = c->staging().acquire(recOff + sizeof(ErrorRecord), &st);
  if (s.ok() && count != 0) s = c->rt()->copyToHost(st->ptr, b->ptr, count * 4);
  if (s.ok()) s = c->captureErrors(static_cast<char*>(st->ptr) + recOff);
  if (s.ok()) s = c->rt()->record(st->event);
  if (!s.ok()) {
    if (st != nullptr) {
      (void)c->rt()->synchronize();
      c->staging().recycle(st);
    }
    throwStatus(env, s);
  }
  auto* w = new ReadWaiter(env, c, st, count, kind);
  Napi::Promise p = w->Promise();
  w->Queue();
  return p;
}

// copyBuffer(dst, src, bytes): device to device, ordered on the stream.
Napi::Value CopyBuffer(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Context* c = requireContext(env, "copyBuffer");
  Buffer* dst = bufferArg(c, info, 0, "copyBuffer");
  Buffer* src = bufferArg(c, info, 1, "copyBuffer");
  const size_t bytes = sizeArg(info, 2, "copyBuffer", "bytes");
  if (bytes > dst->bytes || bytes > src->bytes) throw Napi::RangeError::New(env, "copyBuffer: bytes exceed a buffer");
  if (bytes == 0) return env.Undefined();
  Status s = c->rt()->copyOnDevice(dst->ptr, src->ptr, bytes);
  if (!s.ok()) throwStatus(env, s);
  return env.Undefined();
}

Napi::Value Synchronize(const Napi::CallbackInfo& info) {
  Context* c = requireContext(info.Env(), "synchronize");
  Status s = c->synchronize();
  if (!s.ok()) throwStatus(info.Env(), s);
  return info.Env().Undefined();
}

// ---- timing -------------------------------------------------------------------------------------------

struct Timer {
  Event* start = nullptr;
};
std::unordered_map<uint32_t, Timer>& timers() {
  static std::unordered_map<uint32_t, Timer> t;
  return t;
}
uint32_t g_nextTimer = 1;

// timerStart() → id: records an event now.
Napi::Value TimerStart(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Context* c = requireContext(env, "timerStart");
  Timer t;
  Status s = c->rt()->createEvent(&t.start);
  if (s.ok()) s = c->rt()->record(t.start);
  if (!s.ok()) {
    c->rt()->destroyEvent(t.start);
    throwStatus(env, s);
  }
  const uint32_t id = g_nextTimer++;
  timers()[id] = t;
  return Napi::Number::New(env, id);
}

class TimerWaiter final : public EventWaiter {
 public:
  TimerWaiter(Napi::Env env, Context* c, StagingBlock* b, Event* start) : EventWaiter(env, c, b), start_(start) {}
  ~TimerWaiter() override { c_->rt()->destroyEvent(start_); }

 protected:
  Napi::Value Complete(Napi::Env env) override {
    double ms = 0;
    Status s = c_->rt()->elapsedMs(start_, block_->event, &ms);
    if (!s.ok()) throwStatus(env, s);
    return Napi::Number::New(env, ms);
  }

 private:
  Event* start_;
};

// timerEnd(id) → Promise<ms between timerStart and now on the device>
Napi::Value TimerEnd(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Context* c = requireContext(env, "timerEnd");
  const uint32_t id = static_cast<uint32_t>(sizeArg(info, 0, "timerEnd", "id"));
  auto it = timers().find(id);
  if (it == timers().end()) throw Napi::RangeError::New(env, "timerEnd: unknown timer");
  Timer t = it->second;
  timers().erase(it);
  // A staging block brings its own event; its memory goes unused.
  StagingBlock* st = nullptr;
  Status s = c->staging().acquire(8, &st);
  if (s.ok()) s = c->rt()->record(st->event);
  if (!s.ok()) {
    c->rt()->destroyEvent(t.start);
    if (st != nullptr) c->staging().recycle(st);
    throwStatus(env, s);
  }
  auto* w = new TimerWaiter(env, c, st, t.start);
  Napi::Promise p = w->Promise();
  w->Queue();
  return p;
}

// ---- memory -------------------------------------------------------------------------------------------

Napi::Value Memory(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Context* c = requireContext(env, "memory");
  const AllocatorStats st = c->allocator()->stats();
  Napi::Object o = Napi::Object::New(env);
  o.Set("inUse", static_cast<double>(st.inUse));
  o.Set("requested", static_cast<double>(st.requested));
  o.Set("cached", static_cast<double>(st.cached));
  o.Set("reserved", static_cast<double>(st.reserved));
  o.Set("peakInUse", static_cast<double>(st.peakInUse));
  o.Set("limit", static_cast<double>(st.limit));
  o.Set("allocations", static_cast<double>(st.allocations));
  o.Set("cacheHits", static_cast<double>(st.cacheHits));
  o.Set("runtimeMallocs", static_cast<double>(st.runtimeMallocs));
  o.Set("runtimeFrees", static_cast<double>(st.runtimeFrees));
  o.Set("oomRetries", static_cast<double>(st.oomRetries));
  o.Set("buffers", static_cast<double>(c->buffers().liveCount()));
  o.Set("staging", static_cast<double>(c->staging().cachedBytes()));
  size_t freeB = 0, totalB = 0;
  if (!c->rt()->isHost() && c->rt()->memoryInfo(&freeB, &totalB).ok()) {
    o.Set("deviceFree", static_cast<double>(freeB));
    o.Set("deviceTotal", static_cast<double>(totalB));
  }
  return o;
}

Napi::Value ReleaseMemory(const Napi::CallbackInfo& info) {
  Context* c = requireContext(info.Env(), "releaseMemory");
  c->allocator()->releaseCached();
  c->staging().release();
  return info.Env().Undefined();
}

Napi::Value SetMemoryLimit(const Napi::CallbackInfo& info) {
  Context* c = requireContext(info.Env(), "setMemoryLimit");
  c->allocator()->setLimit(sizeArg(info, 0, "setMemoryLimit", "bytes"));
  return info.Env().Undefined();
}

Napi::Value SetLaunchBlocking(const Napi::CallbackInfo& info) {
  Context* c = requireContext(info.Env(), "setLaunchBlocking");
  if (info.Length() < 1 || !info[0].IsBoolean()) throw Napi::TypeError::New(info.Env(), "setLaunchBlocking(on: boolean)");
  c->setLaunchBlocking(info[0].As<Napi::Boolean>().Value());
  return info.Env().Undefined();
}

}  // namespace

void RegisterBindings(Napi::Env env, Napi::Object exports) {
  Napi::Object d = Napi::Object::New(env);
  auto fn = [&](const char* name, Napi::Function::Callback cb) { d.Set(name, Napi::Function::New(env, cb, name)); };
  fn("available", Available);
  fn("init", Init);
  fn("registerName", RegisterName);
  fn("alloc", Alloc);
  fn("free", Free);
  fn("freeAll", FreeAll);
  fn("upload", Upload);
  fn("readSync", ReadSync);
  fn("read", Read);
  fn("copyBuffer", CopyBuffer);
  fn("synchronize", Synchronize);
  fn("timerStart", TimerStart);
  fn("timerEnd", TimerEnd);
  fn("memory", Memory);
  fn("releaseMemory", ReleaseMemory);
  fn("setMemoryLimit", SetMemoryLimit);
  fn("setLaunchBlocking", SetLaunchBlocking);
  tensor::RegisterConv(env, d);
  tensor::RegisterElementwise(env, d);
  tensor::RegisterOptimizer(env, d);
  tensor::RegisterMovement(env, d);
  tensor::RegisterReduce(env, d);
  tensor::RegisterMatMul(env, d);
  tensor::RegisterNn(env, d);
  tensor::RegisterGather(env, d);
  exports.Set("device", d);
}

}  // namespace device
}  // namespace rocm_patch
