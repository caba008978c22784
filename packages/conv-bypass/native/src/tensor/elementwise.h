// Elementwise kernels: unary maps (also Cast), binary maps with NumPy broadcasting (the caller gives
// each operand's strides over the output's shape, 0 where it broadcasts), Select, and strided copies of
// 4-byte elements (Transpose, Slice, StridedSlice, Reverse, Concat and broadcasting are all one).
#pragma once

#include <cstdint>

#include "common/status.h"
#include "device/device_error.h"
#include "tensor/ops/binary.h"
#include "tensor/ops/common.h"
#include "tensor/ops/unary.h"

namespace rocm_patch {
namespace tensor {

struct UnaryArgs {
  UnaryOp op;
  DType in, out;
  const void* x;
  void* y;
  int64_t n;
  UnaryParams p;
};

// y (contiguous over shape) = op(a, b).
struct BinaryArgs {
  BinaryOp op;
  DType in, out;
  const void* a;
  const void* b;
  void* y;
  int rank;
  int64_t n;
  int64_t shape[kMaxRank];
  int64_t sa[kMaxRank], sb[kMaxRank];
};

// y = cond != 0 ? a : b, all three broadcast over y's shape.
struct SelectArgs {
  DType dtype;  // of a, b and y (cond is int32/bool)
  const void* cond;
  const void* a;
  const void* b;
  void* y;
  int rank;
  int64_t n;
  int64_t shape[kMaxRank];
  int64_t sc[kMaxRank], sa[kMaxRank], sb[kMaxRank];
};

// y[yBase + idx·sy] = x[xBase + idx·sx] for every idx of shape (4-byte elements; strides may be negative
// or 0 on x).
struct CopyArgs {
  const void* x;
  void* y;
  int rank;
  int64_t n;
  int64_t shape[kMaxRank];
  int64_t sx[kMaxRank], sy[kMaxRank];
  int64_t xBase, yBase;
};

namespace host {
Status unary(const UnaryArgs& a);
Status binary(const BinaryArgs& a);
Status select(const SelectArgs& a);
Status copy(const CopyArgs& a);
}  // namespace host

namespace gpu {
Status unary(const UnaryArgs& a);
Status binary(const BinaryArgs& a);
Status select(const SelectArgs& a);
Status copy(const CopyArgs& a);
}  // namespace gpu

}  // namespace tensor
}  // namespace rocm_patch
