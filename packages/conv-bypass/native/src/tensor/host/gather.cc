// The host device's gather family: plain loops in the order tfjs-backend-cpu runs them (so scatter-adds
// sum in update order and the last update of a slice wins), with the same range checks as the GPU
// kernels: a bad index is reported and the element it would have produced is 0 (or the update skipped).
#include <algorithm>
#include <cstring>
#include <limits>
#include <vector>

#include "tensor/gather.h"
#include "tensor/ops/gather.h"

namespace rocm_patch {
namespace tensor {
namespace host {

using device::kIndexOutOfRange;

Status gather(const GatherArgs& a) {
  const auto* x = static_cast<const uint32_t*>(a.x);
  auto* y = static_cast<uint32_t*>(a.y);
  for (int64_t b = 0; b < a.batch; ++b) {
    for (int64_t i = 0; i < a.nIdx; ++i) {
      // Checked even when no element reads it (an empty outer or slice), as cpu checks every index.
      const int32_t v = a.indices[b * a.nIdx + i];
      if (v < 0 || v >= a.dim) a.sink.report(kIndexOutOfRange, v, a.dim);
    }
    for (int64_t o = 0; o < a.outer; ++o) {
      for (int64_t i = 0; i < a.nIdx; ++i) {
        const int32_t v = a.indices[b * a.nIdx + i];
        uint32_t* dst = y + ((b * a.outer + o) * a.nIdx + i) * a.slice;
        if (v < 0 || v >= a.dim) {
          std::fill(dst, dst + a.slice, 0u);
          continue;
        }
        const uint32_t* src = x + ((b * a.outer + o) * a.dim + v) * a.slice;
        std::copy(src, src + a.slice, dst);
      }
    }
  }
  return Status{};
}

Status gatherNd(const GatherNdArgs& a) {
  const auto* p = static_cast<const uint32_t*>(a.params);
  auto* y = static_cast<uint32_t*>(a.y);
  for (int64_t i = 0; i < a.numSlices; ++i) {
    const int64_t flat = flatSliceIndex(a.indices + i * a.sliceRank, a.sliceRank, a.strides);
    uint32_t* dst = y + i * a.sliceSize;
    if (flat < 0 || flat >= a.paramsSlices) {
      a.sink.report(kIndexOutOfRange, flat, a.paramsSlices);
      std::fill(dst, dst + a.sliceSize, 0u);
      continue;
    }
    const uint32_t* src = p + flat * a.sliceSize;
    std::copy(src, src + a.sliceSize, dst);
  }
  return Status{};
}

Status scatter(const ScatterArgs& a) {
  for (int64_t i = 0; i < a.numUpdates; ++i) {
    const int64_t flat = flatSliceIndex(a.indices + i * a.sliceRank, a.sliceRank, a.strides);
    if (flat < 0 || flat >= a.outSlices) {
      a.sink.report(kIndexOutOfRange, flat, a.outSlices);
      continue;
    }
    for (int64_t k = 0; k < a.sliceSize; ++k) {
      const int64_t src = a.updatesScalar ? 0 : i * a.sliceSize + k;
      const int64_t dst = flat * a.sliceSize + k;
      if (a.mode == ScatterMode::kReplace) {
        static_cast<uint32_t*>(a.y)[dst] = static_cast<const uint32_t*>(a.updates)[src];
      } else if (a.dtype == DType::kF32) {
        static_cast<float*>(a.y)[dst] += static_cast<const float*>(a.updates)[src];
      } else {
        // Wrapping int32 addition: what storing the double sum into an Int32Array gives.
        auto* yi = static_cast<uint32_t*>(a.y);
        yi[dst] += static_cast<const uint32_t*>(a.updates)[src];
      }
    }
  }
  return Status{};
}

Status segmentSum(const SegmentSumArgs& a) {
  // The columns where a non-finite x lies in a row of another segment become NaN (see gather.h): the
  // smallest and largest segment key of a non-finite row per column (-1 for ids out of range).
  std::vector<int32_t> lo(static_cast<size_t>(a.inner), std::numeric_limits<int32_t>::max());
  std::vector<int32_t> hi(static_cast<size_t>(a.inner), std::numeric_limits<int32_t>::min());
  for (int64_t i = 0; i < a.n; ++i) {
    const int32_t id = a.ids[i];
    const bool in = id >= 0 && id < a.numSegments;
    for (int64_t j = 0; j < a.inner; ++j) {
      const float v = loadAsFloat(a.x, a.dtype, i * a.inner + j);
      if (!std::isfinite(v)) {
        const int32_t key = in ? id : -1;
        lo[j] = std::min(lo[j], key);
        hi[j] = std::max(hi[j], key);
      }
      if (in) a.y[id * a.inner + j] += v;
    }
  }
  for (int64_t s = 0; s < a.numSegments; ++s)
    for (int64_t j = 0; j < a.inner; ++j)
      if (lo[j] <= hi[j] && !(lo[j] == s && hi[j] == s)) a.y[s * a.inner + j] = NAN;
  return Status{};
}

Status bincount(const BincountArgs& a) {
  for (int64_t r = 0; r < a.rows; ++r) {
    for (int64_t c = 0; c < a.cols; ++c) {
      const int64_t e = r * a.cols + c;
      const int32_t v = a.x[e];
      if (v < 0) {
        a.sink.report(kIndexOutOfRange, v, a.size);
        continue;
      }
      if (v >= a.size) continue;
      const int64_t dst = r * a.size + v;
      if (a.dtype == DType::kF32) {
        float* y = static_cast<float*>(a.y);
        if (a.binary) y[dst] = 1.0f;
        else y[dst] += a.weights != nullptr ? static_cast<const float*>(a.weights)[e] : 1.0f;
      } else {
        uint32_t* y = static_cast<uint32_t*>(a.y);
        if (a.binary) y[dst] = 1;
        else y[dst] += a.weights != nullptr ? static_cast<const uint32_t*>(a.weights)[e] : 1u;
      }
    }
  }
  return Status{};
}

Status oneHot(const OneHotArgs& a) {
  for (int64_t i = 0; i < a.n; ++i)
    for (int64_t d = 0; d < a.depth; ++d) a.y[i * a.depth + d] = a.indices[i] == d ? a.on : a.off;
  return Status{};
}

Status range(const RangeArgs& a) {
  if (a.n == 0) return Status{};
  if (rangeIsClosedForm(a.dtype, a.start, a.step, a.n)) {
    for (int64_t i = 0; i < a.n; ++i) {
      const double v = rangeValue(a.dtype, a.start, a.step, i);
      if (a.dtype == DType::kF32) static_cast<float*>(a.y)[i] = static_cast<float>(v);
      else static_cast<int32_t*>(a.y)[i] = toInt32(v);
    }
    return Status{};
  }
  if (a.dtype == DType::kF32) {
    float* y = static_cast<float*>(a.y);
    y[0] = static_cast<float>(a.start);
    for (int64_t i = 1; i < a.n; ++i) y[i] = static_cast<float>(static_cast<double>(y[i - 1]) + a.step);
  } else {
    int32_t* y = static_cast<int32_t*>(a.y);
    y[0] = toInt32(a.start);
    for (int64_t i = 1; i < a.n; ++i) y[i] = toInt32(static_cast<double>(y[i - 1]) + a.step);
  }
  return Status{};
}

Status searchSorted(const SearchSortedArgs& a) {
  for (int64_t b = 0; b < a.batch; ++b) {
    for (int64_t i = 0; i < a.numValues; ++i) {
      const double v = loadAsDouble(a.values, a.valueType, b * a.numValues + i);
      int64_t left = 0, right = a.numSeq;
      while (left < right) {
        const int64_t mid = (left + right) / 2;
        const double m = loadAsDouble(a.seq, a.seqType, b * a.numSeq + mid);
        if (a.right ? m <= v : m < v) left = mid + 1;
        else right = mid;
      }
      a.y[b * a.numValues + i] = static_cast<int32_t>(right);
    }
  }
  return Status{};
}

Status whereCount(const WhereCountArgs& a) {
  const int64_t len = whereChunkLength(a.n, a.chunks);
  for (int64_t c = 0; c < a.chunks; ++c) {
    const int64_t end = std::min(a.n, (c + 1) * len);
    int32_t count = 0;
    for (int64_t e = c * len; e < end; ++e) count += truthy(a.cond, a.dtype, e) ? 1 : 0;
    a.counts[c] = count;
  }
  return Status{};
}

Status whereWrite(const WhereWriteArgs& a) {
  int64_t row = 0;
  for (int64_t e = 0; e < a.n && row < a.count; ++e) {
    if (!truthy(a.cond, a.dtype, e)) continue;
    int64_t rest = e;
    for (int d = a.rank - 1; d >= 0; --d) {
      a.y[row * a.rank + d] = static_cast<int32_t>(rest % a.shape[d]);
      rest /= a.shape[d];
    }
    ++row;
  }
  return Status{};
}

Status topK(const TopKArgs& a) {
  const auto* x = static_cast<const uint32_t*>(a.x);
  auto* values = static_cast<uint32_t*>(a.values);
  if (a.keepOrder) {
    for (int64_t r = 0; r < a.rows; ++r)
      for (int64_t i = 0; i < a.n; ++i) {
        values[r * a.n + i] = x[r * a.n + i];
        a.indices[r * a.n + i] = static_cast<int32_t>(i);
      }
    return Status{};
  }
  const bool isFloat = a.dtype == DType::kF32;
  std::vector<uint64_t> keys(static_cast<size_t>(a.n));
  for (int64_t r = 0; r < a.rows; ++r) {
    const uint32_t* row = x + r * a.n;
    for (int64_t i = 0; i < a.n; ++i) keys[i] = topKKey(row[i], isFloat, static_cast<uint32_t>(i));
    std::partial_sort(keys.begin(), keys.begin() + a.k, keys.end());
    for (int64_t t = 0; t < a.k; ++t) {
      const uint32_t idx = topKIndex(keys[t]);
      values[r * a.k + t] = row[idx];
      a.indices[r * a.k + t] = static_cast<int32_t>(idx);
    }
  }
  return Status{};
}

}  // namespace host
}  // namespace tensor
}  // namespace rocm_patch
