// What the gather family's host and GPU kernels share (RP_HD): element loads by dtype, the flat slice
// index of an index tuple, Where's truth test and chunking, TopK's sort key, and the test that lets
// Range run as a closed form.
#pragma once

#include <cmath>
#include <cstdint>

#include "tensor/ops/common.h"

namespace rocm_patch {
namespace tensor {

// Element i of a float32 or int32 buffer, as a double (exact for both).
RP_HD inline double loadAsDouble(const void* p, DType t, int64_t i) {
  return t == DType::kF32 ? static_cast<double>(static_cast<const float*>(p)[i])
                          : static_cast<double>(static_cast<const int32_t*>(p)[i]);
}

// Element i as float32 (int32 rounded to nearest, as Math.fround does).
RP_HD inline float loadAsFloat(const void* p, DType t, int64_t i) {
  return t == DType::kF32 ? static_cast<const float*>(p)[i] : static_cast<float>(static_cast<const int32_t*>(p)[i]);
}

// Σ_j idx[j]·strides[j]: the flat slice index of an index tuple (64-bit: int32 components times strides
// of up to 2^53 elements cannot wrap at the sizes the host side admits).
RP_HD inline int64_t flatSliceIndex(const int32_t* idx, int sliceRank, const int64_t* strides) {
  int64_t flat = 0;
  for (int j = 0; j < sliceRank; ++j) flat += static_cast<int64_t>(idx[j]) * strides[j];
  return flat;
}

// Where's truth test: JavaScript truthiness of the element (NaN and ±0 are false).
RP_HD inline bool truthy(const void* p, DType t, int64_t i) {
  if (t == DType::kF32) {
    const float v = static_cast<const float*>(p)[i];
    return v == v && v != 0.0f;
  }
  return static_cast<const int32_t*>(p)[i] != 0;
}

// The length of each of Where's chunks (the last may be shorter or empty).
RP_HD inline int64_t whereChunkLength(int64_t n, int64_t chunks) { return (n + chunks - 1) / chunks; }

// TopK's sort key: ascending keys are descending values, ties broken by the lower index. The high word
// maps the value to an unsigned order (floats: flip the sign bit of positives, all bits of negatives;
// -0 counts as +0; every NaN as one value above +Infinity), inverted; the low word is the index.
RP_HD inline uint64_t topKKey(uint32_t bits, bool isFloat, uint32_t index) {
  uint32_t ordered;
  if (isFloat) {
    if ((bits & 0x7fffffffu) > 0x7f800000u) bits = 0x7fffffffu;  // NaN: the largest
    if (bits == 0x80000000u) bits = 0;                            // -0 ties with +0
    ordered = (bits & 0x80000000u) != 0 ? ~bits : (bits | 0x80000000u);
  } else {
    ordered = bits ^ 0x80000000u;
  }
  return (static_cast<uint64_t>(~ordered) << 32) | index;
}
RP_HD inline uint32_t topKIndex(uint64_t key) { return static_cast<uint32_t>(key & 0xffffffffu); }

// Whether start + i·step, computed at once, equals the recurrence v[i] = store(v[i-1] + step) for every
// i < n: when start and step are integers and every value is exactly representable (|v| ≤ 2^24 in
// float32; int32 values wrap modulo 2^32 either way, so integral steps with |i·step| < 2^53 suffice).
inline bool rangeIsClosedForm(DType t, double start, double step, int64_t n) {
  if (!(std::isfinite(start) && std::isfinite(step)) || step != std::trunc(step)) return false;
  const double span = std::fabs(step) * static_cast<double>(n > 0 ? n - 1 : 0);
  if (t == DType::kI32) return span < 9007199254740992.0 - 4294967296.0;
  return start == std::trunc(start) && std::fabs(start) + span <= 16777216.0;
}

// The i-th value of the closed form (see rangeIsClosedForm); also the first value of the recurrence.
RP_HD inline double rangeValue(DType t, double start, double step, int64_t i) {
  const double first = t == DType::kI32 ? static_cast<double>(toInt32(start)) : start;
  return first + static_cast<double>(i) * step;
}

}  // namespace tensor
}  // namespace rocm_patch
