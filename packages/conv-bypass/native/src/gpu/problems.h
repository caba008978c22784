// The four GEMM views of a convolution that igemm_kernel runs. Each problem gathers its A and B tiles
// straight from the tensors (predicated loads: out-of-image taps, partial tiles and invalid rows read
// as 0) and stores C through its epilogue. Layouts: x NCHW, w KCRS (C per group), y/dy NKPQ.
#pragma once

#include "igemm.h"

namespace rocm_patch {
namespace gpu {
namespace kern {

constexpr int kInvalid = -0x40000000;  // an offset that makes every bounds check fail

__device__ __forceinline__ int mod_pos(int a, int b) { return ((a % b) + b) % b; }

struct Slice {
  int M, N, kbeg, kend, g;
};

// ---------------------------------------------------------------------------------------------
// Forward: M = N·P·Q output pixels, N = K/G output channels, Kgemm = C/G·R·S taps. zz = split-K slice.
struct FwdProblem {
  Geo geo;
  const float* __restrict__ x;
  const float* __restrict__ w;
  const float* __restrict__ bias;  // may be null
  float* __restrict__ y;
  int relu;
  int kchunk;  // taps per split-K slice (a multiple of BK)
  int vec4;    // P·Q % 4 == 0: four consecutive rows are four consecutive pixels of one image

  using Slice = kern::Slice;
  __device__ Slice slice(int g, int zz) const {
    Slice s;
    s.M = geo.N * geo.P * geo.Q;
    s.N = geo.Kg;
    const int kt = geo.Cg * geo.R * geo.S;
    s.kbeg = zz * kchunk;
    s.kend = min(kt, s.kbeg + kchunk);
    s.g = g;
    return s;
  }

  // A: im2col(x) gathered on the fly. Lanes run along m (consecutive output pixels → coalesced x
  // reads at stride 1); each thread keeps one tap row k per tile, so the k → (c, r, s) division is
  // done once per tile, and its rows' (n, p, q) decompositions once per block.
  template <class Cfg>
  struct ALoader {
    static constexpr int LANES = Cfg::NT / Cfg::BK;
    static constexpr int PER = Cfg::BM / LANES;
    static_assert(Cfg::BM % LANES == 0, "BM must be a multiple of NT/BK");
    int kr, ml;
    int base[PER], ih0[PER], iw0[PER];
    float v[PER];
    __device__ void init(const FwdProblem& p, const Slice& sl, int m0, int tid) {
      kr = tid / LANES;
      ml = tid % LANES;
      const Geo& G = p.geo;
      const int PQ = G.P * G.Q;
#pragma unroll
      for (int i = 0; i < PER; ++i) {
        const int m = m0 + ml + i * LANES;
        if (m < sl.M) {
          const int n = m / PQ, pq = m - n * PQ, pp = pq / G.Q, q = pq - pp * G.Q;
          base[i] = (n * G.C + sl.g * G.Cg) * G.H * G.W;
          ih0[i] = pp * G.sh - G.ph;
          iw0[i] = q * G.sw - G.pw;
        } else {
          base[i] = 0;
          ih0[i] = kInvalid;
          iw0[i] = 0;
        }
      }
    }
    __device__ void load(const FwdProblem& p, const Slice& sl, int k0) {
      const Geo& G = p.geo;
      const int k = k0 + kr;
      if (k < sl.kend) {
        const int RS = G.R * G.S;
        const int c = k / RS, rs = k - c * RS, r = rs / G.S, s = rs - r * G.S;
        const int off = c * G.H * G.W, rh = r * G.dh, sw = s * G.dw;
#pragma unroll
        for (int i = 0; i < PER; ++i) {
          const int ih = ih0[i] + rh, iw = iw0[i] + sw;
          v[i] = (in_range(ih, G.H) && in_range(iw, G.W)) ? p.x[base[i] + off + ih * G.W + iw] : 0.f;
        }
      } else {
#pragma unroll
        for (int i = 0; i < PER; ++i) v[i] = 0.f;
      }
    }
    __device__ void store(float (&As)[Cfg::BK][Cfg::BM + kPad]) const {
#pragma unroll
      for (int i = 0; i < PER; ++i) As[kr][ml + i * LANES] = v[i];
    }
  };

