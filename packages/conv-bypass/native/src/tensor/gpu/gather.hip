// GPU kernels of the gather family (Where and TopK have their own files): grid-stride loops over the
// output (gathers, generators) or over the updates (scatters, segment sums, bincounts). Gathers index in
// 32 bits when every offset fits, else 64; the others in 64 (their cost is the index arithmetic of a
// few elements per thread, not the width).
//
// Determinism: gathers, GatherNd, OneHot, Range and SearchSorted write each element once. Scatter-adds
// (ScatterNd, UnsortedSegmentSum, Bincount with weights) use atomicAdd: int32 sums are exact in any
// order, but float32 sums depend on the order the atomics land in, which varies from run to run — the
// result can differ in the last bits between runs (and from tfjs-backend-cpu's sequential sum).
// Duplicates always sum. The last-update-wins scatter (TensorScatterUpdate, SparseToDense) is
// deterministic: a first pass takes the highest update number per output slice (atomicMax), and only
// that update writes, which is what the sequential loop leaves.
#include <climits>

#include "device/context.h"
#include "tensor/gather.h"
#include "tensor/gpu/launch.h"
#include "tensor/ops/gather.h"

namespace rocm_patch {
namespace tensor {
namespace gpu {
namespace {

using device::ErrorSink;
using device::kIndexOutOfRange;

#define RP_GRID_STRIDE(Index, e, n)                                                        \
  for (Index e = blockIdx.x * static_cast<Index>(blockDim.x) + threadIdx.x; e < (n); \
       e += static_cast<Index>(gridDim.x) * blockDim.x)

// ---- GatherV2 --------------------------------------------------------------------------------------

template <class Index>
__global__ void __launch_bounds__(kBlock)
    gather_kernel(const uint32_t* __restrict__ x, const int32_t* __restrict__ indices, uint32_t* __restrict__ y,
                  Index outer, Index dim, Index slice, Index nIdx, Index n, ErrorSink sink) {
  RP_GRID_STRIDE(Index, e, n) {
    const Index s = e % slice;
    Index t = e / slice;
    const Index i = t % nIdx;
    t /= nIdx;
    const Index o = t % outer;
    const Index b = t / outer;
    const int32_t v = indices[b * nIdx + i];
    if (v < 0 || static_cast<Index>(v) >= dim) {
      sink.report(kIndexOutOfRange, v, dim);
      y[e] = 0;
      continue;
    }
    y[e] = x[((b * outer + o) * dim + v) * slice + s];
  }
}

// Reports an out-of-range index when no output element reads it (an empty outer or slice).
__global__ void __launch_bounds__(kBlock)
    check_indices_kernel(const int32_t* __restrict__ indices, int64_t n, int64_t dim, ErrorSink sink) {
  RP_GRID_STRIDE(int64_t, e, n) {
    const int32_t v = indices[e];
    if (v < 0 || v >= dim) sink.report(kIndexOutOfRange, v, dim);
  }
}

// ---- GatherNd --------------------------------------------------------------------------------------

struct SliceStrides {
  int64_t s[kMaxRank];
};

__global__ void __launch_bounds__(kBlock)
    gather_nd_kernel(const uint32_t* __restrict__ params, const int32_t* __restrict__ indices,
                     uint32_t* __restrict__ y, int64_t sliceSize, int64_t paramsSlices, int sliceRank,
                     SliceStrides strides, int64_t n, ErrorSink sink) {
  RP_GRID_STRIDE(int64_t, e, n) {
    const int64_t i = e / sliceSize;
    const int64_t k = e - i * sliceSize;
    const int64_t flat = flatSliceIndex(indices + i * sliceRank, sliceRank, strides.s);
    if (flat < 0 || flat >= paramsSlices) {
      if (k == 0) sink.report(kIndexOutOfRange, flat, paramsSlices);
      y[e] = 0;
      continue;
    }
    y[e] = params[flat * sliceSize + k];
  }
}

// ---- scatters --------------------------------------------------------------------------------------

template <class T>
__global__ void __launch_bounds__(kBlock)
    scatter_add_kernel(const int32_t* __restrict__ indices, const T* __restrict__ updates, T* __restrict__ y,
                       int64_t sliceSize, int64_t outSlices, int sliceRank, SliceStrides strides,
                       bool updatesScalar, int64_t n, ErrorSink sink) {
  RP_GRID_STRIDE(int64_t, e, n) {
    const int64_t i = e / sliceSize;
    const int64_t k = e - i * sliceSize;
    const int64_t flat = flatSliceIndex(indices + i * sliceRank, sliceRank, strides.s);
    if (flat < 0 || flat >= outSlices) {
      if (k == 0) sink.report(kIndexOutOfRange, flat, outSlices);
      continue;
    }
    atomicAdd(y + flat * sliceSize + k, updates[updatesScalar ? 0 : e]);  // order varies: see the top
  }
}

// Pass 1 of last-update-wins: winner[slice] = the highest update number that targets it.
__global__ void __launch_bounds__(kBlock)
    scatter_winner_kernel(const int32_t* __restrict__ indices, int32_t* __restrict__ winner, int64_t outSlices,
                          int sliceRank, SliceStrides strides, int64_t numUpdates, ErrorSink sink) {
  RP_GRID_STRIDE(int64_t, i, numUpdates) {
    const int64_t flat = flatSliceIndex(indices + i * sliceRank, sliceRank, strides.s);
    if (flat < 0 || flat >= outSlices) {
      sink.report(kIndexOutOfRange, flat, outSlices);
      continue;
    }
    atomicMax(winner + flat, static_cast<int32_t>(i));
  }
}

// Pass 2: only the winning update of each slice writes it.
__global__ void __launch_bounds__(kBlock)
    scatter_replace_kernel(const int32_t* __restrict__ indices, const uint32_t* __restrict__ updates,
                           const int32_t* __restrict__ winner, uint32_t* __restrict__ y, int64_t sliceSize,
                           int64_t outSlices, int sliceRank, SliceStrides strides, bool updatesScalar,
                           int64_t n) {
  RP_GRID_STRIDE(int64_t, e, n) {
    const int64_t i = e / sliceSize;
    const int64_t k = e - i * sliceSize;
    const int64_t flat = flatSliceIndex(indices + i * sliceRank, sliceRank, strides.s);
    if (flat < 0 || flat >= outSlices || winner[flat] != static_cast<int32_t>(i)) continue;
    y[flat * sliceSize + k] = updates[updatesScalar ? 0 : e];
  }
}

__global__ void __launch_bounds__(kBlock) fill_i32_kernel(int32_t* __restrict__ p, int32_t v, int64_t n) {
  RP_GRID_STRIDE(int64_t, e, n) p[e] = v;
}

// ---- UnsortedSegmentSum ----------------------------------------------------------------------------

// lo/hi: per column, the smallest and largest segment key (-1: id out of range) of a non-finite x.
__global__ void __launch_bounds__(kBlock)
    segment_sum_kernel(const void* __restrict__ x, DType dtype, const int32_t* __restrict__ ids, float* __restrict__ y,
                       int32_t* __restrict__ lo, int32_t* __restrict__ hi, int64_t inner, int64_t numSegments,
                       int64_t n) {
  RP_GRID_STRIDE(int64_t, e, n) {
    const int64_t i = e / inner;
    const int64_t j = e - i * inner;
    const int32_t id = ids[i];
    const bool in = id >= 0 && id < numSegments;
    const float v = loadAsFloat(x, dtype, e);
    if (!isfinite(v)) {
      atomicMin(lo + j, in ? id : -1);
      atomicMax(hi + j, in ? id : -1);
    }
    if (in) atomicAdd(y + id * inner + j, v);  // order varies: see the top
  }
}

// out[s, j] = NaN where a non-finite x of column j lies in a row of a segment other than s (0 · Inf).
__global__ void __launch_bounds__(kBlock)
    segment_nan_kernel(float* __restrict__ y, const int32_t* __restrict__ lo, const int32_t* __restrict__ hi,
                       int64_t inner, int64_t n) {
  RP_GRID_STRIDE(int64_t, e, n) {
    const int64_t s = e / inner;
    const int64_t j = e - s * inner;
    if (lo[j] <= hi[j] && !(lo[j] == s && hi[j] == s)) y[e] = NAN;
  }
}

// ---- Bincount --------------------------------------------------------------------------------------

template <class T>
__global__ void __launch_bounds__(kBlock)
    bincount_kernel(const int32_t* __restrict__ x, const T* __restrict__ weights, T* __restrict__ y, int64_t cols,
                    int64_t size, bool binary, int64_t n, ErrorSink sink) {
  RP_GRID_STRIDE(int64_t, e, n) {
    const int32_t v = x[e];
    if (v < 0) {
      sink.report(kIndexOutOfRange, v, size);
      continue;
    }
    if (v >= size) continue;
    T* dst = y + (e / cols) * size + v;
    if (binary) *dst = T(1);  // every writer stores the same value
    else atomicAdd(dst, weights != nullptr ? weights[e] : T(1));  // order varies for float: see the top
  }
}

// ---- generators and SearchSorted -------------------------------------------------------------------

__global__ void __launch_bounds__(kBlock)
    one_hot_kernel(const int32_t* __restrict__ indices, uint32_t* __restrict__ y, int64_t depth, uint32_t on,
                   uint32_t off, int64_t n) {
  RP_GRID_STRIDE(int64_t, e, n) {
    const int64_t i = e / depth;
    y[e] = indices[i] == e - i * depth ? on : off;
  }
}

__global__ void __launch_bounds__(kBlock) range_closed_kernel(void* __restrict__ y, DType dtype, double start,
                                                              double step, int64_t n) {
  RP_GRID_STRIDE(int64_t, i, n) {
    const double v = rangeValue(dtype, start, step, i);
    if (dtype == DType::kF32) static_cast<float*>(y)[i] = static_cast<float>(v);
    else static_cast<int32_t*>(y)[i] = toInt32(v);
  }
}

// The recurrence of tfjs-backend-cpu, rounded at every step: one thread (see gather.h and
// rangeIsClosedForm for when the parallel closed form is used instead).
__global__ void range_serial_kernel(void* __restrict__ y, DType dtype, double start, double step, int64_t n) {
  if (blockIdx.x != 0 || threadIdx.x != 0) return;
  if (dtype == DType::kF32) {
    float* f = static_cast<float*>(y);
    float v = static_cast<float>(start);
    f[0] = v;
    for (int64_t i = 1; i < n; ++i) {
      v = static_cast<float>(static_cast<double>(v) + step);
      f[i] = v;
    }
  } else {
    int32_t* p = static_cast<int32_t*>(y);
    int32_t v = toInt32(start);
    p[0] = v;
    for (int64_t i = 1; i < n; ++i) {
      v = toInt32(static_cast<double>(v) + step);
      p[i] = v;
    }
  }
}

__global__ void __launch_bounds__(kBlock)
    search_sorted_kernel(const void* __restrict__ seq, DType seqType, const void* __restrict__ values,
                         DType valueType, int32_t* __restrict__ y, int64_t numSeq, int64_t numValues, bool right,
                         int64_t n) {
  RP_GRID_STRIDE(int64_t, e, n) {
    const int64_t b = e / numValues;
    const double v = loadAsDouble(values, valueType, e);
    int64_t left = 0, hi = numSeq;
    while (left < hi) {
      const int64_t mid = (left + hi) / 2;
      const double m = loadAsDouble(seq, seqType, b * numSeq + mid);
      if (right ? m <= v : m < v) left = mid + 1;
      else hi = mid;
    }
    y[e] = static_cast<int32_t>(hi);
  }
}

// Temporary device memory from the context's caching allocator, given back when it goes out of scope
// (right after the launches: work is stream-ordered, so the next user of the block runs after them).
class Scratch {
 public:
  Status allocate(size_t bytes) { return device::Context::get()->allocator()->allocate(bytes, &p_); }
  ~Scratch() {
    if (p_ != nullptr) device::Context::get()->allocator()->free(p_);
  }
  template <class T>
  T* as() const {
    return static_cast<T*>(p_);
  }

