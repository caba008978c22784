// N-API functions of the vendor conv path (registered by addon.cc in GPU builds).
#pragma once

#include <napi.h>

namespace rocm_patch {
namespace vendor {

// Adds exports.vendor = { open(), forward(p, x, w, y), backwardData(p, dy, w, dx), backwardFilter(p, x, dy, dw) }.
void RegisterBindings(Napi::Env env, Napi::Object exports);

}  // namespace vendor
}  // namespace rocm_patch
