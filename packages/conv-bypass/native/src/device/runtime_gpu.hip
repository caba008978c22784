// The GPU runtime (HIP, or CUDA through gpu/vendor.h): one device, the legacy default stream (the conv
// kernels of gpu/ enqueue there too, so everything is ordered), page-locked staging memory, events.
#include <mutex>
#include <sstream>
#include <string>

#include "device/runtime.h"
#include "gpu/device_count_error.h"
#include "gpu/vendor.h"

namespace rocm_patch {
namespace device {

struct Event {
  hipEvent_t e;
};

namespace {

__global__ void fill32_kernel(uint32_t* dst, uint32_t pattern, size_t count) {
  for (size_t i = blockIdx.x * static_cast<size_t>(blockDim.x) + threadIdx.x; i < count;
       i += static_cast<size_t>(gridDim.x) * blockDim.x)
    dst[i] = pattern;
}

class GpuRuntime final : public Runtime {
 public:
  bool isHost() const override { return false; }
  const char* kind() const override { return RP_GPU_BACKEND; }
  std::string describe() const override { return description_; }

  Status init() {
    int count = 0;
    hipError_t err = hipGetDeviceCount(&count);
    if (err != hipSuccess) {
      Status s = error(err, "no usable GPU");
      s.message = "no usable GPU: " + gpu::describeDeviceCountError(err);  // no driver vs. an old one
      return s;
    }
    if (count == 0) return usageStatus("no GPU device found");
    int dev = 0;
    err = hipGetDevice(&dev);
    if (err != hipSuccess) return error(err, "no usable GPU");
    hipDeviceProp_t prop;
    err = hipGetDeviceProperties(&prop, dev);
    if (err != hipSuccess) return error(err, "no usable GPU");
    std::ostringstream d;
#if defined(__HIPCC__) || defined(__HIP_PLATFORM_AMD__)
    std::string arch = prop.gcnArchName;
    d << prop.name << " (" << arch.substr(0, arch.find(':')) << ", hip)";
#else
    d << prop.name << " (sm_" << prop.major << prop.minor << ", cuda)";
#endif
    description_ = d.str();
    return Status{};
  }

  Status rawMalloc(size_t bytes, void** out) override {
    *out = nullptr;
    return error(hipMalloc(out, bytes == 0 ? 256 : bytes), "hipMalloc");
  }
  void rawFree(void* p) override {
    if (p != nullptr) (void)hipFree(p);
    (void)hipGetLastError();
  }
  Status memoryInfo(size_t* freeBytes, size_t* totalBytes) override {
    return error(hipMemGetInfo(freeBytes, totalBytes), "memory info");
  }
  Status hostAlloc(size_t bytes, void** out) override {
    *out = nullptr;
    return error(hipHostMalloc(out, bytes == 0 ? 64 : bytes, hipHostMallocDefault), "page-locked host memory");
  }
  void hostFree(void* p) override {
    if (p != nullptr) (void)hipHostFree(p);
    (void)hipGetLastError();
  }
  Status copyToDevice(void* dst, const void* src, size_t bytes) override {
    return error(hipMemcpyAsync(dst, src, bytes, hipMemcpyHostToDevice, 0), "copy to the device");
  }
  Status copyToHost(void* dst, const void* src, size_t bytes) override {
    return error(hipMemcpyAsync(dst, src, bytes, hipMemcpyDeviceToHost, 0), "copy to the host");
  }
  Status copyOnDevice(void* dst, const void* src, size_t bytes) override {
    return error(hipMemcpyAsync(dst, src, bytes, hipMemcpyDeviceToDevice, 0), "copy on the device");
  }
  Status fill32(void* dst, uint32_t pattern, size_t count) override {
    if (count == 0) return Status{};
    size_t blocks = (count + 255) / 256;
    if (blocks > 65535u * 8u) blocks = 65535u * 8u;
    RP_LAUNCH(fill32_kernel, dim3(static_cast<unsigned>(blocks)), dim3(256), 0, 0, static_cast<uint32_t*>(dst),
              pattern, count);
    return error(hipGetLastError(), "fill");
  }
  Status createEvent(Event** out) override {
    auto* e = new Event();
    const hipError_t err = hipEventCreate(&e->e);
    if (err != hipSuccess) {
      delete e;
      *out = nullptr;
      return error(err, "event");
    }
    *out = e;
    return Status{};
  }
  void destroyEvent(Event* e) override {
    if (e == nullptr) return;
    (void)hipEventDestroy(e->e);
    (void)hipGetLastError();
    delete e;
  }
  Status record(Event* e) override { return error(hipEventRecord(e->e, 0), "event record"); }
  Status query(Event* e, bool* done) override {
    const hipError_t err = hipEventQuery(e->e);
    if (err == hipErrorNotReady) {
      (void)hipGetLastError();
      *done = false;
      return Status{};
    }
    *done = true;
    return asyncError(err, "device error");
  }
  Status wait(Event* e) override { return asyncError(hipEventSynchronize(e->e), "device error"); }
  Status elapsedMs(Event* start, Event* end, double* ms) override {
    float f = 0.f;
    const Status s = error(hipEventElapsedTime(&f, start->e, end->e), "event timing");
    *ms = f;
    return s;
  }
  Status synchronize() override { return asyncError(hipDeviceSynchronize(), "device error"); }
  Status lastLaunchError() override { return error(hipGetLastError(), "launch"); }
  bool lost() const override { return lost_; }

 private:
  static Status error(hipError_t err, const char* what) {
    Status s;
    if (err == hipSuccess) return s;
    (void)hipGetLastError();
    s.code = static_cast<int>(err);
    s.outOfMemory = err == hipErrorOutOfMemory;
    s.message = std::string(what) + ": " + hipGetErrorName(err) + " (" + hipGetErrorString(err) + ")";
    return s;
  }
  // Errors that surface when waiting for enqueued work are faults of some kernel: they are sticky on both
  // vendors and leave the context unusable, so the runtime says so from then on.
  Status asyncError(hipError_t err, const char* what) {
    Status s = error(err, what);
    if (!s.ok() && !s.outOfMemory) lost_ = true;
    return s;
  }
  std::string description_;
  bool lost_ = false;
};

}  // namespace

Runtime* gpuRuntime(std::string* why) {
  static GpuRuntime* rt = nullptr;
  static Status initStatus;
  static std::once_flag once;
  std::call_once(once, [] {
    auto* r = new GpuRuntime();  // never freed: the runtime lives as long as the process
    initStatus = r->init();
    if (initStatus.ok()) rt = r; else delete r;
  });
  if (rt == nullptr && why != nullptr) *why = initStatus.message;
  return rt;
}

}  // namespace device
}  // namespace rocm_patch
