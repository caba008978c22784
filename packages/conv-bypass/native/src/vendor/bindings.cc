#include "vendor/bindings.h"

#include "common/napi_conv.h"
#include "vendor/vendor_conv.h"

namespace rocm_patch {
namespace vendor {
namespace {

Napi::Value OpenJs(const Napi::CallbackInfo& info) {
  const LibraryInfo& lib = Open();
  Napi::Object o = Napi::Object::New(info.Env());
  if (!lib.ok) {
    o.Set("error", lib.error);
    return o;
  }
  o.Set("library", lib.library);
  o.Set("version", lib.version);
  o.Set("path", lib.path);
  return o;
}

// (params, a, b, out): sizes checked against params before any memory is touched.
Napi::Value RunJs(const Napi::CallbackInfo& info, Op op, const char* name) {
  Napi::Env env = info.Env();
  if (info.Length() < 4) throw Napi::TypeError::New(env, std::string(name) + ": expected (params, a, b, out)");
  ConvParams p = ParamsFromJs(info[0]);
  const int64_t x = p.XSize(), w = p.WSize(), y = p.YSize();
  const int64_t sizes[3][3] = {{x, w, y}, {y, w, x}, {x, y, w}};
  const char* names[3][3] = {{"x", "w", "y"}, {"dy", "w", "dx"}, {"x", "dy", "dw"}};
  const int i = static_cast<int>(op);
  Napi::Float32Array a = Float32Arg(info[1], names[i][0], sizes[i][0]);
  Napi::Float32Array b = Float32Arg(info[2], names[i][1], sizes[i][1]);
  Napi::Float32Array out = Float32Arg(info[3], names[i][2], sizes[i][2]);
  std::string error = Run(op, p, a.Data(), b.Data(), out.Data());
  if (!error.empty()) throw Napi::Error::New(env, std::string("vendor ") + name + ": " + error);
  return env.Undefined();
}

}  // namespace

void RegisterBindings(Napi::Env env, Napi::Object exports) {
  Napi::Object vendor = Napi::Object::New(env);
  vendor.Set("open", Napi::Function::New(env, OpenJs, "open"));
  vendor.Set("forward", Napi::Function::New(
                            env, [](const Napi::CallbackInfo& info) { return RunJs(info, Op::kForward, "forward"); },
                            "forward"));
  vendor.Set("backwardData",
             Napi::Function::New(
                 env, [](const Napi::CallbackInfo& info) { return RunJs(info, Op::kBackwardData, "backwardData"); },
                 "backwardData"));
  vendor.Set("backwardFilter",
             Napi::Function::New(
                 env, [](const Napi::CallbackInfo& info) { return RunJs(info, Op::kBackwardFilter, "backwardFilter"); },
                 "backwardFilter"));
  exports.Set("vendor", vendor);
}

}  // namespace vendor
}  // namespace rocm_patch
