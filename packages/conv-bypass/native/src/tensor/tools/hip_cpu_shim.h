// Force-included (g++ -include) when reduce_check runs the GPU kernels on the CPU through AMD's
// header-only HIP-CPU runtime, which launches with hipLaunchKernelGGL rather than triple chevrons.
#pragma once

#include "gpu/vendor.h"

#undef RP_LAUNCH
#define RP_LAUNCH(kernel, grid, block, shmem, stream, ...) \
  hipLaunchKernelGGL(kernel, grid, block, shmem, stream, __VA_ARGS__)
