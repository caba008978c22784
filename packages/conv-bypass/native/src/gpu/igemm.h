// The shared implicit-GEMM engine: one tiled FP32 GEMM main loop (shared-memory double buffering,
// register blocking) that every convolution direction instantiates with its own "problem" type. A
// problem says how its A (M×Kgemm) and B (Kgemm×N) tiles are gathered from the tensors — with the
// padding/stride/dilation/group predicates folded into the loads, so no im2col buffer exists — and how
// an accumulated C element is stored (bias/ReLU epilogue, or scatter into dx/dw).
//
// Grid: x = M tiles, y = N tiles, z = group + groups·zz, where zz is the split-K slice (forward,
// backward-filter) or the stride phase (backward-data); the problem decides what zz means.
// Split-K never uses atomics: slice zz writes its partial sums to its own workspace plane and
// reduce_kernel adds the planes in a fixed order, so reruns are bit-identical.
#pragma once

#include "vendor.h"

namespace rocm_patch {
namespace gpu {
namespace kern {

// Convolution geometry as the kernels see it (32-bit indices: the launchers reject tensors of 2^31
// elements or more before launching).
struct Geo {
  int N, C, H, W, K, R, S, P, Q;
  int sh, sw, ph, pw, dh, dw;
  int G, Cg, Kg;
};

// MINB: blocks per multiprocessor the register allocation must allow (RP_LAUNCH_BOUNDS: on AMD
// converted into waves per SIMD).
template <int BM_, int BN_, int BK_, int TM_, int TN_, int MINB_ = 1>
struct Tile {
  static constexpr int BM = BM_, BN = BN_, BK = BK_, TM = TM_, TN = TN_, MINB = MINB_;
  static constexpr int NT = (BM / TM) * (BN / TN);
  static_assert(TM % 4 == 0 && TN % 4 == 0, "fragments are read as float4");
  static_assert(NT % BK == 0, "loaders split threads into BK rows");
};

// Shared-memory row padding (floats): keeps rows 16-byte aligned for float4 reads and spreads the
// transposed stores of the loaders over the banks.
constexpr int kPad = 4;

// Row (or column) of fragment element i for thread t: TM/4 slabs, 4 consecutive rows per slab.
template <int B, int T>
__device__ __forceinline__ int frag_index(int t, int i) {
  return (i / 4) * (B / (T / 4)) + t * 4 + (i % 4);
}

__device__ __forceinline__ bool in_range(int v, int n) { return static_cast<unsigned>(v) < static_cast<unsigned>(n); }

template <class Cfg, class Problem>
__global__ void RP_LAUNCH_BOUNDS(Cfg::NT, Cfg::MINB) igemm_kernel(Problem prob, float* __restrict__ ws) {
  constexpr int BM = Cfg::BM, BN = Cfg::BN, BK = Cfg::BK, TM = Cfg::TM, TN = Cfg::TN;
  static_assert(Cfg::NT % RP_WAVE == 0, "a block must be whole waves");
  __shared__ __align__(16) float As[2][BK][BM + kPad];
  __shared__ __align__(16) float Bs[2][BK][BN + kPad];

  const int tid = threadIdx.x;
  const int g = blockIdx.z % prob.geo.G;
  const int zz = blockIdx.z / prob.geo.G;
  typename Problem::Slice sl = prob.slice(g, zz);
  const int m0 = blockIdx.x * BM;
  const int j0 = blockIdx.y * BN;
  if (m0 >= sl.M) return;  // the grid is sized for the largest slice (backward-data phases differ)

  typename Problem::template ALoader<Cfg> la;
  typename Problem::template BLoader<Cfg> lb;
  la.init(prob, sl, m0, tid);
  lb.init(prob, sl, j0, tid);

  float acc[TM][TN];
#pragma unroll
  for (int i = 0; i < TM; ++i)
#pragma unroll
    for (int j = 0; j < TN; ++j) acc[i][j] = 0.f;

  const int tm = tid % (BM / TM);
  const int tn = tid / (BM / TM);
  int k = sl.kbeg;
  if (k < sl.kend) {
    la.load(prob, sl, k);
    lb.load(prob, sl, k);
    la.store(As[0]);
    lb.store(Bs[0]);
  }
  __syncthreads();
  int buf = 0;
  for (; k < sl.kend; k += BK) {
    const bool more = k + BK < sl.kend;
    if (more) {  // global loads of the next tile overlap this tile's arithmetic
      la.load(prob, sl, k + BK);
      lb.load(prob, sl, k + BK);
    }
    // AMD: two k steps per iteration, not BK. Fully unrolled, the AMD compiler hoists every LDS
    // fragment read of the stage above its FMAs, so all fragments are live at once (about twice the
    // tile's registers: 223–256 VGPRs for the 128×128 tiles on gfx1010, the largest spilling; 412–1088
    // bytes of scratch per lane on gfx90c; 106–122 VGPRs and no scratch with two steps). Each acc[i][j]
    // still sums kk = 0, 1, ... in order: the same FMAs in the same order, bit-identical results.
    // NVIDIA keeps the full unroll (its PTX is unchanged).
#if defined(__HIP_DEVICE_COMPILE__) && defined(__AMDGCN__)
#pragma unroll 2
#else
#pragma unroll
#endif
    for (int kk = 0; kk < BK; ++kk) {
      float a[TM], b[TN];
#pragma unroll
      for (int i = 0; i < TM; i += 4) {
        const float4 v = *reinterpret_cast<const float4*>(&As[buf][kk][frag_index<BM, TM>(tm, i)]);
        a[i] = v.x; a[i + 1] = v.y; a[i + 2] = v.z; a[i + 3] = v.w;
      }
#pragma unroll
      for (int j = 0; j < TN; j += 4) {
        const float4 v = *reinterpret_cast<const float4*>(&Bs[buf][kk][frag_index<BN, TN>(tn, j)]);
        b[j] = v.x; b[j + 1] = v.y; b[j + 2] = v.z; b[j + 3] = v.w;
      }
#pragma unroll
      for (int i = 0; i < TM; ++i)
#pragma unroll
        for (int j = 0; j < TN; ++j) acc[i][j] = fmaf(a[i], b[j], acc[i][j]);
    }
    if (more) {
      // Nobody reads buf^1 any more: every thread passed the barrier that ended the previous step.
      la.store(As[buf ^ 1]);
      lb.store(Bs[buf ^ 1]);
    }
    __syncthreads();
    buf ^= 1;
  }

  if (ws != nullptr) {
    // Split-K partial: plane zz of [splits][G][N][M], contiguous along m like the thread layout.
    float* plane = ws + (static_cast<size_t>(zz) * prob.geo.G + g) * static_cast<size_t>(sl.N) * sl.M;
#pragma unroll
    for (int j = 0; j < TN; ++j) {
      const int n = j0 + frag_index<BN, TN>(tn, j);
      if (n >= sl.N) continue;
#pragma unroll
      for (int i = 0; i < TM; ++i) {
        const int m = m0 + frag_index<BM, TM>(tm, i);
        if (m < sl.M) plane[static_cast<size_t>(n) * sl.M + m] = acc[i][j];
      }
    }
    return;
  }
#pragma unroll
  for (int j = 0; j < TN; ++j) {
    const int n = j0 + frag_index<BN, TN>(tn, j);
    if (n >= sl.N) continue;
#pragma unroll
    for (int i = 0; i < TM; i += 4) {
      const int m = m0 + frag_index<BM, TM>(tm, i);
      if (prob.can_store4(sl) && m + 3 < sl.M) {
        prob.store4(sl, g, m, n, make_float4(acc[i][j], acc[i + 1][j], acc[i + 2][j], acc[i + 3][j]));
      } else {
#pragma unroll
        for (int u = 0; u < 4; ++u)
          if (m + u < sl.M) prob.store(sl, g, m + u, n, acc[i + u][j]);
      }
    }
  }
}

// Adds the split-K planes in order 0..splits-1 (fixed order: deterministic) and stores through the
// problem's epilogue.
template <class Problem>
__global__ void __launch_bounds__(256) reduce_kernel(Problem prob, const float* __restrict__ ws, int splits) {
  typename Problem::Slice sl = prob.slice(0, 0);
  const long long MN = static_cast<long long>(sl.M) * sl.N;
  const long long total = MN * prob.geo.G;
  for (long long idx = blockIdx.x * static_cast<long long>(blockDim.x) + threadIdx.x; idx < total;
       idx += static_cast<long long>(gridDim.x) * blockDim.x) {
    const int g = static_cast<int>(idx / MN);
    const long long r = idx - g * MN;
    const int n = static_cast<int>(r / sl.M);
    const int m = static_cast<int>(r - static_cast<long long>(n) * sl.M);
    float s = 0.f;
    for (int z = 0; z < splits; ++z) s += ws[static_cast<size_t>(z) * total + idx];
    prob.store(sl, g, m, n, s);
  }
}

}  // namespace kern
}  // namespace gpu
}  // namespace rocm_patch
