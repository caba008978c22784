// The process's device context: the runtime it computes on (GPU or host, chosen once), its caching
// allocator, the table of buffers JavaScript refers to by number, the staging pool, and the launch log
// that names the TF.js kernel behind an error found at a later synchronisation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "device/caching_allocator.h"
#include "device/device_error.h"
#include "device/runtime.h"
#include "device/staging.h"

namespace rocm_patch {
namespace device {

struct Buffer {
  void* ptr = nullptr;
  size_t bytes = 0;  // what was asked for (the block may be larger)
  uint32_t generation = 0;
  bool live = false;
};

// Buffers by id: id = generation · 2^24 + slot, so a stale id (its slot reused since) is refused rather
// than read. Ids stay below 2^53: exact as JavaScript numbers.
class BufferTable {
 public:
  double add(void* p, size_t bytes);
  Buffer* get(double id);  // null when unknown or freed
  bool remove(double id, Buffer* out);
  size_t liveCount() const { return live_; }
  template <class F>
  void forEachId(F f) const {
    for (size_t slot = 0; slot < slots_.size(); ++slot)
      if (slots_[slot].live) f(static_cast<double>(slots_[slot].generation) * 16777216.0 + static_cast<double>(slot));
  }

 private:
  std::vector<Buffer> slots_;
  std::vector<uint32_t> freeSlots_;
  size_t live_ = 0;
};

class Context {
 public:
  // Creates the context on first call; `host` picks the host device. A later call for the other kind
  // fails: one device per process.
  static Status init(bool host, Context** out);
  static Context* get();  // null before init

  Runtime* rt() const { return rt_; }
  CachingAllocator* allocator() const { return alloc_; }
  BufferTable& buffers() { return buffers_; }
  StagingPool& staging() { return staging_; }

  // Names of TF.js kernels, registered once by JavaScript, referred to by index in every launch.
  int registerName(const std::string& name);
  const std::string& name(int id) const;

  // Allocates a buffer and returns its id; `nameId` names the kernel in an out-of-memory error.
  Status allocBuffer(size_t bytes, int nameId, double* id);
  void freeBuffer(double id);

  // Before a launch: the error sink (with the next sequence number, logged against nameId).
  ErrorSink beginLaunch(int nameId);
  // After a launch: the launch error of the runtime, and in launch-blocking mode a full synchronisation
  // (so a fault names this kernel). `s` is what the launcher returned.
  Status endLaunch(int nameId, Status s);
  void setLaunchBlocking(bool on) { launchBlocking_ = on; }
  bool launchBlocking() const { return launchBlocking_; }

  // Waits for the device and reports the first device-side error (or fault) since the last check.
  Status synchronize();
  // Enqueues a copy of the error record into host memory `dst` (so an async wait can check it).
  Status captureErrors(void* dst);
  // Checks a captured record: an error names its kernel and clears the device's record.
  Status checkCaptured(const ErrorRecord& rec);
  // The status to return after the runtime reports an asynchronous failure.
  Status faultStatus(const Status& s);

  uint32_t lastSeq() const { return seq_; }

 private:
  Context(Runtime* rt);
  std::string describeSince(uint32_t fromSeq) const;
  Runtime* rt_;
  CachingAllocator* alloc_;
  BufferTable buffers_;
  StagingPool staging_;
  ErrorRecord* record_ = nullptr;  // device memory
  std::vector<std::string> names_;
  static constexpr uint32_t kLogSize = 4096;
  std::vector<int> log_;  // seq % kLogSize → name id
  uint32_t seq_ = 0;
  uint32_t syncedSeq_ = 0;  // every launch up to this one has completed without a fault
  bool launchBlocking_ = false;
};

}  // namespace device
}  // namespace rocm_patch
