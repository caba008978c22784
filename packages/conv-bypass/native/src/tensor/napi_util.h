// Reading a tensor kernel's arguments from JavaScript. Every kernel function takes numbers only (ids of
// device buffers, sizes, op codes); shapes and strides travel in the shared Float64Array `args` the
// backend registered at init, so a call costs no object or array conversions. Everything is checked
// here before any memory is touched: ids must name live buffers, and every element a kernel can reach
// must lie inside its buffer (offsets computed in 128 bits, so no product can wrap).
#pragma once

#include <napi.h>

#include <cmath>
#include <cstdint>
#include <string>

#include "common/status.h"
#include "device/context.h"
#include "tensor/ops/common.h"

namespace rocm_patch {
namespace tensor {

// The shared argument array (set by device.init).
struct ArgsArray {
  const double* data = nullptr;
  size_t length = 0;
};
ArgsArray& sharedArgs();

// Throws the JS error for a failed Status: code ERR_GPU_OUT_OF_MEMORY, ERR_DEVICE_REPORTED (a kernel found
// bad data, e.g. an index out of range) or ERR_GPU.
[[noreturn]] void throwStatus(Napi::Env env, const Status& s);

class KernelCall {
 public:
  KernelCall(const Napi::CallbackInfo& info, const char* fn);

  device::Context* ctx() const { return ctx_; }
  Napi::Env env() const { return info_.Env(); }
  int nameId() const { return nameId_; }
  const std::string& name() const { return ctx_->name(nameId_); }

  double number(size_t i, const char* what) const;
  int64_t integer(size_t i, const char* what, int64_t lo, int64_t hi) const;
  bool boolean(size_t i, const char* what) const;
  DType dtype(size_t i, const char* what) const;
  // The device buffer of argument i, which must hold at least `elements` 4-byte elements.
  void* buffer(size_t i, const char* what, int64_t elements) const;
  // Checks that every offset base + Σ idx·stride over `shape` lies in [0, elements) of buffer i.
  void* stridedBuffer(size_t i, const char* what, int rank, const int64_t* shape, const int64_t* stride, int64_t base) const;

  // args[offset .. offset+count) as int64 (each an exact integer within ±2^53).
  void readArgs(size_t offset, size_t count, int64_t* out, const char* what) const;
  // A shape: rank entries ≥ 0; returns the element count (checked against 2^53).
  int64_t readShape(size_t offset, int rank, int64_t* out, const char* what) const;
  int rank(size_t i, const char* what) const { return static_cast<int>(integer(i, what, 0, kMaxRank)); }

  [[noreturn]] void fail(const std::string& message) const;
  // Runs the launcher's result through the context (launch errors, launch-blocking mode); throws.
  void finish(const Status& s) const;
  device::ErrorSink sink() { return ctx_->beginLaunch(nameId_); }

 private:
  const Napi::CallbackInfo& info_;
  const char* fn_;
  device::Context* ctx_;
  int nameId_;
};

// Runs a family's kernel on the context's device: host::fn or gpu::fn (the GPU ones exist in GPU builds).
#ifdef ROCM_PATCH_WITH_GPU
#define RP_RUN(call, fn, args) ((call).ctx()->rt()->isHost() ? host::fn(args) : gpu::fn(args))
#else
#define RP_RUN(call, fn, args) host::fn(args)
#endif

// Each family adds its functions to the `device` object of the addon.
void RegisterConv(Napi::Env env, Napi::Object target);
void RegisterElementwise(Napi::Env env, Napi::Object target);
void RegisterOptimizer(Napi::Env env, Napi::Object target);
void RegisterMovement(Napi::Env env, Napi::Object target);
void RegisterReduce(Napi::Env env, Napi::Object target);
void RegisterMatMul(Napi::Env env, Napi::Object target);
void RegisterNn(Napi::Env env, Napi::Object target);
void RegisterGather(Napi::Env env, Napi::Object target);

}  // namespace tensor
}  // namespace rocm_patch
