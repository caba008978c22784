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

// Division of a non-negative n < 2^31 by a fixed divisor 1 <= d < 2^31 as a multiply-high, an add and
// a shift (Granlund and Montgomery; PyTorch's IntDivider): a GPU has no integer divide instruction, and
// the ~20-instruction sequence per division and dimension made index arithmetic, not memory, the cost
// of every broadcast or strided elementwise kernel.
struct FastDiv32 {
  uint32_t mul = 1, shift = 0;
  static FastDiv32 of(uint32_t d) {
    FastDiv32 f;
    while (f.shift < 32 && (uint64_t{1} << f.shift) < d) ++f.shift;
    f.mul = static_cast<uint32_t>((uint64_t{1} << 32) * ((uint64_t{1} << f.shift) - d) / d + 1);
    return f;
  }
  RP_HD uint32_t div(uint32_t n) const {
#if defined(__CUDA_ARCH__) || defined(__HIP_DEVICE_COMPILE__)
    const uint32_t t = __umulhi(n, mul);
#else
    const uint32_t t = static_cast<uint32_t>((uint64_t{n} * mul) >> 32);
#endif
    return (t + n) >> shift;
  }
};

// K strided views over one iteration space: element i (row-major over the shape) of operand k is at
// base[k] + sum(idx[d] * stride[k][d]). A broadcast dimension has stride 0. Index is int32_t when every
// offset and the element count fit in it (the host side checks), else int64_t. Dimensions are stored
// innermost first, so that the unrolled loop below indexes its arrays with constants (a runtime index
// puts them in local memory on a GPU).
template <class Index, int K>
struct Indexer {
  int rank;
  Index shape[kMaxRank];  // shape[j]: the j-th dimension from the innermost
  FastDiv32 divider[kMaxRank];
  Index stride[K][kMaxRank];
  Index base[K];
  RP_HD void offsets(Index i, Index (&off)[K]) const {
    for (int k = 0; k < K; ++k) off[k] = base[k];
#if defined(__CUDA_ARCH__) || defined(__HIP_DEVICE_COMPILE__)
#pragma unroll
#endif
    for (int j = 0; j < kMaxRank; ++j) {
      if (j >= rank) break;
      Index q;
      if constexpr (sizeof(Index) == 4)
        q = static_cast<Index>(divider[j].div(static_cast<uint32_t>(i)));
      else
        q = i / shape[j];
      const Index r = i - q * shape[j];
      for (int k = 0; k < K; ++k) off[k] += r * stride[k][j];
      i = q;
    }
  }
};

// The Indexer of a row-major `shape` (outermost first, as the kernels' arguments give it).
template <class Index, int K>
Indexer<Index, K> makeIndexer(int rank, const int64_t* shape, const int64_t* const (&strides)[K],
                              const int64_t (&bases)[K]) {
  Indexer<Index, K> ix{};
  ix.rank = rank;
  for (int j = 0; j < rank; ++j) {
    const int d = rank - 1 - j;
    ix.shape[j] = static_cast<Index>(shape[d]);
    if (sizeof(Index) == 4) ix.divider[j] = FastDiv32::of(static_cast<uint32_t>(shape[d] < 1 ? 1 : shape[d]));
    for (int k = 0; k < K; ++k) ix.stride[k][j] = static_cast<Index>(strides[k][d]);
  }
  for (int k = 0; k < K; ++k) ix.base[k] = static_cast<Index>(bases[k]);
  return ix;
}

}  // namespace tensor
}  // namespace rocm_patch
