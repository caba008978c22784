// Data movement a strided copy (tensor/elementwise.h: copy) cannot express:
//  - remap: y (contiguous over outShape) reads x (contiguous over inShape) at a source index computed per
//    dimension from the output index — Tile (index mod the input's size) and Pad in three modes
//    (constant, reflect, symmetric: TF.js's PadV2 and MirrorPad);
//  - parts: many tensors against column ranges of one 2-D view [outer, wholeCols] (Concat and Pack gather
//    parts into the whole, Unpack and SplitV scatter the whole into parts), up to kPartsPerLaunch parts in
//    one launch, so a concatenation of many small tensors is not one launch per input.
// Every element is 4 bytes (any dtype on the device).
#pragma once

#include <cstdint>

#include "common/status.h"
#include "device/device_error.h"
#include "tensor/ops/common.h"

namespace rocm_patch {
namespace tensor {

enum class RemapMode : int32_t { kTile = 0, kPadConstant = 1, kPadReflect = 2, kPadSymmetric = 3 };
constexpr int32_t kRemapModeCount = 4;

// For each output index, per dimension d (o = the output coordinate, n = inShape[d], s = o − before[d]):
//   Tile:           s = o mod n                                  (before unused)
//   PadConstant:    s outside [0, n) → the element is `fill`
//   PadReflect:     s < 0 → −s;      s ≥ n → 2(n−1) − s          (the edge is not repeated)
//   PadSymmetric:   s < 0 → −s − 1;  s ≥ n → 2n − 1 − s          (the edge is repeated)
// The caller (bindings_movement.cc) has checked that every source coordinate lands in [0, n): Tile needs
// n ≥ 1, reflect paddings ≤ n − 1, symmetric paddings ≤ n.
struct RemapArgs {
  RemapMode mode;
  const void* x;
  void* y;
  int rank;
  int64_t n;  // output elements
  int64_t inShape[kMaxRank], outShape[kMaxRank], before[kMaxRank];
  uint32_t fill;  // the constant's bits (PadConstant)
};

// The index arithmetic of remap, shared by the host and the GPU. Index is int32_t when the output count
// (plus the GPU loop's stride) and the input's element count fit in it (then every intermediate below
// does too: each is bounded by an output coordinate or by the input's size), else int64_t.
template <class Index>
struct RemapIndexer {
  RemapMode mode;
  int rank;
  Index inShape[kMaxRank], outShape[kMaxRank], before[kMaxRank], inStride[kMaxRank];

  // The input offset of output element i, or −1 where the element is the constant.
  RP_HD Index source(Index i) const {
    Index src = 0;
    for (int d = rank - 1; d >= 0; --d) {
      const Index q = i / outShape[d];
      const Index o = i - q * outShape[d];
      i = q;
      const Index n = inShape[d];
      Index s;
      switch (mode) {
        case RemapMode::kTile:
          s = o % n;
          break;
        case RemapMode::kPadConstant:
          s = o - before[d];
          if (s < 0 || s >= n) return -1;
          break;
        case RemapMode::kPadReflect:
          s = o - before[d];
          // 2(n−1) − s written as (n − 2) − (s − n) so that no intermediate exceeds max(n, s).
          s = s < 0 ? -s : (s >= n ? (n - 2) - (s - n) : s);
          break;
        default:  // kPadSymmetric
          s = o - before[d];
          s = s < 0 ? -s - 1 : (s >= n ? (n - 1) - (s - n) : s);
          break;
      }
      src += s * inStride[d];
    }
    return src;
  }
};

template <class Index>
RemapIndexer<Index> makeRemapIndexer(const RemapArgs& a) {
  RemapIndexer<Index> ix{};
  ix.mode = a.mode;
  ix.rank = a.rank;
  int64_t stride = 1;
  for (int d = a.rank - 1; d >= 0; --d) {
    ix.inShape[d] = static_cast<Index>(a.inShape[d]);
    ix.outShape[d] = static_cast<Index>(a.outShape[d]);
    ix.before[d] = static_cast<Index>(a.before[d]);
    ix.inStride[d] = static_cast<Index>(stride);
    stride *= a.inShape[d];
  }
  return ix;
}

// Parts against one whole, viewed as 2-D: part p is [outer, cols[p]] (contiguous) and occupies columns
// [colBase + Σ_{q<p} cols[q], … + cols[p]) of the whole [outer, wholeCols] (contiguous).
//   toWhole: whole[r, c0 + c] = part[r, c]   (Concat, Pack)
//   else:    part[r, c] = whole[r, c0 + c]   (Unpack, SplitV)
struct PartsArgs {
  bool toWhole;
  void* whole;
  int count;
  void* const* parts;   // count device pointers
  const int64_t* cols;  // count column counts (0 allowed: that part is skipped)
  int64_t outer, wholeCols, colBase;
};

// Parts per GPU launch: their pointers and offsets travel in the kernel's arguments (64 × 3 × 8 bytes,
// well under both vendors' 4 KiB limit), so no table in device memory is needed.
constexpr int kPartsPerLaunch = 64;

namespace host {
Status remap(const RemapArgs& a);
Status parts(const PartsArgs& a);
}  // namespace host

namespace gpu {
Status remap(const RemapArgs& a);
Status parts(const PartsArgs& a);
}  // namespace gpu

}  // namespace tensor
}  // namespace rocm_patch