  // B: the filter, B[k][j] = w[(g·Kg + j)·Kgemm + k]. Lanes run along k (contiguous in KCRS).
  template <class Cfg>
  struct BLoader {
    static constexpr int JL = Cfg::NT / Cfg::BK;
    static constexpr int PER = (Cfg::BN + JL - 1) / JL;
    int kb, jl;
    int wrow[PER];
    float v[PER];
    __device__ void init(const FwdProblem& p, const Slice& sl, int j0, int tid) {
      kb = tid % Cfg::BK;
      jl = tid / Cfg::BK;
      const int kt = p.geo.Cg * p.geo.R * p.geo.S;
#pragma unroll
      for (int i = 0; i < PER; ++i) {
        const int jj = jl + i * JL, j = j0 + jj;
        wrow[i] = (jj < Cfg::BN && j < sl.N) ? (sl.g * p.geo.Kg + j) * kt : -1;
      }
    }
    __device__ void load(const FwdProblem& p, const Slice& sl, int k0) {
      const int k = k0 + kb;
#pragma unroll
      for (int i = 0; i < PER; ++i) v[i] = (wrow[i] >= 0 && k < sl.kend) ? p.w[wrow[i] + k] : 0.f;
    }
    __device__ void store(float (&Bs)[Cfg::BK][Cfg::BN + kPad]) const {
#pragma unroll
      for (int i = 0; i < PER; ++i)
        if (jl + i * JL < Cfg::BN) Bs[kb][jl + i * JL] = v[i];
    }
  };

  __device__ bool can_store4(const Slice&) const { return vec4 != 0; }
  __device__ float epilogue(int kc, float v) const {
    if (bias != nullptr) v += bias[kc];
    if (relu && v < 0.f) v = 0.f;  // NaN stays NaN
    return v;
  }
  __device__ void store(const Slice&, int g, int m, int n, float v) const {
    const int PQ = geo.P * geo.Q, nb = m / PQ, pq = m - nb * PQ, kc = g * geo.Kg + n;
    y[(nb * geo.K + kc) * PQ + pq] = epilogue(kc, v);
  }
  __device__ void store4(const Slice&, int g, int m, int n, float4 v) const {
    const int PQ = geo.P * geo.Q, nb = m / PQ, pq = m - nb * PQ, kc = g * geo.Kg + n;
    v.x = epilogue(kc, v.x); v.y = epilogue(kc, v.y); v.z = epilogue(kc, v.z); v.w = epilogue(kc, v.w);
    *reinterpret_cast<float4*>(&y[(nb * geo.K + kc) * PQ + pq]) = v;
  }
};

// ---------------------------------------------------------------------------------------------
// The original method: an explicit unfold buffer col[C·R·S][Mc] for a chunk of images (Mc = nb·P·Q),
// then the same GEMM with A read from col. n0 is the chunk's first image.
struct UnfoldProblem : FwdProblem {
  const float* __restrict__ col;
  int Mc;
  int n0;

  __device__ Slice slice(int g, int zz) const {
    Slice s = FwdProblem::slice(g, zz);
    s.M = Mc;
    return s;
  }
  template <class Cfg>
  struct ALoader {
    static constexpr int LANES = Cfg::NT / Cfg::BK;
    static constexpr int PER = Cfg::BM / LANES;
    int kr, mrow;
    float v[PER];
    __device__ void init(const UnfoldProblem&, const Slice&, int m0, int tid) {
      kr = tid / LANES;
      mrow = m0 + tid % LANES;
    }
    __device__ void load(const UnfoldProblem& p, const Slice& sl, int k0) {
      const int k = k0 + kr;
      const int kt = p.geo.Cg * p.geo.R * p.geo.S;
      const float* row = p.col + static_cast<size_t>(sl.g * kt + k) * p.Mc;
#pragma unroll
      for (int i = 0; i < PER; ++i) {
        const int m = mrow + i * LANES;
        v[i] = (k < sl.kend && m < sl.M) ? row[m] : 0.f;
      }
    }
    __device__ void store(float (&As)[Cfg::BK][Cfg::BM + kPad]) const {
#pragma unroll
      for (int i = 0; i < PER; ++i) As[kr][(threadIdx.x % LANES) + i * LANES] = v[i];
    }
  };
  __device__ void store(const Slice& sl, int g, int m, int n, float v) const {
    FwdProblem::store(sl, g, m + n0 * geo.P * geo.Q, n, v);
  }
  __device__ void store4(const Slice& sl, int g, int m, int n, float4 v) const {
    FwdProblem::store4(sl, g, m + n0 * geo.P * geo.Q, n, v);
  }
};

// ---------------------------------------------------------------------------------------------
// Backward-data: dx = conv_transpose(dy, w). For stride s > 1 the input pixels split into sh·sw phases
// (h ≡ fh mod sh, w ≡ fw mod sw); in one phase only the taps r with (fh + ph − r·dh) ≡ 0 (mod sh)
// contribute — an arithmetic progression r0 + t·(sh / gcd(sh, dh)) — and each contributes
// dy[p = i + (fh + ph − r·dh)/sh], a stride-1 gather. So each phase is a dense implicit GEMM with
// M = N·Hf·Wf, N = C/G, Kgemm = K/G·nr·ns, and no multiply by an inserted zero. zz = phase.
struct BwdDataSlice : Slice {
  int fh, fw, Hf, Wf, r0, rstep, nr, s0, sstep, ns;
};

struct BwdDataProblem {
  Geo geo;
  const float* __restrict__ dy;
  const float* __restrict__ wt;  // the filter as [K][R][S][C/G] (see transpose_filter_kernel)
  float* __restrict__ dx;
  int vec4;    // stride 1 and H·W % 4 == 0
  int kchunk;  // split-K slice length; split-K is used only with one phase (stride 1), zz = slice.
               // With several phases: at least every phase's K/G·nr·ns (one slice)

