// GPU reductions and scans over the view [outer, r, inner] (tensor/reduce.h). These kernels serve every
// reducer of tensor/ops/reduce.h:
//
//   column_kernel  one thread per output (o, i) — or per (o, chunk, i) — looping over its k in order.
//                  With inner > 1 neighbouring threads read neighbouring i: coalesced. With inner == 1 it
//                  is one thread per row, for rows too short to share (r < kShortRow).
//   row_kernel     inner == 1: one block per row (or row segment); each thread folds the elements
//                  k ≡ t (mod block) — coalesced — then a shared-memory tree (no shuffles: portable to
//                  any wave size) folds the block's states.
//   combine_kernel the second pass of a split: one thread per output folds its chunks' partial states
//                  in chunk order; combine_block_kernel, when the chunks are many: a block per output
//                  folds them like row_kernel.
//
// When the outputs are too few to fill the GPU and r is long (a bias gradient: [N·H·W, C] summed over
// the first axis; a full reduction to a scalar), r is split into S chunks: the first pass writes S
// partial states per output into memory from the context's caching allocator, the second folds them.
// The plan (kernel, S, block) is a function of the shape alone and every fold has a fixed order, so a
// result never depends on timing or on the GPU model.
//
// Indices are 64-bit throughout: the per-element work is a pointer increment, and the divisions that
// turn a thread index into (o, s, i) happen once per output, not per element.
#include "device/context.h"
#include "tensor/gpu/launch.h"
#include "tensor/reduce.h"

