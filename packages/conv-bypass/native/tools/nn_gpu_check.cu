// Checks the nn family's GPU kernels against the host device's (which the TypeScript tests check against
// tfjs-backend-cpu) on an NVIDIA GPU, without Node: random cases of every kernel (32-bit index path),
// large cases past 2^31 elements (64-bit path, checked on sampled elements), bitwise determinism of
// repeated launches, and a few timings. Build and run: `bash nn_gpu_check.sh [--no-large]` (this folder).
// Exit status 0 when every check passed.
#include <cuda_runtime.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "tensor/nn.h"

using namespace rocm_patch;
using namespace rocm_patch::tensor;

namespace {

int failures = 0;
int checks = 0;

#define CUDA_OK(call)                                                                      \
  do {                                                                                     \
    cudaError_t e_ = (call);                                                               \
    if (e_ != cudaSuccess) {                                                               \
      std::printf("CUDA error %s at %s:%d\n", cudaGetErrorString(e_), __FILE__, __LINE__); \
      std::exit(2);                                                                        \
    }                                                                                      \
  } while (0)

void statusOk(const Status& s, const char* what) {
  if (!s.ok()) {
    std::printf("FAIL %s: status %d %s\n", what, s.code, s.message.c_str());
    ++failures;
  }
  CUDA_OK(cudaDeviceSynchronize());
}

template <class T>
T* toDevice(const std::vector<T>& v) {
  T* p = nullptr;
  CUDA_OK(cudaMalloc(&p, std::max<size_t>(v.size(), 1) * sizeof(T)));
  if (!v.empty()) CUDA_OK(cudaMemcpy(p, v.data(), v.size() * sizeof(T), cudaMemcpyHostToDevice));
  return p;
}
template <class T>
T* deviceBuffer(size_t n) {
  T* p = nullptr;
  CUDA_OK(cudaMalloc(&p, std::max<size_t>(n, 1) * sizeof(T)));
  CUDA_OK(cudaMemset(p, 0xff, std::max<size_t>(n, 1) * sizeof(T)));  // garbage: every element must be written
  return p;
}
template <class T>
std::vector<T> toHost(const T* p, size_t n) {
  std::vector<T> v(n);
  if (n) CUDA_OK(cudaMemcpy(v.data(), p, n * sizeof(T), cudaMemcpyDeviceToHost));
  return v;
}

bool close(float a, float b, float tol) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  if (a == b) return true;
  return std::fabs(a - b) <= tol * (1.f + std::fabs(b));
}

void compare(const std::string& name, const std::vector<float>& gpu, const std::vector<float>& host, float tol) {
  ++checks;
  for (size_t i = 0; i < host.size(); ++i) {
    if (!close(gpu[i], host[i], tol)) {
      std::printf("FAIL %s: element %zu gpu %.9g host %.9g\n", name.c_str(), i, gpu[i], host[i]);
      ++failures;
      return;
    }
  }
}
void compareExact(const std::string& name, const std::vector<int32_t>& gpu, const std::vector<int32_t>& host) {
  ++checks;
  for (size_t i = 0; i < host.size(); ++i) {
    if (gpu[i] != host[i]) {
      std::printf("FAIL %s: element %zu gpu %d host %d\n", name.c_str(), i, gpu[i], host[i]);
      ++failures;
      return;
    }
  }
}
template <class T>
void sameBits(const std::string& name, const T* a, const T* b, size_t n) {
  ++checks;
  std::vector<T> x = toHost(a, n), y = toHost(b, n);
  if (n && std::memcmp(x.data(), y.data(), n * sizeof(T)) != 0) {
    std::printf("FAIL %s: two launches differ\n", name.c_str());
    ++failures;
  }
}

std::vector<float> randomFloats(size_t n, std::mt19937& rng, bool ties) {
  std::vector<float> v(n);
  std::uniform_real_distribution<float> u(-2.f, 2.f);
  std::uniform_int_distribution<int> small(0, 3);
  for (auto& x : v) x = ties ? static_cast<float>(small(rng)) : u(rng);
  if (n > 8 && !ties) {
    v[n / 3] = NAN;
    v[n / 2] = -INFINITY;
  }
  return v;
}

// ---- pooling -------------------------------------------------------------------------------------------

struct PoolCase {
  PoolGeom<int64_t> g;
  bool threeD;
};

