// Function multi-versioning for the loops outside the GEMM kernels (im2col gathering, col2im,
// depthwise): GCC compiles the function for x86-64-v4 (AVX-512), v3 (AVX2+FMA) and the baseline,
// and the dynamic loader picks one for the CPU at load time (ifunc). Elsewhere it is a no-op.
#pragma once

#if defined(ROCM_PATCH_X86_KERNELS) && defined(__GNUC__) && !defined(__clang__) && defined(__linux__)
#define ROCM_PATCH_MULTIVERSION __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define ROCM_PATCH_MULTIVERSION
#endif