  using Slice = BwdDataSlice;
  __device__ static void taps(int f, int pad, int stride, int dil, int R, int* r0, int* step, int* count) {
    *r0 = 0; *count = 0;
    for (int r = R - 1; r >= 0; --r)
      if (mod_pos(f + pad - r * dil, stride) == 0) { *r0 = r; ++*count; }
    int a = stride, b = dil;  // step = stride / gcd(stride, dilation)
    while (b != 0) { const int t = a % b; a = b; b = t; }
    *step = stride / a;
  }
  __device__ Slice slice(int g, int zz) const {
    Slice s;
    s.g = g;
    const int phases = geo.sh * geo.sw, phase = zz % phases, split = zz / phases;
    s.fh = phase % geo.sh;
    s.fw = phase / geo.sh;
    s.Hf = s.fh < geo.H ? (geo.H - s.fh + geo.sh - 1) / geo.sh : 0;
    s.Wf = s.fw < geo.W ? (geo.W - s.fw + geo.sw - 1) / geo.sw : 0;
    taps(s.fh, geo.ph, geo.sh, geo.dh, geo.R, &s.r0, &s.rstep, &s.nr);
    taps(s.fw, geo.pw, geo.sw, geo.dw, geo.S, &s.s0, &s.sstep, &s.ns);
    s.M = geo.N * s.Hf * s.Wf;
    s.N = geo.Cg;
    const int kt = geo.Kg * s.nr * s.ns;  // 0 when no tap reaches this phase: the tile stores zeros
    s.kbeg = split * kchunk;
    s.kend = min(kt, s.kbeg + kchunk);
    return s;
  }

  template <class Cfg>
  struct ALoader {  // dy gathered per phase; lanes along m
    static constexpr int LANES = Cfg::NT / Cfg::BK;
    static constexpr int PER = Cfg::BM / LANES;
    static_assert(Cfg::BM % LANES == 0, "BM must be a multiple of NT/BK");
    int kr, ml;
    int base[PER], pi[PER], qj[PER];
    float v[PER];
    __device__ void init(const BwdDataProblem& p, const Slice& sl, int m0, int tid) {
      kr = tid / LANES;
      ml = tid % LANES;
      const Geo& G = p.geo;
      const int HW = sl.Hf * sl.Wf;
#pragma unroll
      for (int i = 0; i < PER; ++i) {
        const int m = m0 + ml + i * LANES;
        if (m < sl.M) {
          const int n = m / HW, rem = m - n * HW, ii = rem / sl.Wf;
          base[i] = (n * G.K + sl.g * G.Kg) * G.P * G.Q;
          pi[i] = ii;
          qj[i] = rem - ii * sl.Wf;
        } else {
          base[i] = 0;
          pi[i] = kInvalid;
          qj[i] = 0;
        }
      }
    }
    __device__ void load(const BwdDataProblem& p, const Slice& sl, int k0) {
      const Geo& G = p.geo;
      const int k = k0 + kr;
      if (k < sl.kend) {
        const int nrs = sl.nr * sl.ns;
        const int kc = k / nrs, rem = k - kc * nrs, ri = rem / sl.ns, si = rem - ri * sl.ns;
        const int r = sl.r0 + ri * sl.rstep, s = sl.s0 + si * sl.sstep;
        const int dp = (sl.fh + G.ph - r * G.dh) / G.sh;  // exact: the phase makes it divisible
        const int dq = (sl.fw + G.pw - s * G.dw) / G.sw;
        const int off = kc * G.P * G.Q;
#pragma unroll
        for (int i = 0; i < PER; ++i) {
          const int pp = pi[i] + dp, q = qj[i] + dq;
          v[i] = (in_range(pp, G.P) && in_range(q, G.Q)) ? p.dy[base[i] + off + pp * G.Q + q] : 0.f;
        }
      } else {
#pragma unroll
        for (int i = 0; i < PER; ++i) v[i] = 0.f;
      }
    }
    __device__ void store(float (&As)[Cfg::BK][Cfg::BM + kPad]) const {
#pragma unroll
      for (int i = 0; i < PER; ++i) As[kr][ml + i * LANES] = v[i];
    }
  };