namespace rocm_patch {
namespace tensor {
namespace gpu {
namespace {

// Rows shorter than this get a thread each (a block would leave most of its threads idle).
constexpr int64_t kShortRow = 32;
// Rows shorter than this get 64-thread blocks, longer ones kBlock threads.
constexpr int64_t kMediumRow = 2048;
constexpr unsigned kSmallBlock = 64;
// Enough blocks (row path) or threads (column path) to keep any current GPU busy; below, r is split.
constexpr int64_t kFillBlocks = 1024;
constexpr int64_t kFillThreads = 131072;
// A split never makes a row segment shorter than kMinSegment or a column chunk shorter than kMinChunk
// (the partials' memory traffic stays small against x's: a double per 32 elements), nor more than
// kMaxChunks chunks.
constexpr int64_t kMinSegment = 4096;
constexpr int64_t kMinChunk = 32;
constexpr int64_t kMaxChunks = 4096;
// Up to this many chunks the second pass folds them with a thread per output, beyond with a block.
constexpr int64_t kThreadCombineMax = 32;
// The grid cap of blocksFor: gridDim.x · blockDim.x stays far below 2^32 (AMD counts the grid in threads).
constexpr int64_t kMaxBlocks = 65535 * 16;

RP_HD inline int64_t lesser(int64_t a, int64_t b) { return a < b ? a : b; }
inline int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

template <class R>
__global__ void __launch_bounds__(kBlock)
    column_kernel(R red, const typename R::In* __restrict__ x, typename R::Out* __restrict__ y,
                  typename R::State* __restrict__ partial, int64_t outer, int64_t r, int64_t inner, int64_t chunks,
                  int64_t chunk) {
  using State = typename R::State;
  const int64_t n = outer * chunks * inner;
  for (int64_t idx = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; idx < n;
       idx += static_cast<int64_t>(gridDim.x) * blockDim.x) {
    const int64_t q = idx / inner;
    const int64_t i = idx - q * inner;
    const int64_t o = q / chunks;
    const int64_t s = q - o * chunks;
    const int64_t k0 = s * chunk;
    const int64_t k1 = lesser(r, k0 + chunk);
    const typename R::In* p = x + (o * r + k0) * inner + i;
    State st = red.identity();
    for (int64_t k = k0; k < k1; ++k, p += inner) st = red.combine(st, red.load(*p, k));
    if (partial != nullptr)
      partial[idx] = st;  // layout [outer, chunks, inner]
    else
      y[o * inner + i] = red.finish(st, r);
  }
}

template <class R>
__global__ void __launch_bounds__(kBlock)
    row_kernel(R red, const typename R::In* __restrict__ x, typename R::Out* __restrict__ y,
               typename R::State* __restrict__ partial, int64_t outer, int64_t r, int64_t segments, int64_t segment) {
  using State = typename R::State;
  __shared__ State sh[kBlock];
  const unsigned t = threadIdx.x;
  const int64_t n = outer * segments;
  for (int64_t g = blockIdx.x; g < n; g += gridDim.x) {  // uniform across the block
    const int64_t o = g / segments;
    const int64_t k0 = (g - o * segments) * segment;
    const int64_t k1 = lesser(r, k0 + segment);
    const typename R::In* row = x + o * r;
    State st = red.identity();
    for (int64_t k = k0 + t; k < k1; k += blockDim.x) st = red.combine(st, red.load(row[k], k));
    sh[t] = st;
    __syncthreads();
    for (unsigned half = blockDim.x / 2; half > 0; half /= 2) {
      if (t < half) sh[t] = red.combine(sh[t], sh[t + half]);
      __syncthreads();
    }
    if (t == 0) {
      if (partial != nullptr)
        partial[g] = sh[0];  // layout [outer, segments]
      else
        y[o] = red.finish(sh[0], r);
    }
    __syncthreads();  // sh[0] is read before the next row overwrites it
  }
}

template <class R>
__global__ void __launch_bounds__(kBlock)
    combine_kernel(R red, const typename R::State* __restrict__ partial, typename R::Out* __restrict__ y,
                   int64_t outer, int64_t r, int64_t inner, int64_t chunks) {
  using State = typename R::State;
  const int64_t n = outer * inner;
  for (int64_t idx = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; idx < n;
       idx += static_cast<int64_t>(gridDim.x) * blockDim.x) {
    const int64_t o = idx / inner;
    const int64_t i = idx - o * inner;
    const State* p = partial + o * chunks * inner + i;
    State st = red.identity();
    for (int64_t s = 0; s < chunks; ++s) st = red.combine(st, p[s * inner]);
    y[idx] = red.finish(st, r);
  }
}

// The second pass when the chunks are many (a reduction of a few outputs over a long axis): one block
// per output folds its partial states like row_kernel (a thread's serial walk over hundreds of
// partials would take longer than the first pass).
template <class R>
__global__ void __launch_bounds__(kBlock)
    combine_block_kernel(R red, const typename R::State* __restrict__ partial, typename R::Out* __restrict__ y,
                         int64_t outer, int64_t r, int64_t inner, int64_t chunks) {
  using State = typename R::State;
  __shared__ State sh[kBlock];
  const unsigned t = threadIdx.x;
  const int64_t n = outer * inner;
  for (int64_t g = blockIdx.x; g < n; g += gridDim.x) {  // uniform across the block
    const int64_t o = g / inner;
    const State* p = partial + o * chunks * inner + (g - o * inner);
    State st = red.identity();
    for (int64_t s = t; s < chunks; s += blockDim.x) st = red.combine(st, p[s * inner]);
    sh[t] = st;
    __syncthreads();
    for (unsigned half = blockDim.x / 2; half > 0; half /= 2) {
      if (t < half) sh[t] = red.combine(sh[t], sh[t + half]);
      __syncthreads();
    }
    if (t == 0) y[g] = red.finish(sh[0], r);
    __syncthreads();
  }
}

// A scan is one thread per column (o, i), walking k in order: sequential, so every prefix is the cpu's
// own (each step rounded to float32 as the cpu stores it). A block scan (Blelloch, or a decoupled
// look-back across blocks) would buy parallelism along r — what matters for a long scan with few
// columns (a cumsum over one row of 10^6 elements runs on one thread here) — at the price of another
// association of the float32 additions, so its prefixes would differ from the cpu's in the last bits.
template <class Op, class T>
__global__ void __launch_bounds__(kBlock) scan_kernel(const T* __restrict__ x, T* __restrict__ y, int64_t outer,
                                                      int64_t r, int64_t inner, bool exclusive, bool reverse) {
  const int64_t n = outer * inner;
  for (int64_t idx = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; idx < n;
       idx += static_cast<int64_t>(gridDim.x) * blockDim.x) {
    const int64_t o = idx / inner;
    const int64_t i = idx - o * inner;
    const int64_t first = (o * r + (reverse ? r - 1 : 0)) * inner + i;
    const int64_t step = reverse ? -inner : inner;
    T acc = Op::template identity<T>();
    int64_t p = first;
    for (int64_t j = 0; j < r; ++j, p += step) {
      const T v = x[p];
      if (exclusive) {
        y[p] = acc;
        acc = Op::step(v, acc);
      } else {
        acc = j == 0 ? v : Op::step(v, acc);  // the cpu's first prefix is x itself (0 + -0 is +0)
        y[p] = acc;
      }
    }
  }
}

// How a reduction runs: rows (block per row segment) or columns (thread per output chunk), and the split.
struct Plan {
  bool rows;
  unsigned block;
  int64_t chunks;  // S: 1 means no second pass
  int64_t chunk;   // elements of r per chunk (the last one may be shorter)
};

Plan planFor(int64_t outer, int64_t r, int64_t inner) {
  Plan p{false, kBlock, 1, r};
  if (r == 0) return p;
  if (inner == 1 && r >= kShortRow) {
    p.rows = true;
    p.block = r < kMediumRow ? kSmallBlock : kBlock;
    if (outer < kFillBlocks && r >= 2 * kMinSegment)
      p.chunks = lesser(lesser(ceilDiv(kFillBlocks, outer), r / kMinSegment), kMaxChunks);
  } else {
    const int64_t outputs = outer * inner;
    if (outputs < kFillThreads && r >= 2 * kMinChunk)
      p.chunks = lesser(lesser(ceilDiv(kFillThreads, outputs), r / kMinChunk), kMaxChunks);
  }
  p.chunk = ceilDiv(r, p.chunks);
  p.chunks = ceilDiv(r, p.chunk);  // no empty chunk
  return p;
}

// Left to right, one thread per output: for reducers whose result depends on the fold's grouping.
template <class R>
Status launchOrdered(R red, const ReduceArgs& a) {
  RP_LAUNCH(column_kernel<R>, dim3(blocksFor(a.outer * a.inner)), dim3(kBlock), 0, 0, red,
            static_cast<const typename R::In*>(a.x), static_cast<typename R::Out*>(a.y),
            static_cast<typename R::State*>(nullptr), a.outer, a.r, a.inner, int64_t{1}, a.r);
  return launchStatus("reduce");
}

template <class R>
Status launchPlanned(R red, const ReduceArgs& a) {
  using State = typename R::State;
  const auto* x = static_cast<const typename R::In*>(a.x);
  auto* y = static_cast<typename R::Out*>(a.y);
  const Plan p = planFor(a.outer, a.r, a.inner);
  State* partial = nullptr;
  device::CachingAllocator* alloc = nullptr;
  if (p.chunks > 1) {
    alloc = device::Context::get()->allocator();
    void* mem = nullptr;
    const Status s = alloc->allocate(static_cast<size_t>(a.outer * p.chunks * a.inner) * sizeof(State), &mem);
    if (!s.ok()) return s;
    partial = static_cast<State*>(mem);
  }
  if (p.rows) {
    const int64_t segments = a.outer * p.chunks;
    const unsigned blocks = static_cast<unsigned>(lesser(segments, kMaxBlocks));
    RP_LAUNCH(row_kernel<R>, dim3(blocks), dim3(p.block), 0, 0, red, x, y, partial, a.outer, a.r, p.chunks, p.chunk);
  } else {
    RP_LAUNCH(column_kernel<R>, dim3(blocksFor(a.outer * p.chunks * a.inner)), dim3(kBlock), 0, 0, red, x, y,
              partial, a.outer, a.r, a.inner, p.chunks, p.chunk);
  }
  Status s = launchStatus("reduce");
  if (partial != nullptr) {
    if (s.ok()) {
      const int64_t outputs = a.outer * a.inner;
      if (p.chunks <= kThreadCombineMax)
        RP_LAUNCH(combine_kernel<R>, dim3(blocksFor(outputs)), dim3(kBlock), 0, 0, red, partial, y, a.outer, a.r,
                  a.inner, p.chunks);
      else
        RP_LAUNCH(combine_block_kernel<R>, dim3(static_cast<unsigned>(lesser(outputs, kMaxBlocks))),
                  dim3(p.chunks <= 4 * kSmallBlock ? kSmallBlock : kBlock), 0, 0, red, partial, y, a.outer, a.r,
                  a.inner, p.chunks);
      s = launchStatus("reduce (combine)");
    }
    alloc->free(partial);  // stream-ordered: the kernels above run before any later user of the block
  }
  return s;
}

template <class R>
Status launchReduce(R red, const ReduceArgs& a) {
  if constexpr (R::kOrdered)
    return launchOrdered(red, a);
  else
    return launchPlanned(red, a);
}

}  // namespace

Status reduce(const ReduceArgs& a) {
  if (a.outer == 0 || a.inner == 0) return Status{};
  Status s;
  const bool ok =
      dispatchReduce(a.op, a.in, static_cast<float>(a.r), [&](auto red) { s = launchReduce(red, a); });
  return ok ? s : usageStatus("reduce: unknown op");
}

Status scan(const ScanArgs& a) {
  if (a.outer == 0 || a.r == 0 || a.inner == 0) return Status{};
  const bool ok = dispatchScan(a.op, [&](auto op) {
    using Op = decltype(op);
    const unsigned blocks = blocksFor(a.outer * a.inner);
    if (a.dtype == DType::kF32)
      RP_LAUNCH((scan_kernel<Op, float>), dim3(blocks), dim3(kBlock), 0, 0, static_cast<const float*>(a.x),
                static_cast<float*>(a.y), a.outer, a.r, a.inner, a.exclusive, a.reverse);
    else
      RP_LAUNCH((scan_kernel<Op, int32_t>), dim3(blocks), dim3(kBlock), 0, 0, static_cast<const int32_t*>(a.x),
                static_cast<int32_t*>(a.y), a.outer, a.r, a.inner, a.exclusive, a.reverse);
  });
  if (!ok) return usageStatus("scan: unknown op");
  return launchStatus("scan");
}

}  // namespace gpu
}  // namespace tensor
}  // namespace rocm_patch
