// TopK on the GPU: a bitonic sort of 64-bit keys (tensor/ops/gather.h: topKKey — descending value, then
// ascending index, so the order is total and the result deterministic), then the first k of each row.
//
// Rows of up to kChunk elements: one block per row sorts the row's keys (padded with ~0 to a power of
// two) in shared memory; one launch. Longer rows: the keys go to temporary device memory (rows in
// passes, at most kPassBytes at a time); blocks sort kChunk-element chunks in shared memory, then each
// merge size above kChunk takes one launch per stride ≥ kChunk over global memory and one shared-memory
// launch for the strides below — correct at any length, slower than a radix select would be.
#include "device/context.h"
#include "tensor/gather.h"
#include "tensor/gpu/launch.h"
#include "tensor/ops/gather.h"

namespace rocm_patch {
namespace tensor {
namespace gpu {
namespace {

constexpr int64_t kChunk = 2048;                   // keys per shared-memory sort (16 KiB)
constexpr int64_t kPassBytes = int64_t{256} << 20;  // temporary keys per pass of long rows
constexpr uint64_t kPad = ~uint64_t{0};             // sorts after every real key

__device__ inline void compareSwap(uint64_t* keys, int64_t pos, int64_t stride, bool ascending) {
  const uint64_t a = keys[pos], b = keys[pos + stride];
  if ((a > b) == ascending) {
    keys[pos] = b;
    keys[pos + stride] = a;
  }
}

// Bitonic network over `count` shared keys (a power of two ≤ kChunk) for merge sizes [sizeFrom, sizeTo],
// strides below min(size, kChunk); rowPos is the position of keys[0] in its row (sets the directions).
__device__ void sortShared(uint64_t* keys, int64_t count, int64_t rowPos, int64_t sizeFrom, int64_t sizeTo) {
  for (int64_t size = sizeFrom; size <= sizeTo; size *= 2) {
    for (int64_t stride = (size < count ? size : count) / 2; stride > 0; stride /= 2) {
      for (int64_t t = threadIdx.x; t < count / 2; t += blockDim.x) {
        const int64_t pos = 2 * t - (t & (stride - 1));
        compareSwap(keys, pos, stride, ((rowPos + pos) & size) == 0);
      }
      __syncthreads();
    }
  }
}

__global__ void __launch_bounds__(kBlock)
    topk_small_kernel(const uint32_t* __restrict__ x, bool isFloat, uint32_t* __restrict__ values,
                      int32_t* __restrict__ indices, int64_t rows, int64_t n, int64_t k, int64_t padded) {
  __shared__ uint64_t keys[kChunk];
  for (int64_t r = blockIdx.x; r < rows; r += gridDim.x) {
    const uint32_t* row = x + r * n;
    for (int64_t t = threadIdx.x; t < padded; t += blockDim.x)
      keys[t] = t < n ? topKKey(row[t], isFloat, static_cast<uint32_t>(t)) : kPad;
    __syncthreads();
    sortShared(keys, padded, 0, 2, padded);
    for (int64_t t = threadIdx.x; t < k; t += blockDim.x) {
      const uint32_t idx = topKIndex(keys[t]);
      values[r * k + t] = row[idx];
      indices[r * k + t] = static_cast<int32_t>(idx);
    }
    __syncthreads();  // before the next row overwrites the keys
  }
}

__global__ void __launch_bounds__(kBlock)
    topk_keys_kernel(const uint32_t* __restrict__ x, bool isFloat, uint64_t* __restrict__ keys, int64_t n,
                     int64_t padded, int64_t total) {
  for (int64_t e = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; e < total;
       e += static_cast<int64_t>(gridDim.x) * blockDim.x) {
    const int64_t r = e / padded;
    const int64_t t = e - r * padded;
    keys[e] = t < n ? topKKey(x[r * n + t], isFloat, static_cast<uint32_t>(t)) : kPad;
  }
}

// Each block sorts or merges kChunk-key chunks in shared memory (padded is a multiple of kChunk).
__global__ void __launch_bounds__(kBlock)
    topk_chunks_kernel(uint64_t* __restrict__ keys, int64_t chunks, int64_t padded, int64_t sizeFrom,
                       int64_t sizeTo) {
  __shared__ uint64_t local[kChunk];
  for (int64_t c = blockIdx.x; c < chunks; c += gridDim.x) {
    uint64_t* chunk = keys + c * kChunk;
    for (int64_t t = threadIdx.x; t < kChunk; t += blockDim.x) local[t] = chunk[t];
    __syncthreads();
    sortShared(local, kChunk, (c * kChunk) % padded, sizeFrom, sizeTo);
    for (int64_t t = threadIdx.x; t < kChunk; t += blockDim.x) chunk[t] = local[t];
    __syncthreads();
  }
}

// One compare-exchange step of merge `size` at `stride` (≥ kChunk) over every row.
__global__ void __launch_bounds__(kBlock)
    topk_step_kernel(uint64_t* __restrict__ keys, int64_t padded, int64_t size, int64_t stride, int64_t pairs) {
  const int64_t half = padded / 2;
  for (int64_t e = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; e < pairs;
       e += static_cast<int64_t>(gridDim.x) * blockDim.x) {
    const int64_t r = e / half;
    const int64_t t = e - r * half;
    const int64_t pos = 2 * t - (t & (stride - 1));
    compareSwap(keys + r * padded, pos, stride, (pos & size) == 0);
  }
}

__global__ void __launch_bounds__(kBlock)
    topk_emit_kernel(const uint64_t* __restrict__ keys, const uint32_t* __restrict__ x, uint32_t* __restrict__ values,
                     int32_t* __restrict__ indices, int64_t n, int64_t padded, int64_t k, int64_t total) {
  for (int64_t e = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; e < total;
       e += static_cast<int64_t>(gridDim.x) * blockDim.x) {
    const int64_t r = e / k;
    const int64_t t = e - r * k;
    const uint32_t idx = topKIndex(keys[r * padded + t]);
    values[e] = x[r * n + idx];
    indices[e] = static_cast<int32_t>(idx);
  }
}

__global__ void __launch_bounds__(kBlock)
    topk_keep_order_kernel(const uint32_t* __restrict__ x, uint32_t* __restrict__ values,
                           int32_t* __restrict__ indices, int64_t n, int64_t total) {
  for (int64_t e = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; e < total;
       e += static_cast<int64_t>(gridDim.x) * blockDim.x) {
    values[e] = x[e];
    indices[e] = static_cast<int32_t>(e % n);
  }
}

int64_t nextPow2(int64_t v) {
  int64_t p = 1;
  while (p < v) p *= 2;
  return p;
}

unsigned rowBlocks(int64_t rows) { return static_cast<unsigned>(rows < 65535 * 16 ? rows : 65535 * 16); }

// Long rows [0, rows) of x, in passes that fit kPassBytes of keys.
Status topKLong(const TopKArgs& a, bool isFloat) {
  const int64_t padded = nextPow2(a.n);
  int64_t perPass = kPassBytes / (padded * 8);
  if (perPass < 1) perPass = 1;
  if (perPass > a.rows) perPass = a.rows;
  void* scratch = nullptr;
  device::CachingAllocator* alloc = device::Context::get()->allocator();
  Status s = alloc->allocate(static_cast<size_t>(perPass * padded) * 8, &scratch);
  if (!s.ok()) return s;
  auto* keys = static_cast<uint64_t*>(scratch);
  const auto* x = static_cast<const uint32_t*>(a.x);
  auto* values = static_cast<uint32_t*>(a.values);
  for (int64_t r0 = 0; r0 < a.rows; r0 += perPass) {
    const int64_t rows = a.rows - r0 < perPass ? a.rows - r0 : perPass;
    const int64_t total = rows * padded;
    const int64_t chunks = total / kChunk;
    RP_LAUNCH(topk_keys_kernel, dim3(blocksFor(total)), dim3(kBlock), 0, 0, x + r0 * a.n, isFloat, keys, a.n,
              padded, total);
    RP_LAUNCH(topk_chunks_kernel, dim3(rowBlocks(chunks)), dim3(kBlock), 0, 0, keys, chunks, padded, 2, kChunk);
    for (int64_t size = 2 * kChunk; size <= padded; size *= 2) {
      for (int64_t stride = size / 2; stride >= kChunk; stride /= 2)
        RP_LAUNCH(topk_step_kernel, dim3(blocksFor(total / 2)), dim3(kBlock), 0, 0, keys, padded, size, stride,
                  total / 2);
      RP_LAUNCH(topk_chunks_kernel, dim3(rowBlocks(chunks)), dim3(kBlock), 0, 0, keys, chunks, padded, size, size);
    }
    RP_LAUNCH(topk_emit_kernel, dim3(blocksFor(rows * a.k)), dim3(kBlock), 0, 0, keys, x + r0 * a.n,
              values + r0 * a.k, a.indices + r0 * a.k, a.n, padded, a.k, rows * a.k);
  }
  alloc->free(scratch);  // stream-ordered: the next user of the block runs after these launches
  return launchStatus("topK");
}

}  // namespace

Status topK(const TopKArgs& a) {
  const auto* x = static_cast<const uint32_t*>(a.x);
  auto* values = static_cast<uint32_t*>(a.values);
  if (a.keepOrder) {
    const int64_t total = a.rows * a.n;
    if (total != 0)
      RP_LAUNCH(topk_keep_order_kernel, dim3(blocksFor(total)), dim3(kBlock), 0, 0, x, values, a.indices, a.n,
                total);
    return launchStatus("topK");
  }
  if (a.rows == 0 || a.k == 0) return Status{};
  const bool isFloat = a.dtype == DType::kF32;
  if (a.n > kChunk) return topKLong(a, isFloat);
  RP_LAUNCH(topk_small_kernel, dim3(rowBlocks(a.rows)), dim3(kBlock), 0, 0, x, isFloat, values, a.indices, a.rows,
            a.n, a.k, nextPow2(a.n));
  return launchStatus("topK");
}

}  // namespace gpu
}  // namespace tensor
}  // namespace rocm_patch
