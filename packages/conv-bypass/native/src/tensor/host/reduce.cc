// The host device's reductions and scans: the shared reducers (tensor/ops/reduce.h) in plain loops. A
// reduction keeps one state per column i and walks x in memory order, element k after element k − 1,
// which is the cpu backend's own order.
#include <vector>

#include "tensor/reduce.h"

namespace rocm_patch {
namespace tensor {
namespace host {

Status reduce(const ReduceArgs& a) {
  if (a.outer == 0 || a.inner == 0) return Status{};
  const bool ok = dispatchReduce(a.op, a.in, static_cast<float>(a.r), [&](auto red) {
    using R = decltype(red);
    using State = typename R::State;
    const auto* x = static_cast<const typename R::In*>(a.x);
    auto* y = static_cast<typename R::Out*>(a.y);
    std::vector<State> st(static_cast<size_t>(a.inner));
    for (int64_t o = 0; o < a.outer; ++o) {
      for (auto& s : st) s = red.identity();
      const auto* row = x + o * a.r * a.inner;
      for (int64_t k = 0; k < a.r; ++k, row += a.inner)
        for (int64_t i = 0; i < a.inner; ++i) st[i] = red.combine(st[i], red.load(row[i], k));
      for (int64_t i = 0; i < a.inner; ++i) y[o * a.inner + i] = red.finish(st[i], a.r);
    }
  });
  return ok ? Status{} : usageStatus("reduce: unknown op");
}

namespace {

template <class Op, class T>
void scanTyped(const ScanArgs& a) {
  const T* x = static_cast<const T*>(a.x);
  T* y = static_cast<T*>(a.y);
  std::vector<T> acc(static_cast<size_t>(a.inner));
  for (int64_t o = 0; o < a.outer; ++o) {
    for (auto& v : acc) v = Op::template identity<T>();
    for (int64_t j = 0; j < a.r; ++j) {
      const int64_t k = a.reverse ? a.r - 1 - j : j;
      const int64_t base = (o * a.r + k) * a.inner;
      for (int64_t i = 0; i < a.inner; ++i) {
        const T v = x[base + i];
        if (a.exclusive) {
          y[base + i] = acc[i];
          acc[i] = Op::step(v, acc[i]);
        } else {
          // The cpu's first prefix is x itself (0 + -0 would be +0).
          acc[i] = j == 0 ? v : Op::step(v, acc[i]);
          y[base + i] = acc[i];
        }
      }
    }
  }
}

}  // namespace

Status scan(const ScanArgs& a) {
  if (a.outer == 0 || a.r == 0 || a.inner == 0) return Status{};
  const bool ok = dispatchScan(a.op, [&](auto op) {
    using Op = decltype(op);
    if (a.dtype == DType::kF32)
      scanTyped<Op, float>(a);
    else
      scanTyped<Op, int32_t>(a);
  });
  return ok ? Status{} : usageStatus("scan: unknown op");
}

}  // namespace host
}  // namespace tensor
}  // namespace rocm_patch
