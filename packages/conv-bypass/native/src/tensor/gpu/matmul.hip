// GPU batched matrix products (BatchMatMul, _FusedMatMul) on the convolutions' tiled GEMM core:
// gpu/igemm.h's igemm_kernel (shared-memory double buffering, register blocking, split-K through a
// workspace and the fixed-order reduce_kernel) with a MatMulProblem that gathers strided, transposed,
// batch-broadcast operands and stores through the bias + activation epilogue; tiles picked by the
// convolutions' cost model (gpu/runtime.hip: chooseTiles). Tiny products and int32 use one thread per
// output instead.
//
// GEMM view. igemm computes C[m][n] = Σ_k A[k][m] · B[k][n] with threads owning 4 consecutive m per
// fragment (frag_index) and storing them together (store4). So the GEMM's m is the matmul's output
// column j — unit stride in y — and n its row i: a thread's four results are one float4 store, and a
// warp's stores cover whole 128-byte lines. The GEMM's A operand is then the matmul's B (k × j) and its
// B operand the matmul's A (i × k, read as k × i). Only when the rows would need more than 65535 tiles
// along grid y (rows ≥ 8.4M with the 128-row tiles) does the view flip to m = row, n = column (scalar
// stores at stride N; x has no such limit).
//
// Coalescing. Every operand is a strided view (sk along k, si along its m or n). A loader gives each
// thread one k row of the tile and PER columns LANES apart (LANES = threads / BK), and decides per
// operand which index consecutive lanes walk: along the columns when they are contiguous (si = 1: a warp
// reads 32 consecutive floats of one row, or 4 rows × 8 on 64-thread tiles), along k when k is
// contiguous (sk = 1, i.e. the transposed layouts: BK lanes read BK consecutive floats — one 32-byte
// sector per column with BK 8, two with BK 16). So each of the four transpose combinations reads whole
// sectors; nothing is gathered at a stride. The shared-memory store of the along-k layout is a
// transpose: rows of BM + 4 floats put k rows 4 banks apart (4·k + column mod 32): conflict free for
// BK 8, 2-way for BK 16 (once per stage, off the FMA loop). What this costs against whole 128-byte lines
// was measured (gpu/NOTES.md, MatMul): k-contiguous big operands (NHWC rows) run 1.1–1.4× the conv
// kernel's time on the same GEMM at K = 64–128; m-contiguous ones match or beat it. (Not done: float4
// global loads, BK 32 stages for k-contiguous operands.)
//
// Index width. GEMM extents, k and tile coordinates are int (the launcher checks M, N, K ≤ 2^31 − 256,
// else the 64-bit direct kernel runs); every memory offset is 64-bit: a per-block base
// ((b mod batch)·sb + ...) computed once, then pointer steps, so no product can wrap.
//
// Determinism. Each output is one thread's fixed-order sum over its k range; split-K slices write
// their own workspace planes and reduce_kernel adds them in slice order. No atomics: reruns are
// bit-identical.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "device/context.h"
#include "gpu/igemm.h"
#include "gpu/internal.h"
#include "tensor/gpu/launch.h"
#include "tensor/matmul.h"

