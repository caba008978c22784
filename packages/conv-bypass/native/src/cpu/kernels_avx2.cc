// Compiled with -mavx2 -mfma (see native/CMakeLists.txt); only called when the CPU reports both.
#include "cpu/kernels.h"
#include "cpu/kernels_impl.h"

namespace rocm_patch::cpu {

const GemmKernel& Avx2Kernel() {
  // 6×16: 12 ymm accumulators + 2 for B + 1 broadcast of A, within the 16 registers.
  static const GemmKernel k{"avx2", 6, 16, &detail::MicroKernel<8, 6, 2>};
  return k;
}

}  // namespace rocm_patch::cpu
