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
#if defined(__HIP_DEVICE_COMPILE__) && defined(__AMDGCN_WAVEFRONT_SIZE)
#define RP_WAVE __AMDGCN_WAVEFRONT_SIZE
#elif defined(RP_WAVE_OVERRIDE)
#define RP_WAVE RP_WAVE_OVERRIDE
#else
#define RP_WAVE 32
#endif

// Launch with the triple-chevron syntax, which both hipcc and nvcc accept.
#define RP_LAUNCH(kernel, grid, block, shmem, stream, ...) \
  kernel<<<(grid), (block), (shmem), (stream)>>>(__VA_ARGS__)