  template <class Cfg>
  struct BLoader {  // wt[(k·R + r)·S + s][c]; lanes along c (contiguous), one tap row k per thread
    static constexpr int JLANES = Cfg::BN < 32 ? Cfg::BN : 32;
    static constexpr int KROWS = Cfg::NT / JLANES;
    static constexpr int PER = Cfg::BN / JLANES;
    static_assert(KROWS >= Cfg::BK, "every tap row of the tile needs a thread row");
    int jl, kb;
    int col[PER];
    float v[PER];
    __device__ void init(const BwdDataProblem&, const Slice& sl, int j0, int tid) {
      jl = tid % JLANES;
      kb = tid / JLANES;
#pragma unroll
      for (int i = 0; i < PER; ++i) {
        const int j = j0 + jl + i * JLANES;
        col[i] = j < sl.N ? j : -1;
      }
    }
    __device__ void load(const BwdDataProblem& p, const Slice& sl, int k0) {
      const Geo& G = p.geo;
      const int k = k0 + kb;
      if (kb < Cfg::BK && k < sl.kend) {
        const int nrs = sl.nr * sl.ns;
        const int kc = k / nrs, rem = k - kc * nrs, ri = rem / sl.ns, si = rem - ri * sl.ns;
        const int r = sl.r0 + ri * sl.rstep, s = sl.s0 + si * sl.sstep;
        const float* row = p.wt + (((sl.g * G.Kg + kc) * G.R + r) * G.S + s) * G.Cg;
#pragma unroll
        for (int i = 0; i < PER; ++i) v[i] = col[i] >= 0 ? row[col[i]] : 0.f;
      } else {
#pragma unroll
        for (int i = 0; i < PER; ++i) v[i] = 0.f;
      }
    }
    __device__ void store(float (&Bs)[Cfg::BK][Cfg::BN + kPad]) const {
      if (kb < Cfg::BK) {
#pragma unroll
        for (int i = 0; i < PER; ++i) Bs[kb][jl + i * JLANES] = v[i];
      }
    }
  };

  __device__ bool can_store4(const Slice&) const { return vec4 != 0; }
  __device__ int dx_index(const Slice& sl, int g, int m, int c) const {
    const int HW = sl.Hf * sl.Wf, n = m / HW, rem = m - n * HW, ii = rem / sl.Wf, jw = rem - ii * sl.Wf;
    const int h = sl.fh + geo.sh * ii, w = sl.fw + geo.sw * jw;
    return ((n * geo.C + g * geo.Cg + c) * geo.H + h) * geo.W + w;
  }
  __device__ void store(const Slice& sl, int g, int m, int c, float v) const { dx[dx_index(sl, g, m, c)] = v; }
  __device__ void store4(const Slice& sl, int g, int m, int c, float4 v) const {
    *reinterpret_cast<float4*>(&dx[dx_index(sl, g, m, c)]) = v;
  }
};

// ---------------------------------------------------------------------------------------------
// Backward-filter: M = K/G, N = C/G·R·S, Kgemm = N·P·Q (the batch and the output pixels), split into
// slices zz of kchunk; each slice writes its own workspace plane (no atomics), reduce_kernel adds them.
struct BwdFilterProblem {
  Geo geo;
  const float* __restrict__ dy;
  const float* __restrict__ x;
  float* __restrict__ dw;
  int kchunk;

  using Slice = kern::Slice;
  __device__ Slice slice(int g, int zz) const {
    Slice s;
    s.M = geo.Kg;
    s.N = geo.Cg * geo.R * geo.S;
    const int kt = geo.N * geo.P * geo.Q;
    s.kbeg = zz * kchunk;
    s.kend = min(kt, s.kbeg + kchunk);
    s.g = g;
    return s;
  }