PoolCase randomPool(std::mt19937& rng) {
  auto r = [&](int lo, int hi) { return static_cast<int64_t>(std::uniform_int_distribution<int>(lo, hi)(rng)); };
  for (;;) {
    PoolCase c{};
    c.threeD = r(0, 2) == 0;
    PoolGeom<int64_t>& g = c.g;
    g.batch = r(1, 3);
    g.channels = r(1, 9);
    int64_t in[3] = {c.threeD ? r(1, 6) : 1, r(1, 12), r(1, 12)};
    int64_t out[3], eff[3], stride[3], dil[3], pad[3];
    bool ok = true;
    for (int a = 0; a < 3; ++a) {
      const bool unit = a == 0 && !c.threeD;
      const int64_t f = unit ? 1 : r(1, 4);
      dil[a] = unit ? 1 : (r(0, 3) == 0 ? 2 : 1);
      stride[a] = unit ? 1 : r(1, 3);
      eff[a] = (f - 1) * dil[a] + 1;
      pad[a] = unit ? 0 : r(0, static_cast<int>(eff[a]) - 1);
      const int64_t span = in[a] + 2 * pad[a] - eff[a];
      if (span < 0) ok = false;
      out[a] = ok ? span / stride[a] + 1 : 0;
    }
    if (!ok) continue;
    g.inD = in[0], g.inH = in[1], g.inW = in[2];
    g.outD = out[0], g.outH = out[1], g.outW = out[2];
    g.effD = eff[0], g.effH = eff[1], g.effW = eff[2];
    g.strideD = stride[0], g.strideH = stride[1], g.strideW = stride[2];
    g.dilD = dil[0], g.dilH = dil[1], g.dilW = dil[2];
    g.padFront = pad[0], g.padTop = pad[1], g.padLeft = pad[2];
    return c;
  }
}

PoolFlags flagsFor(bool threeD, PoolKind kind, ArgmaxKind argmax, const PoolGeom<int64_t>& g) {
  PoolFlags f{};
  f.kind = kind;
  f.argmax = argmax;
  f.clampStart = threeD ? 0 : 1;
  f.avgEmptyIsZero = threeD ? 1 : 0;
  f.tieLast = threeD ? 1 : 0;
  f.rowFactor = threeD ? g.effH : g.effW;
  return f;
}

void checkPoolCase(const PoolCase& c, std::mt19937& rng, int id) {
  const PoolGeom<int64_t>& g = c.g;
  const size_t nIn = g.inSize(), nOut = g.outSize();
  const bool ties = id % 3 == 0;
  const std::vector<float> x = randomFloats(nIn, rng, ties);
  const std::vector<float> dy = randomFloats(nOut, rng, false);
  float* dx_ = toDevice(x);
  float* ddy = toDevice(dy);
  const std::string tag = "pool case " + std::to_string(id) + (c.threeD ? " (3-D)" : " (2-D)");
  for (PoolKind kind : {PoolKind::kMax, PoolKind::kAvg}) {
    for (ArgmaxKind am : {ArgmaxKind::kNone, ArgmaxKind::kWindow, ArgmaxKind::kFlat, ArgmaxKind::kFlatWithBatch}) {
      if (kind == PoolKind::kAvg && am != ArgmaxKind::kNone) continue;
      const PoolFlags f = flagsFor(c.threeD, kind, am, g);
      std::vector<float> hy(nOut);
      std::vector<int32_t> ha(nOut);
      PoolArgs h{g, f, x.data(), hy.data(), am != ArgmaxKind::kNone ? ha.data() : nullptr};
      statusOk(host::pool(h), "host pool");
      float* gy = deviceBuffer<float>(nOut);
      int32_t* ga = deviceBuffer<int32_t>(nOut);
      PoolArgs d{g, f, dx_, gy, am != ArgmaxKind::kNone ? ga : nullptr};
      statusOk(gpu::pool(d), "gpu pool");
      compare(tag + (kind == PoolKind::kMax ? " max" : " avg"), toHost(gy, nOut), hy, 1e-5f);
      if (am != ArgmaxKind::kNone) compareExact(tag + " argmax " + std::to_string(int(am)), toHost(ga, nOut), ha);
      CUDA_OK(cudaFree(gy));
      CUDA_OK(cudaFree(ga));
    }
    // Gradient: positions (window encoding) then the gather, as bindings_nn.cc runs them.
    const PoolFlags pf = flagsFor(c.threeD, PoolKind::kMax, ArgmaxKind::kWindow, g);
    std::vector<int32_t> hpos(nOut);
    PoolArgs hp{g, pf, x.data(), nullptr, hpos.data()};
    statusOk(host::pool(hp), "host positions");
    std::vector<float> hdx(nIn);
    const float mult = 1.f / static_cast<float>(g.effD * g.effH * g.effW);
    PoolGradArgs hg{g, kind, mult, hpos.data(), DyDims<int64_t>{g.outD, g.outH, g.outW}, dy.data(), hdx.data()};
    statusOk(host::poolGrad(hg), "host poolGrad");
    int32_t* gpos = deviceBuffer<int32_t>(nOut);
    PoolArgs dp{g, pf, dx_, nullptr, gpos};
    statusOk(gpu::pool(dp), "gpu positions");
    float* gdx = deviceBuffer<float>(nIn);
    float* gdx2 = deviceBuffer<float>(nIn);
    PoolGradArgs dg{g, kind, mult, gpos, DyDims<int64_t>{g.outD, g.outH, g.outW}, ddy, gdx};
    statusOk(gpu::poolGrad(dg), "gpu poolGrad");
    dg.dx = gdx2;
    statusOk(gpu::poolGrad(dg), "gpu poolGrad again");
    compare(tag + (kind == PoolKind::kMax ? " maxGrad" : " avgGrad"), toHost(gdx, nIn), hdx, 1e-5f);
    sameBits(tag + " grad determinism", gdx, gdx2, nIn);
    CUDA_OK(cudaFree(gpos));
    CUDA_OK(cudaFree(gdx));
    CUDA_OK(cudaFree(gdx2));
  }
  CUDA_OK(cudaFree(dx_));
  CUDA_OK(cudaFree(ddy));
}

