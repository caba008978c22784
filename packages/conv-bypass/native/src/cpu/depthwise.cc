// One input channel per group (depthwise, and its channel multipliers): GEMM would run with K = R·S
// or M = 1 here, so direct loops over output rows are faster. The inner loops run along a row with
// unit stride in the output and are compiled per instruction set (multiversion.h).
#include <algorithm>
#include <memory>
#include <vector>

#include "cpu/conv_cpu.h"
#include "cpu/multiversion.h"
#include "cpu/thread_pool.h"

namespace rocm_patch::cpu {

namespace {

int64_t CeilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

// For filter column s: the output columns [lo, hi) whose tap column iw = q*stride_w - pad_left +
// s*dilation_w lies inside the input, and iw at q = 0. Computed once per call (divisions are slow).
struct TapColumns {
  int64_t lo, hi, iw0;
};

std::vector<TapColumns> ColumnTable(const ConvParams& p) {
  std::vector<TapColumns> table(static_cast<size_t>(p.s));
  for (int64_t s = 0; s < p.s; ++s) {
    const int64_t iw0 = s * p.dilation_w - p.pad_left;
    int64_t lo = iw0 >= 0 ? 0 : std::min<int64_t>(p.q, CeilDiv(-iw0, p.stride_w));
    int64_t hi = iw0 >= p.w ? 0 : std::min<int64_t>(p.q, CeilDiv(p.w - iw0, p.stride_w));
    table[s] = {lo, std::max(lo, hi), iw0};
  }
  return table;
}

// out (P×Q) = bias + conv of one input plane with one R×S filter.
ROCM_PATCH_MULTIVERSION void ForwardPlane(const ConvParams& p, const TapColumns* cols, const float* plane,
                                          const float* wk, float b0, float* out) {
  const int64_t sw = p.stride_w;
  // 3×3 stride-1 rows whose three input rows are all inside: one pass with all nine taps over the
  // columns where every tap is inside, instead of nine read-modify-write passes.
  const bool fused = p.r == 3 && p.s == 3 && sw == 1;
  const int64_t tlo = fused ? std::max({cols[0].lo, cols[1].lo, cols[2].lo}) : 0;
  const int64_t thi = fused ? std::min({cols[0].hi, cols[1].hi, cols[2].hi}) : 0;
  for (int64_t op = 0; op < p.p; ++op) {
    float* __restrict row = out + op * p.q;
    const int64_t ih0 = op * p.stride_h - p.pad_top;
    // 64-bit products: 2 · dilation overflows int32 from dilation 2^30 on.
    if (fused && tlo < thi && ih0 >= 0 && ih0 + 2 * int64_t{p.dilation_h} < p.h) {
      const float* a[9];
      for (int64_t r = 0; r < 3; ++r)
        for (int s = 0; s < 3; ++s) a[r * 3 + s] = plane + (ih0 + r * p.dilation_h) * p.w + cols[s].iw0;
      const float w0 = wk[0], w1 = wk[1], w2 = wk[2], w3 = wk[3], w4 = wk[4], w5 = wk[5], w6 = wk[6], w7 = wk[7],
                  w8 = wk[8];
      const float *a0 = a[0], *a1 = a[1], *a2 = a[2], *a3 = a[3], *a4 = a[4], *a5 = a[5], *a6 = a[6], *a7 = a[7],
                  *a8 = a[8];
      for (int64_t t = tlo; t < thi; ++t)
        row[t] = b0 + w0 * a0[t] + w1 * a1[t] + w2 * a2[t] + w3 * a3[t] + w4 * a4[t] + w5 * a5[t] + w6 * a6[t] +
                 w7 * a7[t] + w8 * a8[t];
      for (int64_t t = 0; t < p.q; ++t) {  // the edge columns, where some taps fall in the padding
        if (t == tlo) t = thi;
        if (t >= p.q) break;
        float sum = b0;
        for (int i = 0; i < 9; ++i)
          if (t >= cols[i % 3].lo && t < cols[i % 3].hi) sum += wk[i] * a[i][t];
        row[t] = sum;
      }
      continue;
    }
    for (int64_t t = 0; t < p.q; ++t) row[t] = b0;
    for (int64_t r = 0; r < p.r; ++r) {
      const int64_t ih = op * p.stride_h - p.pad_top + r * p.dilation_h;
      if (ih < 0 || ih >= p.h) continue;
      for (int64_t s = 0; s < p.s; ++s) {
        const int64_t lo = cols[s].lo, hi = cols[s].hi, iw0 = cols[s].iw0;
        const float wv = wk[r * p.s + s];
        const float* __restrict src = plane + ih * p.w + iw0;
        if (sw == 1) {
          for (int64_t t = lo; t < hi; ++t) row[t] += wv * src[t];
        } else if (sw == 2) {
          for (int64_t t = lo; t < hi; ++t) row[t] += wv * src[2 * t];
        } else {
          for (int64_t t = lo; t < hi; ++t) row[t] += wv * src[t * sw];
        }
      }
    }
  }
}

// plane (H×W) += the transposed conv of one output-gradient plane with one R×S filter.
ROCM_PATCH_MULTIVERSION void BackwardDataPlane(const ConvParams& p, const TapColumns* cols, const float* grad,
                                               const float* wk, float* plane) {
  const int64_t sw = p.stride_w;
  for (int64_t op = 0; op < p.p; ++op) {
    const float* __restrict row = grad + op * p.q;
    for (int64_t r = 0; r < p.r; ++r) {
      const int64_t ih = op * p.stride_h - p.pad_top + r * p.dilation_h;
      if (ih < 0 || ih >= p.h) continue;
      for (int64_t s = 0; s < p.s; ++s) {
        const int64_t lo = cols[s].lo, hi = cols[s].hi, iw0 = cols[s].iw0;
        const float wv = wk[r * p.s + s];
        float* __restrict dst = plane + ih * p.w + iw0;
        if (sw == 1) {
          for (int64_t t = lo; t < hi; ++t) dst[t] += wv * row[t];
        } else {
          for (int64_t t = lo; t < hi; ++t) dst[t * sw] += wv * row[t];
        }
      }
    }
  }
}

// acc[r*S + s] += Σ_{p,q} grad[p][q] · plane[ih][iw]: the filter gradient of one (image, channel).
ROCM_PATCH_MULTIVERSION void BackwardFilterPlane(const ConvParams& p, const TapColumns* cols, const float* plane,
                                                 const float* grad, double* acc) {
  const int64_t sw = p.stride_w;
  constexpr int kLanes = 16;  // independent partial sums, so the dot products vectorise
  for (int64_t r = 0; r < p.r; ++r) {
    for (int64_t s = 0; s < p.s; ++s) {
      const int64_t lo = cols[s].lo, hi = cols[s].hi, iw0 = cols[s].iw0;
      float lanes[kLanes] = {};
      float tail = 0.f;
      for (int64_t op = 0; op < p.p; ++op) {
        const int64_t ih = op * p.stride_h - p.pad_top + r * p.dilation_h;
        if (ih < 0 || ih >= p.h) continue;
        const float* __restrict row = grad + op * p.q;
        const float* __restrict src = plane + ih * p.w + iw0;
        int64_t t = lo;
        if (sw == 1) {
          for (; t + kLanes <= hi; t += kLanes)
            for (int u = 0; u < kLanes; ++u) lanes[u] += row[t + u] * src[t + u];
        }
        for (; t < hi; ++t) tail += row[t] * src[t * sw];
      }
      double sum = tail;
      for (float l : lanes) sum += l;
      acc[r * p.s + s] += sum;
    }
  }
}

}  // namespace

void DepthwiseForward(const ConvParams& p, const float* x, const float* w, const float* bias, float* y) {
  const int64_t kg = p.KPerGroup(), rs = int64_t{p.r} * p.s, pq = int64_t{p.p} * p.q, hw = int64_t{p.h} * p.w;
  const std::vector<TapColumns> cols = ColumnTable(p);
  ThreadPool::Get().ParallelFor(int64_t{p.n} * p.k, [&](int64_t item, int) {
    const int64_t n = item / p.k, k = item % p.k;
    ForwardPlane(p, cols.data(), x + (n * p.c + k / kg) * hw, w + k * rs, bias ? bias[k] : 0.f, y + item * pq);
  });
}

void DepthwiseBackwardData(const ConvParams& p, const float* dy, const float* w, float* dx) {
  const int64_t kg = p.KPerGroup(), rs = int64_t{p.r} * p.s, pq = int64_t{p.p} * p.q, hw = int64_t{p.h} * p.w;
  const std::vector<TapColumns> cols = ColumnTable(p);
  ThreadPool::Get().ParallelFor(int64_t{p.n} * p.c, [&](int64_t item, int) {
    const int64_t n = item / p.c, g = item % p.c;
    float* plane = dx + item * hw;
    std::fill(plane, plane + hw, 0.f);
    for (int64_t k = g * kg; k < (g + 1) * kg; ++k) BackwardDataPlane(p, cols.data(), dy + (n * p.k + k) * pq, w + k * rs, plane);
  });
}

void DepthwiseBackwardFilter(const ConvParams& p, const float* x, const float* dy, float* dw) {
  const int64_t kg = p.KPerGroup(), rs = int64_t{p.r} * p.s, pq = int64_t{p.p} * p.q, hw = int64_t{p.h} * p.w;
  const std::vector<TapColumns> cols = ColumnTable(p);
  ThreadPool::Get().ParallelFor(p.k, [&](int64_t k, int) {
    double acc[64] = {};  // R·S taps; larger filters use the heap
    std::unique_ptr<double[]> big;
    double* sums = acc;
    if (rs > 64) {
      big.reset(new double[rs]());
      sums = big.get();
    }
    for (int64_t n = 0; n < p.n; ++n) BackwardFilterPlane(p, cols.data(), x + (n * p.c + k / kg) * hw, dy + (n * p.k + k) * pq, sums);
    for (int64_t i = 0; i < rs; ++i) dw[k * rs + i] = static_cast<float>(sums[i]);
  });
}

}  // namespace rocm_patch::cpu