  template <class Cfg>
  struct ALoader {  // dy[n][g·Kg + m][pq]; lanes along the reduction index (contiguous pq)
    static constexpr int MR = Cfg::NT / Cfg::BK;
    static constexpr int PER = Cfg::BM / MR;
    static_assert(Cfg::BM % MR == 0, "BM must be a multiple of NT/BK");
    int kl, mr;
    int moff[PER];
    float v[PER];
    __device__ void init(const BwdFilterProblem& p, const Slice& sl, int m0, int tid) {
      kl = tid % Cfg::BK;
      mr = tid / Cfg::BK;
#pragma unroll
      for (int i = 0; i < PER; ++i) {
        const int m = m0 + mr + i * MR;
        moff[i] = m < sl.M ? (sl.g * p.geo.Kg + m) * p.geo.P * p.geo.Q : -1;
      }
    }
    __device__ void load(const BwdFilterProblem& p, const Slice& sl, int k0) {
      const int k = k0 + kl;
      if (k < sl.kend) {
        const int PQ = p.geo.P * p.geo.Q, n = k / PQ, pq = k - n * PQ, b = n * p.geo.K * PQ + pq;
#pragma unroll
        for (int i = 0; i < PER; ++i) v[i] = moff[i] >= 0 ? p.dy[b + moff[i]] : 0.f;
      } else {
#pragma unroll
        for (int i = 0; i < PER; ++i) v[i] = 0.f;
      }
    }
    __device__ void store(float (&As)[Cfg::BK][Cfg::BM + kPad]) const {
#pragma unroll
      for (int i = 0; i < PER; ++i) As[kl][mr + i * MR] = v[i];
    }
  };

  template <class Cfg>
  struct BLoader {  // x gathered at the tap (c, r, s) of column j; lanes along the reduction index
    static constexpr int JR = Cfg::NT / Cfg::BK;
    static constexpr int PER = Cfg::BN / JR;
    static_assert(Cfg::BN % JR == 0, "BN must be a multiple of NT/BK");
    int kl, jr;
    int coff[PER], rh[PER], sw[PER];
    float v[PER];
    __device__ void init(const BwdFilterProblem& p, const Slice& sl, int j0, int tid) {
      kl = tid % Cfg::BK;
      jr = tid / Cfg::BK;
      const Geo& G = p.geo;
      const int RS = G.R * G.S;
#pragma unroll
      for (int i = 0; i < PER; ++i) {
        const int j = j0 + jr + i * JR;
        if (j < sl.N) {
          const int c = j / RS, rs = j - c * RS, r = rs / G.S, s = rs - r * G.S;
          coff[i] = c * G.H * G.W;
          rh[i] = r * G.dh;
          sw[i] = s * G.dw;
        } else {
          coff[i] = 0;
          rh[i] = kInvalid;
          sw[i] = 0;
        }
      }
    }
    __device__ void load(const BwdFilterProblem& p, const Slice& sl, int k0) {
      const Geo& G = p.geo;
      const int k = k0 + kl;
      if (k < sl.kend) {
        const int PQ = G.P * G.Q, n = k / PQ, pq = k - n * PQ, pp = pq / G.Q, q = pq - pp * G.Q;
        const int xb = (n * G.C + sl.g * G.Cg) * G.H * G.W;
        const int ih0 = pp * G.sh - G.ph, iw0 = q * G.sw - G.pw;
#pragma unroll
        for (int i = 0; i < PER; ++i) {
          const int ih = ih0 + rh[i], iw = iw0 + sw[i];
          v[i] = (in_range(ih, G.H) && in_range(iw, G.W)) ? p.x[xb + coff[i] + ih * G.W + iw] : 0.f;
        }
      } else {
#pragma unroll
        for (int i = 0; i < PER; ++i) v[i] = 0.f;
      }
    }
    __device__ void store(float (&Bs)[Cfg::BK][Cfg::BN + kPad]) const {
#pragma unroll
      for (int i = 0; i < PER; ++i) Bs[kl][jr + i * JR] = v[i];
    }
  };

  __device__ bool can_store4(const Slice&) const { return false; }
  __device__ void store(const Slice& sl, int g, int m, int n, float v) const {
    dw[(g * geo.Kg + m) * sl.N + n] = v;
  }
  __device__ void store4(const Slice&, int, int, int, float4) const {}
};

}  // namespace kern
}  // namespace gpu
}  // namespace rocm_patch
