// Launch helpers of the tensor kernels (GPU side only).
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"
#include "gpu/vendor.h"

namespace rocm_patch {
namespace tensor {
namespace gpu {

constexpr unsigned kBlock = 256;

// Blocks for a grid-stride loop over n elements: enough to fill any GPU, few enough that each thread
// loops a little (and always within the 2^31 − 1 grid limit of both vendors).
inline unsigned blocksFor(int64_t n, unsigned block = kBlock) {
  int64_t b = (n + block - 1) / block;
  if (b > 65535 * 16) b = 65535 * 16;
  return static_cast<unsigned>(b < 1 ? 1 : b);
}

inline Status launchStatus(const char* what) {
  const hipError_t err = hipGetLastError();
  if (err == hipSuccess) return Status{};
  Status s;
  s.code = static_cast<int>(err);
  s.message = std::string(what) + ": " + hipGetErrorName(err) + " (" + hipGetErrorString(err) + ")";
  return s;
}

// Whether a grid-stride loop over n elements with `blocks` blocks of kBlock threads can count in int32:
// the last `i += gridDim·blockDim` must not wrap, so n plus one grid stride has to fit.
inline bool loopFits32(int64_t n, unsigned blocks) {
  return n + static_cast<int64_t>(blocks) * kBlock <= INT32_MAX;
}

// Whether every offset base + Σ (shape[d] − 1)·|stride[d]| fits in int32, and a loop over the count does.
inline bool fits32(int rank, const int64_t* shape, const int64_t* stride, int64_t base, int64_t n) {
  if (!loopFits32(n, blocksFor(n)) || base > INT32_MAX || base < 0) return false;
  int64_t hi = base, lo = base;
  for (int d = 0; d < rank; ++d) {
    const int64_t span = (shape[d] - 1) * stride[d];
    if (span > 0) hi += span; else lo += span;
    if (hi > INT32_MAX || lo < 0) return false;
  }
  return true;
}

}  // namespace gpu
}  // namespace tensor
}  // namespace rocm_patch