namespace rocm_patch {
namespace tensor {
namespace gpu {
namespace {

namespace kern = ::rocm_patch::gpu::kern;
using ::rocm_patch::gpu::TileCandidate;
using ::rocm_patch::gpu::TileChoice;

// Largest GEMM extent the tiled path takes: tile origins and k (int) stay below 2^31 even one tile past
// the end.
constexpr int64_t kTiledDimLimit = (int64_t{1} << 31) - 256;
// Grid y and z limit of both vendors.
constexpr int64_t kGridYZ = 65535;

// ---------------------------------------------------------------------------------------------
// The problem type igemm_kernel instantiates.

struct BatchGeo {
  int G;  // batch entries in this launch (igemm_kernel: blockIdx.z = entry + G · split-K slice)
};

// Element (k, c) of batch entry b: p[(b mod batch)·sb + k·sk + c·si].
struct GemmOperand {
  const float* p;
  long long batch, sb, sk, si;
  int lanesAlongK;  // k is the contiguous index (sk == 1, si != 1): lanes walk k
};

// A broadcast epilogue input (bias, prelu weights) in GEMM coordinates: p[(b mod batch)·sb + m·sm + n·sn].
struct GemmEpilogueInput {
  const float* p;
  long long batch, sb, sm, sn;
};

// Per batch entry offsets of the epilogue (computed once per block, not per element: a 64-bit modulo).
struct EntryBases {
  long long y, bias, prelu;
};

struct MatMulSlice {
  int M, N, kbeg, kend, g;
  EntryBases e;  // of entry g
};

// One operand tile loader (EXT = the tile's BM or BN). Each thread owns tile row kr (a k) and columns
// col, col + LANES, ... (< EXT); which of the two indices consecutive threads walk follows the operand's
// contiguous index (see the header).
template <class Cfg, int EXT>
struct OperandLoader {
  static constexpr int BK = Cfg::BK;
  static constexpr int LANES = Cfg::NT / BK;
  static constexpr int PER = (EXT + LANES - 1) / LANES;
  const float* ptr;  // element (kr, this thread's first column) of the block's batch entry
  long long sk;
  long long step;  // LANES columns
  int kr, col, nvalid;
  float v[PER];

  __device__ void setup(const GemmOperand& op, long long entry, int c0, int extent, int tid) {
    if (op.lanesAlongK) {
      kr = tid % BK;
      col = tid / BK;
    } else {
      kr = tid / LANES;
      col = tid % LANES;
    }
    const int inTile = col < EXT ? (EXT - col + LANES - 1) / LANES : 0;
    const int left = extent - c0 - col;  // matrix columns from this thread's first one on
    const int inMatrix = left > 0 ? (left + LANES - 1) / LANES : 0;
    nvalid = min(inTile, inMatrix);
    sk = op.sk;
    step = static_cast<long long>(LANES) * op.si;
    ptr = op.p + (entry % op.batch) * op.sb + static_cast<long long>(kr) * op.sk +
          static_cast<long long>(c0 + col) * op.si;
  }
  // Rows past kend and columns past the matrix read as 0.
  __device__ void fetch(int k0, int kend) {
    if (k0 + kr < kend) {
      const float* p = ptr + static_cast<long long>(k0) * sk;
#pragma unroll
      for (int i = 0; i < PER; ++i) v[i] = i < nvalid ? p[i * step] : 0.f;
    } else {
#pragma unroll
      for (int i = 0; i < PER; ++i) v[i] = 0.f;
    }
  }
  __device__ void put(float (&S)[BK][EXT + kern::kPad]) const {
#pragma unroll
    for (int i = 0; i < PER; ++i)
      if (EXT % LANES == 0 || col + i * LANES < EXT) S[kr][col + i * LANES] = v[i];
  }
};

struct MatMulProblem {
  BatchGeo geo;
  long long b0;  // first batch entry of this launch
  int M, N, K;   // GEMM extents
  int kchunk;    // k per split-K slice (a multiple of BK; K when not split)
  GemmOperand A, B;
  float* y;
  long long yB, yM, yN;  // y offset of (entry, m, n)
  GemmEpilogueInput bias, prelu;
  Activation act;
  float alpha;
  int vec4;  // yM == 1 and every 4-aligned m starts a 16-byte aligned float4 in y

  using Slice = MatMulSlice;

