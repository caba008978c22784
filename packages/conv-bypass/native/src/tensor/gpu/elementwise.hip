// GPU elementwise kernels: grid-stride loops over the shared op functors (tensor/ops/*.h), with 32-bit
// index arithmetic whenever every offset fits and 64-bit otherwise.
#include <type_traits>

#include "tensor/elementwise.h"
#include "tensor/gpu/launch.h"

namespace rocm_patch {
namespace tensor {
namespace gpu {
namespace {

template <class F>
bool withTypes(DType in, DType out, F&& f) {
  if (in == DType::kF32 && out == DType::kF32) return f(float{}, float{}), true;
  if (in == DType::kF32 && out == DType::kI32) return f(float{}, int32_t{}), true;
  if (in == DType::kI32 && out == DType::kF32) return f(int32_t{}, float{}), true;
  if (in == DType::kI32 && out == DType::kI32) return f(int32_t{}, int32_t{}), true;
  return false;
}

// The float32 → float32 path gets a 32-bit index variant; Narrow is int64_t elsewhere so no other 32-bit
// variant is instantiated.
template <class TIn, class TOut>
constexpr bool kFloatPath = std::is_same<TIn, float>::value && std::is_same<TOut, float>::value;
template <class TIn, class TOut>
using Narrow = typename std::conditional<kFloatPath<TIn, TOut>, int32_t, int64_t>::type;

template <class Op, class TIn, class TOut, class Index>
__global__ void __launch_bounds__(kBlock) unary_kernel(Op op, const TIn* __restrict__ x, TOut* __restrict__ y,
                                                       Index n, UnaryParams p) {
  using C = Compute<TIn, TOut>;
  for (Index i = blockIdx.x * static_cast<Index>(blockDim.x) + threadIdx.x; i < n;
       i += static_cast<Index>(gridDim.x) * blockDim.x)
    y[i] = Elem<TOut>::from(op(static_cast<C>(x[i]), p));
}

template <class Op, class TIn, class TOut, class Index>
__global__ void __launch_bounds__(kBlock) binary_kernel(Op op, const TIn* __restrict__ a, const TIn* __restrict__ b,
                                                        TOut* __restrict__ y, Indexer<Index, 2> ix, Index n) {
  using C = Compute<TIn, TOut>;
  Index off[2];
  for (Index i = blockIdx.x * static_cast<Index>(blockDim.x) + threadIdx.x; i < n;
       i += static_cast<Index>(gridDim.x) * blockDim.x) {
    ix.offsets(i, off);
    y[i] = Elem<TOut>::from(op(static_cast<C>(a[off[0]]), static_cast<C>(b[off[1]])));
  }
}

template <class Index>
__global__ void __launch_bounds__(kBlock) select_kernel(const int32_t* __restrict__ c, const uint32_t* __restrict__ a,
                                                        const uint32_t* __restrict__ b, uint32_t* __restrict__ y,
                                                        Indexer<Index, 3> ix, Index n) {
  Index off[3];
  for (Index i = blockIdx.x * static_cast<Index>(blockDim.x) + threadIdx.x; i < n;
       i += static_cast<Index>(gridDim.x) * blockDim.x) {
    ix.offsets(i, off);
    y[i] = c[off[0]] != 0 ? a[off[1]] : b[off[2]];
  }
}

template <class Index>
__global__ void __launch_bounds__(kBlock) copy_kernel(const uint32_t* __restrict__ x, uint32_t* __restrict__ y,
                                                      Indexer<Index, 2> ix, Index n) {
  Index off[2];
  for (Index i = blockIdx.x * static_cast<Index>(blockDim.x) + threadIdx.x; i < n;
       i += static_cast<Index>(gridDim.x) * blockDim.x) {
    ix.offsets(i, off);
    y[off[1]] = x[off[0]];
  }
}


template <int K>
bool allFit32(int rank, const int64_t* shape, const int64_t* const (&strides)[K], const int64_t (&bases)[K],
              int64_t n) {
  for (int k = 0; k < K; ++k)
    if (!fits32(rank, shape, strides[k], bases[k], n)) return false;
  return true;
}

}  // namespace

Status unary(const UnaryArgs& a) {
  if (a.n == 0) return Status{};
  bool ok = false;
  dispatchUnary(a.op, [&](auto op) {
    ok = withTypes(a.in, a.out, [&](auto tin, auto tout) {
      using TIn = decltype(tin);
      using TOut = decltype(tout);
      const auto* x = static_cast<const TIn*>(a.x);
      auto* y = static_cast<TOut*>(a.y);
      // 32-bit indexing for the float32 hot path; int32 ops (rare, and computed in double) use 64 bits
      // only, which halves the kernels to compile.
      if (kFloatPath<TIn, TOut> && loopFits32(a.n, blocksFor(a.n)))
        RP_LAUNCH((unary_kernel<decltype(op), TIn, TOut, Narrow<TIn, TOut>>), dim3(blocksFor(a.n)), dim3(kBlock), 0,
                  0, op, x, y, static_cast<Narrow<TIn, TOut>>(a.n), a.p);
      else
        RP_LAUNCH((unary_kernel<decltype(op), TIn, TOut, int64_t>), dim3(blocksFor(a.n)), dim3(kBlock), 0, 0, op,
                  x, y, a.n, a.p);
    });
  });
  if (!ok) return usageStatus("unary: unknown op or dtype");
  return launchStatus("unary");
}

Status binary(const BinaryArgs& a) {
  if (a.n == 0) return Status{};
  const int64_t* strides[2] = {a.sa, a.sb};
  const int64_t bases[2] = {0, 0};
  const bool narrow = allFit32<2>(a.rank, a.shape, strides, bases, a.n);
  bool ok = false;
  dispatchBinary(a.op, [&](auto op) {
    ok = withTypes(a.in, a.out, [&](auto tin, auto tout) {
      using TIn = decltype(tin);
      using TOut = decltype(tout);
      const auto* x = static_cast<const TIn*>(a.a);
      const auto* z = static_cast<const TIn*>(a.b);
      auto* y = static_cast<TOut*>(a.y);
      if (kFloatPath<TIn, TOut> && narrow)
        RP_LAUNCH((binary_kernel<decltype(op), TIn, TOut, Narrow<TIn, TOut>>), dim3(blocksFor(a.n)), dim3(kBlock), 0,
                  0, op, x, z, y, (makeIndexer<Narrow<TIn, TOut>, 2>(a.rank, a.shape, strides, bases)),
                  static_cast<Narrow<TIn, TOut>>(a.n));
      else
        RP_LAUNCH((binary_kernel<decltype(op), TIn, TOut, int64_t>), dim3(blocksFor(a.n)), dim3(kBlock), 0, 0, op,
                  x, z, y, makeIndexer<int64_t, 2>(a.rank, a.shape, strides, bases), a.n);
    });
  });
  if (!ok) return usageStatus("binary: unknown op or dtype");
  return launchStatus("binary");
}

Status select(const SelectArgs& a) {
  if (a.n == 0) return Status{};
  const int64_t* strides[3] = {a.sc, a.sa, a.sb};
  const int64_t bases[3] = {0, 0, 0};
  const auto* c = static_cast<const int32_t*>(a.cond);
  const auto* x = static_cast<const uint32_t*>(a.a);
  const auto* z = static_cast<const uint32_t*>(a.b);
  auto* y = static_cast<uint32_t*>(a.y);
  if (allFit32<3>(a.rank, a.shape, strides, bases, a.n))
    RP_LAUNCH(select_kernel<int32_t>, dim3(blocksFor(a.n)), dim3(kBlock), 0, 0, c, x, z, y,
              (makeIndexer<int32_t, 3>(a.rank, a.shape, strides, bases)), static_cast<int32_t>(a.n));
  else
    RP_LAUNCH(select_kernel<int64_t>, dim3(blocksFor(a.n)), dim3(kBlock), 0, 0, c, x, z, y,
              (makeIndexer<int64_t, 3>(a.rank, a.shape, strides, bases)), a.n);
  return launchStatus("select");
}

Status copy(const CopyArgs& a) {
  if (a.n == 0) return Status{};
  const int64_t* strides[2] = {a.sx, a.sy};
  const int64_t bases[2] = {a.xBase, a.yBase};
  const auto* x = static_cast<const uint32_t*>(a.x);
  auto* y = static_cast<uint32_t*>(a.y);
  if (allFit32<2>(a.rank, a.shape, strides, bases, a.n))
    RP_LAUNCH(copy_kernel<int32_t>, dim3(blocksFor(a.n)), dim3(kBlock), 0, 0, x, y,
              (makeIndexer<int32_t, 2>(a.rank, a.shape, strides, bases)), static_cast<int32_t>(a.n));
  else
    RP_LAUNCH(copy_kernel<int64_t>, dim3(blocksFor(a.n)), dim3(kBlock), 0, 0, x, y,
              (makeIndexer<int64_t, 2>(a.rank, a.shape, strides, bases)), a.n);
  return launchStatus("copy");
}

}  // namespace gpu
}  // namespace tensor
}  // namespace rocm_patch
