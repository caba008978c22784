// Reductions and scans along the middle axis of the view [outer, r, inner] of a contiguous tensor (the
// backend maps any set of reduced axes to it, transposing first when they are not one block):
//   reduce: y[o, i] = op over k of x[o, k, i]          (y has outer·inner elements)
//   scan:   y[o, k, i] = op over k' ≤ k (or < k, or ≥ k / > k reversed) of x[o, k', i]
// The operations are tensor/ops/reduce.h's; the GPU launchers choose among one-thread-per-output loops,
// a block tree per row and a two-pass split by shape alone, so results never depend on timing.
#pragma once

#include <cstdint>

#include "common/status.h"
#include "tensor/ops/common.h"
#include "tensor/ops/reduce.h"

namespace rocm_patch {
namespace tensor {

struct ReduceArgs {
  ReduceOp op;
  DType in;  // the output's type is reduceOutType(op, in)
  const void* x;
  void* y;
  int64_t outer, r, inner;
};

struct ScanArgs {
  ScanOp op;
  DType dtype;  // of x and y
  const void* x;
  void* y;
  int64_t outer, r, inner;
  bool exclusive, reverse;
};

namespace host {
Status reduce(const ReduceArgs& a);
Status scan(const ScanArgs& a);
}  // namespace host

namespace gpu {
Status reduce(const ReduceArgs& a);
Status scan(const ScanArgs& a);
}  // namespace gpu

}  // namespace tensor
}  // namespace rocm_patch
