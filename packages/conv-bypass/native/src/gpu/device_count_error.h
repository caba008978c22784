// Why the runtime found no device, in words a user can act on (HIP or CUDA through gpu/vendor.h; .hip
// files only). Both runtimes answer hipGetDeviceCount with "driver version is insufficient for runtime
// version" (hipErrorInsufficientDriver / cudaErrorInsufficientDriver) also when no driver is installed at
// all — on a machine without the vendor's GPU — which sends people to upgrade a driver they do not have.
// The driver version, 0 when none is installed, tells the two cases apart.
#pragma once

#include <string>

#include "gpu/vendor.h"

namespace rocm_patch {
namespace gpu {

inline std::string describeDeviceCountError(hipError_t err) {
  const std::string raw = std::string(hipGetErrorName(err)) + ": " + hipGetErrorString(err);
  if (err == hipErrorNoDevice) return "no GPU found (" + raw + ")";
  if (err != hipErrorInsufficientDriver) return raw;
  int driver = 0, runtime = 0;
  const bool hasDriver = hipDriverGetVersion(&driver) == hipSuccess && driver > 0;
  (void)hipRuntimeGetVersion(&runtime);
  (void)hipGetLastError();
  if (!hasDriver) return "no GPU driver or GPU found (" + raw + ")";
  return "the GPU driver (version " + std::to_string(driver) + ") is older than this build's runtime (version " +
         std::to_string(runtime) + ") needs: update the driver (" + raw + ")";
}

}  // namespace gpu
}  // namespace rocm_patch
