// GPU movement kernels (tensor/movement.h): grid-stride loops, one thread per output element, 32-bit index
// arithmetic whenever every offset fits and 64-bit otherwise. Each output element is written by exactly
// one thread with a value it only reads, so results never depend on timing.
#include <algorithm>

#include "tensor/gpu/launch.h"
#include "tensor/movement.h"

namespace rocm_patch {
namespace tensor {
namespace gpu {
namespace {

// Writes are contiguous (coalesced); reads gather through the per-dimension source index.
template <class Index>
__global__ void __launch_bounds__(kBlock) remap_kernel(const uint32_t* __restrict__ x, uint32_t* __restrict__ y,
                                                       RemapIndexer<Index> ix, Index n, uint32_t fill) {
  for (Index i = blockIdx.x * static_cast<Index>(blockDim.x) + threadIdx.x; i < n;
       i += static_cast<Index>(gridDim.x) * blockDim.x) {
    const Index s = ix.source(i);
    y[i] = s < 0 ? fill : x[s];
  }
}

// The parts of one launch, passed by value in the kernel's arguments.
template <class Index>
struct PartTable {
  uint32_t* ptr[kPartsPerLaunch];
  Index cols[kPartsPerLaunch];
  Index colOffset[kPartsPerLaunch];  // in the whole's rows
};

// blockIdx.y picks the part; the x dimension strides over that part's elements (contiguous in the part,
// and runs of `cols` contiguous elements in the whole). No __restrict__: parts and whole are distinct
// buffers, but nothing here needs the compiler to know it.
template <class Index>
__global__ void __launch_bounds__(kBlock) parts_kernel(uint32_t* whole, PartTable<Index> t, Index outer,
                                                       Index wholeCols, bool toWhole) {
  const int p = blockIdx.y;
  const Index cols = t.cols[p];
  const Index c0 = t.colOffset[p];
  uint32_t* part = t.ptr[p];
  const Index n = outer * cols;
  for (Index j = blockIdx.x * static_cast<Index>(blockDim.x) + threadIdx.x; j < n;
       j += static_cast<Index>(gridDim.x) * blockDim.x) {
    const Index r = j / cols;
    const Index w = r * wholeCols + c0 + (j - r * cols);
    if (toWhole)
      whole[w] = part[j];
    else
      part[j] = whole[w];
  }
}

// Blocks along x for a parts launch: enough for the largest part, capped so that a launch of many parts
// stays a modest grid (the grid-stride loop covers the rest).
constexpr unsigned kMaxPartBlocks = 4096;

template <class Index>
Status launchParts(const PartsArgs& a) {
  auto* whole = static_cast<uint32_t*>(a.whole);
  int64_t c0 = a.colBase;
  int p = 0;
  while (p < a.count) {
    PartTable<Index> t{};
    int k = 0;
    int64_t largest = 0;
    for (; p < a.count && k < kPartsPerLaunch; ++p) {
      const int64_t cols = a.cols[p];
      if (cols > 0) {
        t.ptr[k] = static_cast<uint32_t*>(a.parts[p]);
        t.cols[k] = static_cast<Index>(cols);
        t.colOffset[k] = static_cast<Index>(c0);
        largest = std::max(largest, a.outer * cols);
        ++k;
      }
      c0 += cols;
    }
    if (k == 0) continue;
    const unsigned bx = std::min(blocksFor(largest), kMaxPartBlocks);
    RP_LAUNCH(parts_kernel<Index>, dim3(bx, static_cast<unsigned>(k)), dim3(kBlock), 0, 0, whole, t,
              static_cast<Index>(a.outer), static_cast<Index>(a.wholeCols), a.toWhole);
    const Status s = launchStatus("parts");
    if (!s.ok()) return s;
  }
  return Status{};
}

}  // namespace

Status remap(const RemapArgs& a) {
  if (a.n == 0) return Status{};
  int64_t inElements = 1;
  for (int d = 0; d < a.rank; ++d) inElements *= a.inShape[d];
  const auto* x = static_cast<const uint32_t*>(a.x);
  auto* y = static_cast<uint32_t*>(a.y);
  const unsigned blocks = blocksFor(a.n);
  if (loopFits32(a.n, blocks) && inElements <= INT32_MAX)
    RP_LAUNCH(remap_kernel<int32_t>, dim3(blocks), dim3(kBlock), 0, 0, x, y, makeRemapIndexer<int32_t>(a),
              static_cast<int32_t>(a.n), a.fill);
  else
    RP_LAUNCH(remap_kernel<int64_t>, dim3(blocks), dim3(kBlock), 0, 0, x, y, makeRemapIndexer<int64_t>(a), a.n,
              a.fill);
  return launchStatus("remap");
}

Status parts(const PartsArgs& a) {
  if (a.outer == 0 || a.count == 0) return Status{};
  // Every offset lies in the whole, [0, outer·wholeCols), and so does every part's element count.
  if (loopFits32(a.outer * a.wholeCols, kMaxPartBlocks)) return launchParts<int32_t>(a);
  return launchParts<int64_t>(a);
}

}  // namespace gpu
}  // namespace tensor
}  // namespace rocm_patch
