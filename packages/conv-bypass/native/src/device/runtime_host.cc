// The host device: memory is malloc'ed, copies are memcpy, and kernels (tensor/host/*) run when they are
// enqueued, so every event is complete as soon as it is recorded. It exists for tests and CI: the same
// allocator, buffer table, launch log and device-side error reports as on the GPU, on any machine.
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <new>

#include "device/runtime.h"

namespace rocm_patch {
namespace device {

struct Event {
  std::chrono::steady_clock::time_point at;
};

namespace {

class HostRuntime final : public Runtime {
 public:
  bool isHost() const override { return true; }
  const char* kind() const override { return "host"; }
  std::string describe() const override {
#if defined(__x86_64__) || defined(_M_X64)
    return "host (x86_64, the kernels' C++ on one CPU thread)";
#elif defined(__aarch64__)
    return "host (aarch64, the kernels' C++ on one CPU thread)";
#else
    return "host (the kernels' C++ on one CPU thread)";
#endif
  }
  Status rawMalloc(size_t bytes, void** out) override {
    // 256-byte alignment like the GPU runtimes, so vectorised host loops and the GPU see the same offsets.
    *out = nullptr;
    const size_t rounded = (bytes + 255) / 256 * 256;
    void* p = std::aligned_alloc(256, rounded == 0 ? 256 : rounded);
    if (p == nullptr) {
      Status s;
      s.code = 2;
      s.outOfMemory = true;
      s.message = "out of host memory";
      return s;
    }
    *out = p;
    return Status{};
  }
  void rawFree(void* p) override { std::free(p); }
  Status memoryInfo(size_t* freeBytes, size_t* totalBytes) override {
    *freeBytes = 0;
    *totalBytes = 0;
    return Status{};
  }
  Status hostAlloc(size_t bytes, void** out) override { return rawMalloc(bytes, out); }
  void hostFree(void* p) override { std::free(p); }
  Status copyToDevice(void* dst, const void* src, size_t bytes) override { return copy(dst, src, bytes); }
  Status copyToHost(void* dst, const void* src, size_t bytes) override { return copy(dst, src, bytes); }
  Status copyOnDevice(void* dst, const void* src, size_t bytes) override { return copy(dst, src, bytes); }
  Status fill32(void* dst, uint32_t pattern, size_t count) override {
    auto* d = static_cast<uint32_t*>(dst);
    for (size_t i = 0; i < count; ++i) d[i] = pattern;
    return Status{};
  }
  Status createEvent(Event** out) override {
    *out = new (std::nothrow) Event();
    return *out != nullptr ? Status{} : usageStatus("out of host memory for an event");
  }
  void destroyEvent(Event* e) override { delete e; }
  Status record(Event* e) override {
    e->at = std::chrono::steady_clock::now();
    return Status{};
  }
  Status query(Event*, bool* done) override {
    *done = true;
    return Status{};
  }
  Status wait(Event*) override { return Status{}; }
  Status elapsedMs(Event* start, Event* end, double* ms) override {
    *ms = std::chrono::duration<double, std::milli>(end->at - start->at).count();
    return Status{};
  }
  Status synchronize() override { return Status{}; }
  Status lastLaunchError() override { return Status{}; }
  bool lost() const override { return false; }

 private:
  static Status copy(void* dst, const void* src, size_t bytes) {
    if (bytes != 0) std::memmove(dst, src, bytes);
    return Status{};
  }
};

}  // namespace

Runtime* hostRuntime() {
  static HostRuntime rt;
  return &rt;
}

}  // namespace device
}  // namespace rocm_patch
