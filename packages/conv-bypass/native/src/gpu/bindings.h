// N-API functions of the GPU backend (registered by addon.cc when the build has one).
#pragma once

#include <napi.h>

namespace rocm_patch {
namespace gpu {

// Adds gpuIsAvailable, gpuDeviceInfo, gpuAlloc/gpuUpload/gpuDownload/gpuFree, gpuConv2dForward,
// gpuConv2dBackwardData, gpuConv2dBackwardFilter (+Async), gpuTimeConv and the memory helpers.
void RegisterBindings(Napi::Env env, Napi::Object exports);

}  // namespace gpu
}  // namespace rocm_patch
