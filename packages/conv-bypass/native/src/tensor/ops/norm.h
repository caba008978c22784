// FusedBatchNorm and local response normalisation (LRN, LRNGrad), per element, shared by the host loops
// and the GPU kernels. Semantics are tfjs-backend-cpu's; arithmetic is float32 where cpu computes in
// double and rounds the result (they differ by float rounding only).
#pragma once

#include <cmath>
#include <cstdint>

#include "tensor/ops/common.h"

namespace rocm_patch {
namespace tensor {

// cpu's batchNorm walks each parameter cyclically: element i uses param[i % length]. With 1-D parameters
// of the channel count that is the last axis; with x's own shape, the element itself; length 1 is a
// scalar. A missing scale is 1, a missing offset 0.
template <class Index>
struct BatchNormView {
  const float* x;
  const float* mean;
  const float* variance;
  const float* offset;  // may be null
  const float* scale;   // may be null
  Index lenMean, lenVariance, lenOffset, lenScale;
  float epsilon;

  // The arithmetic, given the element and its parameters (cpu's order of operations).
  RP_HD float apply(float xv, float m, float v, float s, float o) const {
    return o + (xv - m) * s / sqrtf(v + epsilon);
  }
  RP_HD float operator()(Index i) const {
    // One division serves every parameter of the common length (all of them, in a normal call).
    const Index im = i % lenMean;
    const float v = variance[lenVariance == lenMean ? im : i % lenVariance];
    const float s = scale == nullptr ? 1.f : scale[lenScale == lenMean ? im : i % lenScale];
    const float o = offset == nullptr ? 0.f : offset[lenOffset == lenMean ? im : i % lenOffset];
    return apply(x[i], mean[im], v, s, o);
  }
};

struct LrnParams {
  int64_t channels;  // the last axis, over which the window runs
  int64_t radius;    // depthRadius, clamped by the host to [−1, channels] (same windows as cpu's)
  float bias, alpha, beta;
};

namespace lrn {

template <class Index>
RP_HD inline Index imin(Index a, Index b) {
  return a < b ? a : b;
}
template <class Index>
RP_HD inline Index imax(Index a, Index b) {
  return a > b ? a : b;
}

// Σ x[k]² for channels k in [lo, hi] of the pixel at `base`.
template <class Index>
RP_HD inline float sumSquares(const float* x, Index base, Index lo, Index hi) {
  float sum = 0.f;
  for (Index k = lo; k <= hi; ++k) {
    const float z = x[base + k];
    sum += z * z;
  }
  return sum;
}

}  // namespace lrn

// y[i] = x[i] · (bias + alpha · Σ x² over channels [ch − r, ch + r] ∩ [0, C))^−beta.
template <class Index>
RP_HD inline float lrnAt(const LrnParams& p, const float* x, Index i) {
  const Index C = static_cast<Index>(p.channels), r = static_cast<Index>(p.radius);
  const Index ch = i % C;
  const Index base = i - ch;
  const float sum = lrn::sumSquares(x, base, lrn::imax(Index(0), ch - r), lrn::imin(ch + r, C - 1));
  return x[i] * powf(p.bias + p.alpha * sum, -p.beta);
}

// dx[k] of LRNGrad. cpu scatters from every element j of a pixel into the channels k of j's window;
// gathered here: k receives from every j with |j − k| ≤ r, in ascending j (cpu's order).
template <class Index>
RP_HD inline float lrnGradAt(const LrnParams& p, const float* x, const float* y, const float* dy, Index k) {
  const Index C = static_cast<Index>(p.channels), r = static_cast<Index>(p.radius);
  const Index ck = k % C;
  const Index base = k - ck;
  const float xk = x[k];
  float acc = 0.f;
  for (Index j = lrn::imax(Index(0), ck - r); j <= lrn::imin(C - 1, ck + r); ++j) {
    // j's window: channels [max(0, j − r), min(C, j + r + 1)).
    const float norm =
        p.alpha * lrn::sumSquares(x, base, lrn::imax(Index(0), j - r), lrn::imin(C, j + r + 1) - 1) + p.bias;
    float d = -2.f * p.alpha * p.beta * xk * y[base + j] / norm;
    if (j == ck) d += powf(norm, -p.beta);
    acc += d * dy[base + j];
  }
  return acc;
}

}  // namespace tensor
}  // namespace rocm_patch
