#include "cpu/bindings.h"

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "common/held_array.h"
#include "common/napi_conv.h"
#include "cpu/conv_cpu.h"
#include "cpu/kernels.h"
#include "cpu/thread_pool.h"

namespace rocm_patch::cpu {

namespace {

enum class Op { kForward, kBackwardData, kBackwardFilter };

// The buffers of one call, checked against the params. The async twins run on a libuv thread while
// JavaScript runs on: their arrays are held (common/held_array.h) so that nothing JavaScript does in
// the meantime can free, move or shrink the memory the kernels read and write.
struct Call {
  ConvParams p;
  HeldFloat32Array held[4];  // async only: in0, in1, bias, out
  const float* in0 = nullptr;  // x (forward, filter) or dy (data)
  const float* in1 = nullptr;  // w (forward, data) or dy (filter)
  const float* bias = nullptr;
  float* out = nullptr;

  // On the JS thread after the work: the output into its array (may throw ERR_ARRAY_DETACHED), every
  // hold released; returns the output array.
  Napi::Value Finish(Napi::Env env) {
    Napi::Value result;
    try {
      held[3].Publish(env);
      result = held[3].Array();
    } catch (...) {
      Release();
      throw;
    }
    Release();
    return result;
  }
  void Release() {
    for (HeldFloat32Array& h : held) h.Release();
  }

  void Run(Op op) const {
    switch (op) {
      case Op::kForward:
        Conv2dForward(p, in0, in1, bias, out);
        break;
      case Op::kBackwardData:
        Conv2dBackwardData(p, in0, in1, out);
        break;
      case Op::kBackwardFilter:
        Conv2dBackwardFilter(p, in0, in1, out);
        break;
    }
  }
};

bool IsAbsent(const Napi::Value& v) { return v.IsNull() || v.IsUndefined(); }

// Arguments (params, a, b, [bias,] out). The async twins take a null `out` to mean "make the result
// array": they then resolve with it.
Call ReadCall(const Napi::CallbackInfo& info, Op op, bool hold) {
  Napi::Env env = info.Env();
  const size_t expected = op == Op::kForward ? 5 : 4;
  if (info.Length() < expected)
    throw Napi::TypeError::New(env, "expected " + std::to_string(expected) + " arguments");
  Call call;
  call.p = ParamsFromJs(info[0]);
  const ConvParams& p = call.p;
  Napi::Float32Array a, b, out, bias;
  switch (op) {
    case Op::kForward:
      a = Float32Arg(info[1], "x", p.XSize());
      b = Float32Arg(info[2], "w", p.WSize());
      if (!info[3].IsNull() && !info[3].IsUndefined()) bias = Float32Arg(info[3], "bias", p.k);
      if (!(hold && IsAbsent(info[4]))) out = Float32Arg(info[4], "y", p.YSize());
      break;
    case Op::kBackwardData:
      a = Float32Arg(info[1], "dy", p.YSize());
      b = Float32Arg(info[2], "w", p.WSize());
      if (!(hold && IsAbsent(info[3]))) out = Float32Arg(info[3], "dx", p.XSize());
      break;
    case Op::kBackwardFilter:
      a = Float32Arg(info[1], "x", p.XSize());
      b = Float32Arg(info[2], "dy", p.YSize());
      if (!(hold && IsAbsent(info[3]))) out = Float32Arg(info[3], "dw", p.WSize());
      break;
  }
  const char* names[3][3] = {{"x", "w", "y"}, {"dy", "w", "dx"}, {"x", "dy", "dw"}};
  const char* const* n = names[static_cast<int>(op)];
  if (!out.IsEmpty()) {
    CheckNoAlias(out, n[2], a, n[0]);
    CheckNoAlias(out, n[2], b, n[1]);
    CheckNoAlias(out, n[2], bias, "bias");
  }
  if (!hold) {
    call.in0 = a.Data();
    call.in1 = b.Data();
    call.out = out.Data();
    if (!bias.IsEmpty()) call.bias = bias.Data();
    return call;
  }
  call.held[0] = HeldFloat32Array(a, n[0], false);
  call.held[1] = HeldFloat32Array(b, n[1], false);
  if (!bias.IsEmpty()) call.held[2] = HeldFloat32Array(bias, "bias", false);
  const int64_t out_size = op == Op::kForward ? p.YSize() : op == Op::kBackwardData ? p.XSize() : p.WSize();
  call.held[3] = out.IsEmpty() ? HeldFloat32Array::Fresh(env, static_cast<size_t>(out_size), n[2])
                               : HeldFloat32Array(out, n[2], true);
  call.in0 = call.held[0].data();
  call.in1 = call.held[1].data();
  call.bias = call.held[2].empty() ? nullptr : call.held[2].data();
  call.out = call.held[3].mutable_data();
  return call;
}

class ConvWorker : public Napi::AsyncWorker {
 public:
  ConvWorker(Napi::Env env, Call call, Op op)
      : Napi::AsyncWorker(env, "rocm-patch:conv2d"), call_(std::move(call)), op_(op), deferred_(env) {}

  Napi::Promise Promise() const { return deferred_.Promise(); }

