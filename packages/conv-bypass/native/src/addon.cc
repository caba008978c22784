// Entry point of rocm_patch_conv.node: the CPU backend always, the GPU backend when the build found
// a toolchain (native/cmake/gpu.cmake defines ROCM_PATCH_WITH_GPU and adds src/gpu/*).
#include <napi.h>

#include "cpu/bindings.h"
#include "device/bindings.h"

#ifdef ROCM_PATCH_WITH_GPU
#include "gpu/bindings.h"
#endif
#ifdef ROCM_PATCH_WITH_VENDOR
#include "vendor/bindings.h"
#endif

namespace {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  rocm_patch::cpu::RegisterBindings(env, exports);
  rocm_patch::device::RegisterBindings(env, exports);  // exports.device: the TF.js backend's device and kernels
#ifdef ROCM_PATCH_WITH_GPU
  exports.Set("gpuBackend", Napi::String::New(env, ROCM_PATCH_GPU_BACKEND_NAME));
  rocm_patch::gpu::RegisterBindings(env, exports);
#ifdef ROCM_PATCH_WITH_VENDOR
  rocm_patch::vendor::RegisterBindings(env, exports);  // exports.vendor (MIOpen / cuDNN via dlopen)
#endif
#else
  exports.Set("gpuBackend", Napi::String::New(env, "none"));
#endif
  return exports;
}

}  // namespace

NODE_API_MODULE(rocm_patch_conv, Init)
