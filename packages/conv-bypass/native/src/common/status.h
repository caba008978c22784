// The result of a native operation: every device and kernel call returns one instead of throwing or
// aborting, and the N-API layer turns a failed one into a JS error (code ERR_GPU / ERR_GPU_OUT_OF_MEMORY).
#pragma once

#include <string>

namespace rocm_patch {

struct Status {
  int code = 0;              // 0 = ok; otherwise the runtime's error code (or -1 for a usage error)
  bool outOfMemory = false;  // the device had no room: the backend stays usable
  std::string message;
  bool ok() const { return code == 0; }
};

inline Status usageStatus(const std::string& message) {
  Status s;
  s.code = -1;
  s.message = message;
  return s;
}

}  // namespace rocm_patch
