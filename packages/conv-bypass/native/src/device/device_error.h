// Errors a kernel finds in the data it reads (an index out of range, say) cannot be thrown where they
// happen: the kernel runs later, on the device. It writes the first one into a small record in device
// memory, tagged with its launch's sequence number; the next synchronisation reads the record and the
// launch log turns the number back into the TF.js kernel's name. Included by host and device code.
#pragma once

#include <cstdint>

#if defined(__HIPCC__) || defined(__CUDACC__)
#include "gpu/vendor.h"  // atomicCAS and the runtime's qualifiers
#define RP_HD __host__ __device__
#else
#define RP_HD
#endif

namespace rocm_patch {
namespace device {

enum ErrorCode : int32_t {
  kNoError = 0,
  kIndexOutOfRange = 1,  // value not in [0, limit)
  kNegativeSize = 2,     // a size computed from the data is negative (value)
};

struct ErrorRecord {
  int32_t code;
  uint32_t seq;
  int64_t value;
  int64_t limit;
};

// What a launch passes its kernels: where to report, and the launch's sequence number.
struct ErrorSink {
  ErrorRecord* record;
  uint32_t seq;

  RP_HD void report(int32_t code, int64_t value, int64_t limit) const {
#if defined(__HIP_DEVICE_COMPILE__) || defined(__CUDA_ARCH__)
    if (atomicCAS(reinterpret_cast<int*>(&record->code), 0, code) == 0) {
      record->seq = seq;
      record->value = value;
      record->limit = limit;
    }
#else
    if (record->code == 0) {
      record->code = code;
      record->seq = seq;
      record->value = value;
      record->limit = limit;
    }
#endif
  }
};

}  // namespace device
}  // namespace rocm_patch
