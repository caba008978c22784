#include "device/staging.h"

#include <algorithm>

namespace rocm_patch {
namespace device {

StagingPool::~StagingPool() {
  // The process is ending (the pool lives as long as its context): nothing to wait for.
}

void StagingPool::destroy(StagingBlock* b) {
  rt_->destroyEvent(b->event);
  rt_->hostFree(b->ptr);
  delete b;
}

void StagingPool::reclaimCompleted() {
  for (size_t i = 0; i < pending_.size();) {
    StagingBlock* b = pending_[i];
    bool done = false;
    if (!rt_->query(b->event, &done).ok()) done = true;  // a failed device: the copy will never run
    if (!done) {
      ++i;
      continue;
    }
    pending_[i] = pending_.back();
    pending_.pop_back();
    free_.push_back(b);
  }
}

namespace {
// Rounded to 4 KiB (small) or 1/8 of the power of two (large), so that sizes repeat and blocks are reused.
size_t stagingSize(size_t bytes) {
  size_t size = (bytes + 4095) / 4096 * 4096;
  if (size > (size_t{1} << 20)) {
    int top = 63;
    while (top > 0 && ((size >> top) & 1u) == 0) --top;
    const size_t step = size_t{1} << (top - 3);
    size = (size + step - 1) / step * step;
  }
  return size;
}
}  // namespace

Status StagingPool::acquire(size_t bytes, StagingBlock** out) {
  *out = nullptr;
  if (bytes == 0) bytes = 1;
  const size_t size = stagingSize(bytes);
  reclaimCompleted();
  // The smallest free block that holds the request and is at most twice its size class (a scalar's
  // upload reuses a 4 KiB block; a huge block is not tied up by a small copy).
  StagingBlock* best = nullptr;
  size_t bestIndex = 0;
  for (size_t i = 0; i < free_.size(); ++i) {
    StagingBlock* b = free_[i];
    if (b->bytes >= bytes && b->bytes <= 2 * size && (best == nullptr || b->bytes < best->bytes)) {
      best = b;
      bestIndex = i;
    }
  }
  if (best != nullptr) {
    free_[bestIndex] = free_.back();
    free_.pop_back();
    cached_ -= best->bytes;
    *out = best;
    return Status{};
  }
  auto* b = new StagingBlock();
  Status s = rt_->hostAlloc(size, &b->ptr);
  if (!s.ok()) {
    // Free what is cached and try once more.
    delete b;
    release();
    b = new StagingBlock();
    s = rt_->hostAlloc(size, &b->ptr);
    if (!s.ok()) {
      delete b;
      return s;
    }
  }
  s = rt_->createEvent(&b->event);
  if (!s.ok()) {
    rt_->hostFree(b->ptr);
    delete b;
    return s;
  }
  b->bytes = size;
  *out = b;
  return Status{};
}

void StagingPool::recycle(StagingBlock* b) {
  if (b == nullptr) return;
  pending_.push_back(b);
  cached_ += b->bytes;
  if (cached_ > kCacheCap) {
    // Over the cap: free the completed blocks, largest first, until under it.
    reclaimCompleted();
    std::sort(free_.begin(), free_.end(), [](StagingBlock* a, StagingBlock* c) { return a->bytes > c->bytes; });
    while (cached_ > kCacheCap && !free_.empty()) {
      StagingBlock* f = free_.front();
      free_.erase(free_.begin());
      cached_ -= f->bytes;
      destroy(f);
    }
  }
}

void StagingPool::release() {
  reclaimCompleted();
  for (StagingBlock* b : free_) {
    cached_ -= b->bytes;
    destroy(b);
  }
  free_.clear();
}

}  // namespace device
}  // namespace rocm_patch
