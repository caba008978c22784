// The one seam between the kernels and a GPU vendor. The kernels and launchers are written against the
// HIP names below; hipcc (AMD) compiles them as they are, and nvcc (NVIDIA) sees the CUDA equivalents.
// HIP's own NVIDIA headers (hip/nvidia_detail) do not build with CUDA 13, hence this small map of the
// names we actually use — nothing else of HIP may appear in src/gpu/*.
#pragma once

#if defined(__HIPCC__) || defined(__HIP_PLATFORM_AMD__)
#include <hip/hip_runtime.h>
#define RP_GPU_BACKEND "hip"
#elif defined(__CUDACC__)
#include <cuda_runtime.h>
#define RP_GPU_BACKEND "cuda"

// runtime types and calls
#define hipError_t cudaError_t
#define hipSuccess cudaSuccess
#define hipErrorOutOfMemory cudaErrorMemoryAllocation
#define hipErrorNoDevice cudaErrorNoDevice
#define hipErrorInsufficientDriver cudaErrorInsufficientDriver
#define hipStream_t cudaStream_t
#define hipEvent_t cudaEvent_t
#define hipDeviceProp_t cudaDeviceProp
#define hipGetErrorString cudaGetErrorString
#define hipGetErrorName cudaGetErrorName
#define hipGetLastError cudaGetLastError
#define hipGetDeviceCount cudaGetDeviceCount
#define hipGetDevice cudaGetDevice
#define hipSetDevice cudaSetDevice
#define hipGetDeviceProperties cudaGetDeviceProperties
#define hipDeviceSynchronize cudaDeviceSynchronize
#define hipMalloc cudaMalloc
#define hipFree cudaFree
#define hipMemcpy cudaMemcpy
#define hipMemcpyAsync cudaMemcpyAsync
#define hipMemset cudaMemset
#define hipMemsetAsync cudaMemsetAsync
#define hipMemGetInfo cudaMemGetInfo
#define hipMemcpyHostToDevice cudaMemcpyHostToDevice
#define hipMemcpyDeviceToHost cudaMemcpyDeviceToHost
#define hipMemcpyDeviceToDevice cudaMemcpyDeviceToDevice
#define hipStreamSynchronize cudaStreamSynchronize
#define hipEventCreate cudaEventCreate
#define hipEventDestroy cudaEventDestroy
#define hipEventRecord cudaEventRecord
#define hipEventSynchronize cudaEventSynchronize
#define hipEventElapsedTime cudaEventElapsedTime
#define hipRuntimeGetVersion cudaRuntimeGetVersion
#define hipDriverGetVersion cudaDriverGetVersion
#define hipHostMalloc cudaHostAlloc
#define hipHostMallocDefault cudaHostAllocDefault
#define hipHostFree cudaFreeHost
#define hipEventQuery cudaEventQuery
#define hipEventCreateWithFlags cudaEventCreateWithFlags
#define hipEventDefault cudaEventDefault
#define hipEventDisableTiming cudaEventDisableTiming
#define hipErrorNotReady cudaErrorNotReady
#define hipPeekAtLastError cudaPeekAtLastError
#define hipFuncGetAttributes cudaFuncGetAttributes
#define hipFuncAttributes cudaFuncAttributes
#define hipOccupancyMaxActiveBlocksPerMultiprocessor cudaOccupancyMaxActiveBlocksPerMultiprocessor
#else
#error "vendor.h: compile the GPU sources with hipcc or nvcc"
#endif

// The wave (warp) width is a compile-time constant of the target, never read from warpSize at run
// time and never assumed to be 32: RDNA runs wave32 (the default hipcc mode for gfx10/gfx11), GCN/CDNA
// and RDNA in wave64 mode run 64. Kernels size their lane layouts from RP_WAVE.
//
// Newer clang deprecated, then removed, __AMDGCN_WAVEFRONT_SIZE (llvm-project #112849, #157463) and
// made warpSize a run-time value, leaving no compile-time constant; so, as AMD advises, the device pass
// takes it from the target's family: GCN and CDNA (gfx6–gfx9) run wave64 only, RDNA (gfx10–gfx12)
// wave32 under HIP unless built with -mwavefrontsize64, which this build never passes. An unknown
// family is an error, not a guess. The guess is checked wherever the compiler can still tell:
// against __AMDGCN_WAVEFRONT_SIZE at compile time where clang has no __builtin_amdgcn_wavefrontsize
// (before LLVM 19, e.g. Debian's ROCm 5.2), else against that builtin at run time (rp_check_wave(),
// which LLVM folds away when they agree).
// The host pass never uses RP_WAVE for anything that reaches the device; it gets NVIDIA's 32.
#if defined(__HIP_DEVICE_COMPILE__) && defined(__AMDGCN__)
#if defined(__GFX10__) || defined(__GFX11__) || defined(__GFX12__)
#define RP_WAVE 32
#elif defined(__GFX6__) || defined(__GFX7__) || defined(__GFX8__) || defined(__GFX9__)
#define RP_WAVE 64
#else
#error "vendor.h: unknown AMD GPU family: add its wave size to RP_WAVE"
#endif
#if defined(__has_builtin)
#if !__has_builtin(__builtin_amdgcn_wavefrontsize) && defined(__AMDGCN_WAVEFRONT_SIZE)
static_assert(RP_WAVE == __AMDGCN_WAVEFRONT_SIZE, "vendor.h: RP_WAVE disagrees with the compiler's wave size");
#endif
#endif
#elif defined(RP_WAVE_OVERRIDE)
#define RP_WAVE RP_WAVE_OVERRIDE
#else
#define RP_WAVE 32
#endif

// Traps when the code runs with another wave size than RP_WAVE (a build with -mwavefrontsize64 on
// RDNA): a wrong-width shuffle reduction would otherwise return partial results silently.
__device__ __forceinline__ void rp_check_wave() {
#if defined(__HIP_DEVICE_COMPILE__) && defined(__AMDGCN__) && defined(__has_builtin)
#if __has_builtin(__builtin_amdgcn_wavefrontsize)
  if (__builtin_amdgcn_wavefrontsize() != RP_WAVE) __builtin_trap();
#endif
#endif
}

// __launch_bounds__(threads, minBlocks) asks NVIDIA's compiler for registers that let minBlocks blocks
// share a multiprocessor. HIP turns the second argument into amdgpu_waves_per_eu, a minimum of waves
// per SIMD — another unit (on gfx9 it made every 2-block tile a 2-wave, ≤ 128-VGPR kernel whatever its
// block size). On AMD the blocks are converted into waves per SIMD: minBlocks blocks of `threads`
// threads are minBlocks·threads/RP_WAVE waves over the 4 SIMDs of a GCN CU or an RDNA WGP (HIP's
// default mode).
#if defined(__HIP_PLATFORM_AMD__) || defined(__HIPCC__)
constexpr int rp_amd_waves_per_simd(int threads, int minBlocks) {
  return (minBlocks * threads + 4 * RP_WAVE - 1) / (4 * RP_WAVE);
}
#define RP_LAUNCH_BOUNDS(threads, minBlocks) __launch_bounds__(threads, rp_amd_waves_per_simd(threads, minBlocks))
#else
#define RP_LAUNCH_BOUNDS(threads, minBlocks) __launch_bounds__(threads, minBlocks)
#endif

// Launch with the triple-chevron syntax, which both hipcc and nvcc accept.
#define RP_LAUNCH(kernel, grid, block, shmem, stream, ...) \
  kernel<<<(grid), (block), (shmem), (stream)>>>(__VA_ARGS__)
