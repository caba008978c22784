// Reading a ConvParams and the float32 buffers of a call from JavaScript, shared by the CPU and GPU
// bindings. The JS layer has validated everything already; these re-check what guards memory (sizes,
// types) and throw TypeError/RangeError naming the argument instead of touching bad memory.
#pragma once

#include <napi.h>

#include <cstdint>
#include <string>

#include "common/conv_params.h"

namespace rocm_patch {

inline int32_t ReadDim(const Napi::Object& o, const char* key) {
  Napi::Value v = o.Get(key);
  if (!v.IsNumber()) throw Napi::TypeError::New(o.Env(), std::string("params.") + key + " must be a number");
  double d = v.As<Napi::Number>().DoubleValue();
  if (!(d >= -2147483648.0 && d <= 2147483647.0) || d != static_cast<double>(static_cast<int32_t>(d)))
    throw Napi::RangeError::New(o.Env(), std::string("params.") + key + " must be a 32-bit integer");
  return static_cast<int32_t>(d);
}

// {n, c, h, w, k, r, s, p, q, strideH, strideW, padTop, padLeft, dilationH, dilationW, groups}
inline ConvParams ParamsFromJs(const Napi::Value& value) {
  Napi::Env env = value.Env();
  if (!value.IsObject()) throw Napi::TypeError::New(env, "params must be an object");
  Napi::Object o = value.As<Napi::Object>();
  ConvParams p;
  p.n = ReadDim(o, "n");
  p.c = ReadDim(o, "c");
  p.h = ReadDim(o, "h");
  p.w = ReadDim(o, "w");
  p.k = ReadDim(o, "k");
  p.r = ReadDim(o, "r");
  p.s = ReadDim(o, "s");
  p.p = ReadDim(o, "p");
  p.q = ReadDim(o, "q");
  p.stride_h = ReadDim(o, "strideH");
  p.stride_w = ReadDim(o, "strideW");
  p.pad_top = ReadDim(o, "padTop");
  p.pad_left = ReadDim(o, "padLeft");
  p.dilation_h = ReadDim(o, "dilationH");
  p.dilation_w = ReadDim(o, "dilationW");
  p.groups = ReadDim(o, "groups");
  std::string problem = p.Check();
  if (!problem.empty()) throw Napi::RangeError::New(env, "params: " + problem);
  return p;
}

// The Float32Array argument `name`, which must hold exactly `length` elements.
inline Napi::Float32Array Float32Arg(const Napi::Value& value, const char* name, int64_t length) {
  Napi::Env env = value.Env();
  if (!value.IsTypedArray() || value.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array)
    throw Napi::TypeError::New(env, std::string(name) + " must be a Float32Array");
  Napi::Float32Array a = value.As<Napi::Float32Array>();
  if (static_cast<int64_t>(a.ElementLength()) != length)
    throw Napi::RangeError::New(env, std::string(name) + " must have " + std::to_string(length) + " elements, got " +
                                         std::to_string(a.ElementLength()));
  return a;
}

// Whether the elements of two arrays share memory. Compared by address: one SharedArrayBuffer's memory
// is seen through a different object in every worker that received it.
inline bool Float32ArraysOverlap(const Napi::Float32Array& a, const Napi::Float32Array& b) {
  const auto begin_a = reinterpret_cast<uintptr_t>(a.Data()), begin_b = reinterpret_cast<uintptr_t>(b.Data());
  const uintptr_t end_a = begin_a + a.ElementLength() * sizeof(float);
  const uintptr_t end_b = begin_b + b.ElementLength() * sizeof(float);
  return a.ElementLength() > 0 && b.ElementLength() > 0 && begin_a < end_b && begin_b < end_a;
}

// Throws a RangeError when the output `out` (named out_name) shares memory with an input: the kernels
// read the inputs while they write the output.
inline void CheckNoAlias(const Napi::Float32Array& out, const char* out_name, const Napi::Float32Array& in,
                         const char* in_name) {
  if (!in.IsEmpty() && Float32ArraysOverlap(out, in))
    throw Napi::RangeError::New(out.Env(), std::string(out_name) + " shares memory with " + in_name +
                                               ": the output must not alias an input");
}

}  // namespace rocm_patch
