// Host memory for asynchronous copies (page-locked on the GPU), reused once the device is done with it:
// each block carries an event recorded after its last copy, and goes back to the free list when that
// event has completed. Used from the JavaScript thread only.
#pragma once

#include <cstddef>
#include <vector>

#include "common/status.h"
#include "device/runtime.h"

namespace rocm_patch {
namespace device {

struct StagingBlock {
  void* ptr = nullptr;
  size_t bytes = 0;
  Event* event = nullptr;
};

class StagingPool {
 public:
  explicit StagingPool(Runtime* rt) : rt_(rt) {}
  ~StagingPool();
  StagingPool(const StagingPool&) = delete;
  StagingPool& operator=(const StagingPool&) = delete;

  // A block of at least `bytes` that no enqueued copy uses.
  Status acquire(size_t bytes, StagingBlock** out);
  // Hands a block back; the caller has recorded block->event after the block's last copy (or the copy
  // has completed).
  void recycle(StagingBlock* b);
  // Frees every block whose copies have completed.
  void release();
  size_t cachedBytes() const { return cached_; }

 private:
  void reclaimCompleted();
  void destroy(StagingBlock* b);
  Runtime* rt_;
  std::vector<StagingBlock*> free_, pending_;
  size_t cached_ = 0;  // bytes of free and pending blocks
  static constexpr size_t kCacheCap = size_t{256} << 20;
};

}  // namespace device
}  // namespace rocm_patch
