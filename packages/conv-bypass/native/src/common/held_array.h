// A Float32Array argument of an asynchronous call, in memory that nothing JavaScript does while the
// call runs on a worker thread can free, move or shrink.
//
// A reference to the typed array keeps the object alive, not its memory: an ArrayBuffer's memory
// leaves it when the buffer is transferred (postMessage, structuredClone's transfer,
// ArrayBuffer.prototype.transfer), when a resizable buffer shrinks, and when a WebAssembly memory
// grows. Node-API cannot hold a backing store or forbid those, so:
//   - SharedArrayBuffer memory cannot be detached, and a growable one only grows in place: it is used
//     where it is, the array held by a reference until the call settles;
//   - ArrayBuffer memory is not touched off the JS thread: an input is copied when the call starts
//     (on the JS thread, before anything else can run), an output is computed into memory of ours and
//     copied into the array on the JS thread when the work is done — after checking that the array
//     still has all its elements; if it lost them, the call fails with ERR_ARRAY_DETACHED instead;
//   - an output the caller did not provide is a new Float32Array made here (Fresh): no JavaScript can
//     reach it before the call resolves with it, so the kernels write it in place.
#pragma once

#include <napi.h>

#include <cstring>
#include <memory>
#include <new>
#include <string>

namespace rocm_patch {

class HeldFloat32Array {
 public:
  HeldFloat32Array() = default;

  // `array` must already be checked to be a Float32Array of the right length (Float32Arg).
  HeldFloat32Array(Napi::Float32Array array, const char* name, bool output, bool fresh = false)
      : ref_(Napi::Persistent(array)), name_(name), output_(output), length_(array.ElementLength()) {
    if (fresh || IsShared(array)) {
      data_ = array.Data();
      return;
    }
    // new float[] without () leaves an output uninitialised: every kernel writes all of it.
    copy_.reset(new (std::nothrow) float[length_ > 0 ? length_ : 1]);
    if (copy_ == nullptr) {
      Napi::Error e = Napi::Error::New(array.Env(), "cannot allocate " + std::to_string(length_ * sizeof(float)) +
                                                        " bytes of host memory to hold " + name + " during the call");
      e.Set("code", Napi::String::New(array.Env(), "ERR_OUT_OF_MEMORY"));
      throw e;
    }
    if (!output_ && length_ > 0) std::memcpy(copy_.get(), array.Data(), length_ * sizeof(float));
    data_ = copy_.get();
  }

  // A new zero-filled Float32Array of `length` elements for an output, used in place.
  static HeldFloat32Array Fresh(Napi::Env env, size_t length, const char* name) {
    return HeldFloat32Array(Napi::Float32Array::New(env, length), name, true, /*fresh=*/true);
  }

  bool empty() const { return ref_.IsEmpty(); }
  // The JS array (on the JS thread, before Release).
  Napi::Float32Array Array() const { return ref_.Value(); }
  const float* data() const { return data_; }
  float* mutable_data() const { return data_; }
  // True when the memory is ours (a copy), false when it is the array's own shared memory.
  bool copied() const { return copy_ != nullptr; }

  // On the JS thread once the work is done: an output computed aside goes into the array. Throws a
  // RangeError with code ERR_ARRAY_DETACHED when the array no longer has its elements.
  void Publish(Napi::Env env) {
    if (!output_ || copy_ == nullptr || ref_.IsEmpty()) return;
    Napi::Float32Array array = ref_.Value();
    napi_typedarray_type type;
    size_t length = 0;
    void* data = nullptr;
    napi_value buffer = nullptr;
    size_t offset = 0;
    NAPI_THROW_IF_FAILED_VOID(env, napi_get_typedarray_info(env, array, &type, &length, &data, &buffer, &offset));
    bool detached = false;
    if (buffer != nullptr) napi_is_detached_arraybuffer(env, buffer, &detached);
    if (detached || data == nullptr || length != length_) {
      Napi::Error e = Napi::RangeError::New(
          env, std::string(name_) + " lost its memory while the call ran (its ArrayBuffer was transferred, detached " +
                   "or resized): the result was not written; leave the output's buffer alone until the promise settles");
      e.Set("code", Napi::String::New(env, "ERR_ARRAY_DETACHED"));
      throw e;
    }
    if (length_ > 0) std::memcpy(data, copy_.get(), length_ * sizeof(float));
  }

  // On the JS thread: drops the reference and our copy.
  void Release() {
    ref_.Reset();
    copy_.reset();
    data_ = nullptr;
  }

 private:
  // A typed array over a SharedArrayBuffer: napi_is_arraybuffer is false for its buffer.
  static bool IsShared(const Napi::Float32Array& array) {
    napi_env env = array.Env();
    napi_value buffer = nullptr;
    if (napi_get_typedarray_info(env, array, nullptr, nullptr, nullptr, &buffer, nullptr) != napi_ok || buffer == nullptr)
      return false;
    bool is_arraybuffer = true;
    if (napi_is_arraybuffer(env, buffer, &is_arraybuffer) != napi_ok) return false;
    return !is_arraybuffer;
  }

  Napi::Reference<Napi::Float32Array> ref_;
  const char* name_ = "";
  bool output_ = false;
  size_t length_ = 0;
  std::unique_ptr<float[]> copy_;
  float* data_ = nullptr;
};

}  // namespace rocm_patch
