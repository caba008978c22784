// GPU FusedBatchNorm (four elements per thread), LRN / LRNGrad (one thread per element), grid-stride,
// with the shared per-element functions of ops/norm.h; and Softmax: one launch, a group of lanes per short row (several rows per
// wave), a 1024-thread block per long row. Each row's maximum, then Σ exp(x − max), then exp(x − max) /
// Σ; each lane accumulates its strided share in a fixed order and the group/block combines shares in a
// fixed butterfly, so results are deterministic.
#include <cstdint>

#include "tensor/gpu/each.h"
#include "tensor/nn.h"

namespace rocm_patch {
namespace tensor {
namespace gpu {
namespace {

// The parameter index of element i for a parameter of length len, stepped along four elements at a
// time (one division per parameter and quad, then wrap-around increments).
template <class Index>
struct Cycle {
  Index k, len;
  __device__ Cycle(Index i, Index length) : k(i % length), len(length) {}
  __device__ Index next() {
    const Index now = k;
    k = k + 1 == len ? 0 : k + 1;
    return now;
  }
};

// Four elements per thread (float4 loads and stores when x and y are 16-byte aligned): one element per
// thread leaves the H200 at a third of its bandwidth here. The arithmetic is BatchNormView::apply, as on
// the host.
template <class Index>
__global__ void __launch_bounds__(kBlock) batchnorm_kernel(BatchNormView<Index> f, float* __restrict__ y, Index n,
                                                           bool vectors) {
  const Index quads = (n + 3) / 4;
  for (Index q = blockIdx.x * static_cast<Index>(blockDim.x) + threadIdx.x; q < quads;
       q += static_cast<Index>(gridDim.x) * blockDim.x) {
    const Index i0 = q * 4;
    Cycle<Index> m(i0, f.lenMean), v(i0, f.lenVariance), o(i0, f.lenOffset), s(i0, f.lenScale);
    float xv[4];
    const int count = i0 + 4 <= n ? 4 : static_cast<int>(n - i0);
    if (vectors && count == 4) {
      const float4 a = reinterpret_cast<const float4*>(f.x)[q];
      xv[0] = a.x, xv[1] = a.y, xv[2] = a.z, xv[3] = a.w;
    } else {
      for (int j = 0; j < count; ++j) xv[j] = f.x[i0 + j];
    }
    float r[4];
    for (int j = 0; j < 4; ++j) {
      const Index km = m.next(), kv = v.next(), ko = o.next(), ks = s.next();
      if (j < count)
        r[j] = f.apply(xv[j], f.mean[km], f.variance[kv], f.scale == nullptr ? 1.f : f.scale[ks],
                       f.offset == nullptr ? 0.f : f.offset[ko]);
    }
    if (vectors && count == 4) {
      reinterpret_cast<float4*>(y)[q] = make_float4(r[0], r[1], r[2], r[3]);
    } else {
      for (int j = 0; j < count; ++j) y[i0 + j] = r[j];
    }
  }
}

template <class Index>
struct LrnFn {
  LrnParams p;
  const float* x;
  float* y;
  __device__ void operator()(Index i) const { y[i] = lrnAt<Index>(p, x, i); }
};

template <class Index>
struct LrnGradFn {
  LrnParams p;
  const float* x;
  const float* y;
  const float* dy;
  float* dx;
  __device__ void operator()(Index i) const { dx[i] = lrnGradAt<Index>(p, x, y, dy, i); }
};

// Short rows (≤ kGroupRowLimit): a group of `width` lanes per row — the row length rounded up to a power
// of two, at most a wave — so a wave takes several rows at once. The reductions are xor butterflies
// inside each group. Every lane of a wave runs the same iterations (rows are handed out per wave, and
// lanes past the last row compute on nothing), so the shuffles always see the whole wave.
__global__ void __launch_bounds__(kBlock) softmax_rows_kernel(const float* __restrict__ x, float* __restrict__ y,
                                                              int64_t rows, int64_t cols) {
  int width = 1;
  while (width < cols && width < RP_WAVE) width *= 2;
  const int lane = threadIdx.x % RP_WAVE;
  const int groupLane = lane % width;
  const int64_t rowsPerWave = RP_WAVE / width;
  const int64_t wavesPerBlock = kBlock / RP_WAVE;
  const int64_t wave = static_cast<int64_t>(blockIdx.x) * wavesPerBlock + threadIdx.x / RP_WAVE;
  const int64_t step = static_cast<int64_t>(gridDim.x) * wavesPerBlock * rowsPerWave;
  for (int64_t first = wave * rowsPerWave; first < rows; first += step) {
    const int64_t row = first + lane / width;
    const int64_t n = row < rows ? cols : 0;  // lanes past the last row reduce nothing
    const float* xr = x + (row < rows ? row : 0) * cols;
    float m = -INFINITY;
    for (int64_t j = groupLane; j < n; j += width) m = nanMax(m, xr[j]);
    for (int k = width / 2; k > 0; k >>= 1) m = nanMax(m, waveXor(m, k));
    float s = 0.f;
    for (int64_t j = groupLane; j < n; j += width) s += expf(xr[j] - m);
    for (int k = width / 2; k > 0; k >>= 1) s += waveXor(s, k);
    float* yr = y + (row < rows ? row : 0) * cols;
    for (int64_t j = groupLane; j < n; j += width) yr[j] = expf(xr[j] - m) / s;
  }
}

// Long rows: a block of kRowBlock threads per row; the waves' shares meet in shared memory and are
// combined in wave order. The row loop is uniform across the block (barriers see every thread).
constexpr unsigned kRowBlock = 1024;

template <class Op>
__device__ inline float blockReduce(float v, Op op, float* scratch) {
  v = waveReduce(v, op);
  constexpr int kWaves = kRowBlock / RP_WAVE;
  if (threadIdx.x % RP_WAVE == 0) scratch[threadIdx.x / RP_WAVE] = v;
  __syncthreads();
  float r = scratch[0];
  for (int w = 1; w < kWaves; ++w) r = op(r, scratch[w]);
  __syncthreads();  // scratch is reused by the next reduction
  return r;
}

__global__ void __launch_bounds__(kRowBlock) softmax_block_kernel(const float* __restrict__ x, float* __restrict__ y,
                                                                  int64_t rows, int64_t cols) {
  __shared__ float scratch[kRowBlock / RP_WAVE];
  for (int64_t row = blockIdx.x; row < rows; row += gridDim.x) {
    const float* xr = x + row * cols;
    float* yr = y + row * cols;
    float m = -INFINITY;
    for (int64_t j = threadIdx.x; j < cols; j += kRowBlock) m = nanMax(m, xr[j]);
    m = blockReduce(m, MaxOp{}, scratch);
    float s = 0.f;
    for (int64_t j = threadIdx.x; j < cols; j += kRowBlock) s += expf(xr[j] - m);
    s = blockReduce(s, SumOp{}, scratch);
    for (int64_t j = threadIdx.x; j < cols; j += kRowBlock) yr[j] = expf(xr[j] - m) / s;
  }
}

// Rows longer than this take a block each.
constexpr int64_t kGroupRowLimit = 1024;

}  // namespace

Status batchNorm(const BatchNormArgs& a) {
  if (a.n == 0) return Status{};
  const bool vectors = reinterpret_cast<uintptr_t>(a.x) % 16 == 0 && reinterpret_cast<uintptr_t>(a.y) % 16 == 0;
  const int64_t quads = (a.n + 3) / 4;
  // The lengths are ≤ n (the host clamps them), so n + 4 fitting covers every index and increment.
  if (within32(a.n + 4)) {
    const BatchNormView<int32_t> f{a.x,
                                   a.mean,
                                   a.variance,
                                   a.offset,
                                   a.scale,
                                   static_cast<int32_t>(a.lenMean),
                                   static_cast<int32_t>(a.lenVariance),
                                   static_cast<int32_t>(a.lenOffset),
                                   static_cast<int32_t>(a.lenScale),
                                   a.epsilon};
    RP_LAUNCH(batchnorm_kernel<int32_t>, dim3(blocksFor(quads)), dim3(kBlock), 0, 0, f, a.y,
              static_cast<int32_t>(a.n), vectors);
  } else {
    const BatchNormView<int64_t> f{a.x,       a.mean,        a.variance,  a.offset,   a.scale,
                                   a.lenMean, a.lenVariance, a.lenOffset, a.lenScale, a.epsilon};
    RP_LAUNCH(batchnorm_kernel<int64_t>, dim3(blocksFor(quads)), dim3(kBlock), 0, 0, f, a.y, a.n, vectors);
  }
  return launchStatus("batchNorm");
}

Status lrn(const LrnArgs& a) {
  // Channel windows reach 2·channels + 1 past a pixel's base.
  const bool narrow = within32(a.n) && within32(2 * a.p.channels + 2);
  return launchEach<LrnFn>("lrn", a.n, narrow, [&](auto tag) {
    using Index = decltype(tag);
    return LrnFn<Index>{a.p, a.x, a.out};
  });
}

Status lrnGrad(const LrnArgs& a) {
  const bool narrow = within32(a.n) && within32(2 * a.p.channels + 2);
  return launchEach<LrnGradFn>("lrnGrad", a.n, narrow, [&](auto tag) {
    using Index = decltype(tag);
    return LrnGradFn<Index>{a.p, a.x, a.y, a.dy, a.out};
  });
}

Status softmax(const SoftmaxArgs& a) {
  if (a.rows == 0 || a.cols == 0) return Status{};
  if (a.cols > kGroupRowLimit) {
    RP_LAUNCH(softmax_block_kernel, dim3(blocksFor(a.rows, 1)), dim3(kRowBlock), 0, 0, a.x, a.y, a.rows, a.cols);
  } else {
    // Rows per block, for the grid's size only: the host does not know the device's wave width (the
    // kernel's grid-stride loop covers whatever this leaves).
    int64_t width = 1;
    while (width < a.cols && width < 32) width *= 2;
    RP_LAUNCH(softmax_rows_kernel, dim3(blocksFor(a.rows, static_cast<unsigned>(kBlock / width))), dim3(kBlock), 0, 0,
              a.x, a.y, a.rows, a.cols);
  }
  return launchStatus("softmax");
}

}  // namespace gpu
}  // namespace tensor
}  // namespace rocm_patch
