// The neural-network kernels a training step needs besides convolutions and matrix products: pooling
// (2-D and 3-D, NHWC / NDHWC, forward and gradient, argmax), FusedBatchNorm, Softmax, bilinear and
// nearest-neighbour resizing with their gradients, and local response normalisation with its gradient.
// Semantics are tfjs-backend-cpu's, quirks included (each is named where it is reproduced, in
// tensor/ops/pool.h, ops/resize.h and ops/norm.h, whose per-element functions the host loops and the GPU
// kernels share). Every float is float32; int32 appears only as argmax output and in the int32 path of
// ResizeNearestNeighbor.
#pragma once

#include <cstdint>

#include "common/status.h"
#include "device/device_error.h"
#include "tensor/ops/common.h"
#include "tensor/ops/norm.h"
#include "tensor/ops/pool.h"
#include "tensor/ops/resize.h"

namespace rocm_patch {
namespace tensor {

// y = max or average over each window of x; optionally the argmax of each window (int32, encoded as
// `flags.argmax` says). x: [batch, inD, inH, inW, channels]; y and argmax: [batch, outD, outH, outW,
// channels]. 2-D pooling is depth 1.
struct PoolArgs {
  PoolGeom<int64_t> g;
  PoolFlags flags;
  const float* x;
  float* y;          // may be null when only the argmax is wanted
  int32_t* argmax;   // may be null
};

// dx = the gradient of a max or average pool: each dx element gathers the dy of the windows it belongs
// to — a max pool's: the windows whose argmax (window positions, from `pool` with ArgmaxKind::kWindow)
// it is — in a fixed order, so results do not depend on thread timing.
struct PoolGradArgs {
  PoolGeom<int64_t> g;
  PoolKind kind;
  float multiplier;        // average pool: 1 / filter volume (tfjs-backend-cpu's, whatever the padding)
  const int32_t* argmax;   // max pool only: [batch, outD, outH, outW, channels]
  DyDims<int64_t> dyDims;  // dy: [batch, dyDims.d, .h, .w, channels], each ≥ the geometry's output size
  const float* dy;
  float* dx;
};

// y[i] = offset[i % lenOffset] + (x[i] − mean[i % lenMean]) · scale[i % lenScale] /
//        sqrt(variance[i % lenVariance] + epsilon); a missing scale is 1, a missing offset 0.
struct BatchNormArgs {
  const float* x;
  const float* mean;
  const float* variance;
  const float* offset;  // may be null
  const float* scale;   // may be null
  float* y;
  int64_t n;
  int64_t lenMean, lenVariance, lenOffset, lenScale;
  float epsilon;
};

// y = softmax of each row of x (rows × cols, contiguous), over the row.
struct SoftmaxArgs {
  const float* x;
  float* y;
  int64_t rows, cols;
};

// Resizing of NHWC images x [batch, inH, inW, channels] to y [batch, outH, outW, channels].
struct ResizeArgs {
  ResizeGeom g;
  const void* x;
  void* y;
  bool int32;  // ResizeNearestNeighbor of int32/bool images (else float32)
};

// dx [batch, xH, xW, channels] = the gradient of a resize whose output was dy [batch, yH, yW, channels].
struct ResizeGradArgs {
  ResizeGeom g;  // in* = x's (dx's) sizes, out* = dy's
  const float* dy;
  float* dx;
};

// Local response normalisation across the last axis (channels) of x, and its gradient.
struct LrnArgs {
  LrnParams p;
  const float* x;
  const float* y;   // gradient only: the forward output
  const float* dy;  // gradient only
  float* out;       // y (forward) or dx (gradient)
  int64_t n;
};

namespace host {
Status pool(const PoolArgs& a);
Status poolGrad(const PoolGradArgs& a);
Status batchNorm(const BatchNormArgs& a);
Status softmax(const SoftmaxArgs& a);
Status resizeBilinear(const ResizeArgs& a);
Status resizeBilinearGrad(const ResizeGradArgs& a);
Status resizeNearest(const ResizeArgs& a);
Status resizeNearestGrad(const ResizeGradArgs& a);
Status lrn(const LrnArgs& a);
Status lrnGrad(const LrnArgs& a);
}  // namespace host

namespace gpu {
Status pool(const PoolArgs& a);
Status poolGrad(const PoolGradArgs& a);
Status batchNorm(const BatchNormArgs& a);
Status softmax(const SoftmaxArgs& a);
Status resizeBilinear(const ResizeArgs& a);
Status resizeBilinearGrad(const ResizeGradArgs& a);
Status resizeNearest(const ResizeArgs& a);
Status resizeNearestGrad(const ResizeGradArgs& a);
Status lrn(const LrnArgs& a);
Status lrnGrad(const LrnArgs& a);
}  // namespace gpu

}  // namespace tensor
}  // namespace rocm_patch
