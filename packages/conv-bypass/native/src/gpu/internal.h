// Host-side helpers shared by the launchers (.hip files only): status conversion, the workspace cache,
// device properties, geometry conversion and the tile-configuration cost model.
#pragma once

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

kern::Geo toGeo(const ConvGeometry& g);

// The cost model: picks a tile configuration (index into the table the launcher passes) and a split-K
// factor for an M×N×Kt GEMM repeated `batches` times (groups × phases), preferring the fewest waves
// of the largest efficient tile. Split-K is considered only when maxSplits > 1.
struct TileChoice {
  int config = 0;
  int splits = 1;
};
struct TileCandidate {
  int BM, BN, BK;
  double efficiency;  // relative FMA throughput of the tile's inner loop
  int blocksPerSM;    // occupancy at its register/shared-memory use
  // Warps per block, or 0: with it, the rate scales with the warps an SM holds (full from 16 warps on),
  // which ranks small blocks (2 warps) fairly; 0 keeps the convolutions' calibrated rule (0.6 with a
  // single resident block, else 1).
  int warps = 0;
};
TileChoice chooseTiles(const TileCandidate* cands, int count, long long M, long long N, long long Kt,
                       long long batches, int maxSplits, size_t maxWorkspaceBytes);

constexpr size_t kMaxSplitWorkspace = size_t{48} << 20;  // keeps implicit-GEMM extra memory ≤ 64 MB

// Work per launch of 2D grid-stride helper kernels.
inline unsigned gridFor(size_t total, unsigned block) {
  size_t b = (total + block - 1) / block;
  if (b > 65535u * 8u) b = 65535u * 8u;
  return static_cast<unsigned>(b == 0 ? 1 : b);
}

}  // namespace gpu
}  // namespace rocm_patch
