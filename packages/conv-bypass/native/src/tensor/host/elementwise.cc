// The host device's elementwise kernels: the shared op functors in plain loops.
#include "tensor/elementwise.h"

namespace rocm_patch {
namespace tensor {
namespace host {
namespace {

template <class F>
bool withTypes(DType in, DType out, F&& f) {
  if (in == DType::kF32 && out == DType::kF32) return f(float{}, float{}), true;
  if (in == DType::kF32 && out == DType::kI32) return f(float{}, int32_t{}), true;
  if (in == DType::kI32 && out == DType::kF32) return f(int32_t{}, float{}), true;
  if (in == DType::kI32 && out == DType::kI32) return f(int32_t{}, int32_t{}), true;
  return false;
}


}  // namespace

Status unary(const UnaryArgs& a) {
  bool ok = false;
  dispatchUnary(a.op, [&](auto op) {
    ok = withTypes(a.in, a.out, [&](auto tin, auto tout) {
      using TIn = decltype(tin);
      using TOut = decltype(tout);
      using C = Compute<TIn, TOut>;
      const TIn* x = static_cast<const TIn*>(a.x);
      TOut* y = static_cast<TOut*>(a.y);
      for (int64_t i = 0; i < a.n; ++i) y[i] = Elem<TOut>::from(op(static_cast<C>(x[i]), a.p));
    });
  });
  return ok ? Status{} : usageStatus("unary: unknown op or dtype");
}

Status binary(const BinaryArgs& a) {
  bool ok = false;
  dispatchBinary(a.op, [&](auto op) {
    ok = withTypes(a.in, a.out, [&](auto tin, auto tout) {
      using TIn = decltype(tin);
      using TOut = decltype(tout);
      using C = Compute<TIn, TOut>;
      const TIn* x = static_cast<const TIn*>(a.a);
      const TIn* z = static_cast<const TIn*>(a.b);
      TOut* y = static_cast<TOut*>(a.y);
      const int64_t* strides[2] = {a.sa, a.sb};
      const int64_t bases[2] = {0, 0};
      const auto ix = makeIndexer<int64_t, 2>(a.rank, a.shape, strides, bases);
      int64_t off[2];
      for (int64_t i = 0; i < a.n; ++i) {
        ix.offsets(i, off);
        y[i] = Elem<TOut>::from(op(static_cast<C>(x[off[0]]), static_cast<C>(z[off[1]])));
      }
    });
  });
  return ok ? Status{} : usageStatus("binary: unknown op or dtype");
}

Status select(const SelectArgs& a) {
  const int64_t* strides[3] = {a.sc, a.sa, a.sb};
  const int64_t bases[3] = {0, 0, 0};
  const auto ix = makeIndexer<int64_t, 3>(a.rank, a.shape, strides, bases);
  const int32_t* c = static_cast<const int32_t*>(a.cond);
  const uint32_t* x = static_cast<const uint32_t*>(a.a);
  const uint32_t* z = static_cast<const uint32_t*>(a.b);
  uint32_t* y = static_cast<uint32_t*>(a.y);
  int64_t off[3];
  for (int64_t i = 0; i < a.n; ++i) {
    ix.offsets(i, off);
    y[i] = c[off[0]] != 0 ? x[off[1]] : z[off[2]];
  }
  return Status{};
}

Status copy(const CopyArgs& a) {
  const int64_t* strides[2] = {a.sx, a.sy};
  const int64_t bases[2] = {a.xBase, a.yBase};
  const auto ix = makeIndexer<int64_t, 2>(a.rank, a.shape, strides, bases);
  const uint32_t* x = static_cast<const uint32_t*>(a.x);
  uint32_t* y = static_cast<uint32_t*>(a.y);
  int64_t off[2];
  for (int64_t i = 0; i < a.n; ++i) {
    ix.offsets(i, off);
    y[off[1]] = x[off[0]];
  }
  return Status{};
}

}  // namespace host
}  // namespace tensor
}  // namespace rocm_patch
