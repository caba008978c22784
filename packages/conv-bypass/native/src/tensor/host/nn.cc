// The host device's nn kernels: the shared per-element functions (tensor/ops/pool.h, resize.h, norm.h) in
// plain loops with 64-bit indices, and Softmax row by row.
#include <cmath>

#include "tensor/nn.h"

namespace rocm_patch {
namespace tensor {
namespace host {

Status pool(const PoolArgs& a) {
  const PoolGeom<int64_t>& g = a.g;
  const int64_t n = g.outSize();
  for (int64_t o = 0; o < n; ++o) poolAt(g, a.flags, a.x, a.y, a.argmax, o);
  return Status{};
}

Status poolGrad(const PoolGradArgs& a) {
  const PoolGeom<int64_t>& g = a.g;
  const int64_t n = g.inSize();
  const bool avg = a.kind == PoolKind::kAvg;
  for (int64_t i = 0; i < n; ++i) {
    const float v = poolGradAt(g, a.kind, a.argmax, a.dy, a.dyDims, i);
    a.dx[i] = avg ? v * a.multiplier : v;
  }
  return Status{};
}

Status batchNorm(const BatchNormArgs& a) {
  const BatchNormView<int64_t> f{a.x,       a.mean,        a.variance,  a.offset,   a.scale,
                                 a.lenMean, a.lenVariance, a.lenOffset, a.lenScale, a.epsilon};
  for (int64_t i = 0; i < a.n; ++i) a.y[i] = f(i);
  return Status{};
}

// As cpu composes it (Max, Sub, Exp, Sum, RealDiv): the row's maximum (NaN if any element is NaN), e =
// exp(x − max) rounded to float32, their sum in double, e / sum.
Status softmax(const SoftmaxArgs& a) {
  for (int64_t row = 0; row < a.rows; ++row) {
    const float* x = a.x + row * a.cols;
    float* y = a.y + row * a.cols;
    float m = a.cols > 0 ? x[0] : 0.f;
    for (int64_t j = 0; j < a.cols; ++j)
      if (std::isnan(x[j]) || x[j] > m) m = x[j];
    double sum = 0.0;
    for (int64_t j = 0; j < a.cols; ++j) {
      const float e = static_cast<float>(std::exp(static_cast<double>(x[j] - m)));
      y[j] = e;
      sum += e;
    }
    const float s = static_cast<float>(sum);
    for (int64_t j = 0; j < a.cols; ++j) y[j] = y[j] / s;
  }
  return Status{};
}

Status resizeBilinear(const ResizeArgs& a) {
  const int64_t n = a.g.batch * a.g.outH * a.g.outW * a.g.channels;
  const float* x = static_cast<const float*>(a.x);
  float* y = static_cast<float*>(a.y);
  for (int64_t o = 0; o < n; ++o) y[o] = bilinearAt<int64_t>(a.g, x, o);
  return Status{};
}

Status resizeNearest(const ResizeArgs& a) {
  const int64_t n = a.g.batch * a.g.outH * a.g.outW * a.g.channels;
  if (a.int32) {
    const int32_t* x = static_cast<const int32_t*>(a.x);
    int32_t* y = static_cast<int32_t*>(a.y);
    // cpu writes the values into a Float32Array: int32 values pass through float32.
    for (int64_t o = 0; o < n; ++o)
      y[o] = toInt32(static_cast<double>(static_cast<float>(x[nearestSourceOffset<int64_t>(a.g, o)])));
  } else {
    const float* x = static_cast<const float*>(a.x);
    float* y = static_cast<float*>(a.y);
    for (int64_t o = 0; o < n; ++o) y[o] = x[nearestSourceOffset<int64_t>(a.g, o)];
  }
  return Status{};
}

Status resizeBilinearGrad(const ResizeGradArgs& a) {
  const int64_t n = a.g.batch * a.g.inH * a.g.inW * a.g.channels;
  for (int64_t i = 0; i < n; ++i) a.dx[i] = bilinearGradAt<int64_t>(a.g, a.dy, i);
  return Status{};
}

Status resizeNearestGrad(const ResizeGradArgs& a) {
  const int64_t n = a.g.batch * a.g.inH * a.g.inW * a.g.channels;
  for (int64_t i = 0; i < n; ++i) a.dx[i] = nearestGradAt<int64_t>(a.g, a.dy, i);
  return Status{};
}

Status lrn(const LrnArgs& a) {
  for (int64_t i = 0; i < a.n; ++i) a.out[i] = lrnAt<int64_t>(a.p, a.x, i);
  return Status{};
}

Status lrnGrad(const LrnArgs& a) {
  for (int64_t i = 0; i < a.n; ++i) a.out[i] = lrnGradAt<int64_t>(a.p, a.x, a.y, a.dy, i);
  return Status{};
}

}  // namespace host
}  // namespace tensor
}  // namespace rocm_patch