// ---- batchNorm, softmax, LRN ------------------------------------------------------------------------------

void checkBatchNorm(std::mt19937& rng) {
  for (const int64_t n : {int64_t{420}, int64_t{423}}) {
  const int64_t lens[][4] = {{6, 6, 6, 6}, {1, 6, 1, 6}, {n, n, n, n}, {1, 1, 1, 1}, {42, 6, 3, 7}, {3, n, 1, 9}};
  for (const auto& L : lens) {
    for (int withParams = 0; withParams < 2; ++withParams) {
      auto x = randomFloats(n, rng, false);
      x[n / 3] = 0.5f;  // no NaN: keep the comparison about the arithmetic
      x[n / 2] = 1.5f;
      std::vector<float> m = randomFloats(L[0], rng, false), v(L[1]), o = randomFloats(L[2], rng, false),
                         s = randomFloats(L[3], rng, false);
      for (auto& e : v) e = 0.5f + std::fabs(std::uniform_real_distribution<float>(0, 1)(rng));
      for (auto* p : {&m, &o, &s})
        for (auto& e : *p)
          if (!std::isfinite(e)) e = 0.25f;
      std::vector<float> hy(n);
      BatchNormArgs h{x.data(), m.data(), v.data(), withParams ? o.data() : nullptr, withParams ? s.data() : nullptr,
                      hy.data(), n, L[0], L[1], L[2], L[3], 1e-3f};
      statusOk(host::batchNorm(h), "host batchNorm");
      float *dx = toDevice(x), *dm = toDevice(m), *dv = toDevice(v), *dof = toDevice(o), *ds = toDevice(s);
      float* dy = deviceBuffer<float>(n);
      BatchNormArgs d{dx, dm, dv, withParams ? dof : nullptr, withParams ? ds : nullptr, dy, n, L[0], L[1], L[2], L[3],
                      1e-3f};
      statusOk(gpu::batchNorm(d), "gpu batchNorm");
      compare("batchNorm n " + std::to_string(n) + " lens " + std::to_string(L[0]) + "/" + std::to_string(L[1]) + "/" + std::to_string(L[2]) +
                  "/" + std::to_string(L[3]) + (withParams ? "" : " (no scale/offset)"),
              toHost(dy, n), hy, 1e-5f);
      for (float* p : {dx, dm, dv, dof, ds, dy}) CUDA_OK(cudaFree(p));
    }
  }
  }
}

