// Standalone device harness for the GPU kernels (no Node.js needed): built with the .hip sources by
// nvcc or hipcc, run on a GPU machine.
//   conv_harness check [COUNT]    random shapes (stride, asymmetric padding, dilation, groups) against a
//                                 float64 CPU reference; backward-filter determinism; OOM recovery
//   conv_harness tune LIST [fwd|dx|dw]  forward: time of every tile configuration × split-K factor per
//                                 shape; dx/dw: the backward pass's time as the cost model picks it
//   conv_harness limits [all]     geometries at the kernels' index and launch limits (about 13 GB of
//                                 device memory; `all` adds a stride phase with > 2^30 taps: minutes)
//   conv_harness suite LIST DIR   for each line "name N C H W K R S stride pad" of LIST, reads
//                                 DIR/name/{x,w,dy,y,dx,dw}.f32 (inputs and PyTorch references), compares
//                                 and times ours; prints one JSON object per line
// Build (from native/src; hipcc likewise with -x cu dropped and --offload-arch):
//   nvcc -x cu -std=c++17 -O3 -arch=sm_90 -DROCM_PATCH_WITH_GPU=1 -I. gpu/tools/conv_harness.cc gpu/conv_*.hip \
//     gpu/runtime.hip device/runtime_gpu.hip device/runtime_host.cc device/caching_allocator.cc \
//     device/context.cc device/staging.cc -o conv_harness
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "../gpu_api.h"

using namespace rocm_patch::gpu;

