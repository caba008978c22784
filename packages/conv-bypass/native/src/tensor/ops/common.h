// What the tensor kernels share between the GPU and the host device: element types, the JavaScript
// number conversions TF.js's cpu backend applies when it stores a result, and strided index arithmetic.
// Everything here is RP_HD: compiled for the device by hipcc/nvcc and for the CPU by g++.
#pragma once

#include <cmath>
#include <cstdint>

#include "device/device_error.h"

namespace rocm_patch {
namespace tensor {

constexpr int kMaxRank = 8;

// Element types on the device: every element is 4 bytes. bool is stored as int32 0/1.
enum class DType : int32_t { kF32 = 0, kI32 = 1 };

// What storing a JavaScript number into an Int32Array does (ECMAScript ToInt32): NaN and ±Infinity
// become 0, others are truncated and wrapped modulo 2^32. TF.js's cpu backend computes int32 results
// as doubles and stores them so; computing int32 ops in double and converting here matches it exactly.
RP_HD inline int32_t toInt32(double v) {
  if (!(v == v) || v == INFINITY || v == -INFINITY) return 0;
  double t = trunc(v);
  if (t >= -2147483648.0 && t <= 2147483647.0) return static_cast<int32_t>(t);
  double m = fmod(t, 4294967296.0);
  if (m < 0) m += 4294967296.0;
  return static_cast<int32_t>(static_cast<uint32_t>(m));
}

// The compute type of an elementwise op: float when everything is float32, else double.
template <class TIn, class TOut>
struct ComputeOf {
  using type = double;
};
template <>
struct ComputeOf<float, float> {
  using type = float;
};
template <class TIn, class TOut>
using Compute = typename ComputeOf<TIn, TOut>::type;

template <class T>
struct Elem;
template <>
struct Elem<float> {
  template <class C>
  RP_HD static float from(C v) {
    return static_cast<float>(v);
  }
};
template <>
struct Elem<int32_t> {
  template <class C>
  RP_HD static int32_t from(C v) {
    return toInt32(static_cast<double>(v));
  }
};

// K strided views over one iteration space: element i (row-major over `shape`) of operand k is at
// base[k] + sum(idx[d] * stride[k][d]). A broadcast dimension has stride 0. Index is int32_t when every
// offset and the element count fit in it (the host side checks), else int64_t.
template <class Index, int K>
struct Indexer {
  int rank;
  Index shape[kMaxRank];
  Index stride[K][kMaxRank];
  Index base[K];
  RP_HD void offsets(Index i, Index (&off)[K]) const {
    for (int k = 0; k < K; ++k) off[k] = base[k];
    for (int d = rank - 1; d >= 0; --d) {
      const Index s = shape[d];
      const Index q = i / s;
      const Index r = i - q * s;
      for (int k = 0; k < K; ++k) off[k] += r * stride[k][d];
      i = q;
    }
  }
};

}  // namespace tensor
}  // namespace rocm_patch
