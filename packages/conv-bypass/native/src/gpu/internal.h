// Host-side helpers shared by the launchers (.hip files only): status conversion, the workspace cache,
// device properties, geometry conversion and the tile-configuration cost model.
#pragma once

#include <algorithm>
#include <initializer_list>
#include <mutex>
#include <string>

#include "gpu_api.h"
#include "igemm.h"

namespace rocm_patch {
namespace gpu {

// Converts a runtime error into a Status naming `what`, and clears the runtime's last-error slot so a
// recoverable failure (out of memory) does not resurface at the next launch.
Status fromError(hipError_t err, const std::string& what);
inline Status usageError(const std::string& message) {
  Status s;
  s.code = -1;
  s.message = message;
  return s;
}

// One lock for the whole backend: the workspace cache and the default stream are shared.
std::mutex& backendMutex();

// Returns a device buffer of at least `bytes` (grown on demand, kept between calls). Caller holds
// backendMutex().
Status acquireWorkspace(size_t bytes, float** out, const std::string& what);

int multiprocessorCount();  // of the current device (cached)

// What the tile cost model needs of the current device (read once): the arithmetic rate and the wave
// slots of one multiprocessor (an NVIDIA SM, an AMD CU).
struct DeviceRates {
  int multiprocessors = 16;
  double fmaPerClock = 128;  // fp32 FMA lanes: 64 per AMD CU, 64 or 128 per NVIDIA SM by architecture
  int waveSize = 32;
  int schedulers = 4;  // SIMDs (AMD) or SM sub-partitions (NVIDIA) whose waves hide each other's latency
};
const DeviceRates& deviceRates();

kern::Geo toGeo(const ConvGeometry& g);

// The cost model: picks a tile configuration (index into the table the launcher passes) and a split-K
// factor for an M×N×Kt GEMM repeated `batches` times (groups × phases), preferring the fewest waves
// of the largest efficient tile. Split-K is considered only when maxSplits > 1 (the launchers keep
// batches × maxSplits within grid z's 65535: maxSplitsFor).
struct TileChoice {
  int config = 0;
  int splits = 1;
};
struct TileCandidate {
  int BM, BN, BK;
  double efficiency;  // relative FMA throughput of the tile's inner loop
  int blocksPerSM;    // resident blocks per multiprocessor (residentBlocks(): registers, LDS, wave size)
  // Warps (32 threads) per block, or 0: with it, the rate scales with the waves a multiprocessor holds
  // (full from 4 per scheduler on), which ranks small blocks (2 warps) fairly; 0 keeps the convolutions'
  // calibrated rule (0.6 with a single resident block, else 1).
  int warps = 0;
};
TileChoice chooseTiles(const TileCandidate* cands, int count, long long M, long long N, long long Kt,
                       long long batches, int maxSplits, size_t maxWorkspaceBytes);

// Blocks of `kernel`, launched with `threads` threads, that one multiprocessor of the current device
// holds at once, from the runtime's occupancy calculator (registers, LDS/shared memory and wave size of
// this device's code object); 1 when it cannot tell.
template <class Kernel>
int residentBlocks(Kernel kernel, int threads) {
  int n = 0;
  if (hipOccupancyMaxActiveBlocksPerMultiprocessor(&n, kernel, threads, 0) != hipSuccess) {
    (void)hipGetLastError();
    return 1;
  }
  return std::max(n, 1);
}

// A cost-model row for tile Cfg of igemm_kernel<Cfg, Problem>, with its occupancy on this device.
template <class Cfg, class Problem>
TileCandidate tileCandidate(double efficiency, int warps = 0) {
  return TileCandidate{Cfg::BM, Cfg::BN, Cfg::BK, efficiency, residentBlocks(kern::igemm_kernel<Cfg, Problem>, Cfg::NT),
                       warps};
}

constexpr size_t kMaxSplitWorkspace = size_t{48} << 20;  // keeps implicit-GEMM extra memory ≤ 64 MB

// ---------------------------------------------------------------------------------------------
// Launch limits. Grids must fit both vendors: y and z at most 65535 blocks, and x counted in threads as
// 32 bits on AMD (HIP's grid is in work-items: blocks × threads ≤ 2^32 − 1), where NVIDIA allows
// 2^31 − 1 blocks. The kernels index GEMM extents, k and tile origins with int, so every extent stays
// ≤ kMaxGemmExtent: k + BK, a tile past the end and the end of every split-K slice ((zz + 1)·kchunk ≤
// splits·kchunk ≤ extent + splits·BK, with at most kMaxSplitSlices slices of BK ≤ 16) stay below 2^31.
// The launchers check their geometry against these (each direction's check*Launch) before anything is
// allocated or launched, so every call either fits every tile it might get on both vendors or is
// refused with a message naming the limit.
constexpr long long kMaxGridYZ = 65535;
constexpr long long kMaxGridThreadsX = 0xFFFFFFFFLL;
constexpr int kMaxSplitSlices = 256;
constexpr long long kMaxGemmExtent = (1LL << 31) - 2LL * kMaxSplitSlices * 16;

// The most GEMM rows (grid x) every tile of a table takes: ceil(M / BM) blocks × NT threads ≤ 2^32 − 1.
template <class... Tiles>
constexpr long long maxGemmRows() {
  return std::min({kMaxGemmExtent, (kMaxGridThreadsX / Tiles::NT) * Tiles::BM...});
}
// The most GEMM columns (grid y) every tile of a table takes: ceil(N / BN) ≤ 65535.
template <class... Tiles>
constexpr long long maxGemmColumns() {
  return std::min({kMaxGemmExtent, kMaxGridYZ * Tiles::BN...});
}

// The split-K factors a launch of `batches` GEMMs (grid z) may use: at most `wanted` and kMaxSplitSlices.
inline int maxSplitsFor(long long batches, int wanted) {
  const long long most = std::min<long long>(std::min(wanted, kMaxSplitSlices), kMaxGridYZ / std::max(1LL, batches));
  return static_cast<int>(std::max(1LL, most));
}

// One direction's GEMM view for the check: its extents, what each is in convolution terms, and grid z
// before split-K (groups, or groups × stride phases).
struct GemmExtents {
  long long rows, columns, reduction, gridZ;
  const char *rowsName, *columnsName, *reductionName, *gridZName;
};
// Empty when the GEMM fits the limits (rows ≤ maxRows, columns ≤ maxColumns, reduction ≤
// kMaxGemmExtent, gridZ ≤ 65535); else which limit it passes and why the limit exists.
std::string checkGemmLaunch(const GemmExtents& e, long long maxRows, long long maxColumns);

// Work per launch of 2D grid-stride helper kernels.
inline unsigned gridFor(size_t total, unsigned block) {
  size_t b = (total + block - 1) / block;
  if (b > 65535u * 8u) b = 65535u * 8u;
  return static_cast<unsigned>(b == 0 ? 1 : b);
}

}  // namespace gpu
}  // namespace rocm_patch
