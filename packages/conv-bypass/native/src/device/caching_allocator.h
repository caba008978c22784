// A caching device allocator in the manner of PyTorch's: freed blocks go to a free list of their size
// class instead of back to the runtime, so a training step that frees and allocates the same shapes
// every iteration never calls hipMalloc/hipFree (which synchronise the device) after the first one.
// Work is ordered on one stream, so a block freed by one operation may be handed to the next operation
// at once: the stream runs the earlier readers first.
//
// Size classes: up to 1 MiB, multiples of 512 bytes; above, 2 MiB steps up to 8 MiB, then four classes
// per power of two (waste at most 25%, and the free lists stay few).
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/status.h"
#include "device/runtime.h"

namespace rocm_patch {
namespace device {

struct AllocatorStats {
  size_t inUse = 0;      // bytes of live blocks (rounded sizes)
  size_t requested = 0;  // bytes asked for by live blocks
  size_t cached = 0;     // bytes in the free lists
  size_t reserved = 0;   // bytes obtained from the runtime (inUse + cached)
  size_t peakInUse = 0;
  size_t limit = 0;  // 0: no limit
  uint64_t allocations = 0;
  uint64_t cacheHits = 0;
  uint64_t runtimeMallocs = 0;
  uint64_t runtimeFrees = 0;
  uint64_t oomRetries = 0;
};

class CachingAllocator {
 public:
  explicit CachingAllocator(Runtime* rt) : rt_(rt) {}
  CachingAllocator(const CachingAllocator&) = delete;
  CachingAllocator& operator=(const CachingAllocator&) = delete;

  static size_t roundSize(size_t bytes);

  // A block of at least `bytes`. On out-of-memory it gives the cache back to the runtime and tries
  // once more; the error then says how much was asked for, in use and cached.
  Status allocate(size_t bytes, void** out);
  // Returns a block to its free list. Unknown pointers are ignored (and counted as a usage error).
  void free(void* p);
  // The usable size of a live block (its class size), 0 if unknown.
  size_t blockSize(void* p);
  // Waits for the device, then gives every cached block back to the runtime.
  void releaseCached();
  // Caps the bytes obtained from the runtime (0: no cap): allocations past it fail as out-of-memory
  // after the cache has been released — like torch.cuda.set_per_process_memory_fraction.
  void setLimit(size_t bytes);
  AllocatorStats stats();

 private:
  Status allocateLocked(size_t bytes, void** out);
  void releaseCachedLocked();
  Runtime* rt_;
  std::mutex mu_;
  std::unordered_map<size_t, std::vector<void*>> free_;  // class size → blocks
  struct Live {
    size_t size, requested;
  };
  std::unordered_map<void*, Live> live_;
  AllocatorStats st_;
};

// The allocator of a runtime (one per runtime, created on first use).
CachingAllocator* allocatorFor(Runtime* rt);

}  // namespace device
}  // namespace rocm_patch
