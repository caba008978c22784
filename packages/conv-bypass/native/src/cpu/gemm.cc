#include "cpu/gemm.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "cpu/kernels.h"
#include "cpu/thread_pool.h"

namespace rocm_patch::cpu {

namespace {

// Cache blocking: a KC×NR panel of B (32 KiB for AVX-512) stays in L1, the MC×KC block of A in L2.
constexpr int64_t kKc = 256;
constexpr int64_t kNc = kGemmNc;
constexpr int64_t kMcPanels = 16;

int64_t CeilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

// 64-byte aligned float scratch, freed when it goes out of scope.
struct Scratch {
  std::vector<float> storage;
  float* data = nullptr;
  void Reserve(size_t n) {
    storage.assign(n + 16, 0.f);
    auto addr = reinterpret_cast<uintptr_t>(storage.data());
    data = storage.data() + ((64 - addr % 64) % 64) / sizeof(float);
  }
};

}  // namespace

void RunGemm(const GemmBatch& g) {
  if (g.batch <= 0 || g.m <= 0 || g.n <= 0) return;
  const GemmKernel& kern = ActiveKernel();
  const int mr = kern.mr, nr = kern.nr;
  const int64_t mc = kMcPanels * mr;
  const int64_t nc = kNc;
  ThreadPool& pool = ThreadPool::Get();
  // The per-worker buffers below are sized by this count and the ParallelFor is held to it: the pool
  // may be resized from JavaScript between here and there.
  const int threads = pool.Threads();

  const int64_t tiles_m = CeilDiv(g.m, mc), tiles_n = CeilDiv(g.n, nc);
  const int64_t tiles = g.batch * tiles_m * tiles_n;
  const int64_t k_blocks = std::max<int64_t>(1, CeilDiv(g.k, kKc));
  int64_t splits = 1;
  if (tiles < threads) splits = std::min<int64_t>(CeilDiv(threads, tiles), k_blocks);
  const int64_t blocks_per_split = CeilDiv(k_blocks, splits);
  splits = CeilDiv(k_blocks, blocks_per_split);

  // Per-worker packing buffers; partial sums (only when K is split) per (tile, split).
  std::vector<Scratch> a_buf(threads), b_buf(threads);
  std::vector<std::vector<float>> partial;
  if (splits > 1) partial.resize(tiles * splits);

  pool.ParallelFor(tiles * splits, [&](int64_t item, int worker) {
    const int64_t split = item % splits;
    int64_t t = item / splits;
    const int64_t tn = t % tiles_n;
    t /= tiles_n;
    const int64_t tm = t % tiles_m;
    const int64_t b = t / tiles_m;
    const int64_t m0 = tm * mc, mlen = std::min(mc, g.m - m0);
    const int64_t n0 = tn * nc, nlen = std::min(nc, g.n - n0);
    const int64_t k_begin = split * blocks_per_split * kKc;
    const int64_t k_end = std::min(g.k, k_begin + blocks_per_split * kKc);

    float* c;
    int64_t ldc;
    bool accumulate;
    if (splits > 1) {
      std::vector<float>& p = partial[item];
      p.assign(mlen * nlen, 0.f);
      c = p.data();
      ldc = nlen;
      accumulate = false;
    } else {
      c = g.c(b) + m0 * g.ldc + n0;
      ldc = g.ldc;
      accumulate = g.accumulate;
    }
    Scratch& abuf = a_buf[worker];
    Scratch& bbuf = b_buf[worker];
    const int64_t m_panels = CeilDiv(mlen, mr), n_panels = CeilDiv(nlen, nr);
    if (abuf.storage.size() < static_cast<size_t>(m_panels * mr * kKc + 16)) abuf.Reserve(mc * kKc);
    if (bbuf.storage.size() < static_cast<size_t>(n_panels * nr * kKc + 16)) bbuf.Reserve(nc * kKc);
    alignas(64) float edge[32 * 32];

    if (k_end <= k_begin) {  // K == 0: C = 0 (or unchanged when accumulating)
      if (!accumulate)
        for (int64_t i = 0; i < mlen; ++i) std::fill(c + i * ldc, c + i * ldc + nlen, 0.f);
      return;
    }
    for (int64_t k0 = k_begin; k0 < k_end; k0 += kKc) {
      const int64_t klen = std::min(kKc, k_end - k0);
      g.pack_b(b, k0, klen, n0, nlen, bbuf.data, nr);
      g.pack_a(b, m0, mlen, k0, klen, abuf.data, mr);
      const bool acc = accumulate || k0 != k_begin;
      for (int64_t jp = 0; jp < n_panels; ++jp) {
        const float* bp = bbuf.data + jp * klen * nr;
        const int64_t ncols = std::min<int64_t>(nr, nlen - jp * nr);
        for (int64_t ip = 0; ip < m_panels; ++ip) {
          const float* ap = abuf.data + ip * klen * mr;
          const int64_t nrows = std::min<int64_t>(mr, mlen - ip * mr);
          float* ct = c + ip * mr * ldc + jp * nr;
          if (nrows == mr && ncols == nr) {
            kern.micro(klen, ap, bp, ct, ldc, acc);
          } else {  // partial tile: compute the full tile aside, keep the valid part
            kern.micro(klen, ap, bp, edge, nr, false);
            for (int64_t i = 0; i < nrows; ++i)
              for (int64_t j = 0; j < ncols; ++j)
                ct[i * ldc + j] = acc ? ct[i * ldc + j] + edge[i * nr + j] : edge[i * nr + j];
          }
        }
      }
    }
  }, threads);

  if (splits > 1) {
    // Sum the partial products of each tile, row by row in parallel.
    pool.ParallelFor(tiles * mc, [&](int64_t item, int) {
      const int64_t t = item / mc, row = item % mc;
      int64_t rest = t;
      const int64_t tn = rest % tiles_n;
      rest /= tiles_n;
      const int64_t tm = rest % tiles_m;
      const int64_t b = rest / tiles_m;
      const int64_t m0 = tm * mc, mlen = std::min(mc, g.m - m0);
      if (row >= mlen) return;
      const int64_t n0 = tn * nc, nlen = std::min(nc, g.n - n0);
      float* dst = g.c(b) + (m0 + row) * g.ldc + n0;
      if (!g.accumulate) std::fill(dst, dst + nlen, 0.f);
      for (int64_t s = 0; s < splits; ++s) {
        const float* src = partial[t * splits + s].data() + row * nlen;
        if (partial[t * splits + s].empty()) continue;
        for (int64_t j = 0; j < nlen; ++j) dst[j] += src[j];
      }
    });
  }
}

void PackARowMajor(const float* src, int64_t ld, int64_t m0, int64_t mlen, int64_t k0, int64_t klen, float* dst, int mr) {
  for (int64_t ip = 0; ip * mr < mlen; ++ip) {
    float* panel = dst + ip * klen * mr;
    const int64_t rows = std::min<int64_t>(mr, mlen - ip * mr);
    for (int64_t i = 0; i < mr; ++i) {
      if (i < rows) {
        const float* row = src + (m0 + ip * mr + i) * ld + k0;
        for (int64_t kk = 0; kk < klen; ++kk) panel[kk * mr + i] = row[kk];
      } else {
        for (int64_t kk = 0; kk < klen; ++kk) panel[kk * mr + i] = 0.f;
      }
    }
  }
}

void PackAColMajor(const float* src, int64_t ld, int64_t m0, int64_t mlen, int64_t k0, int64_t klen, float* dst, int mr) {
  for (int64_t ip = 0; ip * mr < mlen; ++ip) {
    float* panel = dst + ip * klen * mr;
    const int64_t rows = std::min<int64_t>(mr, mlen - ip * mr);
    for (int64_t kk = 0; kk < klen; ++kk) {
      const float* col = src + (k0 + kk) * ld + m0 + ip * mr;
      float* out = panel + kk * mr;
      std::memcpy(out, col, rows * sizeof(float));
      for (int64_t i = rows; i < mr; ++i) out[i] = 0.f;
    }
  }
}

void PackBRowMajor(const float* src, int64_t ld, int64_t k0, int64_t klen, int64_t n0, int64_t nlen, float* dst, int nr) {
  for (int64_t jp = 0; jp * nr < nlen; ++jp) {
    float* panel = dst + jp * klen * nr;
    const int64_t cols = std::min<int64_t>(nr, nlen - jp * nr);
    for (int64_t kk = 0; kk < klen; ++kk) {
      const float* row = src + (k0 + kk) * ld + n0 + jp * nr;
      float* out = panel + kk * nr;
      std::memcpy(out, row, cols * sizeof(float));
      for (int64_t j = cols; j < nr; ++j) out[j] = 0.f;
    }
  }
}

}  // namespace rocm_patch::cpu