void checkSoftmax(std::mt19937& rng) {
  const int64_t shapes[][2] = {{7, 1}, {33, 7}, {5, 32}, {9, 33}, {64, 1000}, {3, 1024}, {3, 1025}, {2, 5000}, {1, 70000},
                               {1000, 10}};
  for (const auto& sh : shapes) {
    const int64_t rows = sh[0], cols = sh[1], n = rows * cols;
    std::vector<float> x(n);
    std::uniform_real_distribution<float> u(-50.f, 50.f);
    for (auto& e : x) e = u(rng);
    if (rows > 3) {
      x[cols] = NAN;                         // row 1: NaN
      for (int64_t j = 0; j < cols; ++j) x[2 * cols + j] = -INFINITY;  // row 2: all -Inf
      x[3 * cols] = 3e38f;                  // row 3: huge
    }
    std::vector<float> hy(n);
    SoftmaxArgs h{x.data(), hy.data(), rows, cols};
    statusOk(host::softmax(h), "host softmax");
    float* dx = toDevice(x);
    float* dy = deviceBuffer<float>(n);
    float* dy2 = deviceBuffer<float>(n);
    SoftmaxArgs d{dx, dy, rows, cols};
    statusOk(gpu::softmax(d), "gpu softmax");
    d.y = dy2;
    statusOk(gpu::softmax(d), "gpu softmax again");
    const std::string tag = "softmax " + std::to_string(rows) + "x" + std::to_string(cols);
    compare(tag, toHost(dy, n), hy, 2e-5f);
    sameBits(tag + " determinism", dy, dy2, n);
    for (float* p : {dx, dy, dy2}) CUDA_OK(cudaFree(p));
  }
}

void checkLrn(std::mt19937& rng) {
  for (int64_t radius : {-1, 0, 2, 5, 9, 40}) {
    const int64_t C = 9, n = 3 * 4 * 5 * C;
    const LrnParams p{C, radius > C ? C : radius, 1.5f, 0.3f, 0.75f};
    auto x = randomFloats(n, rng, false);
    x[n / 3] = 0.3f;
    x[n / 2] = -0.7f;
    const auto dyv = randomFloats(n, rng, false);
    std::vector<float> hy(n), hdx(n);
    LrnArgs h{p, x.data(), nullptr, nullptr, hy.data(), n};
    statusOk(host::lrn(h), "host lrn");
    LrnArgs hg{p, x.data(), hy.data(), dyv.data(), hdx.data(), n};
    statusOk(host::lrnGrad(hg), "host lrnGrad");
    float *dx = toDevice(x), *ddy = toDevice(dyv), *dyy = toDevice(hy);
    float *gy = deviceBuffer<float>(n), *gdx = deviceBuffer<float>(n);
    LrnArgs d{p, dx, nullptr, nullptr, gy, n};
    statusOk(gpu::lrn(d), "gpu lrn");
    LrnArgs dg{p, dx, dyy, ddy, gdx, n};
    statusOk(gpu::lrnGrad(dg), "gpu lrnGrad");
    compare("lrn radius " + std::to_string(radius), toHost(gy, n), hy, 1e-5f);
    compare("lrnGrad radius " + std::to_string(radius), toHost(gdx, n), hdx, 1e-4f);
    for (float* q : {dx, ddy, dyy, gy, gdx}) CUDA_OK(cudaFree(q));
  }
}

// ---- resizing -------------------------------------------------------------------------------------------

double scaleOf(int64_t in, int64_t out, bool align) {
  const bool a = align && out > 1;
  return static_cast<double>(a ? in - 1 : in) / static_cast<double>(a ? out - 1 : out);
}

ResizeGeom resizeGeom(int64_t b, int64_t ih, int64_t iw, int64_t c, int64_t oh, int64_t ow, bool align, bool half) {
  return ResizeGeom{b, ih, iw, c, oh, ow, scaleOf(ih, oh, align), scaleOf(iw, ow, align), align ? 1 : 0, half ? 1 : 0};
}

