// The one micro-kernel source, instantiated per instruction set by kernels_<isa>.cc with the vector
// width that set has (GCC/Clang vector extensions; the compiler maps them to SSE, AVX2 or AVX-512).
// MR rows × NV vectors of accumulators stay in registers for the whole k loop.
#pragma once

#include <cstdint>

namespace rocm_patch::cpu::detail {

template <int VW, int MR, int NV>
void MicroKernel(int64_t kc, const float* __restrict a, const float* __restrict b, float* __restrict c,
                 int64_t ldc, bool accumulate) {
  typedef float vec __attribute__((vector_size(VW * sizeof(float))));
  typedef float uvec __attribute__((vector_size(VW * sizeof(float)), aligned(alignof(float))));
  constexpr int NR = VW * NV;
  vec acc[MR][NV];
#pragma GCC unroll 16
  for (int i = 0; i < MR; ++i)
#pragma GCC unroll 4
    for (int j = 0; j < NV; ++j) acc[i][j] = vec{};
  for (int64_t k = 0; k < kc; ++k) {
    vec bv[NV];
#pragma GCC unroll 4
    for (int j = 0; j < NV; ++j) bv[j] = *reinterpret_cast<const uvec*>(b + j * VW);
#pragma GCC unroll 16
    for (int i = 0; i < MR; ++i) {
      const float ai = a[i];
#pragma GCC unroll 4
      for (int j = 0; j < NV; ++j) acc[i][j] += ai * bv[j];
    }
    a += MR;
    b += NR;
  }
#pragma GCC unroll 16
  for (int i = 0; i < MR; ++i)
#pragma GCC unroll 4
    for (int j = 0; j < NV; ++j) {
      uvec* dst = reinterpret_cast<uvec*>(c + i * ldc + j * VW);
      if (accumulate)
        *dst += acc[i][j];
      else
        *dst = acc[i][j];
    }
}

}  // namespace rocm_patch::cpu::detail
