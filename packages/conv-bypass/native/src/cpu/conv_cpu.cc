// Convolutions as GEMMs over implicit im2col matrices (per image n and group g):
//   forward         Y[Kg × PQ]   = W[Kg × CgRS] · col(X)[CgRS × PQ]
//   backward data   dcol[CgRS × PQ] = Wᵀ · dY[Kg × PQ], then col2im (scatter-add) into dX
//   backward filter dWᵀ[CgRS × Kg] = col(X)[CgRS × (N·PQ)] · dYᵀ[(N·PQ) × Kg]
// col(X) is never built whole: the packing callbacks gather it block by block from X.
#include "cpu/conv_cpu.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <vector>

#include "cpu/gemm.h"
#include "cpu/multiversion.h"
#include "cpu/thread_pool.h"

namespace rocm_patch::cpu {

namespace {

int64_t CeilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

// For filter tap (r, s), the input values seen by the output positions j0 .. j0+len-1 of one
// channel plane (positions in row-major P×Q order; zero where the tap falls in the padding):
// dst[t*ds] = plane[ih*W + iw].
ROCM_PATCH_MULTIVERSION void GatherTap(const float* plane, const ConvParams& p, int64_t r, int64_t s, int64_t j0, int64_t len, float* dst,
               int64_t ds) {
  int64_t op = j0 / p.q, oq = j0 % p.q;
  const int64_t sw = p.stride_w;
  while (len > 0) {
    const int64_t run = std::min(len, p.q - oq);
    const int64_t ih = op * p.stride_h - p.pad_top + r * p.dilation_h;
    int64_t lo = run, hi = run;  // valid t in [lo, hi)
    if (ih >= 0 && ih < p.h) {
      const int64_t iw0 = oq * sw - p.pad_left + s * p.dilation_w;
      lo = iw0 >= 0 ? 0 : std::min(run, CeilDiv(-iw0, sw));
      hi = iw0 >= p.w ? 0 : std::min(run, CeilDiv(p.w - iw0, sw));
      if (hi < lo) hi = lo;
      const float* src = plane + ih * p.w + iw0;
      if (sw == 1 && ds == 1) {
        std::memcpy(dst + lo, src + lo, (hi - lo) * sizeof(float));
      } else if (sw == 2 && ds == 1) {  // constant stride: the compiler vectorises it
        for (int64_t t = lo; t < hi; ++t) dst[t] = src[2 * t];
      } else {
        for (int64_t t = lo; t < hi; ++t) dst[t * ds] = src[t * sw];
      }
    }
    for (int64_t t = 0; t < lo; ++t) dst[t * ds] = 0.f;
    for (int64_t t = hi; t < run; ++t) dst[t * ds] = 0.f;
    dst += run * ds;
    len -= run;
    oq = 0;
    ++op;
  }
}

// The adjoint of GatherTap: plane[ih*W + iw] += src[t] for the positions inside the input.
ROCM_PATCH_MULTIVERSION void ScatterTapAdd(float* plane, const ConvParams& p, int64_t r, int64_t s, int64_t j0, int64_t len,
                   const float* src) {
  int64_t op = j0 / p.q, oq = j0 % p.q;
  const int64_t sw = p.stride_w;
  while (len > 0) {
    const int64_t run = std::min(len, p.q - oq);
    const int64_t ih = op * p.stride_h - p.pad_top + r * p.dilation_h;
    if (ih >= 0 && ih < p.h) {
      const int64_t iw0 = oq * sw - p.pad_left + s * p.dilation_w;
      const int64_t lo = iw0 >= 0 ? 0 : std::min(run, CeilDiv(-iw0, sw));
      const int64_t hi = iw0 >= p.w ? 0 : std::min(run, CeilDiv(p.w - iw0, sw));
      float* dst = plane + ih * p.w + iw0;
      for (int64_t t = lo; t < hi; ++t) dst[t * sw] += src[t];
    }
    src += run;
    len -= run;
    oq = 0;
    ++op;
  }
}

// 1 Mi floats (4 MiB): small enough that a dcol chunk is still in cache when col2im reads it back
// (measured ~20% faster than 16 MiB on the suite's strided layers), large enough to batch images.
std::atomic<int64_t> g_workspace_floats{int64_t{1} << 20};

}  // namespace

int64_t WorkspaceFloats() { return g_workspace_floats.load(); }
void SetWorkspaceFloats(int64_t floats) { g_workspace_floats.store(std::max<int64_t>(1, floats)); }

// Rows [k0, k0+klen) of col(X) — row (c, r, s) of group `group` — for the columns [n0, n0+nlen),
// where the columns run over the output pixels of images img0, img0+1, ... (P·Q columns each), as
// GEMM B panels. Each row is gathered into a line first, so the gathering runs over long spans.
static ROCM_PATCH_MULTIVERSION void PackIm2colB(const ConvParams& p, const float* x, int64_t img0, int64_t group, int64_t k0, int64_t klen,
                 int64_t n0, int64_t nlen, float* dst, int nr) {
  const int64_t cg = p.CPerGroup(), rs = int64_t{p.r} * p.s, pq = int64_t{p.p} * p.q, hw = int64_t{p.h} * p.w;
  alignas(64) float line[kGemmNc];
  for (int64_t kk = 0; kk < klen; ++kk) {
    const int64_t row = k0 + kk, c = row / rs, r = row % rs / p.s, s = row % p.s;
    for (int64_t j = n0; j < n0 + nlen;) {
      const int64_t img = img0 + j / pq, pix = j % pq, len = std::min(n0 + nlen - j, pq - pix);
      GatherTap(x + (img * p.c + group * cg + c) * hw, p, r, s, pix, len, line + (j - n0), 1);
      j += len;
    }
    for (int64_t jp = 0; jp * nr < nlen; ++jp) {
      const int64_t cols = std::min<int64_t>(nr, nlen - jp * nr);
      float* out = dst + (jp * klen + kk) * nr;
      std::memcpy(out, line + jp * nr, cols * sizeof(float));
      for (int64_t j = cols; j < nr; ++j) out[j] = 0.f;
    }
  }
}

void Conv2dForward(const ConvParams& p, const float* x, const float* w, const float* bias, float* y) {
  if (p.CPerGroup() == 1) return DepthwiseForward(p, x, w, bias, y);
  const int64_t kg = p.KPerGroup(), crs = int64_t{p.CPerGroup()} * p.r * p.s, pq = int64_t{p.p} * p.q;
  ThreadPool& pool = ThreadPool::Get();
  GemmBatch g;
  g.m = kg;
  g.k = crs;
  g.pack_a = [&](int64_t b, int64_t m0, int64_t mlen, int64_t k0, int64_t klen, float* dst, int mr) {
    PackARowMajor(w + (b % p.groups) * kg * crs, crs, m0, mlen, k0, klen, dst, mr);
  };

  // Deep layers have small output planes (7×7): one GEMM per image would have too few columns to
  // fill the vector kernel, so several images share the columns of one GEMM, computed into a
  // workspace and scattered back to NCHW.
  const int64_t imgs = pq >= kGemmNc / 2 ? 1 : std::min<int64_t>(p.n, std::max<int64_t>(1, WorkspaceFloats() / (int64_t{p.k} * pq)));
  if (imgs == 1) {
    if (bias) {
      pool.ParallelFor(int64_t{p.n} * p.k, [&](int64_t i, int) { std::fill(y + i * pq, y + (i + 1) * pq, bias[i % p.k]); });
    }
    g.batch = int64_t{p.n} * p.groups;
    g.n = pq;
    g.ldc = pq;
    g.accumulate = bias != nullptr;
    g.pack_b = [&](int64_t b, int64_t k0, int64_t klen, int64_t n0, int64_t nlen, float* dst, int nr) {
      PackIm2colB(p, x, b / p.groups, b % p.groups, k0, klen, n0, nlen, dst, nr);
    };
    g.c = [&](int64_t b) { return y + (b / p.groups) * p.k * pq + (b % p.groups) * kg * pq; };
    RunGemm(g);
    return;
  }
  std::vector<float> ycat(static_cast<size_t>(int64_t{p.k} * imgs * pq));  // [group][kg][image][pq]
  for (int64_t img0 = 0; img0 < p.n; img0 += imgs) {
    const int64_t count = std::min(imgs, p.n - img0), cols = count * pq;
    g.batch = p.groups;
    g.n = cols;
    g.ldc = cols;
    g.accumulate = false;
    g.pack_b = [&](int64_t b, int64_t k0, int64_t klen, int64_t n0, int64_t nlen, float* dst, int nr) {
      PackIm2colB(p, x, img0, b, k0, klen, n0, nlen, dst, nr);
    };
    g.c = [&](int64_t b) { return ycat.data() + b * kg * cols; };
    RunGemm(g);
    pool.ParallelFor(count * p.k, [&](int64_t item, int) {
      const int64_t i = item / p.k, k = item % p.k;
      const float* src = ycat.data() + k * cols + i * pq;
      float* dst = y + ((img0 + i) * p.k + k) * pq;
      const float b0 = bias ? bias[k] : 0.f;
      for (int64_t j = 0; j < pq; ++j) dst[j] = src[j] + b0;
    });
  }
}

// With stride 1, dX is the forward convolution of dY with the filter flipped in R and S and its
// channel axes swapped, padded by ·dilation - pad: the fast forward path does the work. Its GEMM
// has Cg rows, so with few input channels (a first layer) the col2im path below is faster.
bool BackwardDataAsForward(const ConvParams& p, const float* dy, const float* w, float* dx) {
  if (p.stride_h != 1 || p.stride_w != 1 || p.CPerGroup() < 16) return false;
  const int64_t reach_h = int64_t{p.r - 1} * p.dilation_h, reach_w = int64_t{p.s - 1} * p.dilation_w;
  if (p.pad_top > reach_h || p.pad_left > reach_w || p.PadBottom() > reach_h || p.PadRight() > reach_w) return false;
  ConvParams t = p;
  t.c = p.k;
  t.h = p.p;
  t.w = p.q;
  t.k = p.c;
  t.p = p.h;
  t.q = p.w;
  // Fit in int32: 0 <= reach - pad <= reach < the padded extent, which p.Check() bounds by 2^31-1.
  t.pad_top = static_cast<int32_t>(reach_h - p.pad_top);
  t.pad_left = static_cast<int32_t>(reach_w - p.pad_left);
  if (!t.Check().empty()) return false;
  const int64_t cg = p.CPerGroup(), kg = p.KPerGroup(), rs = int64_t{p.r} * p.s;
  std::vector<float> wt(static_cast<size_t>(p.WSize()));  // [g·Cg + c][kk][R-1-r][S-1-s]
  ThreadPool::Get().ParallelFor(p.k, [&](int64_t k, int) {
    const int64_t grp = k / kg, kk = k % kg;
    for (int64_t c = 0; c < cg; ++c) {
      const float* src = w + (k * cg + c) * rs;
      float* dst = wt.data() + ((grp * cg + c) * kg + kk) * rs;
      for (int64_t i = 0; i < rs; ++i) dst[i] = src[rs - 1 - i];
    }
  });
  Conv2dForward(t, dy, wt.data(), nullptr, dx);
  return true;
}

void Conv2dBackwardData(const ConvParams& p, const float* dy, const float* w, float* dx) {
  if (p.CPerGroup() == 1) return DepthwiseBackwardData(p, dy, w, dx);
  if (BackwardDataAsForward(p, dy, w, dx)) return;
  const int64_t cg = p.CPerGroup(), kg = p.KPerGroup(), rs = int64_t{p.r} * p.s, pq = int64_t{p.p} * p.q;
  const int64_t hw = int64_t{p.h} * p.w, crs = cg * rs;
  const int64_t images = int64_t{p.n} * p.groups;  // (n, g) pairs
  ThreadPool& pool = ThreadPool::Get();

  GemmBatch g;
  g.m = crs;
  g.k = kg;
  g.pack_a = [&](int64_t b, int64_t m0, int64_t mlen, int64_t k0, int64_t klen, float* dst, int mr) {
    PackAColMajor(w + (b % p.groups) * kg * crs, crs, m0, mlen, k0, klen, dst, mr);
  };

  const bool pointwise = p.r == 1 && p.s == 1 && p.stride_h == 1 && p.stride_w == 1 && p.pad_top == 0 &&
                         p.pad_left == 0 && p.p == p.h && p.q == p.w;
  if (pointwise) {  // dX = Wᵀ·dY directly, no col2im
    g.batch = images;
    g.n = pq;
    g.ldc = pq;
    g.pack_b = [&](int64_t b, int64_t k0, int64_t klen, int64_t n0, int64_t nlen, float* dst, int nr) {
      PackBRowMajor(dy + (b / p.groups) * p.k * pq + (b % p.groups) * kg * pq, pq, k0, klen, n0, nlen, dst, nr);
    };
    g.c = [&](int64_t b) { return dx + (b / p.groups) * p.c * hw + (b % p.groups) * cg * hw; };
    RunGemm(g);
    return;
  }

  // dcol for a chunk of (n, g) pairs and a range of output columns, bounded by kWorkspaceFloats.
  const int64_t budget = WorkspaceFloats();
  const int64_t cols = std::min(pq, std::max<int64_t>(16, budget / crs));
  const int64_t per_chunk = cols < pq ? 1 : std::max<int64_t>(1, budget / (crs * pq));
  std::vector<float> dcol(static_cast<size_t>(std::min(per_chunk, images) * crs * cols));
  pool.ParallelFor(int64_t{p.n} * p.c, [&](int64_t i, int) { std::fill(dx + i * hw, dx + (i + 1) * hw, 0.f); });

  for (int64_t b0 = 0; b0 < images; b0 += per_chunk) {
    const int64_t bcount = std::min(per_chunk, images - b0);
    for (int64_t j0 = 0; j0 < pq; j0 += cols) {
      const int64_t ncols = std::min(cols, pq - j0);
      GemmBatch gc = g;
      gc.batch = bcount;
      gc.n = ncols;
      gc.ldc = ncols;
      gc.pack_a = [&](int64_t b, int64_t m0, int64_t mlen, int64_t k0, int64_t klen, float* dst, int mr) {
        g.pack_a(b0 + b, m0, mlen, k0, klen, dst, mr);
      };
      gc.pack_b = [&](int64_t b, int64_t k0, int64_t klen, int64_t n0, int64_t nlen, float* dst, int nr) {
        const int64_t bb = b0 + b;
        const float* dyg = dy + (bb / p.groups) * p.k * pq + (bb % p.groups) * kg * pq + j0;
        PackBRowMajor(dyg, pq, k0, klen, n0, nlen, dst, nr);
      };
      gc.c = [&](int64_t b) { return dcol.data() + b * crs * ncols; };
      RunGemm(gc);
      // col2im: each (pair, channel) plane of dX is written by one thread only.
      pool.ParallelFor(bcount * cg, [&](int64_t item, int) {
        const int64_t b = item / cg, c = item % cg, bb = b0 + b;
        float* plane = dx + (bb / p.groups) * p.c * hw + ((bb % p.groups) * cg + c) * hw;
        const float* src = dcol.data() + b * crs * ncols + c * rs * ncols;
        for (int64_t r = 0; r < p.r; ++r)
          for (int64_t s = 0; s < p.s; ++s) ScatterTapAdd(plane, p, r, s, j0, ncols, src + (r * p.s + s) * ncols);
      });
    }
  }
}

void Conv2dBackwardFilter(const ConvParams& p, const float* x, const float* dy, float* dw) {
  if (p.CPerGroup() == 1) return DepthwiseBackwardFilter(p, x, dy, dw);
  const int64_t cg = p.CPerGroup(), kg = p.KPerGroup(), rs = int64_t{p.r} * p.s, pq = int64_t{p.p} * p.q;
  const int64_t hw = int64_t{p.h} * p.w, crs = cg * rs;
  std::vector<float> dwt(static_cast<size_t>(p.groups * crs * kg));  // dWᵀ per group: CgRS × Kg

  GemmBatch g;
  g.batch = p.groups;
  g.m = crs;
  g.n = kg;
  g.k = int64_t{p.n} * pq;  // the images one after another
  g.ldc = kg;
  g.pack_a = [&](int64_t b, int64_t m0, int64_t mlen, int64_t k0, int64_t klen, float* dst, int mr) {
    for (int64_t ip = 0; ip * mr < mlen; ++ip) {
      float* panel = dst + ip * klen * mr;
      const int64_t rows = std::min<int64_t>(mr, mlen - ip * mr);
      for (int64_t i = 0; i < mr; ++i) {
        if (i >= rows) {
          for (int64_t kk = 0; kk < klen; ++kk) panel[kk * mr + i] = 0.f;
          continue;
        }
        const int64_t row = m0 + ip * mr + i, c = row / rs, r = row % rs / p.s, s = row % p.s;
        for (int64_t kk = 0; kk < klen;) {  // split the k range at image boundaries
          const int64_t img = (k0 + kk) / pq, j = (k0 + kk) % pq, len = std::min(klen - kk, pq - j);
          const float* plane = x + img * p.c * hw + (b * cg + c) * hw;
          GatherTap(plane, p, r, s, j, len, panel + kk * mr + i, mr);
          kk += len;
        }
      }
    }
  };
  g.pack_b = [&](int64_t b, int64_t k0, int64_t klen, int64_t n0, int64_t nlen, float* dst, int nr) {
    for (int64_t jp = 0; jp * nr < nlen; ++jp) {
      float* panel = dst + jp * klen * nr;
      const int64_t cols = std::min<int64_t>(nr, nlen - jp * nr);
      for (int64_t jj = 0; jj < nr; ++jj) {
        if (jj >= cols) {
          for (int64_t kk = 0; kk < klen; ++kk) panel[kk * nr + jj] = 0.f;
          continue;
        }
        const int64_t kout = b * kg + n0 + jp * nr + jj;
        for (int64_t kk = 0; kk < klen;) {
          const int64_t img = (k0 + kk) / pq, j = (k0 + kk) % pq, len = std::min(klen - kk, pq - j);
          const float* src = dy + img * p.k * pq + kout * pq + j;
          for (int64_t t = 0; t < len; ++t) panel[(kk + t) * nr + jj] = src[t];
          kk += len;
        }
      }
    }
  };
  g.c = [&](int64_t b) { return dwt.data() + b * crs * kg; };
  RunGemm(g);
  // dW[g*Kg + k][crs] = dWᵀ_g[crs][k]
  ThreadPool::Get().ParallelFor(p.k, [&](int64_t kout, int) {
    const int64_t grp = kout / kg, kl = kout % kg;
    const float* src = dwt.data() + grp * crs * kg + kl;
    float* dst = dw + kout * crs;
    for (int64_t i = 0; i < crs; ++i) dst[i] = src[i * kg];
  });
}

}  // namespace rocm_patch::cpu
