// Backward-filter (dw): split-K implicit GEMM over the batch·pixel reduction, with a deterministic
// workspace reduction (no float atomics: reruns are bit-identical).
#include <algorithm>

#include "internal.h"
#include "problems.h"

namespace rocm_patch {
namespace gpu {
namespace {

using kern::Tile;
#if defined(__HIP_PLATFORM_AMD__) || defined(__HIPCC__)
// AMD: BK 8. With BK 16 the double-buffered stages take 33,792 bytes of LDS, so a gfx9 CU (64 KB) holds
// one block: one wave per SIMD, nothing to hide the LDS and memory latency with.
using T128x128 = Tile<128, 128, 8, 8, 8, 2>;
#else
using T128x128 = Tile<128, 128, 16, 8, 8, 2>;
#endif
using T64x64 = Tile<64, 64, 16, 4, 4>;
using T32x64 = Tile<32, 64, 16, 4, 4>;  // few output channels (K/G ≤ 32)

// The tiles in launch order, with their occupancy on this device (read at first use).
const TileCandidate* backwardFilterTiles() {
  using P = kern::BwdFilterProblem;
  static const TileCandidate t[] = {
      tileCandidate<T128x128, P>(1.00),
      tileCandidate<T64x64, P>(0.70),
      tileCandidate<T32x64, P>(0.50),
  };
  return t;
}
constexpr long long kMaxRows = maxGemmRows<T128x128, T64x64, T32x64>();
constexpr long long kMaxColumns = maxGemmColumns<T128x128, T64x64, T32x64>();

// Whether every launch of this geometry fits (see internal.h, launch limits).
std::string checkBackwardFilterLaunch(const ConvGeometry& g) {
  const GemmExtents e{g.K / g.groups,
                      static_cast<long long>(g.C / g.groups) * g.R * g.S,
                      static_cast<long long>(g.N) * g.P * g.Q,
                      g.groups,
                      "K/groups",
                      "C/groups·R·S",
                      "N·P·Q",
                      "groups"};
  return checkGemmLaunch(e, kMaxRows, kMaxColumns);
}

template <class Cfg>
hipError_t launch(const kern::BwdFilterProblem& prob, int M, int N, int zdim, float* ws) {
  const dim3 grid(static_cast<unsigned>((M + Cfg::BM - 1) / Cfg::BM), static_cast<unsigned>((N + Cfg::BN - 1) / Cfg::BN),
                  static_cast<unsigned>(zdim));
  RP_LAUNCH((kern::igemm_kernel<Cfg, kern::BwdFilterProblem>), grid, dim3(Cfg::NT), 0, 0, prob, ws);
  return hipGetLastError();
}

}  // namespace

Status conv2dBackwardFilter(const ConvGeometry& cg, const float* dy, const float* x, float* dw, size_t* extraBytes) {
  const std::string what = "gpu conv2dBackwardFilter (" + describe(cg) + ")";
  std::string bad = checkGeometry(cg);
  if (bad.empty()) bad = checkBackwardFilterLaunch(cg);
  if (!bad.empty()) return usageError(what + ": " + bad);
  if (dy == nullptr || x == nullptr || dw == nullptr) return usageError(what + ": null device buffer");
  std::lock_guard<std::mutex> lock(backendMutex());
  const kern::Geo g = toGeo(cg);
  const int M = g.Kg, N = g.Cg * g.R * g.S;
  const long long Kt = static_cast<long long>(g.N) * g.P * g.Q;
  const int first = (M >= 128 && N >= 128) ? 0 : M > 32 ? 1 : 2;
  const TileCandidate* tiles = backwardFilterTiles();
  const TileChoice ch =
      chooseTiles(tiles + first, 3 - first, M, N, Kt, g.G, maxSplitsFor(g.G, 1 << 20), kMaxSplitWorkspace);
  const int config = first + ch.config;
  const long long BK = tiles[config].BK;
  kern::BwdFilterProblem prob;
  prob.geo = g;
  prob.dy = dy;
  prob.x = x;
  prob.dw = dw;
  prob.kchunk = static_cast<int>(((Kt + ch.splits - 1) / ch.splits + BK - 1) / BK * BK);
  const int splits = static_cast<int>((Kt + prob.kchunk - 1) / prob.kchunk);
  if (extraBytes != nullptr) *extraBytes = 0;
  float* ws = nullptr;
  if (splits > 1) {
    const size_t wsBytes = static_cast<size_t>(splits) * M * N * g.G * sizeof(float);
    Status st = acquireWorkspace(wsBytes, &ws, what);
    if (!st.ok()) return st;
    if (extraBytes != nullptr) *extraBytes = wsBytes;
  }
  hipError_t err = config == 0   ? launch<T128x128>(prob, M, N, g.G * splits, ws)
                   : config == 1 ? launch<T64x64>(prob, M, N, g.G * splits, ws)
                                 : launch<T32x64>(prob, M, N, g.G * splits, ws);
  if (err != hipSuccess) return fromError(err, what);
  if (splits > 1) {
    const size_t total = static_cast<size_t>(M) * N * g.G;
    RP_LAUNCH(kern::reduce_kernel<kern::BwdFilterProblem>, dim3(gridFor(total, 256)), dim3(256), 0, 0, prob, ws, splits);
    err = hipGetLastError();
  }
  return fromError(err, what);
}

}  // namespace gpu
}  // namespace rocm_patch