namespace {

int g_failures = 0;

void die(const Status& s) {
  if (!s.ok()) {
    std::fprintf(stderr, "FATAL: %s\n", s.message.c_str());
    std::exit(2);
  }
}

struct Dev {
  float* p = nullptr;
  size_t n = 0;
  explicit Dev(size_t count) : n(count) { die(allocate(count, &p)); }
  Dev(const std::vector<float>& h) : n(h.size()) {
    die(allocate(n, &p));
    die(copyToDevice(p, h.data(), n));
  }
  ~Dev() { release(p); }
  std::vector<float> get() const {
    std::vector<float> h(n);
    die(copyToHost(h.data(), p, n));
    return h;
  }
  void poison() const {
    std::vector<float> h(n, std::nanf(""));
    die(copyToDevice(p, h.data(), n));
  }
};

size_t xCount(const ConvGeometry& g) { return size_t(g.N) * g.C * g.H * g.W; }
size_t wCount(const ConvGeometry& g) { return size_t(g.K) * (g.C / g.groups) * g.R * g.S; }
size_t yCount(const ConvGeometry& g) { return size_t(g.N) * g.K * g.P * g.Q; }

// float64 references
void refForward(const ConvGeometry& g, const std::vector<float>& x, const std::vector<float>& w,
                const std::vector<float>& b, std::vector<double>& y) {
  const int Cg = g.C / g.groups, Kg = g.K / g.groups;
  y.assign(yCount(g), 0.0);
  for (int n = 0; n < g.N; ++n)
    for (int k = 0; k < g.K; ++k) {
      const int gi = k / Kg;
      for (int p = 0; p < g.P; ++p)
        for (int q = 0; q < g.Q; ++q) {
          double acc = b.empty() ? 0.0 : b[k];
          for (int c = 0; c < Cg; ++c)
            for (int r = 0; r < g.R; ++r)
              for (int s = 0; s < g.S; ++s) {
                const int ih = p * g.strideH - g.padTop + r * g.dilationH;
                const int iw = q * g.strideW - g.padLeft + s * g.dilationW;
                if (ih < 0 || ih >= g.H || iw < 0 || iw >= g.W) continue;
                acc += double(x[((size_t(n) * g.C + gi * Cg + c) * g.H + ih) * g.W + iw]) *
                       w[((size_t(k) * Cg + c) * g.R + r) * g.S + s];
              }
          y[((size_t(n) * g.K + k) * g.P + p) * g.Q + q] = acc;
        }
    }
}
void refBackward(const ConvGeometry& g, const std::vector<float>& x, const std::vector<float>& w,
                 const std::vector<float>& dy, std::vector<double>& dx, std::vector<double>& dw) {
  const int Cg = g.C / g.groups, Kg = g.K / g.groups;
  dx.assign(xCount(g), 0.0);
  dw.assign(wCount(g), 0.0);
  for (int n = 0; n < g.N; ++n)
    for (int k = 0; k < g.K; ++k) {
      const int gi = k / Kg;
      for (int p = 0; p < g.P; ++p)
        for (int q = 0; q < g.Q; ++q) {
          const double d = dy[((size_t(n) * g.K + k) * g.P + p) * g.Q + q];
          for (int c = 0; c < Cg; ++c)
            for (int r = 0; r < g.R; ++r)
              for (int s = 0; s < g.S; ++s) {
                const int ih = p * g.strideH - g.padTop + r * g.dilationH;
                const int iw = q * g.strideW - g.padLeft + s * g.dilationW;
                if (ih < 0 || ih >= g.H || iw < 0 || iw >= g.W) continue;
                const size_t xi = ((size_t(n) * g.C + gi * Cg + c) * g.H + ih) * g.W + iw;
                const size_t wi = ((size_t(k) * Cg + c) * g.R + r) * g.S + s;
                dx[xi] += d * w[wi];
                dw[wi] += d * x[xi];
              }
        }
    }
}

template <class R>
double relErr(const std::vector<float>& got, const std::vector<R>& ref) {
  double num = 0, den = 0;
  for (size_t i = 0; i < ref.size(); ++i) {
    const double d = double(got[i]) - double(ref[i]);
    if (std::isnan(got[i])) return INFINITY;
    num += d * d;
    den += double(ref[i]) * double(ref[i]);
  }
  return den == 0 ? std::sqrt(num) : std::sqrt(num / den);
}

void expect(bool ok, const std::string& what) {
  if (!ok) {
    ++g_failures;
    std::printf("FAIL %s\n", what.c_str());
  }
}

std::vector<float> randomVec(size_t n, std::mt19937& rng) {
  std::uniform_real_distribution<float> d(-1.f, 1.f);
  std::vector<float> v(n);
  for (auto& e : v) e = d(rng);
  return v;
}

int check(int count) {
  std::mt19937 rng(1234);
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  int cases = 0;
  for (int t = 0; t < count; ++t) {
    ConvGeometry g;
    g.groups = pick(0, 3) == 0 ? pick(2, 4) : 1;
    g.N = pick(1, 3);
    g.C = g.groups * pick(1, t % 5 == 0 ? 40 : 9);
    g.K = g.groups * pick(1, t % 7 == 0 ? 150 : 20);
    g.R = pick(1, 5);
    g.S = pick(1, 5);
    g.strideH = pick(1, 3);
    g.strideW = pick(1, 3);
    g.dilationH = pick(1, 3);
    g.dilationW = pick(1, 2);
    g.H = pick(1, 20) + (g.R - 1) * g.dilationH;
    g.W = pick(1, 20) + (g.S - 1) * g.dilationW;
    g.padTop = pick(0, 3);
    g.padLeft = pick(0, 3);
    const int padBottom = pick(0, 3), padRight = pick(0, 3);  // asymmetric padding
    g.P = (g.H + g.padTop + padBottom - (g.R - 1) * g.dilationH - 1) / g.strideH + 1;
    g.Q = (g.W + g.padLeft + padRight - (g.S - 1) * g.dilationW - 1) / g.strideW + 1;
    if (g.P <= 0 || g.Q <= 0) continue;
    ++cases;
    const std::vector<float> x = randomVec(xCount(g), rng), w = randomVec(wCount(g), rng),
                             dy = randomVec(yCount(g), rng), b = randomVec(g.K, rng);
    std::vector<double> y, dx, dw;
    refForward(g, x, w, b, y);
    refBackward(g, x, w, dy, dx, dw);
    Dev dX(x), dW(w), dDy(dy), dB(b), dY(yCount(g)), dDx(xCount(g)), dDw(wCount(g));
    const std::string name = describe(g);
    for (int algo = 0; algo < 2; ++algo) {
      dY.poison();
      die(conv2dForward(g, dX.p, dW.p, dB.p, false, dY.p, ForwardAlgo(algo), nullptr));
      die(synchronize("check"));
      const double e = relErr(dY.get(), y);
      expect(e < 1e-5, "forward algo " + std::to_string(algo) + " " + name + " err " + std::to_string(e));
    }
    // fused ReLU
    die(conv2dForward(g, dX.p, dW.p, dB.p, true, dY.p, ForwardAlgo::kImplicitGemm, nullptr));
    {
      std::vector<double> yr = y;
      for (auto& v : yr) v = v < 0 ? 0 : v;
      expect(relErr(dY.get(), yr) < 1e-5, "forward relu " + name);
    }
    dDx.poison();
    die(conv2dBackwardData(g, dDy.p, dW.p, dDx.p, nullptr));
    die(synchronize("check"));
    double e = relErr(dDx.get(), dx);
    expect(e < 1e-5, "backward-data " + name + " err " + std::to_string(e));
    dDw.poison();
    die(conv2dBackwardFilter(g, dDy.p, dX.p, dDw.p, nullptr));
    die(synchronize("check"));
    const std::vector<float> dw1 = dDw.get();
    e = relErr(dw1, dw);
    expect(e < 1e-5, "backward-filter " + name + " err " + std::to_string(e));
    die(conv2dBackwardFilter(g, dDy.p, dX.p, dDw.p, nullptr));
    expect(std::memcmp(dw1.data(), dDw.get().data(), dw1.size() * 4) == 0, "backward-filter determinism " + name);
  }
  // A large backward-filter (many split-K slices) run twice must be bit-identical.
  {
    ConvGeometry g;
    g.N = 8; g.C = 64; g.H = 56; g.W = 56; g.K = 64; g.R = 3; g.S = 3; g.P = 56; g.Q = 56; g.padTop = 1; g.padLeft = 1;
    const std::vector<float> x = randomVec(xCount(g), rng), dy = randomVec(yCount(g), rng);
    Dev dX(x), dDy(dy), dDw(wCount(g));
    die(conv2dBackwardFilter(g, dDy.p, dX.p, dDw.p, nullptr));
    const std::vector<float> a = dDw.get();
    die(conv2dBackwardFilter(g, dDy.p, dX.p, dDw.p, nullptr));
    expect(std::memcmp(a.data(), dDw.get().data(), a.size() * 4) == 0, "large backward-filter determinism");
  }
  // Out of memory: a clear error, then the backend still works.
  {
    float* p = nullptr;
    Status s = allocate(size_t(1) << 45, &p);
    std::printf("oom: ok=%d outOfMemory=%d message=%s\n", s.ok(), s.outOfMemory, s.message.c_str());
    expect(!s.ok() && s.outOfMemory, "absurd allocation reports out of memory");
    ConvGeometry g;
    g.N = 2; g.C = 3; g.H = 9; g.W = 9; g.K = 4; g.R = 3; g.S = 3; g.P = 7; g.Q = 7;
    const std::vector<float> x = randomVec(xCount(g), rng), w = randomVec(wCount(g), rng);
    std::vector<double> y;
    refForward(g, x, w, {}, y);
    Dev dX(x), dW(w), dY(yCount(g));
    die(conv2dForward(g, dX.p, dW.p, nullptr, false, dY.p, ForwardAlgo::kImplicitGemm, nullptr));
    die(synchronize("after oom"));
    expect(relErr(dY.get(), y) < 1e-5, "forward after OOM");
  }
  std::printf("check: %d random shapes, %d failures\n", cases, g_failures);
  return g_failures == 0 ? 0 : 1;
}

std::vector<float> readF32(const std::string& path, size_t n) {
  std::vector<float> v(n);
  std::ifstream f(path, std::ios::binary);
  if (!f.read(reinterpret_cast<char*>(v.data()), std::streamsize(n * 4))) {
    std::fprintf(stderr, "FATAL: cannot read %zu floats from %s\n", n, path.c_str());
    std::exit(2);
  }
  return v;
}

int suite(const char* list, const std::string& dir) {
  std::ifstream in(list);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream ls(line);
    std::string name;
    ConvGeometry g;
    int stride = 1, pad = 0;
    ls >> name >> g.N >> g.C >> g.H >> g.W >> g.K >> g.R >> g.S >> stride >> pad;
    g.strideH = g.strideW = stride;
    g.padTop = g.padLeft = pad;
    g.P = (g.H + 2 * pad - g.R) / stride + 1;
    g.Q = (g.W + 2 * pad - g.S) / stride + 1;
    const std::string d = dir + "/" + name + "/";
    Dev dX(readF32(d + "x.f32", xCount(g))), dW(readF32(d + "w.f32", wCount(g))),
        dDy(readF32(d + "dy.f32", yCount(g)));
    const std::vector<float> y = readF32(d + "y.f32", yCount(g)), dx = readF32(d + "dx.f32", xCount(g)),
                             dw = readF32(d + "dw.f32", wCount(g));
    Dev dY(yCount(g)), dDx(xCount(g)), dDw(wCount(g));
    size_t extraF = 0, extraU = 0, extraD = 0, extraW = 0;
    dY.poison();
    die(conv2dForward(g, dX.p, dW.p, nullptr, false, dY.p, ForwardAlgo::kImplicitGemm, &extraF));
    die(synchronize("suite"));
    const double eF = relErr(dY.get(), y);
    dY.poison();
    die(conv2dForward(g, dX.p, dW.p, nullptr, false, dY.p, ForwardAlgo::kUnfoldGemm, &extraU));
    die(synchronize("suite"));
    const double eU = relErr(dY.get(), y);
    dDx.poison();
    die(conv2dBackwardData(g, dDy.p, dW.p, dDx.p, &extraD));
    die(synchronize("suite"));
    const double eD = relErr(dDx.get(), dx);
    dDw.poison();
    die(conv2dBackwardFilter(g, dDy.p, dX.p, dDw.p, &extraW));
    die(synchronize("suite"));
    const std::vector<float> dw1 = dDw.get();
    const double eW = relErr(dw1, dw);
    die(conv2dBackwardFilter(g, dDy.p, dX.p, dDw.p, nullptr));
    const bool det = std::memcmp(dw1.data(), dDw.get().data(), dw1.size() * 4) == 0;
    double tF = 0, tU = 0, tD = 0, tW = 0;
    die(timeOp(Op::kForward, ForwardAlgo::kImplicitGemm, g, dX.p, dW.p, dY.p, 20, &tF));
    die(timeOp(Op::kForward, ForwardAlgo::kUnfoldGemm, g, dX.p, dW.p, dY.p, 20, &tU));
    die(timeOp(Op::kBackwardData, ForwardAlgo::kImplicitGemm, g, dDy.p, dW.p, dDx.p, 20, &tD));
    die(timeOp(Op::kBackwardFilter, ForwardAlgo::kImplicitGemm, g, dDy.p, dX.p, dDw.p, 20, &tW));
    const bool ok = eF < 1e-4 && eU < 1e-4 && eD < 1e-4 && eW < 1e-4 && det;
    if (!ok) ++g_failures;
    std::printf(
        "{\"name\":\"%s\",\"ok\":%s,\"err\":{\"fwd\":%.3g,\"unfold\":%.3g,\"dx\":%.3g,\"dw\":%.3g},\"dwDeterministic\":%s,"
        "\"ms\":{\"fwd\":%.4f,\"unfold\":%.4f,\"dx\":%.4f,\"dw\":%.4f},\"extraMB\":{\"fwd\":%.2f,\"unfold\":%.2f,"
        "\"dx\":%.2f,\"dw\":%.2f}}\n",
        name.c_str(), ok ? "true" : "false", eF, eU, eD, eW, det ? "true" : "false", tF, tU, tD, tW, extraF / 1048576.0,
        extraU / 1048576.0, extraD / 1048576.0, extraW / 1048576.0);
    std::fflush(stdout);
  }
  return g_failures == 0 ? 0 : 1;
}

