#pragma once

#include <napi.h>

namespace rocm_patch {
namespace device {

// exports.device: the device context (init, buffers, transfers, synchronisation, timing, memory) and the
// tensor kernels of @rocm-patch/tfjs-backend. Documented for that package in src/device/ of the JS side.
void RegisterBindings(Napi::Env env, Napi::Object exports);

}  // namespace device
}  // namespace rocm_patch