  void Execute() override {
    try {
      call_.Run(op_);
    } catch (const std::exception& e) {
      SetError(e.what());
    }
  }
  void OnOK() override {
    Napi::Value result;
    try {
      result = call_.Finish(Env());
    } catch (const Napi::Error& e) {  // an exception leaving OnOK would be an uncaught one
      deferred_.Reject(e.Value());
      return;
    }
    deferred_.Resolve(result);  // the output array
  }
  void OnError(const Napi::Error& e) override {
    call_.Release();
    deferred_.Reject(e.Value());
  }

 private:
  Call call_;
  Op op_;
  Napi::Promise::Deferred deferred_;
};

Napi::Value RunSync(const Napi::CallbackInfo& info, Op op) {
  Call call = ReadCall(info, op, false);
  try {
    call.Run(op);
  } catch (const std::exception& e) {
    throw Napi::Error::New(info.Env(), std::string("conv2d failed: ") + e.what());
  }
  return info.Env().Undefined();
}

Napi::Value RunAsync(const Napi::CallbackInfo& info, Op op) {
  auto* worker = new ConvWorker(info.Env(), ReadCall(info, op, true), op);
  Napi::Promise promise = worker->Promise();
  worker->Queue();  // the worker deletes itself after OnOK/OnError
  return promise;
}

Napi::Value ArraysOverlap(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  for (size_t i = 0; i < 2; ++i)
    if (info.Length() <= i || !info[i].IsTypedArray() ||
        info[i].As<Napi::TypedArray>().TypedArrayType() != napi_float32_array)
      throw Napi::TypeError::New(env, "float32ArraysOverlap: both arguments must be Float32Arrays");
  return Napi::Boolean::New(env, Float32ArraysOverlap(info[0].As<Napi::Float32Array>(), info[1].As<Napi::Float32Array>()));
}

Napi::Value GetThreads(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), ThreadPool::Get().Threads());
}

Napi::Value SetThreads(const Napi::CallbackInfo& info) {
  if (info.Length() < 1 || !info[0].IsNumber()) throw Napi::TypeError::New(info.Env(), "threads must be a number");
  double n = info[0].As<Napi::Number>().DoubleValue();
  if (!(n >= 1 && n <= 1024) || n != static_cast<double>(static_cast<int>(n)))
    throw Napi::RangeError::New(info.Env(), "threads must be an integer in [1, 1024]");
  ThreadPool::Get().SetThreads(static_cast<int>(n));
  return info.Env().Undefined();
}

Napi::Value GetIsa(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), ActiveKernel().isa); }

Napi::Value SetIsaJs(const Napi::CallbackInfo& info) {
  if (info.Length() < 1 || !info[0].IsString()) throw Napi::TypeError::New(info.Env(), "isa must be a string");
  return Napi::Boolean::New(info.Env(), SetIsa(info[0].As<Napi::String>().Utf8Value()));
}

Napi::Value AvailableIsasJs(const Napi::CallbackInfo& info) {
  std::vector<std::string> isas = AvailableIsas();
  Napi::Array out = Napi::Array::New(info.Env(), isas.size());
  for (size_t i = 0; i < isas.size(); ++i) out.Set(static_cast<uint32_t>(i), isas[i]);
  return out;
}

Napi::Value GetWorkspaceLimit(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(WorkspaceFloats()));
}

Napi::Value SetWorkspaceLimit(const Napi::CallbackInfo& info) {
  if (info.Length() < 1 || !info[0].IsNumber()) throw Napi::TypeError::New(info.Env(), "floats must be a number");
  double n = info[0].As<Napi::Number>().DoubleValue();
  if (!(n >= 1 && n <= 9007199254740991.0)) throw Napi::RangeError::New(info.Env(), "floats must be >= 1");
  SetWorkspaceFloats(static_cast<int64_t>(n));
  return info.Env().Undefined();
}

}  // namespace

void RegisterBindings(Napi::Env env, Napi::Object exports) {
  auto fn = [&](const char* name, Napi::Value (*f)(const Napi::CallbackInfo&)) {
    exports.Set(name, Napi::Function::New(env, f, name));
  };
  fn("conv2dForward", [](const Napi::CallbackInfo& i) { return RunSync(i, Op::kForward); });
  fn("conv2dForwardAsync", [](const Napi::CallbackInfo& i) { return RunAsync(i, Op::kForward); });
  fn("conv2dBackwardData", [](const Napi::CallbackInfo& i) { return RunSync(i, Op::kBackwardData); });
  fn("conv2dBackwardDataAsync", [](const Napi::CallbackInfo& i) { return RunAsync(i, Op::kBackwardData); });
  fn("conv2dBackwardFilter", [](const Napi::CallbackInfo& i) { return RunSync(i, Op::kBackwardFilter); });
  fn("conv2dBackwardFilterAsync", [](const Napi::CallbackInfo& i) { return RunAsync(i, Op::kBackwardFilter); });
  fn("float32ArraysOverlap", ArraysOverlap);
  fn("getThreads", GetThreads);
  fn("setThreads", SetThreads);
  fn("getIsa", GetIsa);
  fn("setIsa", SetIsaJs);
  fn("availableIsas", AvailableIsasJs);
  fn("getWorkspaceLimit", GetWorkspaceLimit);
  fn("setWorkspaceLimit", SetWorkspaceLimit);
}

}  // namespace rocm_patch::cpu
