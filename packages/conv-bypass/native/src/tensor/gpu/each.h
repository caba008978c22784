// GPU helpers of the nn kernels: a grid-stride launch of a per-element functor (the functors wrap the
// per-element functions of tensor/ops/*.h that the host loops call too), the 32-bit test, and wave
// reductions in a fixed order (deterministic: every lane of a butterfly ends with the same value, since
// each step adds or compares the same two operands, only swapped).
#pragma once

#include <cstdint>

#include "common/status.h"
#include "gpu/vendor.h"
#include "tensor/gpu/launch.h"

namespace rocm_patch {
namespace tensor {
namespace gpu {

template <class F, class Index>
__global__ void __launch_bounds__(kBlock) each_kernel(F f, Index n) {
  for (Index i = blockIdx.x * static_cast<Index>(blockDim.x) + threadIdx.x; i < n;
       i += static_cast<Index>(gridDim.x) * blockDim.x)
    f(i);
}

// Runs f(i) for every i < n, with Fn<int32_t> when `narrow` (the host proved every offset of the
// launch fits in int32), else Fn<int64_t>. make(tag) builds the functor for the index type of tag.
template <template <class> class Fn, class Make>
Status launchEach(const char* what, int64_t n, bool narrow, Make make) {
  if (n <= 0) return Status{};
  if (narrow && n <= INT32_MAX)
    RP_LAUNCH((each_kernel<Fn<int32_t>, int32_t>), dim3(blocksFor(n)), dim3(kBlock), 0, 0, make(int32_t{}),
              static_cast<int32_t>(n));
  else
    RP_LAUNCH((each_kernel<Fn<int64_t>, int64_t>), dim3(blocksFor(n)), dim3(kBlock), 0, 0, make(int64_t{}), n);
  return launchStatus(what);
}

// Whether every value in [−bound, bound] is an int32.
inline bool within32(int64_t bound) { return bound >= 0 && bound <= INT32_MAX; }

template <class T>
__device__ inline T waveXor(T v, int laneMask) {
  rp_check_wave();  // the butterflies span RP_WAVE lanes
#if defined(__CUDACC__) && !defined(__HIP_PLATFORM_AMD__)
  return __shfl_xor_sync(0xffffffffu, v, laneMask);
#else
  return __shfl_xor(v, laneMask);
#endif
}

// The NaN-propagating maximum (cpu's Max: any NaN makes the result NaN).
__device__ inline float nanMax(float a, float b) {
  if (a != a) return a;
  if (b != b) return b;
  return a > b ? a : b;
}

struct SumOp {
  __device__ float operator()(float a, float b) const { return a + b; }
};
struct MaxOp {
  __device__ float operator()(float a, float b) const { return nanMax(a, b); }
};

// Every lane of the wave gets op over the wave's values.
template <class Op>
__device__ inline float waveReduce(float v, Op op) {
  for (int m = RP_WAVE / 2; m > 0; m >>= 1) v = op(v, waveXor(v, m));
  return v;
}

}  // namespace gpu
}  // namespace tensor
}  // namespace rocm_patch
