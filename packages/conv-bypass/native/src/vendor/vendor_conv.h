// The platform's own convolution library (MIOpen on ROCm, cuDNN on NVIDIA), loaded at run time with
// dlopen: no build-time dependency on its headers or libraries. Used by the strategy layer's VENDOR /
// AUTO / SELECTIVE paths (and by the probe process) for forward and both gradients. Host buffers in and
// out; device memory comes from the GPU backend's runtime (gpu/gpu_api.h).
#pragma once

#include <string>

#include "common/conv_params.h"

namespace rocm_patch {
namespace vendor {

struct LibraryInfo {
  bool ok = false;
  std::string library;  // "cudnn" or "miopen"
  std::string version;  // e.g. "9.1.0"
  std::string path;     // what dlopen loaded
  std::string error;    // why not, when !ok
};

// Loads the library of this build's GPU backend once (later calls return the same result).
// $ROCM_PATCH_VENDOR_LIB names a library file to load instead of the default names.
const LibraryInfo& Open();

enum class Op { kForward = 0, kBackwardData = 1, kBackwardFilter = 2 };

// Runs one convolution. forward: a = x, b = w, out = y; backward-data: a = dy, b = w, out = dx;
// backward-filter: a = x, b = dy, out = dw. Returns "" on success, else the error (library status
// text and the operation). p must have passed ConvParams::Check().
std::string Run(Op op, const ConvParams& p, const float* a, const float* b, float* out);

// The same on device buffers (the TF.js backend's tensors): enqueued on the one stream, no copies to the
// host and no synchronisation. Asymmetric padding goes through a zero-padded device copy of the input
// (and, for backward-data, a padded result cropped on the device).
std::string RunOnDevice(Op op, const ConvParams& p, const float* a, const float* b, float* out);

}  // namespace vendor
}  // namespace rocm_patch
