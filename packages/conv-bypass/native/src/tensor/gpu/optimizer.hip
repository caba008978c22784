// Fused optimizer updates on the GPU: one grid-stride launch per variable. The device scalars (1 − β^t, the
// SGD factor) are read once per thread. Every output element is written by one thread: deterministic.
#include "tensor/gpu/launch.h"
#include "tensor/optimizer.h"

namespace rocm_patch {
namespace tensor {
namespace gpu {
namespace {

__global__ void __launch_bounds__(kBlock) adam_kernel(AdamArgs a) {
  const float c1 = *a.oneMinusAccBeta1, c2 = *a.oneMinusAccBeta2;
  for (int64_t i = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; i < a.n;
       i += static_cast<int64_t>(gridDim.x) * blockDim.x)
    adamElement(a, i, c1, c2);
}

__global__ void __launch_bounds__(kBlock) axpy_kernel(AxpyArgs a) {
  const float s = *a.a;
  for (int64_t i = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; i < a.n;
       i += static_cast<int64_t>(gridDim.x) * blockDim.x)
    a.out[i] = s * a.g[i] + a.x[i];
}

}  // namespace

Status adam(const AdamArgs& a) {
  if (a.n == 0) return Status{};
  RP_LAUNCH(adam_kernel, dim3(blocksFor(a.n)), dim3(kBlock), 0, 0, a);
  return launchStatus("adam");
}

Status axpy(const AxpyArgs& a) {
  if (a.n == 0) return Status{};
  RP_LAUNCH(axpy_kernel, dim3(blocksFor(a.n)), dim3(kBlock), 0, 0, a);
  return launchStatus("axpy");
}

}  // namespace gpu
}  // namespace tensor
}  // namespace rocm_patch
