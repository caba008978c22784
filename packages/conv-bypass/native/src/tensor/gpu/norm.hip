// GPU FusedBatchNorm, LRN / LRNGrad (one thread per element, grid-stride, the shared per-element
// functions of ops/norm.h) and Softmax: one launch, a wave per row (a block per row for long rows). Each
// row's maximum, then Σ exp(x − max), then exp(x − max) / Σ; each lane accumulates its strided share in
// a fixed order and the wave/block combines shares in a fixed butterfly, so results are deterministic.
#include "tensor/gpu/each.h"
#include "tensor/nn.h"

namespace rocm_patch {
namespace tensor {
namespace gpu {
namespace {

template <class Index>
struct BatchNormFn {
  BatchNormView<Index> f;
  float* y;
  __device__ void operator()(Index i) const { y[i] = f(i); }
};

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

// op over a row's values held by the threads of its group: the wave, or (kBlockPerRow) the whole block,
// whose waves meet in `scratch` and are combined in wave order.
template <bool kBlockPerRow, class Op>
__device__ inline float groupReduce(float v, Op op, float* scratch) {
  v = waveReduce(v, op);
  if (!kBlockPerRow) return v;
  constexpr int kWaves = kBlock / RP_WAVE;
  const int wave = threadIdx.x / RP_WAVE;
  if (threadIdx.x % RP_WAVE == 0) scratch[wave] = v;
  __syncthreads();
  float r = scratch[0];
  for (int w = 1; w < kWaves; ++w) r = op(r, scratch[w]);
  __syncthreads();  // scratch is reused by the next reduction
  return r;
}

// Rows are taken by groups of threads (a wave, or the whole block); the row loop is uniform across each
// group, so the group's shuffles and barriers see all its threads.
template <bool kBlockPerRow>
__global__ void __launch_bounds__(kBlock) softmax_kernel(const float* __restrict__ x, float* __restrict__ y,
                                                         int64_t rows, int64_t cols) {
  constexpr int kThreads = kBlockPerRow ? static_cast<int>(kBlock) : RP_WAVE;
  constexpr int kGroups = kBlock / kThreads;
  __shared__ float scratch[kBlock / RP_WAVE];
  const int lane = threadIdx.x % kThreads;
  const int group = threadIdx.x / kThreads;
  for (int64_t row = static_cast<int64_t>(blockIdx.x) * kGroups + group; row < rows;
       row += static_cast<int64_t>(gridDim.x) * kGroups) {
    const float* xr = x + row * cols;
    float* yr = y + row * cols;
    float m = -INFINITY;
    for (int64_t j = lane; j < cols; j += kThreads) m = nanMax(m, xr[j]);
    m = groupReduce<kBlockPerRow>(m, MaxOp{}, scratch);
    float s = 0.f;
    for (int64_t j = lane; j < cols; j += kThreads) s += expf(xr[j] - m);
    s = groupReduce<kBlockPerRow>(s, SumOp{}, scratch);
    for (int64_t j = lane; j < cols; j += kThreads) yr[j] = expf(xr[j] - m) / s;
  }
}

// Rows longer than this take a block each; shorter ones a wave each.
constexpr int64_t kWaveRowLimit = 1024;

}  // namespace

Status batchNorm(const BatchNormArgs& a) {
  // The lengths are ≤ n (the host clamps them), so n fitting covers every index.
  return launchEach<BatchNormFn>("batchNorm", a.n, within32(a.n), [&](auto tag) {
    using Index = decltype(tag);
    const BatchNormView<Index> f{a.x,
                                 a.mean,
                                 a.variance,
                                 a.offset,
                                 a.scale,
                                 static_cast<Index>(a.lenMean),
                                 static_cast<Index>(a.lenVariance),
                                 static_cast<Index>(a.lenOffset),
                                 static_cast<Index>(a.lenScale),
                                 a.epsilon};
    return BatchNormFn<Index>{f, a.y};
  });
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
  if (a.cols > kWaveRowLimit) {
    RP_LAUNCH(softmax_kernel<true>, dim3(blocksFor(a.rows, 1)), dim3(kBlock), 0, 0, a.x, a.y, a.rows, a.cols);
  } else {
    // The host does not know the device's wave width: size the grid for waves of 32 (grid-stride covers
    // the rest on wave64 devices).
    RP_LAUNCH(softmax_kernel<false>, dim3(blocksFor(a.rows, kBlock / 32)), dim3(kBlock), 0, 0, a.x, a.y, a.rows,
              a.cols);
  }
  return launchStatus("softmax");
}

}  // namespace gpu
}  // namespace tensor
}  // namespace rocm_patch