// For each shape of LIST: forward time for every tile configuration and split-K factor, and what the
// cost model picks, to calibrate chooseTiles().
int tune(const char* list, const char* what) {
  std::ifstream in(list);
  std::string line;
  std::mt19937 rng(7);
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream ls(line);
    std::string name;
    ConvGeometry g;
    int stride = 1, pad = 0;
    ls >> name >> g.N >> g.C >> g.H >> g.W >> g.K >> g.R >> g.S >> stride >> pad;
    g.strideH = g.strideW = stride;
    g.padTop = g.padLeft = pad;
    g.P = (g.H + 2 * pad - g.R) / stride + 1;
    g.Q = (g.W + 2 * pad - g.S) / stride + 1;
    Dev dX(randomVec(xCount(g), rng)), dW(randomVec(wCount(g), rng)), dY(yCount(g));
    double t = 0;
    if (std::strcmp(what, "fwd") != 0) {  // the backward passes as the cost model picks them
      Dev dDy(randomVec(yCount(g), rng)), dDx(xCount(g)), dDw(wCount(g));
      const bool data = std::strcmp(what, "dx") == 0;
      die(data ? timeOp(Op::kBackwardData, ForwardAlgo::kImplicitGemm, g, dDy.p, dW.p, dDx.p, 20, &t)
               : timeOp(Op::kBackwardFilter, ForwardAlgo::kImplicitGemm, g, dDy.p, dX.p, dDw.p, 20, &t));
      std::printf("%-28s %s %.4f\n", name.c_str(), what, t);
      continue;
    }
    setForwardTileOverride(-1, 0);
    die(timeOp(Op::kForward, ForwardAlgo::kImplicitGemm, g, dX.p, dW.p, dY.p, 20, &t));
    std::printf("%-28s model %.4f |", name.c_str(), t);
    for (int c = 0; c < 5; ++c) {
      for (int s : {1, 2, 3, 4, 6, 8}) {
        setForwardTileOverride(c, s);
        die(timeOp(Op::kForward, ForwardAlgo::kImplicitGemm, g, dX.p, dW.p, dY.p, 20, &t));
        std::printf(" c%ds%d %.4f", c, s, t);
      }
    }
    std::printf("\n");
    std::fflush(stdout);
  }
  setForwardTileOverride(-1, 0);
  return 0;
}

