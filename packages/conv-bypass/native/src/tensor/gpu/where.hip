// Where on the GPU: one block per chunk of the condition. whereCount: each block counts its chunk's true
// elements (a fixed-order tree sum in shared memory). The caller reads the counts — the one
// synchronisation Where needs, since its output's size is data — and allocates the output. whereWrite:
// block c starts at the sum of the counts of chunks before it and walks its chunk in tiles of the block
// size; an exclusive scan of the tile's flags (Hillis–Steele in shared memory) gives each true element
// its row, so the coordinates come out in row-major order whatever the timing. Counts are int32 (the
// host side admits conditions of fewer than 2^31 elements); no wave-size assumption.
#include "tensor/gather.h"
#include "tensor/gpu/launch.h"
#include "tensor/ops/gather.h"

namespace rocm_patch {
namespace tensor {
namespace gpu {
namespace {

struct Shape {
  int64_t d[kMaxRank];
};

// The sum of every thread's v, returned to all threads (blockDim.x == kBlock, a power of two).
__device__ int64_t blockSum(int64_t v, int64_t* shared) {
  shared[threadIdx.x] = v;
  __syncthreads();
  for (unsigned half = kBlock / 2; half > 0; half /= 2) {
    if (threadIdx.x < half) shared[threadIdx.x] += shared[threadIdx.x + half];
    __syncthreads();
  }
  const int64_t total = shared[0];
  __syncthreads();
  return total;
}

__global__ void __launch_bounds__(kBlock)
    where_count_kernel(const void* __restrict__ cond, DType dtype, int64_t n, int64_t chunks, int32_t* counts) {
  __shared__ int64_t shared[kBlock];
  const int64_t len = whereChunkLength(n, chunks);
  for (int64_t c = blockIdx.x; c < chunks; c += gridDim.x) {
    const int64_t begin = c * len;
    const int64_t end = begin + len < n ? begin + len : n;
    int64_t count = 0;
    for (int64_t e = begin + threadIdx.x; e < end; e += blockDim.x) count += truthy(cond, dtype, e) ? 1 : 0;
    const int64_t total = blockSum(count, shared);
    if (threadIdx.x == 0) counts[c] = static_cast<int32_t>(total);
  }
}

__global__ void __launch_bounds__(kBlock)
    where_write_kernel(const void* __restrict__ cond, DType dtype, int64_t n, int64_t chunks, int64_t count,
                       const int32_t* __restrict__ counts, int32_t* __restrict__ y, int rank, Shape shape) {
  __shared__ int64_t shared[kBlock];
  __shared__ int32_t scan[2][kBlock];
  const int64_t len = whereChunkLength(n, chunks);
  for (int64_t c = blockIdx.x; c < chunks; c += gridDim.x) {
    int64_t before = 0;
    for (int64_t p = threadIdx.x; p < c; p += blockDim.x) before += counts[p];
    int64_t row = blockSum(before, shared);  // rows written before this tile
    const int64_t begin = c * len;
    const int64_t end = begin + len < n ? begin + len : n;
    for (int64_t tile = begin; tile < end; tile += blockDim.x) {
      const int64_t e = tile + threadIdx.x;
      const int32_t flag = e < end && truthy(cond, dtype, e) ? 1 : 0;
      // Inclusive scan, double-buffered.
      int in = 0;
      scan[0][threadIdx.x] = flag;
      __syncthreads();
      for (unsigned off = 1; off < kBlock; off *= 2) {
        int32_t v = scan[in][threadIdx.x];
        if (threadIdx.x >= off) v += scan[in][threadIdx.x - off];
        scan[1 - in][threadIdx.x] = v;
        in = 1 - in;
        __syncthreads();
      }
      const int64_t at = row + scan[in][threadIdx.x] - flag;
      if (flag != 0 && at < count) {
        int64_t coord[kMaxRank];
        int64_t rest = e;
        for (int d = rank - 1; d >= 0; --d) {
          const int64_t q = rest / shape.d[d];
          coord[d] = rest - q * shape.d[d];
          rest = q;
        }
        for (int d = 0; d < rank; ++d) y[at * rank + d] = static_cast<int32_t>(coord[d]);
      }
      row += scan[in][kBlock - 1];
      __syncthreads();  // before the next tile overwrites the scan
    }
  }
}

unsigned chunkBlocks(int64_t chunks) { return static_cast<unsigned>(chunks < 65535 ? chunks : 65535); }

}  // namespace

Status whereCount(const WhereCountArgs& a) {
  RP_LAUNCH(where_count_kernel, dim3(chunkBlocks(a.chunks)), dim3(kBlock), 0, 0, a.cond, a.dtype, a.n, a.chunks,
            a.counts);
  return launchStatus("whereCount");
}

Status whereWrite(const WhereWriteArgs& a) {
  if (a.count == 0 || a.rank == 0) return Status{};
  Shape shape{};
  for (int d = 0; d < a.rank; ++d) shape.d[d] = a.shape[d];
  RP_LAUNCH(where_write_kernel, dim3(chunkBlocks(a.chunks)), dim3(kBlock), 0, 0, a.cond, a.dtype, a.n, a.chunks,
            a.count, a.counts, a.y, a.rank, shape);
  return launchStatus("whereWrite");
}

}  // namespace gpu
}  // namespace tensor
}  // namespace rocm_patch
