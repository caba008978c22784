// Batched matrix products with a fused epilogue: BatchMatMul and _FusedMatMul of TF.js (and, through the
// backend's kernel_utils/matmul.ts, any kernel that is a GEMM).
//
//   y[b][i][j] = activation(Σ_k A_b[i][k] · B_b[k][j] + bias_b[i][j])     b < batch, i < M, j < N
//
// Every operand is a strided view whose batch index wraps (b mod its batch count), which is exactly how
// tfjs-backend-cpu's batchMatMul broadcasts (batchIndexA = bi % batchDimA); a transposed operand is the
// same view with its row and column strides swapped. y is contiguous [batch][M][N].
#pragma once

#include <cstdint>

#include "common/status.h"
#include "tensor/ops/activation.h"
#include "tensor/ops/common.h"

namespace rocm_patch {
namespace tensor {

// Element (b, r, c) of a batch of matrices at p[(b mod batch)·sb + r·sr + c·sc]. Strides are ≥ 0
// (0 where a dimension broadcasts); batch ≥ 1.
struct MatView {
  const void* p;
  int64_t batch, sb, sr, sc;
  RP_HD int64_t offset(int64_t b, int64_t r, int64_t c) const { return (b % batch) * sb + r * sr + c * sc; }
};

struct MatMulArgs {
  DType dtype;  // of a, b, bias and y (int32 products follow the cpu backend's int32 arithmetic)
  int64_t batch, M, N, K;  // M, N, K < 2^31 (the bindings check)
  MatView a;               // M × K
  MatView b;               // K × N
  MatView bias;            // M × N, broadcast by its strides; p == nullptr when absent
  MatView prelu;           // M × N float32 weights; used when act == prelu
  Activation act;
  float alpha;  // leakyreluAlpha
  void* y;      // [batch][M][N]
};

// The cpu backend's blockSize: its int32 products add the k terms in double over blocks of this many and
// store the running sum into an Int32Array (ToInt32) after each block.
constexpr int64_t kCpuBlock = 48;

// a·b rounded to double and never fused with the add that follows: JavaScript rounds the product, and
// an FMA (nvcc and hipcc contract by default; g++ with -ffp-contract=fast on FMA targets) would keep it
// exact — a different int32 result once products pass 2^53.
RP_HD inline double unfusedProduct(double a, double b) {
#if defined(__CUDA_ARCH__) || defined(__HIP_DEVICE_COMPILE__)
  return __dmul_rn(a, b);
#else
  volatile double p = a * b;  // a store the compiler may not fold into an FMA
  return p;
#endif
}

// One output element's Σ_k a[k·sa] · b[k·sb]. float32: in float, k in order (the tiled GPU kernel adds
// in another order: a rounding difference only). int32: exactly tfjs-backend-cpu's result — each block
// of 48 terms summed in double, the running sum wrapped with ToInt32 after each block.
template <class T>
RP_HD inline T dotProduct(const T* a, int64_t sa, const T* b, int64_t sb, int64_t K);
template <>
RP_HD inline float dotProduct<float>(const float* a, int64_t sa, const float* b, int64_t sb, int64_t K) {
  float s = 0.f;
  for (int64_t k = 0; k < K; ++k) s += a[k * sa] * b[k * sb];
  return s;
}
template <>
RP_HD inline int32_t dotProduct<int32_t>(const int32_t* a, int64_t sa, const int32_t* b, int64_t sb, int64_t K) {
  int32_t acc = 0;
  for (int64_t k0 = 0; k0 < K; k0 += kCpuBlock) {
    const int64_t k1 = k0 + kCpuBlock < K ? k0 + kCpuBlock : K;
    double s = 0.0;
    for (int64_t k = k0; k < k1; ++k) s += unfusedProduct(static_cast<double>(a[k * sa]), static_cast<double>(b[k * sb]));
    acc = toInt32(static_cast<double>(acc) + s);
  }
  return acc;
}

// The fused epilogue of one element: (+ bias) then the activation, each result rounded to T as the cpu
// backend stores it between its Add and activation kernels (float: float arithmetic; int32: double,
// then ToInt32). C is the compute type (float, or double for int32).
template <class T, class C>
RP_HD inline T finishElement(C v, bool hasBias, C biasValue, Activation act, C alpha) {
  if (hasBias) v = static_cast<C>(Elem<T>::from(v + biasValue));
  return Elem<T>::from(activate(act, v, alpha));
}

// finishElement for output element (b, i, j) of a call: reads its bias and prelu weight.
template <class T>
RP_HD inline T finishAt(const MatMulArgs& a, int64_t b, int64_t i, int64_t j, T v) {
  using C = Compute<T, T>;
  const bool hasBias = a.bias.p != nullptr;
  const C bias = hasBias ? static_cast<C>(static_cast<const T*>(a.bias.p)[a.bias.offset(b, i, j)]) : C(0);
  const C alpha = a.act == Activation::k_prelu
                      ? static_cast<C>(static_cast<const float*>(a.prelu.p)[a.prelu.offset(b, i, j)])
                      : static_cast<C>(a.alpha);
  return finishElement<T, C>(static_cast<C>(v), hasBias, bias, a.act, alpha);
}

namespace host {
Status matmul(const MatMulArgs& a);
}  // namespace host

namespace gpu {
Status matmul(const MatMulArgs& a);
// Forces the GPU path, for measuring (tools/matmul_harness): config indexes the tile table, -1 restores
// the cost model, -2 forces the direct kernel; splits > 0 forces the split-K factor.
void setMatMulTileOverride(int config, int splits);
}  // namespace gpu

}  // namespace tensor
}  // namespace rocm_patch