void checkResize(std::mt19937& rng) {
  const int64_t sizes[][4] = {{4, 4, 8, 8}, {8, 8, 3, 3}, {5, 7, 9, 4}, {1, 1, 3, 2}, {3, 6, 1, 1}, {6, 6, 6, 6},
                              {2, 9, 17, 3}, {1, 5, 4, 1}};
  const bool flags[][2] = {{false, false}, {true, false}, {false, true}};
  for (const auto& s : sizes) {
    for (const auto& f : flags) {
      const ResizeGeom g = resizeGeom(2, s[0], s[1], 3, s[2], s[3], f[0], f[1]);
      const int64_t nIn = 2 * s[0] * s[1] * 3, nOut = 2 * s[2] * s[3] * 3;
      const std::string tag = "resize " + std::to_string(s[0]) + "x" + std::to_string(s[1]) + "->" +
                              std::to_string(s[2]) + "x" + std::to_string(s[3]) + " align " + std::to_string(f[0]) +
                              " half " + std::to_string(f[1]);
      auto x = randomFloats(nIn, rng, false);
      for (auto& e : x)
        if (!std::isfinite(e)) e = 0.5f;
      const auto dyv = randomFloats(nOut, rng, false);
      std::vector<int32_t> xi(nIn);
      for (int64_t i = 0; i < nIn; ++i) xi[i] = static_cast<int32_t>(x[i] * 1e7f) * 97;  // values past 2^24
      std::vector<float> hb(nOut), hn(nOut), hgb(nIn), hgn(nIn);
      std::vector<int32_t> hni(nOut);
      statusOk(host::resizeBilinear(ResizeArgs{g, x.data(), hb.data(), false}), "host bilinear");
      statusOk(host::resizeNearest(ResizeArgs{g, x.data(), hn.data(), false}), "host nearest");
      statusOk(host::resizeNearest(ResizeArgs{g, xi.data(), hni.data(), true}), "host nearest int32");
      statusOk(host::resizeBilinearGrad(ResizeGradArgs{g, dyv.data(), hgb.data()}), "host bilinear grad");
      statusOk(host::resizeNearestGrad(ResizeGradArgs{g, dyv.data(), hgn.data()}), "host nearest grad");
      float *dx = toDevice(x), *ddy = toDevice(dyv);
      int32_t* dxi = toDevice(xi);
      float *gb = deviceBuffer<float>(nOut), *gn = deviceBuffer<float>(nOut), *ggb = deviceBuffer<float>(nIn),
            *ggn = deviceBuffer<float>(nIn);
      int32_t* gni = deviceBuffer<int32_t>(nOut);
      statusOk(gpu::resizeBilinear(ResizeArgs{g, dx, gb, false}), "gpu bilinear");
      statusOk(gpu::resizeNearest(ResizeArgs{g, dx, gn, false}), "gpu nearest");
      statusOk(gpu::resizeNearest(ResizeArgs{g, dxi, gni, true}), "gpu nearest int32");
      statusOk(gpu::resizeBilinearGrad(ResizeGradArgs{g, ddy, ggb}), "gpu bilinear grad");
      statusOk(gpu::resizeNearestGrad(ResizeGradArgs{g, ddy, ggn}), "gpu nearest grad");
      compare(tag + " bilinear", toHost(gb, nOut), hb, 1e-5f);
      compare(tag + " nearest", toHost(gn, nOut), hn, 0.f);
      compareExact(tag + " nearest int32", toHost(gni, nOut), hni);
      compare(tag + " bilinear grad", toHost(ggb, nIn), hgb, 1e-5f);
      compare(tag + " nearest grad", toHost(ggn, nIn), hgn, 1e-5f);
      for (float* p : {dx, ddy, gb, gn, ggb, ggn}) CUDA_OK(cudaFree(p));
      CUDA_OK(cudaFree(dxi));
      CUDA_OK(cudaFree(gni));
    }
  }
}

// ---- past 2^31 elements: the 64-bit index paths, checked on sampled elements -------------------------------

__global__ void fillHash(float* x, int64_t n, uint32_t seed) {
  for (int64_t i = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; i < n;
       i += static_cast<int64_t>(gridDim.x) * blockDim.x) {
    uint32_t h = static_cast<uint32_t>(i) * 2654435761u ^ static_cast<uint32_t>(i >> 32) * 40503u ^ seed;
    h ^= h >> 15;
    h *= 2246822519u;
    h ^= h >> 13;
    x[i] = static_cast<float>(h & 0xffffff) / 16777216.f * 4.f - 2.f;
  }
}

__global__ void fillAbsPlusOne(float* x, int64_t n) {
  for (int64_t i = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; i < n;
       i += static_cast<int64_t>(gridDim.x) * blockDim.x)
    x[i] = fabsf(x[i]) + 1.f;
}

float* hashed(int64_t n, uint32_t seed) {
  float* p = deviceBuffer<float>(n);
  fillHash<<<65535, 256>>>(p, n, seed);
  CUDA_OK(cudaDeviceSynchronize());
  return p;
}

float at(const float* d, int64_t i) {
  float v;
  CUDA_OK(cudaMemcpy(&v, d + i, 4, cudaMemcpyDeviceToHost));
  return v;
}

