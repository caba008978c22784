// Compiled with -mavx512f/vl/dq/bw (see native/CMakeLists.txt); only called when the CPU reports them.
#include "cpu/kernels.h"
#include "cpu/kernels_impl.h"

namespace rocm_patch::cpu {

const GemmKernel& Avx512Kernel() {
  // 8×32: 16 zmm accumulators + 2 for B + the broadcast A, of 32 registers; MR=8 divides the usual
  // channel counts (16, 32, 64, ...), so few tiles are partial.
  static const GemmKernel k{"avx512", 8, 32, &detail::MicroKernel<16, 8, 2>};
  return k;
}

}  // namespace rocm_patch::cpu
