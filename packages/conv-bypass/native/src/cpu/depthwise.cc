// One input channel per group (depthwise, and its channel multipliers): GEMM would run with K = R·S
// or M = 1 here, so direct loops over output rows are faster. The inner loops run along a row with
// unit stride in the output, which the compiler vectorises.
#include <algorithm>
#include <vector>

#include "cpu/conv_cpu.h"
#include "cpu/thread_pool.h"

namespace rocm_patch::cpu {

namespace {

int64_t CeilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

// The output columns [lo, hi) of a row whose tap column iw = q*stride_w - pad_left + s*dilation_w
// lies inside the input.
void ValidColumns(const ConvParams& p, int64_t s, int64_t* lo, int64_t* hi, int64_t* iw_at_0) {
  const int64_t iw0 = s * p.dilation_w - p.pad_left;
  *iw_at_0 = iw0;
  *lo = iw0 >= 0 ? 0 : std::min<int64_t>(p.q, CeilDiv(-iw0, p.stride_w));
  *hi = iw0 >= p.w ? 0 : std::min<int64_t>(p.q, CeilDiv(p.w - iw0, p.stride_w));
  if (*hi < *lo) *hi = *lo;
}

}  // namespace

void DepthwiseForward(const ConvParams& p, const float* x, const float* w, const float* bias, float* y) {
  const int64_t kg = p.KPerGroup(), rs = int64_t{p.r} * p.s, pq = int64_t{p.p} * p.q, hw = int64_t{p.h} * p.w;
  const int64_t sw = p.stride_w;
  ThreadPool::Get().ParallelFor(int64_t{p.n} * p.k, [&](int64_t item, int) {
    const int64_t n = item / p.k, k = item % p.k, g = k / kg;
    const float* plane = x + (n * p.c + g) * hw;
    const float* wk = w + k * rs;
    float* out = y + item * pq;
    const float b0 = bias ? bias[k] : 0.f;
    for (int64_t op = 0; op < p.p; ++op) {
      float* row = out + op * p.q;
      std::fill(row, row + p.q, b0);
      for (int64_t r = 0; r < p.r; ++r) {
        const int64_t ih = op * p.stride_h - p.pad_top + r * p.dilation_h;
        if (ih < 0 || ih >= p.h) continue;
        for (int64_t s = 0; s < p.s; ++s) {
          int64_t lo, hi, iw0;
          ValidColumns(p, s, &lo, &hi, &iw0);
          const float wv = wk[r * p.s + s];
          const float* src = plane + ih * p.w + iw0;
          if (sw == 1) {
            for (int64_t t = lo; t < hi; ++t) row[t] += wv * src[t];
          } else {
            for (int64_t t = lo; t < hi; ++t) row[t] += wv * src[t * sw];
          }
        }
      }
    }
  });
}

void DepthwiseBackwardData(const ConvParams& p, const float* dy, const float* w, float* dx) {
  const int64_t kg = p.KPerGroup(), rs = int64_t{p.r} * p.s, pq = int64_t{p.p} * p.q, hw = int64_t{p.h} * p.w;
  const int64_t sw = p.stride_w;
  ThreadPool::Get().ParallelFor(int64_t{p.n} * p.c, [&](int64_t item, int) {
    const int64_t n = item / p.c, g = item % p.c;
    float* plane = dx + item * hw;
    std::fill(plane, plane + hw, 0.f);
    for (int64_t k = g * kg; k < (g + 1) * kg; ++k) {
      const float* grad = dy + (n * p.k + k) * pq;
      const float* wk = w + k * rs;
      for (int64_t op = 0; op < p.p; ++op) {
        const float* row = grad + op * p.q;
        for (int64_t r = 0; r < p.r; ++r) {
          const int64_t ih = op * p.stride_h - p.pad_top + r * p.dilation_h;
          if (ih < 0 || ih >= p.h) continue;
          for (int64_t s = 0; s < p.s; ++s) {
            int64_t lo, hi, iw0;
            ValidColumns(p, s, &lo, &hi, &iw0);
            const float wv = wk[r * p.s + s];
            float* dst = plane + ih * p.w + iw0;
            if (sw == 1) {
              for (int64_t t = lo; t < hi; ++t) dst[t] += wv * row[t];
            } else {
              for (int64_t t = lo; t < hi; ++t) dst[t * sw] += wv * row[t];
            }
          }
        }
      }
    }
  });
}

void DepthwiseBackwardFilter(const ConvParams& p, const float* x, const float* dy, float* dw) {
  const int64_t kg = p.KPerGroup(), rs = int64_t{p.r} * p.s, pq = int64_t{p.p} * p.q, hw = int64_t{p.h} * p.w;
  const int64_t sw = p.stride_w;
  ThreadPool::Get().ParallelFor(p.k, [&](int64_t k, int) {
    const int64_t g = k / kg;
    std::vector<double> acc(static_cast<size_t>(rs), 0.0);  // per tap, across images and rows
    for (int64_t n = 0; n < p.n; ++n) {
      const float* plane = x + (n * p.c + g) * hw;
      const float* grad = dy + (n * p.k + k) * pq;
      for (int64_t op = 0; op < p.p; ++op) {
        const float* row = grad + op * p.q;
        for (int64_t r = 0; r < p.r; ++r) {
          const int64_t ih = op * p.stride_h - p.pad_top + r * p.dilation_h;
          if (ih < 0 || ih >= p.h) continue;
          for (int64_t s = 0; s < p.s; ++s) {
            int64_t lo, hi, iw0;
            ValidColumns(p, s, &lo, &hi, &iw0);
            const float* src = plane + ih * p.w + iw0;
            float sum = 0.f;
            if (sw == 1) {
              for (int64_t t = lo; t < hi; ++t) sum += row[t] * src[t];
            } else {
              for (int64_t t = lo; t < hi; ++t) sum += row[t] * src[t * sw];
            }
            acc[r * p.s + s] += sum;
          }
        }
      }
    }
    for (int64_t i = 0; i < rs; ++i) dw[k * rs + i] = static_cast<float>(acc[i]);
  });
}

}  // namespace rocm_patch::cpu
