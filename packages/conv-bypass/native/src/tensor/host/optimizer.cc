#include "tensor/optimizer.h"

#include <cmath>

namespace rocm_patch {
namespace tensor {
namespace host {

Status adam(const AdamArgs& a) {
  const float c1 = *a.oneMinusAccBeta1, c2 = *a.oneMinusAccBeta2;
  for (int64_t i = 0; i < a.n; ++i) adamElement(a, i, c1, c2);
  return Status{};
}

Status axpy(const AxpyArgs& a) {
  const float s = *a.a;
  for (int64_t i = 0; i < a.n; ++i) a.out[i] = s * a.g[i] + a.x[i];
  return Status{};
}

}  // namespace host
}  // namespace tensor
}  // namespace rocm_patch
