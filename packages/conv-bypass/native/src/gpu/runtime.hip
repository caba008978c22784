// Device discovery, memory, the workspace cache, the tile cost model and the timing helper.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <sstream>
#include <vector>

#include "internal.h"
#include "gpu/device_count_error.h"
#include "device/caching_allocator.h"
#include "device/runtime.h"

namespace rocm_patch {
namespace gpu {

const char* backendName() { return RP_GPU_BACKEND; }

Status fromError(hipError_t err, const std::string& what) {
  Status s;
  if (err == hipSuccess) return s;
  (void)hipGetLastError();  // clear the sticky-until-read slot of recoverable errors
  s.code = static_cast<int>(err);
  s.outOfMemory = err == hipErrorOutOfMemory;
  s.message = what + ": " + hipGetErrorName(err) + " (" + hipGetErrorString(err) + ")";
  return s;
}

std::mutex& backendMutex() {
  static std::mutex m;
  return m;
}

namespace {
float* g_ws = nullptr;
size_t g_wsBytes = 0;
}  // namespace

// Device memory comes from the device context's caching allocator (device/caching_allocator.h): the conv
// kernels, DeviceTensors and the TF.js backend's tensors share one pool, and freeing a block never waits
// for the GPU (work is ordered on the one stream, so the next user of a block runs after the last one).
device::CachingAllocator* gpuAllocator(Status* why) {
  std::string reason;
  device::Runtime* rt = device::gpuRuntime(&reason);
  if (rt == nullptr) {
    if (why != nullptr) *why = usageError(reason);  // it says "no usable GPU: …" or "no GPU device found"
    return nullptr;
  }
  return device::allocatorFor(rt);
}

Status acquireWorkspace(size_t bytes, float** out, const std::string& what) {
  if (bytes <= g_wsBytes) {
    *out = g_ws;
    return Status{};
  }
  Status s;
  device::CachingAllocator* a = gpuAllocator(&s);
  if (a == nullptr) return s;
  if (g_ws != nullptr) {
    a->free(g_ws);  // enqueued work that still reads it runs before any later user of the block
    g_ws = nullptr;
    g_wsBytes = 0;
  }
  void* p = nullptr;
  s = a->allocate(bytes, &p);
  if (!s.ok()) {
    std::ostringstream m;
    m << what << ": cannot allocate a " << bytes << "-byte GPU workspace: " << s.message;
    s.message = m.str();
    return s;
  }
  g_ws = static_cast<float*>(p);
  g_wsBytes = bytes;
  *out = g_ws;
  return Status{};
}

size_t workspaceBytes() {
  std::lock_guard<std::mutex> lock(backendMutex());
  return g_wsBytes;
}

void releaseWorkspace() {
  std::lock_guard<std::mutex> lock(backendMutex());
  device::CachingAllocator* a = gpuAllocator(nullptr);
  if (a == nullptr) return;
  if (g_ws != nullptr) a->free(g_ws);
  g_ws = nullptr;
  g_wsBytes = 0;
  a->releaseCached();  // and every other cached block: the device gets its memory back
}

bool isAvailable(std::string* why) {
  int count = 0;
  const hipError_t err = hipGetDeviceCount(&count);
  if (err != hipSuccess) {
    (void)hipGetLastError();
    if (why != nullptr) *why = describeDeviceCountError(err);
    return false;
  }
  if (count == 0) {
    if (why != nullptr) *why = "no GPU device found";
    return false;
  }
  return true;
}

namespace {

// fp32 FMA lanes of one NVIDIA SM (CUDA C Programming Guide, arithmetic instruction throughput): 64 on
// compute capability 6.0, 7.x and 8.0; 128 on 5.x, 6.1/6.2, 8.6–8.9, 9.0 and later.
double nvidiaFmaPerClock(int major, int minor) {
  if (major == 7 || (major == 6 && minor == 0) || (major == 8 && minor == 0)) return 64;
  return 128;
}

DeviceRates readDeviceRates() {
  DeviceRates r;
  int dev = 0;
  hipDeviceProp_t prop;
  if (hipGetDevice(&dev) != hipSuccess || hipGetDeviceProperties(&prop, dev) != hipSuccess) {
    (void)hipGetLastError();
    return r;  // the defaults; the launches will report the device's error
  }
  r.multiprocessors = prop.multiProcessorCount;
  r.waveSize = prop.warpSize;
#if defined(__HIPCC__) || defined(__HIP_PLATFORM_AMD__)
  // A CU does 64 FMA per clock: 4 SIMD16 on GCN/CDNA, 2 SIMD32 on RDNA (gfx10 and later), which has
  // only 2 schedulers per CU.
  r.fmaPerClock = 64;
  r.schedulers = prop.gcnArchName[3] == '1' ? 2 : 4;  // gfx10xx–gfx12xx; not gfx9xx, gfx8xx
#else
  r.fmaPerClock = nvidiaFmaPerClock(prop.major, prop.minor);
  r.schedulers = 4;
#endif
  return r;
}

}  // namespace

const DeviceRates& deviceRates() {
  static const DeviceRates rates = readDeviceRates();
  return rates;
}

int multiprocessorCount() { return deviceRates().multiprocessors; }

Status deviceInfo(DeviceInfo* out) {
  int dev = 0;
  hipError_t err = hipGetDevice(&dev);
  if (err != hipSuccess) return fromError(err, "gpu.deviceInfo");
  hipDeviceProp_t prop;
  err = hipGetDeviceProperties(&prop, dev);
  if (err != hipSuccess) return fromError(err, "gpu.deviceInfo");
  out->name = prop.name;
  out->backend = RP_GPU_BACKEND;
#if defined(__HIPCC__) || defined(__HIP_PLATFORM_AMD__)
  std::string arch = prop.gcnArchName;
  out->arch = arch.substr(0, arch.find(':'));
#else
  out->arch = "sm_" + std::to_string(prop.major) + std::to_string(prop.minor);
#endif
  out->totalMemory = prop.totalGlobalMem;
  out->multiprocessors = prop.multiProcessorCount;
  out->waveSize = prop.warpSize;
  size_t freeB = 0, totalB = 0;
  if (hipMemGetInfo(&freeB, &totalB) == hipSuccess) out->freeMemory = freeB;
  (void)hipGetLastError();
  int rv = 0;
  if (hipRuntimeGetVersion(&rv) == hipSuccess) out->runtimeVersion = rv;
  return Status{};
}

Status memoryInfo(size_t* freeBytes, size_t* totalBytes) {
  return fromError(hipMemGetInfo(freeBytes, totalBytes), "gpu.memoryInfo");
}

Status allocate(size_t count, float** out) {
  *out = nullptr;
  if (count == 0) count = 1;  // a valid, unique pointer even for empty tensors
  if (count > (SIZE_MAX / sizeof(float))) return usageError("gpu.upload: size overflows");
  std::lock_guard<std::mutex> lock(backendMutex());
  Status s;
  device::CachingAllocator* a = gpuAllocator(&s);
  if (a == nullptr) return s;
  void* p = nullptr;
  s = a->allocate(count * sizeof(float), &p);
  if (!s.ok() && s.outOfMemory && g_ws != nullptr) {
    // The cached workspace is ours to give back; the allocator then returns it to the runtime.
    a->free(g_ws);
    g_ws = nullptr;
    g_wsBytes = 0;
    s = a->allocate(count * sizeof(float), &p);
  }
  if (!s.ok()) return s;
  *out = static_cast<float*>(p);
  return Status{};
}

void release(float* p) {
  if (p == nullptr) return;
  device::CachingAllocator* a = gpuAllocator(nullptr);
  if (a != nullptr) a->free(p);
}

Status copyToDevice(float* dst, const float* src, size_t count) {
  return fromError(hipMemcpy(dst, src, count * sizeof(float), hipMemcpyHostToDevice), "gpu: copy to device");
}
Status copyToHost(float* dst, const float* src, size_t count) {
  return fromError(hipMemcpy(dst, src, count * sizeof(float), hipMemcpyDeviceToHost), "gpu: copy to host");
}
Status copyOnDevice(float* dst, const float* src, size_t count) {
  return fromError(hipMemcpy(dst, src, count * sizeof(float), hipMemcpyDeviceToDevice), "gpu: copy on device");
}
Status fill(float* dst, float value, size_t count) {
  device::Runtime* rt = device::gpuRuntime(nullptr);
  if (rt == nullptr) return usageError("gpu.fill: no usable GPU");
  uint32_t bits;
  std::memcpy(&bits, &value, 4);
  return rt->fill32(dst, bits, count);
}

Status synchronize(const char* what) { return fromError(hipDeviceSynchronize(), what); }

std::string describe(const ConvGeometry& g) {
  std::ostringstream s;
  s << "x=[" << g.N << "," << g.C << "," << g.H << "," << g.W << "] w=[" << g.K << ","
    << (g.groups > 0 ? g.C / g.groups : 0) << "," << g.R << "," << g.S << "] y=[" << g.N << "," << g.K << ","
    << g.P << "," << g.Q << "] stride=" << g.strideH << "x" << g.strideW << " pad=" << g.padTop << ","
    << g.padLeft << " dilation=" << g.dilationH << "x" << g.dilationW << " groups=" << g.groups;
  return s.str();
}

std::string checkGeometry(const ConvGeometry& g) {
  const int pos[] = {g.N, g.C, g.H, g.W, g.K, g.R, g.S, g.P, g.Q, g.strideH, g.strideW, g.dilationH, g.dilationW,
                     g.groups};
  for (int v : pos)
    if (v <= 0) return "every size, stride, dilation and groups must be positive";
  if (g.padTop < 0 || g.padLeft < 0) return "padding must be non-negative";
  if (g.C % g.groups != 0 || g.K % g.groups != 0) return "C and K must be multiples of groups";
  const long long lim = (1LL << 31) - 1;
  const long long sizes[] = {
      static_cast<long long>(g.N) * g.C * g.H * g.W, static_cast<long long>(g.N) * g.K * g.P * g.Q,
      static_cast<long long>(g.K) * (g.C / g.groups) * g.R * g.S,
      static_cast<long long>(g.N) * g.P * g.Q,  // GEMM rows / reduction length
  };
  for (long long v : sizes)
    if (v > lim) return "a tensor has 2^31 elements or more (the GPU kernels index with 32 bits)";
  return std::string();
}

kern::Geo toGeo(const ConvGeometry& g) {
  kern::Geo o;
  o.N = g.N; o.C = g.C; o.H = g.H; o.W = g.W; o.K = g.K; o.R = g.R; o.S = g.S; o.P = g.P; o.Q = g.Q;
  o.sh = g.strideH; o.sw = g.strideW; o.ph = g.padTop; o.pw = g.padLeft; o.dh = g.dilationH; o.dw = g.dilationW;
  o.G = g.groups; o.Cg = g.C / g.groups; o.Kg = g.K / g.groups;
  return o;
}

std::string checkGemmLaunch(const GemmExtents& e, long long maxRows, long long maxColumns) {
  std::ostringstream m;
  if (e.rows > maxRows) {
    m << "the GEMM's rows (" << e.rowsName << " = " << e.rows << ") exceed " << maxRows
      << ", the most every tile takes on both vendors (32-bit GEMM indices; AMD counts grid x in 32-bit threads)";
  } else if (e.columns > maxColumns) {
    m << "the GEMM's columns (" << e.columnsName << " = " << e.columns << ") exceed " << maxColumns
      << ", the most every tile takes (65535 blocks along grid y)";
  } else if (e.reduction > kMaxGemmExtent) {
    m << "the GEMM's reduction (" << e.reductionName << " = " << e.reduction << ") exceeds " << kMaxGemmExtent
      << " (the kernels count it with 32-bit integers)";
  } else if (e.gridZ > kMaxGridYZ) {
    m << e.gridZName << " = " << e.gridZ << " exceeds " << kMaxGridYZ << " (the grid's z limit)";
  }
  return m.str();
}

TileChoice chooseTiles(const TileCandidate* cands, int count, long long M, long long N, long long Kt,
                       long long batches, int maxSplits, size_t maxWorkspaceBytes) {
  // Cycle estimate on the busiest multiprocessor: blocks per SM × FMA per block / (FMA lanes × efficiency),
  // with a penalty when an SM holds a single block (too few waves to hide latency); split-K adds the
  // reduce pass (workspace write + read at ~1.7 kB/clk, calibrated on an H100) and a launch.
  const DeviceRates& dev = deviceRates();
  const int sms = dev.multiprocessors;
  // Waves that keep a multiprocessor's schedulers busy: 4 each (16 warps on NVIDIA and on a GCN CU).
  const double fullWaves = 4.0 * dev.schedulers;
  TileChoice best;
  double bestCost = 1e300;
  static const int kSplits[] = {1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256};
  for (int c = 0; c < count; ++c) {
    const TileCandidate& t = cands[c];
    for (int s : kSplits) {
      if (s > maxSplits) break;
      const long long kPer = ((Kt + s - 1) / s + t.BK - 1) / t.BK * t.BK;
      if (s > 1 && kPer < 64) break;
      const double wsBytes = s > 1 ? static_cast<double>(s) * M * N * batches * 4.0 : 0.0;
      if (wsBytes > static_cast<double>(maxWorkspaceBytes)) break;
      const long long blocks = ((M + t.BM - 1) / t.BM) * ((N + t.BN - 1) / t.BN) * batches * s;
      const long long perSM = (blocks + sms - 1) / sms;
      const long long resident = std::min<long long>(perSM, t.blocksPerSM);
      const double waves = static_cast<double>(resident * t.warps) * 32.0 / dev.waveSize;
      const double occupancy = t.warps > 0 ? std::min(1.0, waves / fullWaves) : (resident >= 2 ? 1.0 : 0.6);
      const double rate = dev.fmaPerClock * t.efficiency * occupancy;
      const double work = static_cast<double>(t.BM) * t.BN * static_cast<double>(std::max<long long>(kPer, t.BK));
      double cost = static_cast<double>(perSM) * work / rate + 3000.0;
      if (s > 1) cost += wsBytes * 2.0 / 1700.0 + 5000.0;
      if (cost < bestCost * 0.97) {
        bestCost = cost;
        best.config = c;
        best.splits = s;
      }
    }
  }
  return best;
}

Status timeOp(Op op, ForwardAlgo algo, const ConvGeometry& g, const float* a, const float* b, float* out,
              int iters, double* medianMs) {
  auto run = [&]() -> Status {
    switch (op) {
      case Op::kForward: return conv2dForward(g, a, b, nullptr, false, out, algo, nullptr);
      case Op::kBackwardData: return conv2dBackwardData(g, a, b, out, nullptr);
      default: return conv2dBackwardFilter(g, a, b, out, nullptr);
    }
  };
  for (int i = 0; i < 3; ++i) {
    Status s = run();
    if (!s.ok()) return s;
  }
  Status s = synchronize("gpu.timeOp");
  if (!s.ok()) return s;
  hipEvent_t e0, e1;
  if (hipEventCreate(&e0) != hipSuccess || hipEventCreate(&e1) != hipSuccess)
    return fromError(hipGetLastError(), "gpu.timeOp: event");
  std::vector<double> times;
  for (int i = 0; i < std::max(1, iters); ++i) {
    (void)hipEventRecord(e0, 0);
    s = run();
    if (!s.ok()) break;
    (void)hipEventRecord(e1, 0);
    const hipError_t err = hipEventSynchronize(e1);
    if (err != hipSuccess) {
      s = fromError(err, "gpu.timeOp");
      break;
    }
    float ms = 0.f;
    (void)hipEventElapsedTime(&ms, e0, e1);
    times.push_back(ms);
  }
  (void)hipEventDestroy(e0);
  (void)hipEventDestroy(e1);
  if (!s.ok()) return s;
  std::sort(times.begin(), times.end());
  *medianMs = times[times.size() / 2];
  return Status{};
}

}  // namespace gpu
}  // namespace rocm_patch
