// The CPU convolution: forward, gradient of the input, gradient of the filter. Pointers must hold
// exactly p.XSize(), p.WSize(), p.YSize() floats and p.Check() must be empty: the bindings make sure.
// Every call runs on the shared thread pool and frees its workspace before returning.
#pragma once

#include <cstdint>

#include "common/conv_params.h"

namespace rocm_patch::cpu {

// y = conv(x, w) (+ bias[k] when bias is not null)
void Conv2dForward(const ConvParams& p, const float* x, const float* w, const float* bias, float* y);
// dx = gradient of sum(dy * conv(x, w)) with respect to x
void Conv2dBackwardData(const ConvParams& p, const float* dy, const float* w, float* dx);
// dw = gradient of sum(dy * conv(x, w)) with respect to w
void Conv2dBackwardFilter(const ConvParams& p, const float* x, const float* dy, float* dw);

// Largest im2col-style workspace, in floats, one call may allocate (the batch and the output
// columns are chunked to stay under it). Default 1 Mi floats (4 MiB); settable so the tests can
// exercise the chunking on small shapes.
int64_t WorkspaceFloats();
void SetWorkspaceFloats(int64_t floats);

// The depthwise-style path (one input channel per group), direct loops instead of GEMM.
void DepthwiseForward(const ConvParams& p, const float* x, const float* w, const float* bias, float* y);
void DepthwiseBackwardData(const ConvParams& p, const float* dy, const float* w, float* dx);
void DepthwiseBackwardFilter(const ConvParams& p, const float* x, const float* dy, float* dw);

}  // namespace rocm_patch::cpu
