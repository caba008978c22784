// The host device's batched matrix product: plain loops (it runs in tests and CI only). float32 keeps,
// per output element, the k-in-order float sum of dotProduct<float> (the row update below adds the same
// terms in the same order, with B walked along its rows); int32 is dotProduct<int32_t> per element,
// which reproduces tfjs-backend-cpu's int32 results exactly.
#include <algorithm>
#include <vector>

#include "tensor/matmul.h"

namespace rocm_patch {
namespace tensor {
namespace host {
namespace {

void matmulF32(const MatMulArgs& a) {
  const float* A = static_cast<const float*>(a.a.p);
  const float* B = static_cast<const float*>(a.b.p);
  float* Y = static_cast<float*>(a.y);
  std::vector<float> row(static_cast<size_t>(a.N));
  for (int64_t b = 0; b < a.batch; ++b) {
    for (int64_t i = 0; i < a.M; ++i) {
      std::fill(row.begin(), row.end(), 0.f);
      for (int64_t k = 0; k < a.K; ++k) {
        const float aik = A[a.a.offset(b, i, k)];
        const float* bk = B + a.b.offset(b, k, 0);
        for (int64_t j = 0; j < a.N; ++j) row[j] += aik * bk[j * a.b.sc];
      }
      float* y = Y + (b * a.M + i) * a.N;
      for (int64_t j = 0; j < a.N; ++j) y[j] = finishAt<float>(a, b, i, j, row[j]);
    }
  }
}

void matmulI32(const MatMulArgs& a) {
  const int32_t* A = static_cast<const int32_t*>(a.a.p);
  const int32_t* B = static_cast<const int32_t*>(a.b.p);
  int32_t* Y = static_cast<int32_t*>(a.y);
  for (int64_t b = 0; b < a.batch; ++b)
    for (int64_t i = 0; i < a.M; ++i)
      for (int64_t j = 0; j < a.N; ++j) {
        const int32_t v = dotProduct<int32_t>(A + a.a.offset(b, i, 0), a.a.sc, B + a.b.offset(b, 0, j), a.b.sr, a.K);
        Y[(b * a.M + i) * a.N + j] = finishAt<int32_t>(a, b, i, j, v);
      }
}

}  // namespace

Status matmul(const MatMulArgs& a) {
  if (a.batch == 0 || a.M == 0 || a.N == 0) return Status{};
  if (a.dtype == DType::kF32) matmulF32(a);
  else matmulI32(a);
  return Status{};
}

}  // namespace host
}  // namespace tensor
}  // namespace rocm_patch
