#include "tensor/napi_util.h"

namespace rocm_patch {
namespace tensor {

ArgsArray& sharedArgs() {
  static ArgsArray a;
  return a;
}

void throwStatus(Napi::Env env, const Status& s) {
  Napi::Error e = Napi::Error::New(env, s.message);
  const char* code = s.outOfMemory ? "ERR_GPU_OUT_OF_MEMORY" : (s.code == -2 ? "ERR_DEVICE_REPORTED" : "ERR_GPU");
  e.Set("code", Napi::String::New(env, code));
  throw e;
}

KernelCall::KernelCall(const Napi::CallbackInfo& info, const char* fn) : info_(info), fn_(fn) {
  ctx_ = device::Context::get();
  if (ctx_ == nullptr) throw Napi::Error::New(info.Env(), std::string(fn) + ": the device is not initialised");
  nameId_ = static_cast<int>(integer(0, "nameId", 0, 1 << 20));
}

void KernelCall::fail(const std::string& message) const {
  throw Napi::RangeError::New(info_.Env(), name() + " (" + fn_ + "): " + message);
}

double KernelCall::number(size_t i, const char* what) const {
  if (i >= info_.Length() || !info_[i].IsNumber()) fail(std::string(what) + " must be a number");
  return info_[i].As<Napi::Number>().DoubleValue();
}

int64_t KernelCall::integer(size_t i, const char* what, int64_t lo, int64_t hi) const {
  if (i >= info_.Length() || !info_[i].IsNumber()) {
    throw Napi::TypeError::New(info_.Env(), std::string(fn_) + ": " + what + " must be a number");
  }
  const double d = info_[i].As<Napi::Number>().DoubleValue();
  if (!(d >= static_cast<double>(lo) && d <= static_cast<double>(hi)) || d != std::floor(d)) {
    throw Napi::RangeError::New(info_.Env(), std::string(fn_) + ": " + what + " must be an integer in [" +
                                                 std::to_string(lo) + ", " + std::to_string(hi) + "]");
  }
  return static_cast<int64_t>(d);
}

bool KernelCall::boolean(size_t i, const char* what) const {
  if (i >= info_.Length() || !info_[i].IsBoolean()) fail(std::string(what) + " must be a boolean");
  return info_[i].As<Napi::Boolean>().Value();
}

DType KernelCall::dtype(size_t i, const char* what) const {
  return static_cast<DType>(integer(i, what, 0, 1));
}

void* KernelCall::buffer(size_t i, const char* what, int64_t elements) const {
  const double id = number(i, what);
  device::Buffer* b = ctx_->buffers().get(id);
  if (b == nullptr) fail(std::string(what) + " is not a live device buffer");
  if (elements < 0 || static_cast<uint64_t>(elements) > b->bytes / 4) {
    fail(std::string(what) + " needs " + std::to_string(elements) + " elements, its buffer holds " +
         std::to_string(b->bytes / 4));
  }
  return b->ptr;
}

void* KernelCall::stridedBuffer(size_t i, const char* what, int rank, const int64_t* shape, const int64_t* stride,
                                int64_t base) const {
  const double id = number(i, what);
  device::Buffer* b = ctx_->buffers().get(id);
  if (b == nullptr) fail(std::string(what) + " is not a live device buffer");
  __int128 lo = base, hi = base;
  bool empty = false;
  for (int d = 0; d < rank; ++d) {
    if (shape[d] == 0) empty = true;
    const __int128 span = static_cast<__int128>(shape[d] - 1) * stride[d];
    if (span > 0) hi += span; else lo += span;
  }
  const __int128 elements = static_cast<__int128>(b->bytes / 4);
  if (!empty && (lo < 0 || hi >= elements)) {
    fail(std::string(what) + ": the strided view reaches elements [" + std::to_string(static_cast<long long>(lo)) +
         ", " + std::to_string(static_cast<long long>(hi)) + "] of a buffer of " +
         std::to_string(static_cast<long long>(elements)));
  }
  return b->ptr;
}

void KernelCall::readArgs(size_t offset, size_t count, int64_t* out, const char* what) const {
  const ArgsArray& a = sharedArgs();
  if (a.data == nullptr || offset + count > a.length) fail(std::string(what) + ": the argument array is too short");
  for (size_t k = 0; k < count; ++k) {
    const double d = a.data[offset + k];
    if (!(d >= -9007199254740992.0 && d <= 9007199254740992.0) || d != std::floor(d))
      fail(std::string(what) + "[" + std::to_string(k) + "] must be an integer");
    out[k] = static_cast<int64_t>(d);
  }
}

int64_t KernelCall::readShape(size_t offset, int rank, int64_t* out, const char* what) const {
  readArgs(offset, static_cast<size_t>(rank), out, what);
  __int128 n = 1;
  for (int d = 0; d < rank; ++d) {
    if (out[d] < 0) fail(std::string(what) + " has a negative dimension");
    n *= out[d];
    if (n > (static_cast<__int128>(1) << 53)) fail(std::string(what) + " has 2^53 elements or more");
  }
  return static_cast<int64_t>(n);
}

void KernelCall::finish(const Status& s) const {
  const Status r = ctx_->endLaunch(nameId_, s);
  if (!r.ok()) throwStatus(info_.Env(), r);
}

}  // namespace tensor
}  // namespace rocm_patch
