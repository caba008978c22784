// N-API entries of the fused optimizer updates (tensor/optimizer.h):
//   adam(nameId, n, x, g, m, v, xOut, mOut, vOut, oneMinusAccBeta1, oneMinusAccBeta2, beta1, beta2, lr, eps)
//   axpy(nameId, n, a, g, x, out)
#include "tensor/napi_util.h"
#include "tensor/optimizer.h"

namespace rocm_patch {
namespace tensor {
namespace {

Napi::Value Adam(const Napi::CallbackInfo& info) {
  KernelCall c(info, "adam");
  AdamArgs a{};
  a.n = c.integer(1, "n", 0, int64_t{1} << 53);
  a.x = static_cast<const float*>(c.buffer(2, "x", a.n));
  a.g = static_cast<const float*>(c.buffer(3, "g", a.n));
  a.m = static_cast<const float*>(c.buffer(4, "m", a.n));
  a.v = static_cast<const float*>(c.buffer(5, "v", a.n));
  a.xOut = static_cast<float*>(c.buffer(6, "xOut", a.n));
  a.mOut = static_cast<float*>(c.buffer(7, "mOut", a.n));
  a.vOut = static_cast<float*>(c.buffer(8, "vOut", a.n));
  a.oneMinusAccBeta1 = static_cast<const float*>(c.buffer(9, "oneMinusAccBeta1", 1));
  a.oneMinusAccBeta2 = static_cast<const float*>(c.buffer(10, "oneMinusAccBeta2", 1));
  a.beta1 = static_cast<float>(c.number(11, "beta1"));
  a.beta2 = static_cast<float>(c.number(12, "beta2"));
  a.learningRate = static_cast<float>(c.number(13, "learningRate"));
  a.epsilon = static_cast<float>(c.number(14, "epsilon"));
  c.sink();
  c.finish(RP_RUN(c, adam, a));
  return info.Env().Undefined();
}

Napi::Value Axpy(const Napi::CallbackInfo& info) {
  KernelCall c(info, "axpy");
  AxpyArgs a{};
  a.n = c.integer(1, "n", 0, int64_t{1} << 53);
  a.a = static_cast<const float*>(c.buffer(2, "a", 1));
  a.g = static_cast<const float*>(c.buffer(3, "g", a.n));
  a.x = static_cast<const float*>(c.buffer(4, "x", a.n));
  a.out = static_cast<float*>(c.buffer(5, "out", a.n));
  c.sink();
  c.finish(RP_RUN(c, axpy, a));
  return info.Env().Undefined();
}

}  // namespace

void RegisterOptimizer(Napi::Env env, Napi::Object target) {
  target.Set("adam", Napi::Function::New(env, Adam, "adam"));
  target.Set("axpy", Napi::Function::New(env, Axpy, "axpy"));
}

}  // namespace tensor
}  // namespace rocm_patch
