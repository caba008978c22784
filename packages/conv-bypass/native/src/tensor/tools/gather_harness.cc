// Standalone device harness for the gather family's GPU kernels (no Node.js needed): every gpu:: launcher
// against its host:: reference on random cases — bitwise where the GPU kernel is deterministic, within a
// tolerance for float32 atomic sums — plus the device-reported index errors. Built by hand on a GPU
// machine (from packages/conv-bypass/native/src), e.g. for NVIDIA:
//   nvcc -x cu -std=c++17 -O3 -I. -DROCM_PATCH_WITH_GPU -gencode=arch=compute_90,code=sm_90 \
//     tensor/tools/gather_harness.cc tensor/gpu/gather.hip tensor/gpu/where.hip tensor/gpu/topk.hip \
//     tensor/host/gather.cc device/context.cc device/caching_allocator.cc device/staging.cc \
//     device/runtime_host.cc device/runtime_gpu.hip -o gather_harness
//   ./gather_harness [cases per kernel] [big]   (big: also a gather of 3·2^30 elements, the 64-bit path)
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "device/context.h"
#include "gpu/vendor.h"
#include "tensor/gather.h"

using namespace rocm_patch;
using namespace rocm_patch::tensor;

namespace {

int g_failures = 0;
int g_checks = 0;
device::Context* g_ctx = nullptr;
std::mt19937 g_rng(12345);

void die(const Status& s, const char* what) {
  if (!s.ok()) {
    std::fprintf(stderr, "%s: %s\n", what, s.message.c_str());
    std::exit(2);
  }
}

int64_t rint(int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(g_rng); }
double runit() { return std::uniform_real_distribution<double>(0, 1)(g_rng); }

void fail(const std::string& what) {
  ++g_failures;
  if (g_failures <= 40) std::printf("FAIL %s\n", what.c_str());
}

// A device copy of a host vector of 4-byte words (freed at scope exit).
struct Dev {
  void* p = nullptr;
  size_t words = 0;
  Dev(const Dev&) = delete;
  explicit Dev(size_t n) : words(n) {
    die(g_ctx->allocator()->allocate(std::max<size_t>(n, 1) * 4, &p), "allocate");
    die(g_ctx->rt()->fill32(p, 0xdeadbeefu, std::max<size_t>(n, 1)), "fill");
  }
  template <class T>
  explicit Dev(const std::vector<T>& v) : Dev(v.size()) {
    if (!v.empty() && hipMemcpy(p, v.data(), v.size() * 4, hipMemcpyHostToDevice) != hipSuccess) die(usageStatus("copy"), "h2d");
  }
  ~Dev() { g_ctx->allocator()->free(p); }
  template <class T>
  std::vector<T> get() const {
    std::vector<T> v(words);
    if (words != 0 && hipMemcpy(v.data(), p, words * 4, hipMemcpyDeviceToHost) != hipSuccess) die(usageStatus("copy"), "d2h");
    return v;
  }
  template <class T>
  T* as() const {
    return static_cast<T*>(p);
  }
};

// The host reference's error record, and the GPU's (through the context: a synchronisation reads it).
struct Errors {
  device::ErrorRecord host{};
  device::ErrorSink hostSink() { return device::ErrorSink{&host, 1}; }
};
int g_name = 0;
device::ErrorSink gpuSink() { return g_ctx->beginLaunch(g_name); }

// The GPU launch's status, then a synchronisation: whether the device reported an error, and its text.
bool gpuReported(const Status& launch, std::string* message) {
  die(launch, "launch");
  const Status s = g_ctx->synchronize();
  if (s.ok()) return false;
  if (s.code != -2) die(s, "synchronize");
  *message = s.message;
  return true;
}

void checkErrors(const char* what, const Errors& e, bool gpu, const std::string& msg) {
  ++g_checks;
  const bool host = e.host.code != 0;
  if (host != gpu) fail(std::string(what) + ": host reported " + (host ? "an error" : "none") + ", GPU " + (gpu ? msg : "none"));
  if (gpu && msg.find("the index value") == std::string::npos) fail(std::string(what) + ": message " + msg);
}

template <class T>
void expectEqual(const char* what, const std::vector<T>& host, const std::vector<T>& gpu, size_t n) {
  ++g_checks;
  for (size_t i = 0; i < n; ++i) {
    if (std::memcmp(&host[i], &gpu[i], 4) != 0) {
      fail(std::string(what) + ": element " + std::to_string(i) + " host " + std::to_string(static_cast<double>(host[i])) +
           " GPU " + std::to_string(static_cast<double>(gpu[i])));
      return;
    }
  }
}

void expectClose(const char* what, const std::vector<float>& host, const std::vector<float>& gpu, size_t n) {
  ++g_checks;
  for (size_t i = 0; i < n; ++i) {
    const float a = host[i], b = gpu[i];
    if (std::isnan(a) && std::isnan(b)) continue;
    if (a == b) continue;
    if (!(std::fabs(a - b) <= 1e-4f + 1e-4f * std::fabs(a))) {
      fail(std::string(what) + ": element " + std::to_string(i) + " host " + std::to_string(a) + " GPU " + std::to_string(b));
      return;
    }
  }
}

std::vector<float> floats(size_t n) {
  std::vector<float> v(n);
  for (auto& x : v) x = static_cast<float>(std::round((runit() * 20 - 10) * 8) / 8);
  return v;
}
std::vector<int32_t> ints(size_t n, int64_t lo, int64_t hi) {
  std::vector<int32_t> v(n);
  for (auto& x : v) x = static_cast<int32_t>(rint(lo, hi));
  return v;
}
// Indices in [0, limit), a few (probability `bad`) out of range on either side.
std::vector<int32_t> indices(size_t n, int64_t limit, double bad) {
  std::vector<int32_t> v(n);
  for (auto& x : v) x = static_cast<int32_t>(runit() < bad ? (runit() < 0.5 ? -1 - rint(0, 3) : limit + rint(0, 3)) : rint(0, std::max<int64_t>(limit - 1, 0)));
  return v;
}

void testGather(int cases) {
  for (int c = 0; c < cases; ++c) {
    GatherArgs a{};
    a.batch = rint(1, 3);
    a.outer = rint(0, 5);
    a.dim = rint(1, 9);
    a.slice = c % 10 == 0 ? rint(200, 3000) : rint(0, 6);
    a.nIdx = rint(0, 40);
    const double bad = c % 3 == 0 ? 0.05 : 0;
    auto x = ints(a.batch * a.outer * a.dim * a.slice, -1000, 1000);
    auto idx = indices(a.batch * a.nIdx, a.dim, bad);
    const size_t n = a.batch * a.outer * a.nIdx * a.slice;
    std::vector<int32_t> yh(n);
    Errors e;
    a.x = x.data();
    a.indices = idx.data();
    a.y = yh.data();
    a.sink = e.hostSink();
    host::gather(a);
    Dev dx(x), di(idx), dy(n);
    a.x = dx.p;
    a.indices = di.as<int32_t>();
    a.y = dy.p;
    a.sink = gpuSink();
    std::string msg;
    const bool rep = gpuReported(gpu::gather(a), &msg);
    checkErrors("gather", e, rep, msg);
    expectEqual("gather", yh, dy.get<int32_t>(), n);
  }
}

void testGatherNd(int cases) {
  for (int c = 0; c < cases; ++c) {
    GatherNdArgs a{};
    const int rank = static_cast<int>(rint(1, 4));
    std::vector<int64_t> shape(rank);
    for (auto& d : shape) d = rint(1, 5);
    a.sliceRank = static_cast<int>(rint(1, rank));
    a.sliceSize = 1;
    for (int d = a.sliceRank; d < rank; ++d) a.sliceSize *= shape[d];
    a.paramsSlices = 1;
    for (int d = 0; d < a.sliceRank; ++d) a.paramsSlices *= shape[d];
    int64_t st = 1;
    for (int d = a.sliceRank - 1; d >= 0; --d) {
      a.strides[d] = st;
      st *= shape[d];
    }
    a.numSlices = rint(0, 50);
    std::vector<int32_t> idx(a.numSlices * a.sliceRank);
    for (int64_t i = 0; i < a.numSlices; ++i)
      for (int j = 0; j < a.sliceRank; ++j)
        idx[i * a.sliceRank + j] = static_cast<int32_t>(c % 4 == 0 && runit() < 0.05 ? shape[j] + 2 : rint(0, shape[j] - 1));
    auto p = floats(a.paramsSlices * a.sliceSize);
    const size_t n = a.numSlices * a.sliceSize;
    std::vector<float> yh(n);
    Errors e;
    a.params = p.data();
    a.indices = idx.data();
    a.y = yh.data();
    a.sink = e.hostSink();
    host::gatherNd(a);
    Dev dp(p), di(idx), dy(n);
    a.params = dp.p;
    a.indices = di.as<int32_t>();
    a.y = dy.p;
    a.sink = gpuSink();
    std::string msg;
    const bool rep = gpuReported(gpu::gatherNd(a), &msg);
    checkErrors("gatherNd", e, rep, msg);
    expectEqual("gatherNd", yh, dy.get<float>(), n);
  }
}

void testScatter(int cases) {
  for (int c = 0; c < cases; ++c) {
    ScatterArgs a{};
    a.mode = c % 2 == 0 ? ScatterMode::kAdd : ScatterMode::kReplace;
    a.dtype = c % 4 < 2 ? DType::kF32 : DType::kI32;
    a.sliceRank = 1;
    a.strides[0] = 1;
    a.outSlices = rint(1, 6);
    a.sliceSize = c % 7 == 0 ? rint(100, 1000) : rint(1, 4);
    a.numUpdates = c % 5 == 0 ? rint(1000, 20000) : rint(0, 30);  // many duplicates
    a.updatesScalar = a.mode == ScatterMode::kReplace && c % 6 == 1;
    auto idx = indices(a.numUpdates, a.outSlices, c % 3 == 0 ? 0.02 : 0);
    const size_t nu = a.updatesScalar ? 1 : a.numUpdates * a.sliceSize;
    const size_t ny = a.outSlices * a.sliceSize;
    std::vector<float> uf = floats(nu), yf = floats(ny);
    std::vector<int32_t> ui = ints(nu, -100, 100), yi = ints(ny, -100, 100);
    const bool f = a.dtype == DType::kF32;
    Errors e;
    a.indices = idx.data();
    a.updates = f ? static_cast<void*>(uf.data()) : static_cast<void*>(ui.data());
    std::vector<float> yfh = yf;
    std::vector<int32_t> yih = yi;
    a.y = f ? static_cast<void*>(yfh.data()) : static_cast<void*>(yih.data());
    a.sink = e.hostSink();
    host::scatter(a);
    Dev di(idx), du = f ? Dev(uf) : Dev(ui), dy = f ? Dev(yf) : Dev(yi);
    a.indices = di.as<int32_t>();
    a.updates = du.p;
    a.y = dy.p;
    a.sink = gpuSink();
    std::string msg;
    const bool rep = gpuReported(gpu::scatter(a), &msg);
    checkErrors("scatter", e, rep, msg);
    if (f && a.mode == ScatterMode::kAdd) expectClose("scatter add f32", yfh, dy.get<float>(), ny);
    else if (f) expectEqual("scatter replace f32", yfh, dy.get<float>(), ny);
    else expectEqual(a.mode == ScatterMode::kAdd ? "scatter add i32" : "scatter replace i32", yih, dy.get<int32_t>(), ny);
  }
}

void testSegmentSum(int cases) {
  for (int c = 0; c < cases; ++c) {
    SegmentSumArgs a{};
    a.dtype = c % 3 == 2 ? DType::kI32 : DType::kF32;
    a.n = c % 5 == 0 ? rint(1000, 50000) : rint(0, 20);
    a.inner = rint(1, 8);
    a.numSegments = rint(1, 6);
    auto xf = floats(a.n * a.inner);
    if (c % 4 == 1)
      for (auto& v : xf)
        if (runit() < 0.01) v = runit() < 0.5 ? NAN : -INFINITY;
    auto xi = ints(a.n * a.inner, -50, 50);
    auto ids = ints(a.n, -1, a.numSegments);
    const size_t ny = a.numSegments * a.inner;
    std::vector<float> yh(ny, 0.0f);
    const bool f = a.dtype == DType::kF32;
    a.x = f ? static_cast<void*>(xf.data()) : static_cast<void*>(xi.data());
    a.ids = ids.data();
    a.y = yh.data();
    host::segmentSum(a);
    Dev dx = f ? Dev(xf) : Dev(xi), di(ids), dy(std::vector<float>(ny, 0.0f));
    a.x = dx.p;
    a.ids = di.as<int32_t>();
    a.y = dy.as<float>();
    die(gpu::segmentSum(a), "segmentSum");
    die(g_ctx->synchronize(), "sync");
    expectClose("segmentSum", yh, dy.get<float>(), ny);
  }
}

void testBincount(int cases) {
  for (int c = 0; c < cases; ++c) {
    BincountArgs a{};
    a.dtype = c % 2 == 0 ? DType::kF32 : DType::kI32;
    a.rows = rint(1, 4);
    a.cols = c % 5 == 0 ? rint(1000, 10000) : rint(0, 30);
    a.size = rint(0, 8);
    a.binary = c % 3 == 0;
    const bool weighted = c % 4 < 2;
    auto x = ints(a.rows * a.cols, c % 7 == 0 ? -1 : 0, a.size + 2);
    auto wf = floats(a.rows * a.cols);
    auto wi = ints(a.rows * a.cols, -5, 5);
    const bool f = a.dtype == DType::kF32;
    const size_t ny = a.rows * a.size;
    std::vector<float> yfh(ny, 0.0f);
    std::vector<int32_t> yih(ny, 0);
    Errors e;
    a.x = x.data();
    a.weights = weighted ? (f ? static_cast<void*>(wf.data()) : static_cast<void*>(wi.data())) : nullptr;
    a.y = f ? static_cast<void*>(yfh.data()) : static_cast<void*>(yih.data());
    a.sink = e.hostSink();
    host::bincount(a);
    Dev dx(x), dw = f ? Dev(wf) : Dev(wi), dy(std::vector<int32_t>(ny, 0));
    a.x = dx.as<int32_t>();
    a.weights = weighted ? dw.p : nullptr;
    a.y = dy.p;
    a.sink = gpuSink();
    std::string msg;
    const bool rep = gpuReported(gpu::bincount(a), &msg);
    checkErrors("bincount", e, rep, msg);
    if (f) expectClose("bincount f32", yfh, dy.get<float>(), ny);
    else expectEqual("bincount i32", yih, dy.get<int32_t>(), ny);
  }
}

void testGenerators(int cases) {
  for (int c = 0; c < cases; ++c) {
    OneHotArgs a{};
    a.n = rint(0, 300);
    a.depth = rint(1, 9);
    a.on = static_cast<uint32_t>(rint(0, 1000));
    a.off = static_cast<uint32_t>(rint(0, 1000));
    auto idx = indices(a.n, a.depth, 0.1);
    std::vector<uint32_t> yh(a.n * a.depth);
    a.indices = idx.data();
    a.y = yh.data();
    host::oneHot(a);
    Dev di(idx), dy(yh.size());
    a.indices = di.as<int32_t>();
    a.y = dy.as<uint32_t>();
    die(gpu::oneHot(a), "oneHot");
    die(g_ctx->synchronize(), "sync");
    expectEqual("oneHot", yh, dy.get<uint32_t>(), yh.size());
  }
  struct R {
    DType t;
    double start, step;
    int64_t n;
  };
  const R ranges[] = {{DType::kF32, 0, 0.1, 10},       {DType::kF32, 0, 0.3, 100000},  {DType::kF32, -3, 7, 6000},
                      {DType::kF32, 0, 1e6, 30},        {DType::kF32, 0.5, 2, 5},       {DType::kF32, 10, -1.5, 14},
                      {DType::kI32, 0, 1.5, 4},         {DType::kI32, -7.9, 3, 10},     {DType::kI32, 0, 7, 1000000},
                      {DType::kI32, 2147483600, 9, 12}, {DType::kF32, 5, 0.5, 10},      {DType::kF32, 1, NAN, 1},
                      {DType::kF32, -16777216, 1, 70000}, {DType::kI32, 3, 4294967296.0 * 3, 9}};
  for (const R& r : ranges) {
    RangeArgs a{r.t, nullptr, r.n, r.start, r.step};
    std::vector<int32_t> yh(r.n);
    a.y = yh.data();
    host::range(a);
    Dev dy(r.n);
    a.y = dy.p;
    die(gpu::range(a), "range");
    die(g_ctx->synchronize(), "sync");
    expectEqual("range", yh, dy.get<int32_t>(), r.n);
  }
}

void testSearchSorted(int cases) {
  for (int c = 0; c < cases; ++c) {
    SearchSortedArgs a{};
    a.seqType = c % 2 == 0 ? DType::kF32 : DType::kI32;
    a.valueType = c % 3 == 0 ? DType::kF32 : DType::kI32;
    a.batch = rint(1, 4);
    a.numSeq = rint(0, 70);
    a.numValues = rint(1, 40);
    a.right = c % 2 == 1;
    std::vector<float> sf;
    std::vector<int32_t> si;
    for (int64_t b = 0; b < a.batch; ++b) {
      auto v = ints(a.numSeq, -20, 20);
      std::sort(v.begin(), v.end());
      for (auto x : v) {
        si.push_back(x);
        sf.push_back(static_cast<float>(x) / 2);
      }
    }
    auto vi = ints(a.batch * a.numValues, -22, 22);
    std::vector<float> vf(vi.begin(), vi.end());
    for (auto& x : vf) x /= 4;
    std::vector<int32_t> yh(a.batch * a.numValues);
    const bool fs = a.seqType == DType::kF32, fv = a.valueType == DType::kF32;
    a.seq = fs ? static_cast<void*>(sf.data()) : static_cast<void*>(si.data());
    a.values = fv ? static_cast<void*>(vf.data()) : static_cast<void*>(vi.data());
    a.y = yh.data();
    host::searchSorted(a);
    Dev ds = fs ? Dev(sf) : Dev(si), dv = fv ? Dev(vf) : Dev(vi), dy(yh.size());
    a.seq = ds.p;
    a.values = dv.p;
    a.y = dy.as<int32_t>();
    die(gpu::searchSorted(a), "searchSorted");
    die(g_ctx->synchronize(), "sync");
    expectEqual("searchSorted", yh, dy.get<int32_t>(), yh.size());
  }
}

void testWhere(int cases) {
  for (int c = 0; c < cases; ++c) {
    const int rank = static_cast<int>(rint(1, 4));
    std::vector<int64_t> shape(rank);
    int64_t n = 1;
    for (auto& d : shape) {
      d = c % 4 == 0 ? rint(1, 60) : rint(1, 12);
      n *= d;
    }
    const DType t = c % 2 == 0 ? DType::kF32 : DType::kI32;
    const double density = runit();
    std::vector<float> cf(n);
    std::vector<int32_t> ci(n);
    for (int64_t i = 0; i < n; ++i) {
      const bool on = runit() < density;
      ci[i] = on ? static_cast<int32_t>(rint(1, 3)) : 0;
      cf[i] = on ? 0.5f : (runit() < 0.3 ? NAN : -0.0f);
    }
    const int64_t chunks = std::max<int64_t>(1, std::min<int64_t>(1024, (n + 4095) / 4096 + (c % 3)));
    const void* hc = t == DType::kF32 ? static_cast<const void*>(cf.data()) : static_cast<const void*>(ci.data());
    std::vector<int32_t> countsH(chunks);
    host::whereCount(WhereCountArgs{t, hc, n, chunks, countsH.data()});
    Dev dc = t == DType::kF32 ? Dev(cf) : Dev(ci), dcounts(chunks);
    die(gpu::whereCount(WhereCountArgs{t, dc.p, n, chunks, dcounts.as<int32_t>()}), "whereCount");
    die(g_ctx->synchronize(), "sync");
    const auto countsG = dcounts.get<int32_t>();
    expectEqual("whereCount", countsH, countsG, chunks);
    int64_t count = 0;
    for (auto x : countsH) count += x;
    WhereWriteArgs w{};
    w.dtype = t;
    w.n = n;
    w.chunks = chunks;
    w.count = count;
    w.rank = rank;
    for (int d = 0; d < rank; ++d) w.shape[d] = shape[d];
    std::vector<int32_t> yh(count * rank);
    w.cond = hc;
    w.counts = countsH.data();
    w.y = yh.data();
    host::whereWrite(w);
    Dev dy(yh.size());
    w.cond = dc.p;
    w.counts = dcounts.as<int32_t>();
    w.y = dy.as<int32_t>();
    die(gpu::whereWrite(w), "whereWrite");
    die(g_ctx->synchronize(), "sync");
    expectEqual("whereWrite", yh, dy.get<int32_t>(), yh.size());
  }
  // A big one: many chunks of many tiles.
  const int64_t n = 3000000;
  std::vector<int32_t> ci(n);
  for (auto& x : ci) x = runit() < 0.37 ? 1 : 0;
  const int64_t chunks = 733;
  std::vector<int32_t> countsH(chunks);
  host::whereCount(WhereCountArgs{DType::kI32, ci.data(), n, chunks, countsH.data()});
  int64_t count = 0;
  for (auto x : countsH) count += x;
  Dev dc(ci), dcounts(chunks), dy(count * 2);
  die(gpu::whereCount(WhereCountArgs{DType::kI32, dc.p, n, chunks, dcounts.as<int32_t>()}), "whereCount");
  WhereWriteArgs w{};
  w.dtype = DType::kI32;
  w.n = n;
  w.chunks = chunks;
  w.count = count;
  w.rank = 2;
  w.shape[0] = 1000;
  w.shape[1] = 3000;
  std::vector<int32_t> yh(count * 2);
  w.cond = ci.data();
  w.counts = countsH.data();
  w.y = yh.data();
  host::whereWrite(w);
  w.cond = dc.p;
  w.counts = dcounts.as<int32_t>();
  w.y = dy.as<int32_t>();
  die(gpu::whereWrite(w), "whereWrite");
  die(g_ctx->synchronize(), "sync");
  expectEqual("whereCount big", countsH, dcounts.get<int32_t>(), chunks);
  expectEqual("whereWrite big", yh, dy.get<int32_t>(), yh.size());
}

void testTopK(int cases) {
  for (int c = 0; c < cases; ++c) {
    TopKArgs a{};
    a.dtype = c % 3 == 2 ? DType::kI32 : DType::kF32;
    a.rows = c % 6 == 0 ? rint(1, 3) : rint(1, 40);
    a.n = c % 6 == 0 ? rint(2049, 70000) : (c % 6 == 1 ? rint(1000, 2048) : rint(1, 64));
    a.k = c % 5 == 0 ? a.n : rint(0, std::min<int64_t>(a.n, 300));
    a.keepOrder = c % 11 == 3;
    if (a.keepOrder) a.k = a.n;
    std::vector<uint32_t> x(a.rows * a.n);
    for (auto& v : x) {
      if (a.dtype == DType::kI32) {
        const int32_t i = static_cast<int32_t>(rint(-20, 20));
        std::memcpy(&v, &i, 4);
      } else {
        const double r = runit();
        const float f = r < 0.02 ? NAN : r < 0.04 ? INFINITY : r < 0.06 ? -INFINITY : r < 0.1 ? -0.0f : static_cast<float>(rint(-30, 30)) / 4;
        std::memcpy(&v, &f, 4);
      }
    }
    const size_t out = a.rows * a.k;
    std::vector<uint32_t> vh(out);
    std::vector<int32_t> ih(out);
    a.x = x.data();
    a.values = vh.data();
    a.indices = ih.data();
    host::topK(a);
    Dev dx(x), dv(out), dI(out);
    a.x = dx.p;
    a.values = dv.p;
    a.indices = dI.as<int32_t>();
    die(gpu::topK(a), "topK");
    die(g_ctx->synchronize(), "sync");
    const std::string what = "topK rows " + std::to_string(a.rows) + " n " + std::to_string(a.n) + " k " + std::to_string(a.k);
    expectEqual((what + " values").c_str(), vh, dv.get<uint32_t>(), out);
    expectEqual((what + " indices").c_str(), ih, dI.get<int32_t>(), out);
  }
}

// GatherV2 past 2^31 elements (the 64-bit index path): x = iota over [1, 1, 2, 2^30], y = 3·2^30 words.
void testGatherBig() {
  GatherArgs a{};
  a.batch = 1;
  a.outer = 1;
  a.dim = 2;
  a.slice = int64_t{1} << 30;
  a.nIdx = 3;
  std::vector<uint32_t> x(a.dim * a.slice);
  for (size_t i = 0; i < x.size(); ++i) x[i] = static_cast<uint32_t>(i);
  const std::vector<int32_t> idx = {1, 0, 1};
  Dev dx(x), di(idx), dy(a.nIdx * a.slice);
  x.clear();
  x.shrink_to_fit();
  a.x = dx.p;
  a.indices = di.as<int32_t>();
  a.y = dy.p;
  a.sink = gpuSink();
  die(gpu::gather(a), "gather big");
  die(g_ctx->synchronize(), "sync");
  const auto y = dy.get<uint32_t>();
  ++g_checks;
  for (int64_t i = 0; i < a.nIdx; ++i)
    for (int64_t s = 0; s < a.slice; ++s)
      if (y[i * a.slice + s] != static_cast<uint32_t>(idx[i] * a.slice + s)) {
        fail("gather big: element " + std::to_string(i * a.slice + s));
        return;
      }
}

}  // namespace

int main(int argc, char** argv) {
  const int cases = argc > 1 ? std::atoi(argv[1]) : 60;
  die(device::Context::init(false, &g_ctx), "init");
  std::printf("device: %s\n", g_ctx->rt()->describe().c_str());
  g_name = g_ctx->registerName("GatherFamily");
  const std::pair<const char*, std::function<void(int)>> tests[] = {
      {"gather", testGather},     {"gatherNd", testGatherNd}, {"scatter", testScatter},
      {"segmentSum", testSegmentSum}, {"bincount", testBincount}, {"generators", testGenerators},
      {"searchSorted", testSearchSorted}, {"where", testWhere}, {"topK", testTopK}};
  for (const auto& t : tests) {
    const int before = g_failures;
    t.second(cases);
    std::printf("%-14s %s\n", t.first, g_failures == before ? "ok" : "FAILED");
  }
  if (argc > 2 && std::string(argv[2]) == "big") {
    const int before = g_failures;
    testGatherBig();
    std::printf("%-14s %s\n", "gather big", g_failures == before ? "ok" : "FAILED");
  }
  std::printf("%d checks, %d failures\n", g_checks, g_failures);
  return g_failures == 0 ? 0 : 1;
}
