#include "device/caching_allocator.h"

#include <algorithm>
#include <sstream>

namespace rocm_patch {
namespace device {

size_t CachingAllocator::roundSize(size_t bytes) {
  constexpr size_t kSmall = size_t{1} << 20, kMid = size_t{8} << 20, kStep = size_t{2} << 20;
  if (bytes == 0) bytes = 1;
  if (bytes <= kSmall) return (bytes + 511) / 512 * 512;
  if (bytes <= kMid) return (bytes + kStep - 1) / kStep * kStep;
  // Four classes per power of two: round up to a multiple of 2^(floor(log2(bytes)) - 2).
  int top = 63;
  while (top > 0 && ((bytes >> top) & 1u) == 0) --top;
  const size_t step = size_t{1} << (top - 2);
  if (bytes > SIZE_MAX - step) return bytes;  // the runtime will refuse it anyway
  return (bytes + step - 1) / step * step;
}

Status CachingAllocator::allocate(size_t bytes, void** out) {
  std::lock_guard<std::mutex> lock(mu_);
  return allocateLocked(bytes, out);
}

Status CachingAllocator::allocateLocked(size_t bytes, void** out) {
  *out = nullptr;
  const size_t size = roundSize(bytes);
  ++st_.allocations;
  auto it = free_.find(size);
  if (it != free_.end() && !it->second.empty()) {
    void* p = it->second.back();
    it->second.pop_back();
    st_.cached -= size;
    ++st_.cacheHits;
    live_.emplace(p, Live{size, bytes});
    st_.inUse += size;
    st_.requested += bytes;
    st_.peakInUse = std::max(st_.peakInUse, st_.inUse);
    *out = p;
    return Status{};
  }
  auto overLimit = [&] { return st_.limit != 0 && st_.reserved + size > st_.limit; };
  Status s;
  void* p = nullptr;
  if (!overLimit()) s = rt_->rawMalloc(size, &p);
  if (overLimit() || (!s.ok() && s.outOfMemory)) {
    // Give the cache back and try once more.
    ++st_.oomRetries;
    releaseCachedLocked();
    p = nullptr;
    s = Status{};
    if (!overLimit()) s = rt_->rawMalloc(size, &p);
  }
  if (overLimit() || !s.ok()) {
    std::ostringstream m;
    m << "cannot allocate " << bytes << " bytes of device memory (" << st_.inUse << " bytes in use";
    if (overLimit()) m << ", over the memory limit of " << st_.limit << " bytes";
    size_t freeB = 0, totalB = 0;
    if (!rt_->isHost() && rt_->memoryInfo(&freeB, &totalB).ok() && totalB != 0)
      m << ", the device has " << freeB << " of " << totalB << " bytes free";
    m << ")";
    Status e;
    e.code = s.ok() ? 2 : s.code;
    e.outOfMemory = overLimit() || s.outOfMemory;
    e.message = m.str() + (s.ok() ? "" : ": " + s.message);
    return e;
  }
  ++st_.runtimeMallocs;
  st_.reserved += size;
  live_.emplace(p, Live{size, bytes});
  st_.inUse += size;
  st_.requested += bytes;
  st_.peakInUse = std::max(st_.peakInUse, st_.inUse);
  *out = p;
  return Status{};
}

void CachingAllocator::free(void* p) {
  if (p == nullptr) return;
  std::lock_guard<std::mutex> lock(mu_);
  auto it = live_.find(p);
  if (it == live_.end()) return;
  const Live l = it->second;
  live_.erase(it);
  st_.inUse -= l.size;
  st_.requested -= l.requested;
  free_[l.size].push_back(p);
  st_.cached += l.size;
}

size_t CachingAllocator::blockSize(void* p) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = live_.find(p);
  return it == live_.end() ? 0 : it->second.size;
}

void CachingAllocator::releaseCached() {
  std::lock_guard<std::mutex> lock(mu_);
  releaseCachedLocked();
}

void CachingAllocator::releaseCachedLocked() {
  if (st_.cached == 0) return;
  (void)rt_->synchronize();  // blocks may still be read by enqueued work
  for (auto& [size, blocks] : free_) {
    for (void* p : blocks) {
      rt_->rawFree(p);
      st_.reserved -= size;
      ++st_.runtimeFrees;
    }
    blocks.clear();
  }
  free_.clear();
  st_.cached = 0;
}

void CachingAllocator::setLimit(size_t bytes) {
  std::lock_guard<std::mutex> lock(mu_);
  st_.limit = bytes;
}

AllocatorStats CachingAllocator::stats() {
  std::lock_guard<std::mutex> lock(mu_);
  return st_;
}

CachingAllocator* allocatorFor(Runtime* rt) {
  static std::mutex mu;
  static std::unordered_map<Runtime*, CachingAllocator*> all;  // runtimes live as long as the process
  std::lock_guard<std::mutex> lock(mu);
  auto it = all.find(rt);
  if (it != all.end()) return it->second;
  auto* a = new CachingAllocator(rt);
  all.emplace(rt, a);
  return a;
}

}  // namespace device
}  // namespace rocm_patch
