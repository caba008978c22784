// Backward-data (dx): one implicit GEMM per stride phase, all phases in one launch (grid z).
#include <algorithm>

#include "internal.h"
#include "problems.h"

namespace rocm_patch {
namespace gpu {
namespace {

using kern::Tile;
using T128x128 = Tile<128, 128, 8, 8, 8, 2>;
using T128x64 = Tile<128, 64, 8, 8, 4>;
using T256x32 = Tile<256, 32, 8, 8, 4>;
using T128x32 = Tile<128, 32, 8, 4, 4>;
using T256x16 = Tile<256, 16, 8, 4, 4>;
#if defined(__HIP_PLATFORM_AMD__) || defined(__HIPCC__)
// C/G ≤ 4, e.g. the gradient of an RGB input. AMD: BK 2. The block is one wave64 on gfx9, and BK 4's
// 8,576 bytes of LDS let only 7 blocks share a CU's 64 KB and 4 SIMDs (under 2 waves per SIMD).
using T256x4 = Tile<256, 4, 2, 4, 4>;
#else
using T256x4 = Tile<256, 4, 4, 4, 4>;  // C/G ≤ 4, e.g. the gradient of an RGB input
#endif

// The tiles in launch order, with their occupancy on this device (read at first use).
const TileCandidate* backwardDataTiles() {
  using P = kern::BwdDataProblem;
  static const TileCandidate t[] = {
      tileCandidate<T128x128, P>(1.00), tileCandidate<T128x64, P>(0.85), tileCandidate<T256x32, P>(0.80),
      tileCandidate<T128x32, P>(0.60),  tileCandidate<T256x16, P>(0.45), tileCandidate<T256x4, P>(0.35),
  };
  return t;
}
constexpr long long kMaxRows = maxGemmRows<T128x128, T128x64, T256x32, T128x32, T256x16, T256x4>();
constexpr long long kMaxColumns = maxGemmColumns<T128x128, T128x64, T256x32, T128x32, T256x16, T256x4>();

// Whether every launch of this geometry fits (see internal.h, launch limits). The reduction bound is
// K/G·R·S, what the largest stride phase may take.
std::string checkBackwardDataLaunch(const ConvGeometry& g) {
  const long long Hf = (g.H + g.strideH - 1) / g.strideH, Wf = (g.W + g.strideW - 1) / g.strideW;
  const GemmExtents e{static_cast<long long>(g.N) * Hf * Wf,
                      g.C / g.groups,
                      static_cast<long long>(g.K / g.groups) * g.R * g.S,
                      static_cast<long long>(g.groups) * g.strideH * g.strideW,
                      "N·ceil(H/strideH)·ceil(W/strideW)",
                      "C/groups",
                      "K/groups·R·S",
                      "groups·strideH·strideW"};
  return checkGemmLaunch(e, kMaxRows, kMaxColumns);
}

template <class Cfg>
hipError_t launch(const kern::BwdDataProblem& prob, long long M, int N, int zdim, float* ws) {
  const dim3 grid(static_cast<unsigned>((M + Cfg::BM - 1) / Cfg::BM), static_cast<unsigned>((N + Cfg::BN - 1) / Cfg::BN),
                  static_cast<unsigned>(zdim));
  RP_LAUNCH((kern::igemm_kernel<Cfg, kern::BwdDataProblem>), grid, dim3(Cfg::NT), 0, 0, prob, ws);
  return hipGetLastError();
}

// w[K][C/G][R][S] → wt[K][R][S][C/G], so the B tile (along C) is read contiguously. The loop counts in
// 64 bits: with close to 2^31 weights, idx + the grid's stride passes 2^31; an element index itself
// fits in int (fewer than 2^31 weights: checkGeometry).
__global__ void transpose_filter_kernel(kern::Geo g, const float* __restrict__ w, float* __restrict__ wt) {
  const long long total = static_cast<long long>(g.K) * g.Cg * g.R * g.S;
  const int RS = g.R * g.S;
  for (long long i = blockIdx.x * static_cast<long long>(blockDim.x) + threadIdx.x; i < total;
       i += static_cast<long long>(gridDim.x) * blockDim.x) {
    const int idx = static_cast<int>(i);
    const int k = idx / (g.Cg * RS), rem = idx - k * g.Cg * RS, c = rem / RS, rs = rem - c * RS;
    wt[(k * RS + rs) * g.Cg + c] = w[idx];
  }
}

}  // namespace

Status conv2dBackwardData(const ConvGeometry& cg, const float* dy, const float* w, float* dx, size_t* extraBytes) {
  const std::string what = "gpu conv2dBackwardData (" + describe(cg) + ")";
  std::string bad = checkGeometry(cg);
  if (bad.empty()) bad = checkBackwardDataLaunch(cg);
  if (!bad.empty()) return usageError(what + ": " + bad);
  if (dy == nullptr || w == nullptr || dx == nullptr) return usageError(what + ": null device buffer");
  std::lock_guard<std::mutex> lock(backendMutex());
  const kern::Geo g = toGeo(cg);
  const size_t wCount = static_cast<size_t>(g.K) * g.Cg * g.R * g.S;
  kern::BwdDataProblem prob;
  prob.geo = g;
  prob.dy = dy;
  prob.dx = dx;
  prob.vec4 = (g.sh == 1 && g.sw == 1 && (g.H * g.W) % 4 == 0) ? 1 : 0;
  const int phases = g.sh * g.sw;
  // Phase 0 is the largest; the kernel exits early for tiles past a smaller phase's rows.
  const long long Hf = (g.H + g.sh - 1) / g.sh, Wf = (g.W + g.sw - 1) / g.sw;
  const long long M = static_cast<long long>(g.N) * Hf * Wf;
  const long long Kt = static_cast<long long>(g.Kg) *
                       std::max(1, (g.R + g.sh - 1) / g.sh) * std::max(1, (g.S + g.sw - 1) / g.sw);
  const int first = g.Cg <= 4 ? 5 : g.Cg <= 16 ? 4 : g.Cg <= 32 ? 2 : g.Cg <= 64 ? 1 : 0;
  // Split-K only for one phase (stride 1): the workspace planes assume one row count.
  const size_t wsRoom = kMaxSplitWorkspace;
  const long long batches = static_cast<long long>(g.G) * phases;
  const TileCandidate* tiles = backwardDataTiles();
  const TileChoice ch = chooseTiles(tiles + first, 6 - first, M, g.Cg, Kt, batches,
                                    phases == 1 ? maxSplitsFor(batches, 1 << 20) : 1, wsRoom);
  const long long BK = tiles[first + ch.config].BK;
  prob.kchunk = static_cast<int>(((Kt + ch.splits - 1) / ch.splits + BK - 1) / BK * BK);
  const int splits = phases == 1 ? static_cast<int>((Kt + prob.kchunk - 1) / prob.kchunk) : 1;
  // Several phases: one slice holding any phase's taps (a phase can reach all R·S of them when the
  // dilation is a multiple of the stride).
  if (phases > 1) prob.kchunk = static_cast<int>((static_cast<long long>(g.Kg) * g.R * g.S + BK - 1) / BK * BK);
  // The workspace holds the transposed filter, then the split-K planes (if any).
  const size_t wAligned = (wCount + 63) / 64 * 64;
  const size_t planes = splits > 1 ? static_cast<size_t>(splits) * M * g.Cg * g.G : 0;
  float* wt = nullptr;
  Status st = acquireWorkspace((wAligned + planes) * sizeof(float), &wt, what);
  if (!st.ok()) return st;
  if (extraBytes != nullptr) *extraBytes = (wAligned + planes) * sizeof(float);
  float* ws = splits > 1 ? wt + wAligned : nullptr;
  RP_LAUNCH(transpose_filter_kernel, dim3(gridFor(wCount, 256)), dim3(256), 0, 0, g, w, wt);
  hipError_t err = hipGetLastError();
  if (err != hipSuccess) return fromError(err, what);
  prob.wt = wt;
  const int z = g.G * phases * splits;
  switch (first + ch.config) {
    case 0: err = launch<T128x128>(prob, M, g.Cg, z, ws); break;
    case 1: err = launch<T128x64>(prob, M, g.Cg, z, ws); break;
    case 2: err = launch<T256x32>(prob, M, g.Cg, z, ws); break;
    case 3: err = launch<T128x32>(prob, M, g.Cg, z, ws); break;
    case 4: err = launch<T256x16>(prob, M, g.Cg, z, ws); break;
    default: err = launch<T256x4>(prob, M, g.Cg, z, ws); break;
  }
  if (err != hipSuccess || splits <= 1) return fromError(err, what);
  const size_t total = static_cast<size_t>(M) * g.Cg * g.G;
  RP_LAUNCH(kern::reduce_kernel<kern::BwdDataProblem>, dim3(gridFor(total, 256)), dim3(256), 0, 0, prob, ws, splits);
  err = hipGetLastError();
  return fromError(err, what);
}

}  // namespace gpu
}  // namespace rocm_patch