void checkLarge(std::mt19937& rng) {
  const int64_t side = 46341;  // side² > 2^31 − 1
  std::uniform_int_distribution<int64_t> pick;
  // Pool (2-D, 3×3 stride 2 same-ish padding) forward and gradient.
  {
    PoolGeom<int64_t> g{1, 1, side, side, 1, 1, (side + 1) / 2, (side + 1) / 2, 1, 3, 3, 1, 2, 2, 1, 1, 1, 0, 1, 1};
    const int64_t nIn = g.inSize(), nOut = g.outSize();
    float* x = hashed(nIn, 1);
    std::vector<float> hx = toHost(x, nIn);
    float* y = deviceBuffer<float>(nOut);
    int32_t* pos = deviceBuffer<int32_t>(nOut);
    const PoolFlags f = flagsFor(false, PoolKind::kMax, ArgmaxKind::kWindow, g);
    statusOk(gpu::pool(PoolArgs{g, f, x, y, pos}), "gpu large pool");
    std::vector<float> hy = toHost(y, nOut);
    std::vector<int32_t> hpos = toHost(pos, nOut);
    ++checks;
    for (int k = 0; k < 20000; ++k) {
      const int64_t o = pick(rng) % nOut;
      float ry;
      int32_t rp;
      // poolAt writes at index o of the pointers it gets: give it views shifted by −o.
      poolAt<int64_t>(g, f, hx.data(), &ry - o, &rp - o, o);
      if (ry != hy[o] || rp != hpos[o]) {
        std::printf("FAIL large pool: output %lld gpu %g/%d host %g/%d\n", (long long)o, hy[o], hpos[o], ry, rp);
        ++failures;
        break;
      }
    }
    float* dy = hashed(nOut, 2);
    std::vector<float> hdy = toHost(dy, nOut);
    float* dx = deviceBuffer<float>(nIn);
    statusOk(gpu::poolGrad(PoolGradArgs{g, PoolKind::kMax, 1.f, pos, DyDims<int64_t>{1, g.outH, g.outW}, dy, dx}),
             "gpu large poolGrad");
    ++checks;
    for (int k = 0; k < 20000; ++k) {
      const int64_t i = k < 10 ? nIn - 1 - k : pick(rng) % nIn;
      const float r = poolGradAt<int64_t>(g, PoolKind::kMax, hpos.data(), hdy.data(),
                                          DyDims<int64_t>{1, g.outH, g.outW}, i);
      const float v = at(dx, i);
      if (!close(v, r, 1e-6f)) {
        std::printf("FAIL large poolGrad: dx %lld gpu %g host %g\n", (long long)i, v, r);
        ++failures;
        break;
      }
    }
    for (float* p : {x, y, dy, dx}) CUDA_OK(cudaFree(p));
    CUDA_OK(cudaFree(pos));
    std::printf("large pool checked (%lld inputs)\n", (long long)nIn);
  }
  // BatchNorm, LRN over n > 2^31.
  {
    const int64_t n = side * side, C = side;
    float* x = hashed(n, 3);
    std::vector<float> hx = toHost(x, n);
    std::vector<float> m(C), v(C);
    for (int64_t c = 0; c < C; ++c) m[c] = 0.001f * (c % 100), v[c] = 1.f + 0.01f * (c % 7);
    float *dm = toDevice(m), *dv = toDevice(v);
    float* y = deviceBuffer<float>(n);
    statusOk(gpu::batchNorm(BatchNormArgs{x, dm, dv, nullptr, nullptr, y, n, C, C, 1, 1, 1e-3f}), "gpu large batchNorm");
    const BatchNormView<int64_t> ref{hx.data(), m.data(), v.data(), nullptr, nullptr, C, C, 1, 1, 1e-3f};
    ++checks;
    for (int k = 0; k < 20000; ++k) {
      const int64_t i = k < 10 ? n - 1 - k : pick(rng) % n;
      if (!close(at(y, i), ref(i), 1e-6f)) {
        std::printf("FAIL large batchNorm at %lld\n", (long long)i);
        ++failures;
        break;
      }
    }
    const LrnParams p{7, 3, 1.f, 0.5f, 0.75f};
    const int64_t nl = (n / 7) * 7;
    statusOk(gpu::lrn(LrnArgs{p, x, nullptr, nullptr, y, nl}), "gpu large lrn");
    ++checks;
    for (int k = 0; k < 20000; ++k) {
      const int64_t i = k < 10 ? nl - 1 - k : pick(rng) % nl;
      if (!close(at(y, i), lrnAt<int64_t>(p, hx.data(), i), 1e-6f)) {
        std::printf("FAIL large lrn at %lld\n", (long long)i);
        ++failures;
        break;
      }
    }
    for (float* q : {x, dm, dv, y}) CUDA_OK(cudaFree(q));
    std::printf("large batchNorm and lrn checked (%lld elements)\n", (long long)n);
  }
  // Resize up past 2^31 outputs, and its gradients into a dx past 2^31.
  {
    const ResizeGeom g = resizeGeom(1, 20000, 30000, 1, side, side, false, true);
    const int64_t nIn = 20000LL * 30000, nOut = side * side;
    float* x = hashed(nIn, 4);
    std::vector<float> hx = toHost(x, nIn);
    float* y = deviceBuffer<float>(nOut);
    statusOk(gpu::resizeBilinear(ResizeArgs{g, x, y, false}), "gpu large bilinear");
    ++checks;
    for (int k = 0; k < 20000; ++k) {
      const int64_t o = k < 10 ? nOut - 1 - k : pick(rng) % nOut;
      if (!close(at(y, o), bilinearAt<int64_t>(g, hx.data(), o), 1e-6f)) {
        std::printf("FAIL large bilinear at %lld\n", (long long)o);
        ++failures;
        break;
      }
    }
    statusOk(gpu::resizeNearest(ResizeArgs{g, x, y, false}), "gpu large nearest");
    ++checks;
    for (int k = 0; k < 20000; ++k) {
      const int64_t o = k < 10 ? nOut - 1 - k : pick(rng) % nOut;
      if (at(y, o) != hx[nearestSourceOffset<int64_t>(g, o)]) {
        std::printf("FAIL large nearest at %lld\n", (long long)o);
        ++failures;
        break;
      }
    }
    CUDA_OK(cudaFree(x));
    CUDA_OK(cudaFree(y));
    // Gradient: dy of 20000×30000 into a dx of side×side (a downscale's gradient).
    const ResizeGeom gg = resizeGeom(1, side, side, 1, 20000, 30000, false, false);
    float* dy = hashed(nIn, 5);
    std::vector<float> hdy = toHost(dy, nIn);
    float* dx = deviceBuffer<float>(nOut);
    for (int nearest = 0; nearest < 2; ++nearest) {
      statusOk(nearest ? gpu::resizeNearestGrad(ResizeGradArgs{gg, dy, dx})
                       : gpu::resizeBilinearGrad(ResizeGradArgs{gg, dy, dx}),
               "gpu large resize grad");
      ++checks;
      for (int k = 0; k < 5000; ++k) {
        const int64_t i = k < 10 ? nOut - 1 - k : pick(rng) % nOut;
        const float r = nearest ? nearestGradAt<int64_t>(gg, hdy.data(), i) : bilinearGradAt<int64_t>(gg, hdy.data(), i);
        if (!close(at(dx, i), r, 1e-5f)) {
          std::printf("FAIL large %s grad at %lld\n", nearest ? "nearest" : "bilinear", (long long)i);
          ++failures;
          break;
        }
      }
    }
    CUDA_OK(cudaFree(dy));
    CUDA_OK(cudaFree(dx));
    std::printf("large resizes checked (%lld outputs)\n", (long long)nOut);
  }
  // Softmax over a row past 2^31 elements is beyond any use; a long row past a block's reach is covered.
}

