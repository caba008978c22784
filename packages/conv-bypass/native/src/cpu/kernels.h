// GEMM micro-kernels, one per instruction set, chosen at run time (never -march=native: the addon a
// user installs must run on any x86-64). Each kernel computes one MR×NR tile of C from packed panels:
//   C[i*ldc + j] (+)= sum_k a[k*MR + i] * b[k*NR + j]      0 <= i < MR, 0 <= j < NR
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace rocm_patch::cpu {

using MicroKernel = void (*)(int64_t kc, const float* a, const float* b, float* c, int64_t ldc, bool accumulate);

struct GemmKernel {
  const char* isa;  // "avx512", "avx2" or "generic"
  int mr;
  int nr;
  MicroKernel micro;
};

// The kernel in use: the widest the CPU supports, unless ROCM_PATCH_CPU_ISA or SetIsa chose another.
const GemmKernel& ActiveKernel();
// Instruction sets this build has kernels for and this CPU runs, widest first.
std::vector<std::string> AvailableIsas();
// Selects a kernel by name; false (and no change) if it is not available.
bool SetIsa(const std::string& isa);

// Defined by kernels_<isa>.cc.
const GemmKernel& GenericKernel();
#if defined(ROCM_PATCH_X86_KERNELS)
const GemmKernel& Avx2Kernel();
const GemmKernel& Avx512Kernel();
#endif

}  // namespace rocm_patch::cpu
