// Standalone check of the GPU reductions and scans (tensor/gpu/reduce.hip) against the host device's
// (tensor/host/reduce.cc), which the TF.js tests hold to tfjs-backend-cpu. No Node.js needed.
//
//   reduce_check [COUNT]   every op and dtype over shapes that take each launch plan (thread per row,
//                          64- and 256-thread row blocks, split rows, columns, split columns, r = 0)
//                          and COUNT random ones (default 300); each GPU result is computed twice and
//                          must be bitwise the same (determinism); results must equal the host's
//                          bitwise, except float32 Sum/Mean/Prod, which fold doubles in another order
//                          (within 2 ulp of float32)
//   reduce_check bench     times a few training-sized reductions (GPU builds)
//
// Build on a GPU machine, from packages/conv-bypass/native/src:
//   nvcc -x cu -std=c++17 -O3 -I. -DROCM_PATCH_WITH_GPU -gencode=arch=compute_90,code=sm_90 \
//     tensor/tools/reduce_check.cc tensor/gpu/reduce.hip tensor/host/reduce.cc device/context.cc \
//     device/caching_allocator.cc device/staging.cc device/runtime_host.cc device/runtime_gpu.hip -o reduce_check
//   (AMD: hipcc -std=c++17 -O3 -I. -DROCM_PATCH_WITH_GPU --offload-arch=gfxNNNN -x hip ... the same files)
// Without a GPU, the kernels run on the CPU through AMD's header-only HIP-CPU runtime (real blocks,
// threads and __syncthreads, one fiber per thread), which checks the launch logic, not a vendor's code:
//   g++ -std=c++17 -O2 -I. -I<HIP-CPU>/include -D__HIP_PLATFORM_AMD__ -include tensor/tools/hip_cpu_shim.h \
//     -x c++ tensor/tools/reduce_check.cc tensor/gpu/reduce.hip tensor/host/reduce.cc device/context.cc \
//     device/caching_allocator.cc device/staging.cc device/runtime_host.cc -o reduce_check -pthread
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "device/context.h"
#include "gpu/vendor.h"
#include "tensor/reduce.h"

using namespace rocm_patch;
using namespace rocm_patch::tensor;