  __device__ EntryBases basesOf(int g) const {
    const long long b = b0 + g;
    EntryBases e;
    e.y = b * yB;
    e.bias = bias.p != nullptr ? (b % bias.batch) * bias.sb : 0;
    e.prelu = prelu.p != nullptr ? (b % prelu.batch) * prelu.sb : 0;
    return e;
  }
  __device__ Slice slice(int g, int zz) const {
    Slice s;
    s.M = M;
    s.N = N;
    s.kbeg = zz * kchunk;
    s.kend = static_cast<int>(min(static_cast<long long>(K), static_cast<long long>(s.kbeg) + kchunk));
    s.g = g;
    s.e = basesOf(g);
    return s;
  }

  template <class Cfg>
  struct ALoader : OperandLoader<Cfg, Cfg::BM> {
    __device__ void init(const MatMulProblem& p, const Slice& sl, int m0, int tid) {
      this->setup(p.A, p.b0 + sl.g, m0, sl.M, tid);
    }
    __device__ void load(const MatMulProblem&, const Slice& sl, int k0) { this->fetch(k0, sl.kend); }
    __device__ void store(float (&S)[Cfg::BK][Cfg::BM + kern::kPad]) const { this->put(S); }
  };
  template <class Cfg>
  struct BLoader : OperandLoader<Cfg, Cfg::BN> {
    __device__ void init(const MatMulProblem& p, const Slice& sl, int n0, int tid) {
      this->setup(p.B, p.b0 + sl.g, n0, sl.N, tid);
    }
    __device__ void load(const MatMulProblem&, const Slice& sl, int k0) { this->fetch(k0, sl.kend); }
    __device__ void store(float (&S)[Cfg::BK][Cfg::BN + kern::kPad]) const { this->put(S); }
  };

