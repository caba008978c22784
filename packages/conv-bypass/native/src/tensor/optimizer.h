// Fused optimizer updates: one launch per variable where tfjs-core's optimizers run a dozen elementwise
// kernels (and upload their numeric constants) per variable and step. The arithmetic follows tfjs-core's
// formulas operation by operation, in float32.
#pragma once

#include <cmath>
#include <cstdint>

#include "common/status.h"

namespace rocm_patch {
namespace tensor {

// Adam (tfjs-core's AdamOptimizer.applyGradients), per element:
//   m' = m·β1 + g·(1 − β1);  v' = v·β2 + g²·(1 − β2)
//   x' = (m'/(1 − β1^t)) / (sqrt(v'/(1 − β2^t)) + ε) · (−lr) + x
// oneMinusAccBeta1/2 are device scalars (1 − β^t, computed on the device by the optimizer).
struct AdamArgs {
  int64_t n;
  const float* x;
  const float* g;
  const float* m;
  const float* v;
  float* xOut;
  float* mOut;
  float* vOut;
  const float* oneMinusAccBeta1;
  const float* oneMinusAccBeta2;
  float beta1, beta2, learningRate, epsilon;
};

// out = a·g + x with a device scalar a (SGD: a = −lr).
struct AxpyArgs {
  int64_t n;
  const float* a;
  const float* g;
  const float* x;
  float* out;
};

namespace host {
Status adam(const AdamArgs& a);
Status axpy(const AxpyArgs& a);
}  // namespace host
namespace gpu {
Status adam(const AdamArgs& a);
Status axpy(const AxpyArgs& a);
}  // namespace gpu

// The per-element formulas, shared by both devices.
#if defined(__HIPCC__) || defined(__CUDACC__)
#define RP_OPT_HD __host__ __device__
#else
#define RP_OPT_HD
#endif

RP_OPT_HD inline void adamElement(const AdamArgs& a, int64_t i, float c1, float c2) {
  const float g = a.g[i];
  const float m = a.m[i] * a.beta1 + g * (1.0f - a.beta1);
  const float v = a.v[i] * a.beta2 + (g * g) * (1.0f - a.beta2);
  const float mHat = m / c1;
  const float vHat = v / c2;
  a.mOut[i] = m;
  a.vOut[i] = v;
  a.xOut[i] = (mHat / (sqrtf(vHat) + a.epsilon)) * (-a.learningRate) + a.x[i];
}

}  // namespace tensor
}  // namespace rocm_patch
