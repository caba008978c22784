// The host device's movement kernels: the shared index arithmetic of tensor/movement.h in plain loops.
#include "tensor/movement.h"

namespace rocm_patch {
namespace tensor {
namespace host {

Status remap(const RemapArgs& a) {
  if (a.n == 0) return Status{};
  const auto ix = makeRemapIndexer<int64_t>(a);
  const auto* x = static_cast<const uint32_t*>(a.x);
  auto* y = static_cast<uint32_t*>(a.y);
  for (int64_t i = 0; i < a.n; ++i) {
    const int64_t s = ix.source(i);
    y[i] = s < 0 ? a.fill : x[s];
  }
  return Status{};
}

Status parts(const PartsArgs& a) {
  auto* whole = static_cast<uint32_t*>(a.whole);
  int64_t c0 = a.colBase;
  for (int p = 0; p < a.count; ++p) {
    auto* part = static_cast<uint32_t*>(a.parts[p]);
    const int64_t cols = a.cols[p];
    for (int64_t r = 0; r < a.outer; ++r) {
      uint32_t* w = whole + r * a.wholeCols + c0;
      uint32_t* q = part + r * cols;
      for (int64_t c = 0; c < cols; ++c) {
        if (a.toWhole) w[c] = q[c];
        else q[c] = w[c];
      }
    }
    c0 += cols;
  }
  return Status{};
}

}  // namespace host
}  // namespace tensor
}  // namespace rocm_patch