  __device__ float finish(const EntryBases& e, int m, int n, float v) const {
    const bool hasBias = bias.p != nullptr;
    const float bv = hasBias ? bias.p[e.bias + m * bias.sm + n * bias.sn] : 0.f;
    // Two calls, not one with `c ? prelu.p[...] : alpha`: LLVM turns that choice between two loads into a
    // load from a chosen address, which puts alpha in scratch memory on AMD.
    if (act == Activation::k_prelu)
      return finishElement<float, float>(v, hasBias, bv, act, prelu.p[e.prelu + m * prelu.sm + n * prelu.sn]);
    return finishElement<float, float>(v, hasBias, bv, act, alpha);
  }
  // igemm_kernel stores with g == sl.g (bases cached in the slice); reduce_kernel with slice(0, 0) and
  // every g.
  __device__ EntryBases basesFor(const Slice& sl, int g) const { return g == sl.g ? sl.e : basesOf(g); }
  __device__ bool can_store4(const Slice&) const { return vec4 != 0; }
  __device__ void store(const Slice& sl, int g, int m, int n, float v) const {
    const EntryBases e = basesFor(sl, g);
    y[e.y + m * yM + n * yN] = finish(e, m, n, v);
  }
  __device__ void store4(const Slice& sl, int g, int m, int n, float4 v) const {
    const EntryBases e = basesFor(sl, g);
    const float4 r = make_float4(finish(e, m, n, v.x), finish(e, m + 1, n, v.y), finish(e, m + 2, n, v.z),
                                 finish(e, m + 3, n, v.w));
    *reinterpret_cast<float4*>(&y[e.y + m + n * yN]) = r;
  }
};

// ---------------------------------------------------------------------------------------------
// Tiles (GEMM view: BM along the output columns, BN along the rows). Few on purpose (each is one
// igemm_kernel instantiation, compiled for every target):
//   0  128×128, BK 16, 8×8 per thread, 256 threads, 2 blocks/SM: the conv kernels' large tile (same inner
//      loop: 64 FMA per 4 shared float4 reads) with twice the k per stage — half the barriers and
//      64-byte instead of 32-byte row segments for k-contiguous operands. On an H200 it ran 7–8 % faster
//      than BK 8 (4096³: 3.50 vs 3.79 ms, 39 TFLOP/s; 2048³: 0.47 vs 0.51 ms; the conv forward kernel's
//      128×128 BK 8 on the same GEMM as a 1×1 convolution: 0.51 ms).
//   1  64×128, BK 16, 4×8 per thread, 256 threads: ≤ 64 output columns over many rows — the conv-as-GEMM
//      of NHWC layers (rows = batch·pixels), a dense layer's 64 units over a big batch.
//   2  128×64, 8×4 per thread, 256 threads: many columns, ≤ 64 rows; the conv forward kernel's 128×64.
//   3  32×32, 4×4 per thread, 64 threads: small GEMMs; many blocks, lowest per-FMA efficiency (but the
//      fastest where a big tile leaves SMs with one block and no overlap, e.g. K = 64–128).
//   4  16×128, 4×8 per thread, 64 threads: few output columns (N ≤ 16: a dense layer's 10 classes,
//      batch 32–256 rows), where a wide tile would compute mostly padding.
//   5  128×16, 8×4 per thread, 64 threads: few output rows (M ≤ 16: batch-1 inference, vector × matrix).
// Efficiencies (relative FMA rate of the inner loop: FMAs per shared-memory read, and per global load of
// the loaders) and blocks/SM (register-limited occupancy at the ptxas counts for sm_90: 128, 111, 109,
// 91, 121, 121 registers, no spills) are estimates; the rate also scales with the warps an SM holds
// (warps field), which is what makes 64-thread blocks slow when only one or two fit the grid — measured
// on an H200 with tools/matmul_harness `time tune` (32×32 at one block per SM: ~10 FMA/clk per SM). With
// these, the model's pick was within 10 % of the best forced configuration on 14 of 17 shapes (dense
// layers, squares 256–4096, split-K, batched); the worst were square 256 (1.25×) and NHWC 1×1-conv
// GEMMs with K = 64–128 (1.16–1.24×, where 32×32 wins). ROCM_PATCH_MATMUL_TILE=config[,splits] (or
// =direct) forces a choice, for such sweeps.
#if defined(__HIP_PLATFORM_AMD__) || defined(__HIPCC__)
// AMD: halved k stages where LDS, not registers, would limit a gfx9 CU (64 KB for 4 SIMDs) to one wave
// per SIMD: the large tile's BK 16 stages take 33,792 bytes (one block per CU), and the 64-thread tiles
// are one wave64 each, so their 9,728 bytes would let 6 blocks share 4 SIMDs. BK 8 (16,896 bytes) and BK 4
// (4,864 bytes) leave room for 3 and 13 blocks.
using T128x128 = kern::Tile<128, 128, 8, 8, 8, 2>;
using T16x128 = kern::Tile<16, 128, 4, 4, 8>;
using T128x16 = kern::Tile<128, 16, 4, 8, 4>;
#else
using T128x128 = kern::Tile<128, 128, 16, 8, 8, 2>;
using T16x128 = kern::Tile<16, 128, 8, 4, 8>;
using T128x16 = kern::Tile<128, 16, 8, 8, 4>;
#endif
using T64x128 = kern::Tile<64, 128, 16, 4, 8, 2>;
using T128x64 = kern::Tile<128, 64, 8, 8, 4, 2>;
using T32x32 = kern::Tile<32, 32, 8, 4, 4>;

// The table above with each tile's blocks per multiprocessor as this device's occupancy calculator
// gives them (read at first use; on an H200 the same as the ptxas estimates above).
const TileCandidate* matmulTiles() {
  using ::rocm_patch::gpu::tileCandidate;
  static const TileCandidate t[] = {
      tileCandidate<T128x128, MatMulProblem>(1.00, 8), tileCandidate<T64x128, MatMulProblem>(0.85, 8),
      tileCandidate<T128x64, MatMulProblem>(0.85, 8),  tileCandidate<T32x32, MatMulProblem>(0.45, 2),
      tileCandidate<T16x128, MatMulProblem>(0.55, 2),  tileCandidate<T128x16, MatMulProblem>(0.55, 2),
  };
  return t;
}
constexpr int kTileCount = 6;

// Split-K: up to 256 slices (tall-skinny K: a dense layer's weight gradient, K = batch·pixels of a
// conv-as-GEMM), workspace ≤ the conv kernels' 48 MB.
constexpr int kMaxSplits = 256;

template <class Cfg>
hipError_t launchTile(const MatMulProblem& p, int zdim, float* ws) {
  const dim3 grid(static_cast<unsigned>((p.M + Cfg::BM - 1) / Cfg::BM), static_cast<unsigned>((p.N + Cfg::BN - 1) / Cfg::BN),
                  static_cast<unsigned>(zdim));
  RP_LAUNCH((kern::igemm_kernel<Cfg, MatMulProblem>), grid, dim3(Cfg::NT), 0, 0, p, ws);
  return hipGetLastError();
}

hipError_t launchConfig(int config, const MatMulProblem& p, int zdim, float* ws) {
  switch (config) {
    case 0: return launchTile<T128x128>(p, zdim, ws);
    case 1: return launchTile<T64x128>(p, zdim, ws);
    case 2: return launchTile<T128x64>(p, zdim, ws);
    case 3: return launchTile<T32x32>(p, zdim, ws);
    case 4: return launchTile<T16x128>(p, zdim, ws);
    default: return launchTile<T128x16>(p, zdim, ws);
  }
}

// ---------------------------------------------------------------------------------------------
// One thread per output element (grid-stride, 64-bit indices, consecutive threads on consecutive
// columns: coalesced stores and, for an untransposed B, coalesced B reads). For products too small to
// fill the GPU with tiles (launch-bound anyway), K == 0, extents past the tiled path's int range, and
// int32 (the cpu backend's blocks-of-48 double arithmetic, dotProduct<int32_t>).
template <class T>
__global__ void __launch_bounds__(kBlock) direct_kernel(MatMulArgs a, int64_t total) {
  const T* A = static_cast<const T*>(a.a.p);
  const T* B = static_cast<const T*>(a.b.p);
  T* Y = static_cast<T*>(a.y);
  for (int64_t idx = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; idx < total;
       idx += static_cast<int64_t>(gridDim.x) * blockDim.x) {
    const int64_t j = idx % a.N, r = idx / a.N, i = r % a.M, b = r / a.M;
    const T v = dotProduct<T>(A + a.a.offset(b, i, 0), a.a.sc, B + a.b.offset(b, 0, j), a.b.sr, a.K);
    Y[idx] = finishAt<T>(a, b, i, j, v);
  }
}

// The direct kernel takes products of at most kDirectWork multiply-adds with K ≤ kDirectMaxK (launch-
// bound whatever runs them: one launch, no workspace, no tile padding), and any product with
// K ≤ kDirectSmallK (a tile would stage one or two k slices through shared memory for nothing; each
// thread's few loads hit L1). Measured on an H200: dense 128×1600 with K = 10: 10.5 µs direct, 12.7 µs
// for the best tile; dense 32×10 with K = 64: 12.4 µs, 14.5 µs.
constexpr double kDirectWork = 65536;
constexpr int64_t kDirectMaxK = 256;
constexpr int64_t kDirectSmallK = 16;

// A forced choice, for measuring: from ROCM_PATCH_MATMUL_TILE ("direct", or "config[,splits]") at first
// use, or from setMatMulTileOverride (the harness).
struct Forced {
  bool direct = false;
  int config = -1;
  int splits = 0;
};
Forced fromEnvironment() {
  Forced r;
  const char* s = std::getenv("ROCM_PATCH_MATMUL_TILE");
  if (s == nullptr || *s == 0) return r;
  if (std::strcmp(s, "direct") == 0) {
    r.direct = true;
    return r;
  }
  int c = -1, sp = 0;
  if (std::sscanf(s, "%d,%d", &c, &sp) >= 1 && c >= 0 && c < kTileCount) {
    r.config = c;
    r.splits = sp > 0 ? std::min(sp, kMaxSplits) : 0;
  }
  return r;
}
Forced& forced() {
  static Forced f = fromEnvironment();
  return f;
}

bool useDirect(const MatMulArgs& a) {
  if (a.dtype != DType::kF32 || a.K == 0) return true;
  if (a.M > kTiledDimLimit || a.N > kTiledDimLimit || a.K > kTiledDimLimit) return true;
  if (forced().direct) return true;
  if (forced().config >= 0) return false;
  const double work = static_cast<double>(a.batch) * static_cast<double>(a.M) * static_cast<double>(a.N) *
                      static_cast<double>(a.K);
  return (work <= kDirectWork && a.K <= kDirectMaxK) || a.K <= kDirectSmallK;
}

Status launchDirect(const MatMulArgs& a, int64_t total) {
  if (a.dtype == DType::kF32)
    RP_LAUNCH(direct_kernel<float>, dim3(blocksFor(total)), dim3(kBlock), 0, 0, a, total);
  else
    RP_LAUNCH(direct_kernel<int32_t>, dim3(blocksFor(total)), dim3(kBlock), 0, 0, a, total);
  return launchStatus("matmul (direct)");
}

// The GEMM view of the call (see the header): columnsAsM picks m = output column.
MatMulProblem viewOf(const MatMulArgs& a, bool columnsAsM) {
  MatMulProblem p{};
  const MatView& cols = a.b;  // K × N: k along rows
  const MatView& rows = a.a;  // M × K: k along columns
  GemmOperand colOp{static_cast<const float*>(cols.p), cols.batch, cols.sb, cols.sr, cols.sc, 0};
  GemmOperand rowOp{static_cast<const float*>(rows.p), rows.batch, rows.sb, rows.sc, rows.sr, 0};
  colOp.lanesAlongK = colOp.sk == 1 && colOp.si != 1;
  rowOp.lanesAlongK = rowOp.sk == 1 && rowOp.si != 1;
  auto epi = [&](const MatView& v) {
    GemmEpilogueInput e{static_cast<const float*>(v.p), v.batch, v.sb, columnsAsM ? v.sc : v.sr,
                        columnsAsM ? v.sr : v.sc};
    if (v.p == nullptr) e.batch = 1;
    return e;
  };
  p.K = static_cast<int>(a.K);
  p.y = static_cast<float*>(a.y);
  p.yB = a.M * a.N;
  if (columnsAsM) {
    p.M = static_cast<int>(a.N);
    p.N = static_cast<int>(a.M);
    p.A = colOp;
    p.B = rowOp;
    p.yM = 1;
    p.yN = a.N;
  } else {
    p.M = static_cast<int>(a.M);
    p.N = static_cast<int>(a.N);
    p.A = rowOp;
    p.B = colOp;
    p.yM = a.N;
    p.yN = 1;
  }
  p.bias = epi(a.bias);
  p.prelu = a.act == Activation::k_prelu ? epi(a.prelu) : epi(MatView{nullptr, 1, 0, 0, 0});
  p.act = a.act;
  p.alpha = a.alpha;
  p.vec4 = p.yM == 1 && p.yN % 4 == 0 && p.yB % 4 == 0 && (reinterpret_cast<uintptr_t>(a.y) & 15) == 0 ? 1 : 0;
  return p;
}

Status launchTiled(const MatMulArgs& a) {
  // Candidates whose grid y (GEMM rows / BN) fits; flip the view when none does.
  TileCandidate cands[kTileCount];
  int index[kTileCount];
  int count = 0;
  bool columnsAsM = true;
  for (int attempt = 0; attempt < 2 && count == 0; ++attempt) {
    columnsAsM = attempt == 0;
    const int64_t gn = columnsAsM ? a.M : a.N;
    // Grid x counts threads in 32 bits on AMD: tiles of 4 threads per row take ≤ 2^30 rows.
    const int64_t gm = columnsAsM ? a.N : a.M;
    const TileCandidate* tiles = matmulTiles();
    for (int c = 0; c < kTileCount; ++c)
      if ((gn + tiles[c].BN - 1) / tiles[c].BN <= kGridYZ &&
          (gm + tiles[c].BM - 1) / tiles[c].BM * (tiles[c].warps * 32) <= ::rocm_patch::gpu::kMaxGridThreadsX) {
        cands[count] = tiles[c];
        index[count++] = c;
      }
  }
  if (count == 0) return usageStatus("matmul: the output is too large for the tile grid");
  MatMulProblem p = viewOf(a, columnsAsM);

  TileChoice ch = ::rocm_patch::gpu::chooseTiles(cands, count, p.M, p.N, p.K, a.batch, kMaxSplits,
                                                 ::rocm_patch::gpu::kMaxSplitWorkspace);
  int config = index[ch.config];
  const Forced f = forced();
  if (f.config >= 0) {
    for (int c = 0; c < count; ++c)
      if (index[c] == f.config) config = f.config;
    if (f.splits > 0) ch.splits = f.splits;
  }
  const int bk = matmulTiles()[config].BK;  // kchunk: a multiple of the tile's BK
  p.kchunk = static_cast<int>(((a.K + ch.splits - 1) / ch.splits + bk - 1) / bk * bk);
  int splits = static_cast<int>((a.K + p.kchunk - 1) / p.kchunk);

  // Batch entries per launch: grid z = entries · splits ≤ 65535.
  int64_t perLaunch = std::max<int64_t>(1, kGridYZ / splits);
  float* ws = nullptr;
  device::CachingAllocator* alloc = device::Context::get()->allocator();
  if (splits > 1) {
    const int64_t entries = std::min(a.batch, perLaunch);
    void* w = nullptr;
    const size_t bytes = static_cast<size_t>(splits) * entries * a.M * a.N * sizeof(float);
    if (alloc->allocate(bytes, &w).ok()) {
      ws = static_cast<float*>(w);
    } else {
      // No room for the partial sums: run unsplit (slower, same results up to rounding order).
      p.kchunk = static_cast<int>(a.K);
      splits = 1;
      perLaunch = kGridYZ;
    }
  }
  Status st;
  for (int64_t b0 = 0; b0 < a.batch && st.ok(); b0 += perLaunch) {
    p.b0 = b0;
    p.geo.G = static_cast<int>(std::min(perLaunch, a.batch - b0));
    hipError_t err = launchConfig(config, p, p.geo.G * splits, ws);
    if (err == hipSuccess && splits > 1) {
      const size_t total = static_cast<size_t>(p.M) * p.N * p.geo.G;
      RP_LAUNCH(kern::reduce_kernel<MatMulProblem>, dim3(::rocm_patch::gpu::gridFor(total, 256)), dim3(256), 0, 0,
                p, ws, splits);
      err = hipGetLastError();
    }
    if (err != hipSuccess) st = ::rocm_patch::gpu::fromError(err, "matmul (tiled)");
  }
  if (ws != nullptr) alloc->free(ws);  // stream-ordered: later users of the block run after the reduce
  return st;
}

}  // namespace

void setMatMulTileOverride(int config, int splits) {
  Forced& f = forced();
  f.direct = config == -2;
  f.config = config >= 0 && config < kTileCount ? config : -1;
  f.splits = splits > 0 ? std::min(splits, kMaxSplits) : 0;
}

Status matmul(const MatMulArgs& a) {
  const int64_t total = a.batch * a.M * a.N;
  if (total == 0) return Status{};
  if (useDirect(a)) return launchDirect(a, total);
  return launchTiled(a);
}

}  // namespace gpu
}  // namespace tensor
}  // namespace rocm_patch
