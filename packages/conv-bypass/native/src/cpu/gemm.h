// A blocked, packed, multi-threaded GEMM (the Goto/BLIS loop nest) whose operands are produced by
// packing callbacks, so the convolutions feed it straight from the image (implicit im2col) instead
// of materialising an N·C·R·S·P·Q matrix.
//
//   for each batch entry b:  C_b[M×N] (+)= A_b[M×K] · B_b[K×N]
//
// Work is split over (batch, MC×NC tile of C) across the thread pool; when that gives fewer pieces
// than threads, K is split too and the partial products are summed at the end.
#pragma once

#include <cstdint>
#include <functional>

namespace rocm_patch::cpu {

// Column block of the GEMM (a multiple of every kernel's NR): pack_b never gets more columns.
constexpr int64_t kGemmNc = 512;

// Writes A_b rows [m0, m0+mlen) × columns [k0, k0+klen) as ceil(mlen/mr) panels, each klen × mr
// (dst[(panel*klen + kk)*mr + i]), rows past mlen zero.
using PackAFn = std::function<void(int64_t b, int64_t m0, int64_t mlen, int64_t k0, int64_t klen, float* dst, int mr)>;
// Writes B_b rows [k0, k0+klen) × columns [n0, n0+nlen) as ceil(nlen/nr) panels, each klen × nr
// (dst[(panel*klen + kk)*nr + j]), columns past nlen zero.
using PackBFn = std::function<void(int64_t b, int64_t k0, int64_t klen, int64_t n0, int64_t nlen, float* dst, int nr)>;

struct GemmBatch {
  int64_t batch = 1, m = 0, n = 0, k = 0;
  PackAFn pack_a;
  PackBFn pack_b;
  std::function<float*(int64_t b)> c;  // C_b, row-major with leading dimension ldc
  int64_t ldc = 0;
  bool accumulate = false;  // C += A·B instead of C = A·B
};

void RunGemm(const GemmBatch& g);

// Packing helpers for plain matrices.
// A[m][k] = src[m*ld + k]
void PackARowMajor(const float* src, int64_t ld, int64_t m0, int64_t mlen, int64_t k0, int64_t klen, float* dst, int mr);
// A[m][k] = src[k*ld + m]
void PackAColMajor(const float* src, int64_t ld, int64_t m0, int64_t mlen, int64_t k0, int64_t klen, float* dst, int mr);
// B[k][n] = src[k*ld + n]
void PackBRowMajor(const float* src, int64_t ld, int64_t k0, int64_t klen, int64_t n0, int64_t nlen, float* dst, int nr);

}  // namespace rocm_patch::cpu