// ---- timings ---------------------------------------------------------------------------------------------

template <class F>
float timeMs(F f) {
  cudaEvent_t a, b;
  CUDA_OK(cudaEventCreate(&a));
  CUDA_OK(cudaEventCreate(&b));
  f();
  CUDA_OK(cudaDeviceSynchronize());
  CUDA_OK(cudaEventRecord(a));
  const int reps = 10;
  for (int i = 0; i < reps; ++i) f();
  CUDA_OK(cudaEventRecord(b));
  CUDA_OK(cudaEventSynchronize(b));
  float ms;
  CUDA_OK(cudaEventElapsedTime(&ms, a, b));
  return ms / reps;
}

void timings() {
  // A ResNet-ish max pool: [32, 112, 112, 64], 3×3 stride 2 pad 1.
  PoolGeom<int64_t> g{32, 1, 112, 112, 64, 1, 56, 56, 1, 3, 3, 1, 2, 2, 1, 1, 1, 0, 1, 1};
  float* x = hashed(g.inSize(), 6);
  float* y = deviceBuffer<float>(g.outSize());
  int32_t* pos = deviceBuffer<int32_t>(g.outSize());
  float* dx = deviceBuffer<float>(g.inSize());
  const PoolFlags f = flagsFor(false, PoolKind::kMax, ArgmaxKind::kNone, g);
  const PoolFlags pf = flagsFor(false, PoolKind::kMax, ArgmaxKind::kWindow, g);
  const double gbFwd = (g.inSize() + g.outSize()) * 4e-9;
  const float fwd = timeMs([&] { (void)gpu::pool(PoolArgs{g, f, x, y, nullptr}); });
  const float posMs = timeMs([&] { (void)gpu::pool(PoolArgs{g, pf, x, nullptr, pos}); });
  const float grad = timeMs([&] {
    (void)gpu::poolGrad(PoolGradArgs{g, PoolKind::kMax, 1.f, pos, DyDims<int64_t>{1, 56, 56}, y, dx});
  });
  std::printf("maxPool [32,112,112,64] 3x3/2: forward %.3f ms (%.0f GB/s), argmax %.3f ms, gather grad %.3f ms\n", fwd,
              gbFwd / (fwd * 1e-3), posMs, grad);
  // Softmax [4096, 1000] and [64, 32000].
  for (auto sh : {std::pair<int64_t, int64_t>{4096, 1000}, {64, 32000}, {65536, 10}}) {
    const int64_t n = sh.first * sh.second;
    float* sx = hashed(n, 7);
    float* sy = deviceBuffer<float>(n);
    const float ms = timeMs([&] { (void)gpu::softmax(SoftmaxArgs{sx, sy, sh.first, sh.second}); });
    std::printf("softmax [%lld, %lld]: %.3f ms (%.0f GB/s moved)\n", (long long)sh.first, (long long)sh.second, ms,
                n * 8e-9 / (ms * 1e-3));
    CUDA_OK(cudaFree(sx));
    CUDA_OK(cudaFree(sy));
  }
  // BatchNorm over [32, 56, 56, 256] with 1-D parameters.
  {
    const int64_t C = 256, n = 32LL * 56 * 56 * C;
    float* bx = hashed(n, 8);
    float* by = deviceBuffer<float>(n);
    float* p = hashed(C, 9);
    float* v = hashed(C, 10);
    fillAbsPlusOne<<<1, 256>>>(v, C);  // a valid variance (NaN would time the division's slow path)
    const float ms = timeMs([&] { (void)gpu::batchNorm(BatchNormArgs{bx, p, v, p, p, by, n, C, C, C, C, 1e-3f}); });
    std::printf("batchNorm [32,56,56,256]: %.3f ms (%.0f GB/s)\n", ms, n * 8e-9 / (ms * 1e-3));
    const float ms1 = timeMs([&] { (void)gpu::batchNorm(BatchNormArgs{bx, p, v, p, p, by, n, 1, 1, 1, 1, 1e-3f}); });
    std::printf("batchNorm, scalar parameters: %.3f ms (%.0f GB/s)\n", ms1, n * 8e-9 / (ms1 * 1e-3));
    const float copy = timeMs([&] { CUDA_OK(cudaMemcpyAsync(by, bx, n * 4, cudaMemcpyDeviceToDevice)); });
    std::printf("for scale, a device-to-device copy of x: %.3f ms (%.0f GB/s)\n", copy, n * 8e-9 / (copy * 1e-3));
    for (float* q : {bx, by, p, v}) CUDA_OK(cudaFree(q));
  }
  for (float* q : {x, y, dx}) CUDA_OK(cudaFree(q));
  CUDA_OK(cudaFree(pos));
}

}  // namespace

int main(int argc, char** argv) {
  const bool large = !(argc > 1 && std::strcmp(argv[1], "--no-large") == 0);
  cudaDeviceProp prop;
  CUDA_OK(cudaGetDeviceProperties(&prop, 0));
  std::printf("device: %s (sm_%d%d)\n", prop.name, prop.major, prop.minor);
  std::mt19937 rng(1234);
  for (int id = 0; id < 300; ++id) checkPoolCase(randomPool(rng), rng, id);
  std::printf("pool cases done\n");
  checkBatchNorm(rng);
  checkSoftmax(rng);
  checkLrn(rng);
  checkResize(rng);
  std::printf("small cases done: %d checks, %d failures\n", checks, failures);
  if (large) checkLarge(rng);
  timings();
  std::printf("%d passed, %d failed\n", checks - failures, failures);
  return failures == 0 ? 0 : 1;
}