namespace {

int g_failures = 0;
int g_checks = 0;

void die(const Status& s, const char* what) {
  if (!s.ok()) {
    std::fprintf(stderr, "FATAL (%s): %s\n", what, s.message.c_str());
    std::exit(2);
  }
}

void check(hipError_t e, const char* what) {
  if (e != hipSuccess) {
    std::fprintf(stderr, "FATAL (%s): %s\n", what, hipGetErrorString(e));
    std::exit(2);
  }
}

struct DevBuf {
  void* p = nullptr;
  explicit DevBuf(size_t elements) { check(hipMalloc(&p, elements * 4 + 4), "hipMalloc"); }
  ~DevBuf() { (void)hipFree(p); }
  DevBuf(const DevBuf&) = delete;
  DevBuf& operator=(const DevBuf&) = delete;
};

const char* kReduceNames[] = {
#define RP_X(name) #name,
    RP_REDUCE_OPS(RP_X)
#undef RP_X
};
const char* kScanNames[] = {
#define RP_X(name) #name,
    RP_SCAN_OPS(RP_X)
#undef RP_X
};

// Test data as 4-byte words: float32 with ties, ±0, NaN and ±Infinity; int32 small and large.
std::vector<uint32_t> makeData(size_t n, DType dt, std::mt19937& g, bool specials) {
  std::vector<uint32_t> v(n);
  std::uniform_real_distribution<double> u(0, 1);
  for (size_t i = 0; i < n; ++i) {
    const double p = u(g);
    if (dt == DType::kI32) {
      const int32_t x = p < 0.9 ? static_cast<int32_t>(std::floor(u(g) * 11)) - 5
                                : static_cast<int32_t>((u(g) - 0.5) * 4294967295.0);
      std::memcpy(&v[i], &x, 4);
    } else {
      float f;
      if (specials && p < 0.002) f = NAN;
      else if (specials && p < 0.004) f = u(g) < 0.5 ? INFINITY : -INFINITY;
      else if (p < 0.3) f = static_cast<float>(static_cast<int>(u(g) * 5) - 2);
      else if (p < 0.35) f = u(g) < 0.5 ? 0.0f : -0.0f;
      else f = static_cast<float>((u(g) - 0.5) * 4);
      std::memcpy(&v[i], &f, 4);
    }
  }
  return v;
}

float asFloat(uint32_t w) {
  float f;
  std::memcpy(&f, &w, 4);
  return f;
}

// Bitwise equal, or two NaNs of a float32 output (their payloads differ between CPUs and GPUs, and
// JavaScript cannot see them).
bool same(uint32_t a, uint32_t b, DType out) {
  return a == b || (out == DType::kF32 && std::isnan(asFloat(a)) && std::isnan(asFloat(b)));
}

// float32 results folded in double in another order: equal, or within 2 ulp of float32.
bool closeEnough(uint32_t a, uint32_t b) {
  const float x = asFloat(a), y = asFloat(b);
  if (std::isnan(x) || std::isnan(y)) return std::isnan(x) && std::isnan(y);
  if (std::isinf(x) || std::isinf(y)) return x == y;
  return std::fabs(x - y) <= 2.5e-7f * std::fmax(std::fabs(x), std::fabs(y)) || x == y;
}

// Inputs small enough to find a mismatch's neighbourhood, printed once per failing case.
void report(const char* what, const char* op, DType out, int64_t outer, int64_t r, int64_t inner, size_t at,
            uint32_t got, uint32_t want) {
  ++g_failures;
  if (g_failures > 30) return;
  if (out == DType::kF32)
    std::printf("FAIL %s %s f32 [%lld, %lld, %lld] at %zu: got %.9g (0x%08x), want %.9g (0x%08x)\n", what, op,
                static_cast<long long>(outer), static_cast<long long>(r), static_cast<long long>(inner), at,
                asFloat(got), got, asFloat(want), want);
  else
    std::printf("FAIL %s %s i32 [%lld, %lld, %lld] at %zu: got %d, want %d\n", what, op, static_cast<long long>(outer),
                static_cast<long long>(r), static_cast<long long>(inner), at, static_cast<int32_t>(got),
                static_cast<int32_t>(want));
}

void checkReduce(int64_t outer, int64_t r, int64_t inner, std::mt19937& g, bool specials) {
  const size_t n = static_cast<size_t>(outer * r * inner), m = static_cast<size_t>(outer * inner);
  for (DType dt : {DType::kF32, DType::kI32}) {
    const std::vector<uint32_t> x = makeData(n, dt, g, specials);
    DevBuf dx(n), dy(m), dy2(m);
    check(hipMemcpy(dx.p, x.data(), n * 4, hipMemcpyHostToDevice), "upload");
    for (int op = 0; op < static_cast<int>(ReduceOp::kCount); ++op) {
      ReduceArgs a{static_cast<ReduceOp>(op), dt, x.data(), nullptr, outer, r, inner};
      std::vector<uint32_t> want(m), got(m), again(m);
      a.y = want.data();
      die(host::reduce(a), "host::reduce");
      a.x = dx.p;
      a.y = dy.p;
      die(gpu::reduce(a), "gpu::reduce");
      a.y = dy2.p;
      die(gpu::reduce(a), "gpu::reduce");
      check(hipDeviceSynchronize(), "reduce");
      check(hipMemcpy(got.data(), dy.p, m * 4, hipMemcpyDeviceToHost), "download");
      check(hipMemcpy(again.data(), dy2.p, m * 4, hipMemcpyDeviceToHost), "download");
      const ReduceOp rop = static_cast<ReduceOp>(op);
      const bool folded = dt == DType::kF32 && (rop == ReduceOp::kSum || rop == ReduceOp::kProd) ||
                          rop == ReduceOp::kMean;
      ++g_checks;
      for (size_t i = 0; i < m; ++i) {
        if (got[i] != again[i]) {
          report("nondeterministic", kReduceNames[op], reduceOutType(rop, dt), outer, r, inner, i, got[i], again[i]);
          break;
        }
        if (!same(got[i], want[i], reduceOutType(rop, dt)) && !(folded && closeEnough(got[i], want[i]))) {
          report("mismatch", kReduceNames[op], reduceOutType(rop, dt), outer, r, inner, i, got[i], want[i]);
          break;
        }
      }
    }
    for (int op = 0; op < static_cast<int>(ScanOp::kCount); ++op) {
      for (int flags = 0; flags < 4; ++flags) {
        ScanArgs a{static_cast<ScanOp>(op), dt, x.data(), nullptr, outer, r, inner, (flags & 1) != 0, (flags & 2) != 0};
        DevBuf ds(n);
        std::vector<uint32_t> want(n), got(n);
        a.y = want.data();
        die(host::scan(a), "host::scan");
        a.x = dx.p;
        a.y = ds.p;
        die(gpu::scan(a), "gpu::scan");
        check(hipDeviceSynchronize(), "scan");
        check(hipMemcpy(got.data(), ds.p, n * 4, hipMemcpyDeviceToHost), "download");
        ++g_checks;
        for (size_t i = 0; i < n; ++i) {
          if (!same(got[i], want[i], dt)) {
            report(flags == 0 ? "scan" : "scan (exclusive/reverse)", kScanNames[op], dt, outer, r, inner, i, got[i],
                   want[i]);
            break;
          }
        }
      }
    }
  }
}

int runChecks(int count) {
  std::mt19937 g(12345);
  // One shape per plan: [outer, r, inner].
  const int64_t planned[][3] = {
      {5, 0, 3},       // r = 0: the empty values
      {0, 7, 3},       // no output
      {1, 1, 1},       {1000, 1, 7},   // r = 1
      {300, 31, 1},                    // thread per row
      {200, 32, 1},   {40, 2047, 1},   // 64-thread row blocks
      {1100, 2048, 1},                 // 256-thread row blocks, no split (outer ≥ kFillBlocks)
      {1, 100000, 1}, {3, 8192, 1},    // split rows
      {1, 8191, 1},                    // just too short to split
      {70000, 40, 2}, {1, 3, 70000},   // columns, no split
      {2, 300, 37},   {8, 2000, 1000}, // split columns, second pass a thread per output
      {1, 20000, 16}, {1, 8000, 100},  // split columns, second pass a block per output (64 threads)
      {4, 40000, 3},                   // ... (256 threads)
      {1, 100352, 64},                 // [N·H·W, C] of a ResNet block, summed over the first axis (the bias gradient)
  };
  for (const auto& s : planned) checkReduce(s[0], s[1], s[2], g, true);
  std::uniform_int_distribution<int> logd(0, 14);
  for (int c = 0; c < count; ++c) {
    int64_t dims[3];
    for (auto& d : dims) d = static_cast<int64_t>(std::exp2(logd(g) * 0.8)) - (logd(g) == 0 ? 1 : 0);
    if (dims[0] * dims[1] * dims[2] > (int64_t{1} << 22)) continue;
    checkReduce(dims[0], dims[1], dims[2], g, c % 2 == 0);
  }
  std::printf("%d checks, %d failures\n", g_checks, g_failures);
  return g_failures == 0 ? 0 : 1;
}

int runBench() {
  struct Case {
    const char* name;
    int64_t outer, r, inner;
  } cases[] = {
      {"bias grad [32·56·56, 64] over axis 0", 1, 32 * 56 * 56, 64},
      {"softmax rows [32·1000, 1000] max", 32000, 1000, 1},
      {"full sum of 2^26", 1, int64_t{1} << 26, 1},
      {"batch-norm mean [32·28·28, 256] over axis 0", 1, 32 * 28 * 28, 256},
      {"rows [4096, 16384]", 4096, 16384, 1},
  };
  for (const auto& c : cases) {
    const size_t n = static_cast<size_t>(c.outer * c.r * c.inner);
    DevBuf dx(n), dy(static_cast<size_t>(c.outer * c.inner));
    check(hipMemset(dx.p, 0, n * 4), "memset");
    ReduceArgs a{ReduceOp::kSum, DType::kF32, dx.p, dy.p, c.outer, c.r, c.inner};
    die(gpu::reduce(a), "warm-up");
    check(hipDeviceSynchronize(), "sync");
    const int reps = 20;
    const auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < reps; ++i) die(gpu::reduce(a), "reduce");
    check(hipDeviceSynchronize(), "sync");
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count() / reps;
    std::printf("%-48s %9.3f ms  %7.1f GB/s\n", c.name, ms, static_cast<double>(n) * 4 / (ms * 1e6));
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  device::Context* ctx = nullptr;
#ifdef __HIP_CPU_RT__
  die(device::Context::init(true, &ctx), "context");  // "device" memory is host memory here
#else
  die(device::Context::init(false, &ctx), "context");
#endif
  std::printf("device: %s\n", ctx->rt()->describe().c_str());
  if (argc > 1 && std::string(argv[1]) == "bench") return runBench();
  return runChecks(argc > 1 ? std::atoi(argv[1]) : 300);
}