 private:
  void* p_ = nullptr;
};

SliceStrides sliceStrides(int rank, const int64_t* s) {
  SliceStrides t{};
  for (int j = 0; j < rank; ++j) t.s[j] = s[j];
  return t;
}

}  // namespace

Status gather(const GatherArgs& a) {
  const int64_t n = a.batch * a.outer * a.nIdx * a.slice;
  const int64_t nIndices = a.batch * a.nIdx;
  const auto* x = static_cast<const uint32_t*>(a.x);
  auto* y = static_cast<uint32_t*>(a.y);
  if (n == 0) {
    if (nIndices != 0)
      RP_LAUNCH(check_indices_kernel, dim3(blocksFor(nIndices)), dim3(kBlock), 0, 0, a.indices, nIndices, a.dim,
                a.sink);
    return launchStatus("gather");
  }
  const int64_t xElems = a.batch * a.outer * a.dim * a.slice;
  if (n <= INT32_MAX && xElems <= INT32_MAX && nIndices <= INT32_MAX)
    RP_LAUNCH(gather_kernel<int32_t>, dim3(blocksFor(n)), dim3(kBlock), 0, 0, x, a.indices, y,
              static_cast<int32_t>(a.outer), static_cast<int32_t>(a.dim), static_cast<int32_t>(a.slice),
              static_cast<int32_t>(a.nIdx), static_cast<int32_t>(n), a.sink);
  else
    RP_LAUNCH(gather_kernel<int64_t>, dim3(blocksFor(n)), dim3(kBlock), 0, 0, x, a.indices, y, a.outer, a.dim, a.slice,
              a.nIdx, n, a.sink);
  return launchStatus("gather");
}

Status gatherNd(const GatherNdArgs& a) {
  const int64_t n = a.numSlices * a.sliceSize;
  if (n == 0) return Status{};
  RP_LAUNCH(gather_nd_kernel, dim3(blocksFor(n)), dim3(kBlock), 0, 0, static_cast<const uint32_t*>(a.params),
            a.indices, static_cast<uint32_t*>(a.y), a.sliceSize, a.paramsSlices, a.sliceRank,
            sliceStrides(a.sliceRank, a.strides), n, a.sink);
  return launchStatus("gatherNd");
}

Status scatter(const ScatterArgs& a) {
  const int64_t n = a.numUpdates * a.sliceSize;
  if (n == 0 || a.outSlices == 0) return Status{};
  const SliceStrides strides = sliceStrides(a.sliceRank, a.strides);
  if (a.mode == ScatterMode::kAdd) {
    if (a.dtype == DType::kF32)
      RP_LAUNCH(scatter_add_kernel<float>, dim3(blocksFor(n)), dim3(kBlock), 0, 0, a.indices,
                static_cast<const float*>(a.updates), static_cast<float*>(a.y), a.sliceSize, a.outSlices,
                a.sliceRank, strides, a.updatesScalar, n, a.sink);
    else  // unsigned: wrapping addition, as int32 results are stored
      RP_LAUNCH(scatter_add_kernel<unsigned>, dim3(blocksFor(n)), dim3(kBlock), 0, 0, a.indices,
                static_cast<const unsigned*>(a.updates), static_cast<unsigned*>(a.y), a.sliceSize, a.outSlices,
                a.sliceRank, strides, a.updatesScalar, n, a.sink);
    return launchStatus("scatter");
  }
  Scratch winner;
  Status s = winner.allocate(static_cast<size_t>(a.outSlices) * 4);
  if (!s.ok()) return s;
  RP_LAUNCH(fill_i32_kernel, dim3(blocksFor(a.outSlices)), dim3(kBlock), 0, 0, winner.as<int32_t>(), -1,
            a.outSlices);
  RP_LAUNCH(scatter_winner_kernel, dim3(blocksFor(a.numUpdates)), dim3(kBlock), 0, 0, a.indices,
            winner.as<int32_t>(), a.outSlices, a.sliceRank, strides, a.numUpdates, a.sink);
  RP_LAUNCH(scatter_replace_kernel, dim3(blocksFor(n)), dim3(kBlock), 0, 0, a.indices,
            static_cast<const uint32_t*>(a.updates), winner.as<int32_t>(), static_cast<uint32_t*>(a.y), a.sliceSize,
            a.outSlices, a.sliceRank, strides, a.updatesScalar, n);
  return launchStatus("scatter");
}

Status segmentSum(const SegmentSumArgs& a) {
  const int64_t n = a.n * a.inner;
  const int64_t ny = a.numSegments * a.inner;
  if (n == 0 || ny == 0) return Status{};
  Scratch bounds;
  Status s = bounds.allocate(static_cast<size_t>(a.inner) * 8);
  if (!s.ok()) return s;
  int32_t* lo = bounds.as<int32_t>();
  int32_t* hi = lo + a.inner;
  RP_LAUNCH(fill_i32_kernel, dim3(blocksFor(a.inner)), dim3(kBlock), 0, 0, lo, INT_MAX, a.inner);
  RP_LAUNCH(fill_i32_kernel, dim3(blocksFor(a.inner)), dim3(kBlock), 0, 0, hi, INT_MIN, a.inner);
  RP_LAUNCH(segment_sum_kernel, dim3(blocksFor(n)), dim3(kBlock), 0, 0, a.x, a.dtype, a.ids, a.y, lo, hi, a.inner,
            a.numSegments, n);
  RP_LAUNCH(segment_nan_kernel, dim3(blocksFor(ny)), dim3(kBlock), 0, 0, a.y, lo, hi, a.inner, ny);
  return launchStatus("segmentSum");
}

Status bincount(const BincountArgs& a) {
  const int64_t n = a.rows * a.cols;
  if (n == 0) return Status{};
  if (a.dtype == DType::kF32)
    RP_LAUNCH(bincount_kernel<float>, dim3(blocksFor(n)), dim3(kBlock), 0, 0, a.x,
              static_cast<const float*>(a.weights), static_cast<float*>(a.y), a.cols, a.size, a.binary, n, a.sink);
  else
    RP_LAUNCH(bincount_kernel<unsigned>, dim3(blocksFor(n)), dim3(kBlock), 0, 0, a.x,
              static_cast<const unsigned*>(a.weights), static_cast<unsigned*>(a.y), a.cols, a.size, a.binary, n,
              a.sink);
  return launchStatus("bincount");
}

Status oneHot(const OneHotArgs& a) {
  const int64_t n = a.n * a.depth;
  if (n == 0) return Status{};
  RP_LAUNCH(one_hot_kernel, dim3(blocksFor(n)), dim3(kBlock), 0, 0, a.indices, a.y, a.depth, a.on, a.off, n);
  return launchStatus("oneHot");
}

Status range(const RangeArgs& a) {
  if (a.n == 0) return Status{};
  if (rangeIsClosedForm(a.dtype, a.start, a.step, a.n))
    RP_LAUNCH(range_closed_kernel, dim3(blocksFor(a.n)), dim3(kBlock), 0, 0, a.y, a.dtype, a.start, a.step, a.n);
  else
    RP_LAUNCH(range_serial_kernel, dim3(1), dim3(1), 0, 0, a.y, a.dtype, a.start, a.step, a.n);
  return launchStatus("range");
}

Status searchSorted(const SearchSortedArgs& a) {
  const int64_t n = a.batch * a.numValues;
  if (n == 0) return Status{};
  RP_LAUNCH(search_sorted_kernel, dim3(blocksFor(n)), dim3(kBlock), 0, 0, a.seq, a.seqType, a.values, a.valueType,
            a.y, a.numSeq, a.numValues, a.right, n);
  return launchStatus("searchSorted");
}

}  // namespace gpu
}  // namespace tensor
}  // namespace rocm_patch
