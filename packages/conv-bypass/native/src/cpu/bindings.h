#pragma once

#include <napi.h>

namespace rocm_patch::cpu {

// Adds the CPU functions (conv2dForward[Async], conv2dBackwardData[Async], conv2dBackwardFilter[Async],
// float32ArraysOverlap, getThreads, setThreads, getIsa, setIsa, availableIsas, getWorkspaceLimit, setWorkspaceLimit) to the
// addon's exports.
void RegisterBindings(Napi::Env env, Napi::Object exports);

}  // namespace rocm_patch::cpu
