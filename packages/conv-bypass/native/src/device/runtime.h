// The device a process computes on, behind one small interface (the ggml-backend idea): the GPU (HIP on
// AMD, CUDA through vendor.h on NVIDIA) or the host device, which runs the same kernels' C++ on the CPU
// so that everything above it — allocator, buffer table, error reporting, the TF.js backend — is tested
// on machines without a GPU. Work is ordered on one stream: an operation enqueued after another sees its
// results, so memory freed by one op can be handed to the next one without waiting.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "common/status.h"

namespace rocm_patch {
namespace device {

// A point in the stream's work: recorded after some operations, it completes when they have.
struct Event;

class Runtime {
 public:
  virtual ~Runtime() = default;

  virtual bool isHost() const = 0;
  // "cuda", "hip" or "host".
  virtual const char* kind() const = 0;
  // What the device is, for reports: "NVIDIA H200 (sm_90)", "host (x86_64)".
  virtual std::string describe() const = 0;

  // Device memory straight from the runtime. Only the caching allocator calls these.
  virtual Status rawMalloc(size_t bytes, void** out) = 0;
  virtual void rawFree(void* p) = 0;  // may wait for the device
  virtual Status memoryInfo(size_t* freeBytes, size_t* totalBytes) = 0;

  // Host memory the device can copy from and to asynchronously (page-locked on the GPU).
  virtual Status hostAlloc(size_t bytes, void** out) = 0;
  virtual void hostFree(void* p) = 0;

  // Copies ordered on the stream. Host pointers must come from hostAlloc and stay untouched until an
  // event recorded after the copy completes.
  virtual Status copyToDevice(void* dst, const void* src, size_t bytes) = 0;
  virtual Status copyToHost(void* dst, const void* src, size_t bytes) = 0;
  virtual Status copyOnDevice(void* dst, const void* src, size_t bytes) = 0;
  virtual Status fill32(void* dst, uint32_t pattern, size_t count) = 0;  // count 32-bit words

  virtual Status createEvent(Event** out) = 0;
  virtual void destroyEvent(Event* e) = 0;
  virtual Status record(Event* e) = 0;
  virtual Status query(Event* e, bool* done) = 0;
  virtual Status wait(Event* e) = 0;  // blocks the calling thread
  virtual Status elapsedMs(Event* start, Event* end, double* ms) = 0;

  // Waits for all enqueued work; a failure here is an asynchronous error of some earlier operation.
  virtual Status synchronize() = 0;
  // Reports (and clears, when it can) a launch error of the last enqueued operation.
  virtual Status lastLaunchError() = 0;
  // True once an error has made the device unusable for the rest of the process (a GPU fault).
  virtual bool lost() const = 0;
};

// The host device (always built).
Runtime* hostRuntime();
// The GPU runtime, or null when no device is usable (*why says why). Defined in GPU builds only
// (device/runtime_gpu.hip).
Runtime* gpuRuntime(std::string* why);

}  // namespace device
}  // namespace rocm_patch
