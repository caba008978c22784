// The gather family: indexed data movement (GatherV2, GatherNd, the scatters, UnsortedSegmentSum,
// Bincount, SearchSorted), generators (OneHot, Range/LinSpace), Where (coordinates of true elements) and
// TopK. Elements are 4 bytes (float32, or int32 with bool as 0/1); indices are int32 as TF.js gives them.
// Index tensors are read on the device: a value out of range is reported through the ErrorSink (the next
// synchronisation throws naming the TF.js kernel) and never read through; the element it would have
// produced is 0.
#pragma once

#include <cstdint>

#include "common/status.h"
#include "device/device_error.h"
#include "tensor/ops/common.h"

namespace rocm_patch {
namespace tensor {

// GatherV2 on x seen as [batch, outer, dim, slice] and indices as [batch, nIdx]:
//   y[b, o, i, s] = x[b, o, indices[b, i], s].
// When y is empty the indices are still checked (tfjs-backend-cpu checks them all).
struct GatherArgs {
  const void* x;
  const int32_t* indices;
  void* y;
  int64_t batch, outer, dim, slice, nIdx;
  device::ErrorSink sink;
};

// GatherNd: slice i of y is the slice of params at flat slice index Σ_j indices[i, j]·strides[j]. Like
// tfjs-backend-cpu, only the flat index is checked against [0, paramsSlices): a component out of its
// dimension that still lands inside params reads there.
struct GatherNdArgs {
  const void* params;
  const int32_t* indices;
  void* y;
  int64_t numSlices, sliceSize, paramsSlices;
  int sliceRank;
  int64_t strides[kMaxRank];
  device::ErrorSink sink;
};

enum class ScatterMode : int32_t {
  kAdd = 0,      // ScatterNd: duplicates sum
  kReplace = 1,  // TensorScatterUpdate, SparseToDense: the last update of a slice wins, as in order
};

// Update i (a slice of sliceSize elements, or the one element of a scalar `updates`) goes to flat slice
// Σ_j indices[i, j]·strides[j] of y, which the caller has initialised. Flat indices outside
// [0, outSlices) are reported and skipped.
struct ScatterArgs {
  ScatterMode mode;
  DType dtype;
  const int32_t* indices;
  const void* updates;
  void* y;
  int64_t numUpdates, sliceSize, outSlices;
  int sliceRank;
  int64_t strides[kMaxRank];
  bool updatesScalar;
  device::ErrorSink sink;
};

// UnsortedSegmentSum as tfjs-backend-cpu computes it: out[s, j] = Σ_i (ids[i] == s) · x[i, j] in float32,
// so an infinite or NaN x[i, j] makes out[s, j] NaN for every segment s other than ids[i] (0 · Inf).
// ids outside [0, numSegments) select nothing. y (float32, [numSegments, inner]) is zeroed by the caller.
struct SegmentSumArgs {
  DType dtype;  // of x
  const void* x;
  const int32_t* ids;
  float* y;
  int64_t n, inner, numSegments;
};

// Bincount / DenseBincount over x as [rows, cols]: y[r, v] += weights ? weights[r, c] : 1 for v = x[r, c]
// in [0, size); binary: y[r, v] = 1. A negative v is reported. y (of `dtype`) is zeroed by the caller.
struct BincountArgs {
  DType dtype;
  const int32_t* x;
  const void* weights;  // null: count
  void* y;
  int64_t rows, cols, size;
  bool binary;
  device::ErrorSink sink;
};

// y[i, d] = indices[i] == d ? on : off (bit patterns of the output dtype).
struct OneHotArgs {
  const int32_t* indices;
  uint32_t* y;
  int64_t n, depth;
  uint32_t on, off;
};

// Range and LinSpace as tfjs-backend-cpu computes them: y[0] = start, y[i] = y[i-1] + step, each value
// stored (rounded to float32, or ToInt32) before the next is computed.
struct RangeArgs {
  DType dtype;
  void* y;
  int64_t n;
  double start, step;
};

// y[b, i] = the insertion point of values[b, i] in seq[b, :] (left: first a ≥ v; right: first a > v).
struct SearchSortedArgs {
  DType seqType, valueType;
  const void* seq;
  const void* values;
  int32_t* y;
  int64_t batch, numSeq, numValues;
  bool right;
};

// Where, in two launches around one read of the counts: the condition (n elements, row-major over
// shape) is cut into `chunks` contiguous chunks of ceil(n / chunks); whereCount writes each chunk's count
// of true elements; whereWrite writes the coordinates of the true elements in row-major order, chunk c
// from the sum of the counts before it. y holds `count` rows (the total the caller read); a row past it
// is never written.
struct WhereCountArgs {
  DType dtype;
  const void* cond;
  int64_t n, chunks;
  int32_t* counts;
};
struct WhereWriteArgs {
  DType dtype;
  const void* cond;
  int64_t n, chunks, count;
  const int32_t* counts;
  int32_t* y;
  int rank;
  int64_t shape[kMaxRank];
};

// TopK along the last axis of x as [rows, n]: the k largest of each row, in descending order, ties (and
// -0 against 0) broken by the lower index, as tfjs-backend-cpu sorts them. NaN ranks above +Infinity.
// keepOrder (k == n, unsorted): the row as it is, with indices 0..n-1 (what cpu returns then).
struct TopKArgs {
  DType dtype;
  const void* x;
  void* values;
  int32_t* indices;
  int64_t rows, n, k;
  bool keepOrder;
};

namespace host {
Status gather(const GatherArgs& a);
Status gatherNd(const GatherNdArgs& a);
Status scatter(const ScatterArgs& a);
Status segmentSum(const SegmentSumArgs& a);
Status bincount(const BincountArgs& a);
Status oneHot(const OneHotArgs& a);
Status range(const RangeArgs& a);
Status searchSorted(const SearchSortedArgs& a);
Status whereCount(const WhereCountArgs& a);
Status whereWrite(const WhereWriteArgs& a);
Status topK(const TopKArgs& a);
}  // namespace host

namespace gpu {
Status gather(const GatherArgs& a);
Status gatherNd(const GatherNdArgs& a);
Status scatter(const ScatterArgs& a);
Status segmentSum(const SegmentSumArgs& a);
Status bincount(const BincountArgs& a);
Status oneHot(const OneHotArgs& a);
Status range(const RangeArgs& a);
Status searchSorted(const SearchSortedArgs& a);
Status whereCount(const WhereCountArgs& a);
Status whereWrite(const WhereWriteArgs& a);
Status topK(const TopKArgs& a);
}  // namespace gpu

}  // namespace tensor
}  // namespace rocm_patch
