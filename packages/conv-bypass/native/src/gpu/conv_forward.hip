// Forward convolution: the implicit GEMM (default) and the original unfold (im2col) + GEMM method.
#include <algorithm>

#include "internal.h"
#include "problems.h"

namespace rocm_patch {
namespace gpu {
namespace {

using kern::Tile;
// Large layers, medium, and two skinny shapes (K/G ≤ 32, K/G ≤ 16): rows of the output are the long
// dimension, so every tile keeps BM ≥ 128 and only narrows BN.
using T128x128 = Tile<128, 128, 8, 8, 8, 2>;
using T128x64 = Tile<128, 64, 8, 8, 4>;
using T256x32 = Tile<256, 32, 8, 8, 4>;
using T128x32 = Tile<128, 32, 8, 4, 4>;
using T256x16 = Tile<256, 16, 8, 4, 4>;

// The tiles in launchConfig's order, with their occupancy on this device (read at first use).
// Efficiency: the inner loop's relative FMA rate (calibrated on an H100: gpu/NOTES.md).
template <class P>
const TileCandidate* forwardTiles() {
  static const TileCandidate t[] = {
      tileCandidate<T128x128, P>(1.00), tileCandidate<T128x64, P>(0.85), tileCandidate<T256x32, P>(0.80),
      tileCandidate<T128x32, P>(0.60),  tileCandidate<T256x16, P>(0.45),
  };
  return t;
}
constexpr int kTileCount = 5;
constexpr long long kMaxRows = maxGemmRows<T128x128, T128x64, T256x32, T128x32, T256x16>();
constexpr long long kMaxColumns = maxGemmColumns<T128x128, T128x64, T256x32, T128x32, T256x16>();

// Whether every launch of this geometry fits (see internal.h, launch limits); the unfold method's
// chunks are GEMMs of at most these rows too.
std::string checkForwardLaunch(const ConvGeometry& g) {
  const GemmExtents e{static_cast<long long>(g.N) * g.P * g.Q,
                      g.K / g.groups,
                      static_cast<long long>(g.C / g.groups) * g.R * g.S,
                      g.groups,
                      "N·P·Q",
                      "K/groups",
                      "C/groups·R·S",
                      "groups"};
  return checkGemmLaunch(e, kMaxRows, kMaxColumns);
}

template <class Cfg, class P>
hipError_t launch(const P& prob, long long M, int N, int zdim, float* ws) {
  const dim3 grid(static_cast<unsigned>((M + Cfg::BM - 1) / Cfg::BM), static_cast<unsigned>((N + Cfg::BN - 1) / Cfg::BN),
                  static_cast<unsigned>(zdim));
  RP_LAUNCH((kern::igemm_kernel<Cfg, P>), grid, dim3(Cfg::NT), 0, 0, prob, ws);
  return hipGetLastError();
}

template <class P>
hipError_t launchConfig(int config, const P& prob, long long M, int N, int zdim, float* ws) {
  switch (config) {
    case 0: return launch<T128x128>(prob, M, N, zdim, ws);
    case 1: return launch<T128x64>(prob, M, N, zdim, ws);
    case 2: return launch<T256x32>(prob, M, N, zdim, ws);
    case 3: return launch<T128x32>(prob, M, N, zdim, ws);
    default: return launch<T256x16>(prob, M, N, zdim, ws);
  }
}

// Skinny GEMMs never need the wide tiles: restrict the candidates to those not wider than 2·N.
int firstCandidate(int N) {
  if (N <= 16) return 4;
  if (N <= 32) return 2;
  if (N <= 64) return 1;
  return 0;
}

__global__ void im2col_kernel(kern::Geo g, const float* __restrict__ x, float* __restrict__ col, int n0, int Mc) {
  const size_t total = static_cast<size_t>(g.C) * g.R * g.S * Mc;
  const int RS = g.R * g.S, PQ = g.P * g.Q;
  for (size_t idx = blockIdx.x * static_cast<size_t>(blockDim.x) + threadIdx.x; idx < total;
       idx += static_cast<size_t>(gridDim.x) * blockDim.x) {
    const int row = static_cast<int>(idx / Mc), m = static_cast<int>(idx - static_cast<size_t>(row) * Mc);
    const int c = row / RS, rs = row - c * RS, r = rs / g.S, s = rs - r * g.S;
    const int n = n0 + m / PQ, pq = m % PQ, p = pq / g.Q, q = pq - p * g.Q;
    const int ih = p * g.sh - g.ph + r * g.dh, iw = q * g.sw - g.pw + s * g.dw;
    col[idx] = (kern::in_range(ih, g.H) && kern::in_range(iw, g.W)) ? x[((n * g.C + c) * g.H + ih) * g.W + iw] : 0.f;
  }
}

int g_forceConfig = -1;
int g_forceSplits = 0;

Status forwardImplicit(const ConvGeometry& cg, const float* x, const float* w, const float* bias, bool relu, float* y,
                       size_t* extraBytes, const std::string& what) {
  const kern::Geo g = toGeo(cg);
  const long long M = static_cast<long long>(g.N) * g.P * g.Q;
  const long long Kt = static_cast<long long>(g.Cg) * g.R * g.S;
  const int first = firstCandidate(g.Kg);
  const TileCandidate* tiles = forwardTiles<kern::FwdProblem>();
  const TileChoice ch = chooseTiles(tiles + first, kTileCount - first, M, g.Kg, Kt, g.G, maxSplitsFor(g.G, 32),
                                    kMaxSplitWorkspace);
  TileChoice ch2 = ch;
  if (g_forceConfig >= 0) ch2.config = std::max(0, std::min(g_forceConfig, kTileCount - 1) - first);
  if (g_forceSplits > 0) ch2.splits = std::min(g_forceSplits, maxSplitsFor(g.G, 1 << 20));
  const int config = first + ch2.config;
  const long long BK = tiles[config].BK;
  kern::FwdProblem prob;
  prob.geo = g;
  prob.x = x;
  prob.w = w;
  prob.bias = bias;
  prob.y = y;
  prob.relu = relu ? 1 : 0;
  prob.kchunk = static_cast<int>(((Kt + ch2.splits - 1) / ch2.splits + BK - 1) / BK * BK);
  const int splits = static_cast<int>((Kt + prob.kchunk - 1) / prob.kchunk);
  prob.vec4 = (g.P * g.Q) % 4 == 0 ? 1 : 0;
  if (extraBytes != nullptr) *extraBytes = 0;
  if (splits <= 1) return fromError(launchConfig(config, prob, M, g.Kg, g.G, nullptr), what);

  const size_t wsBytes = static_cast<size_t>(splits) * M * g.Kg * g.G * sizeof(float);
  float* ws = nullptr;
  Status st = acquireWorkspace(wsBytes, &ws, what);
  if (!st.ok()) return st;
  if (extraBytes != nullptr) *extraBytes = wsBytes;
  hipError_t err = launchConfig(config, prob, M, g.Kg, g.G * splits, ws);
  if (err != hipSuccess) return fromError(err, what);
  const size_t total = static_cast<size_t>(M) * g.Kg * g.G;
  RP_LAUNCH(kern::reduce_kernel<kern::FwdProblem>, dim3(gridFor(total, 256)), dim3(256), 0, 0, prob, ws, splits);
  return fromError(hipGetLastError(), what);
}

Status forwardUnfold(const ConvGeometry& cg, const float* x, const float* w, const float* bias, bool relu, float* y,
                     size_t* extraBytes, const std::string& what) {
  const kern::Geo g = toGeo(cg);
  const long long PQ = static_cast<long long>(g.P) * g.Q;
  const long long rows = static_cast<long long>(g.C) * g.R * g.S;
  // Chunk the batch so the unfold buffer stays under 256 MB (at least one image), and under 2^31
  // elements for 32-bit indexing.
  const long long budget = (256LL << 20) / 4;
  long long nb = std::max(1LL, std::min<long long>(g.N, budget / std::max(1LL, rows * PQ)));
  while (nb > 1 && rows * PQ * nb >= (1LL << 31)) --nb;
  if (rows * PQ * nb >= (1LL << 31)) return usageError(what + ": one image's unfold buffer exceeds 2^31 elements");
  const size_t colBytes = static_cast<size_t>(rows * PQ * nb) * sizeof(float);
  float* col = nullptr;
  Status st = acquireWorkspace(colBytes, &col, what);
  if (!st.ok()) return st;
  if (extraBytes != nullptr) *extraBytes = colBytes;
  const int first = firstCandidate(g.Kg);
  kern::UnfoldProblem prob;
  prob.geo = g;
  prob.x = x;
  prob.w = w;
  prob.bias = bias;
  prob.y = y;
  prob.relu = relu ? 1 : 0;
  prob.kchunk = static_cast<int>(g.Cg * g.R * g.S);
  prob.vec4 = PQ % 4 == 0 ? 1 : 0;
  prob.col = col;
  for (int n0 = 0; n0 < g.N; n0 += static_cast<int>(nb)) {
    const int cnt = static_cast<int>(std::min<long long>(nb, g.N - n0));
    const int Mc = static_cast<int>(cnt * PQ);
    const size_t total = static_cast<size_t>(rows) * Mc;
    RP_LAUNCH(im2col_kernel, dim3(gridFor(total, 256)), dim3(256), 0, 0, g, x, col, n0, Mc);
    hipError_t err = hipGetLastError();
    if (err != hipSuccess) return fromError(err, what);
    prob.Mc = Mc;
    prob.n0 = n0;
    const TileChoice ch = chooseTiles(forwardTiles<kern::UnfoldProblem>() + first, kTileCount - first, Mc, g.Kg,
                                      prob.kchunk, g.G, 1, 0);
    err = launchConfig(first + ch.config, prob, Mc, g.Kg, g.G, nullptr);
    if (err != hipSuccess) return fromError(err, what);
  }
  return Status{};
}

}  // namespace

void setForwardTileOverride(int config, int splits) {
  std::lock_guard<std::mutex> lock(backendMutex());
  g_forceConfig = config;
  g_forceSplits = splits;
}

Status conv2dForward(const ConvGeometry& g, const float* x, const float* w, const float* bias, bool relu, float* y,
                     ForwardAlgo algo, size_t* extraBytes) {
  const std::string what = std::string("gpu conv2d forward (") +
                           (algo == ForwardAlgo::kUnfoldGemm ? "unfold+gemm" : "implicit gemm") + ", " + describe(g) +
                           ")";
  std::string bad = checkGeometry(g);
  if (bad.empty()) bad = checkForwardLaunch(g);
  if (!bad.empty()) return usageError(what + ": " + bad);
  if (x == nullptr || w == nullptr || y == nullptr) return usageError(what + ": null device buffer");
  std::lock_guard<std::mutex> lock(backendMutex());
  return algo == ForwardAlgo::kUnfoldGemm ? forwardUnfold(g, x, w, bias, relu, y, extraBytes, what)
                                          : forwardImplicit(g, x, w, bias, relu, y, extraBytes, what);
}

}  // namespace gpu
}  // namespace rocm_patch