// Sets floats of a device buffer from the host (a few values in an otherwise filled buffer).
void poke(float* dst, size_t at, const std::vector<float>& values) {
  die(copyToDevice(dst + at, values.data(), values.size()));
}

void expectRefused(const char* name, const Status& s, const char* needle) {
  const bool ok = !s.ok() && s.message.find(needle) != std::string::npos;
  if (!ok) ++g_failures;
  std::printf("%s %s: %s\n", ok ? "ok  " : "FAIL", name, s.ok() ? "no error (expected a refusal)" : s.message.c_str());
}

void expectValues(const char* name, const Status& s, const Dev& out, const std::vector<float>& want) {
  Status st = s.ok() ? synchronize("limits") : s;
  bool ok = st.ok();
  std::vector<float> got;
  if (ok) {
    got = out.get();
    for (size_t i = 0; i < want.size(); ++i) ok = ok && got[i] == want[i];
  }
  if (!ok) ++g_failures;
  std::printf("%s %s:", ok ? "ok  " : "FAIL", name);
  if (!st.ok()) std::printf(" %s", st.message.c_str());
  for (size_t i = 0; i < got.size() && i < want.size(); ++i) std::printf(" %g (want %g)", got[i], want[i]);
  std::printf("\n");
}

// Geometries at the index and launch limits of issue 18. Refusals happen before any memory is touched,
// so their buffers are one float; the others run on real buffers with a known answer.
int limits(bool all) {
  const int big = static_cast<int>((1LL << 31) - 64);  // a valid tensor size, past every GEMM limit
  Dev one(1);
  ConvGeometry g;
  g.N = 1; g.C = 1; g.H = 1; g.W = big; g.K = 1; g.R = 1; g.S = 1; g.P = 1; g.Q = big;
  // Forward rows N·P·Q: a 128-row tile's grid would be 2^32 threads, past AMD's 32-bit grid.
  expectRefused("forward, N·P·Q = 2^31 − 64", conv2dForward(g, one.p, one.p, nullptr, false, one.p,
                                                              ForwardAlgo::kImplicitGemm, nullptr),
                "the GEMM's rows (N·P·Q = 2147483584) exceed");
  // Backward-filter reduction N·P·Q: kchunk rounded up to 2^31 wrapped negative (dw came out zero).
  expectRefused("backward-filter, N·P·Q = 2^31 − 64", conv2dBackwardFilter(g, one.p, one.p, one.p, nullptr),
                "the GEMM's reduction (N·P·Q = 2147483584) exceeds");
  // Backward-data with 2^31 − 8 weights: the filter transpose's grid-stride index passed 2^31 (an
  // out-of-bounds fault). dy is one-hot at the last channel, whose weights are (2, 3): dx = (2, 3).
  {
    ConvGeometry d;
    d.N = 1; d.C = 2; d.H = 1; d.W = 1; d.K = (1 << 30) - 4; d.R = 1; d.S = 1; d.P = 1; d.Q = 1;
    Dev w(size_t(d.K) * 2), dy(size_t(d.K)), dx(2);
    die(fill(w.p, 0.f, w.n));
    die(fill(dy.p, 0.f, dy.n));
    poke(w.p, w.n - 2, {2.f, 3.f});
    poke(dy.p, dy.n - 1, {1.f});
    expectValues("backward-data, 2^31 − 8 weights", conv2dBackwardData(d, dy.p, w.p, dx.p, nullptr), dx, {2.f, 3.f});
  }
  if (all) {
    // Stride 2 with dilation 2: phase 0 takes all 3 taps of 400M filters, 1.2e9 > 2^30 reduction steps in
    // one slice (before: cut at 2^30, a silently wrong dx). One-hot at the last filter, taps (1, 2, 3).
    ConvGeometry d;
    d.N = 1; d.C = 1; d.H = 5; d.W = 1; d.K = 400000000; d.R = 3; d.S = 1; d.P = 1; d.Q = 1;
    d.strideH = 2; d.dilationH = 2;
    Dev w(size_t(d.K) * 3), dy(size_t(d.K)), dx(5);
    die(fill(w.p, 0.f, w.n));
    die(fill(dy.p, 0.f, dy.n));
    poke(w.p, w.n - 3, {1.f, 2.f, 3.f});
    poke(dy.p, dy.n - 1, {1.f});
    expectValues("backward-data, stride 2, dilation 2, 1.2e9 taps in a phase",
                 conv2dBackwardData(d, dy.p, w.p, dx.p, nullptr), dx, {1.f, 0.f, 2.f, 0.f, 3.f});
  }
  return g_failures == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::string why;
  if (!isAvailable(&why)) {
    std::printf("no GPU: %s\n", why.c_str());
    return 3;
  }
  DeviceInfo info;
  die(deviceInfo(&info));
  std::printf("device: %s (%s, %s), %d SMs, %.1f GiB\n", info.name.c_str(), info.arch.c_str(), info.backend.c_str(),
              info.multiprocessors, info.totalMemory / 1073741824.0);
  if (argc >= 2 && std::strcmp(argv[1], "check") == 0) return check(argc >= 3 ? std::atoi(argv[2]) : 160);
  if (argc >= 4 && std::strcmp(argv[1], "suite") == 0) return suite(argv[2], argv[3]);
  if (argc >= 3 && std::strcmp(argv[1], "tune") == 0) return tune(argv[2], argc >= 4 ? argv[3] : "fwd");
  if (argc >= 2 && std::strcmp(argv[1], "limits") == 0)
    return limits(argc >= 3 && std::strcmp(argv[2], "all") == 0);
  std::fprintf(stderr, "usage: conv_harness check [COUNT] | tune LIST [fwd|dx|dw] | limits [all] | suite LIST DIR\n");
  return 1;
}
