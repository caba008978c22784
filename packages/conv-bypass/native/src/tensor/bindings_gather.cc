// N-API entries of the gather family. Argument order: (nameId, dtypes and modes, buffer ids, sizes);
// strides and shapes come from the shared args array where documented. Every buffer is checked to hold
// every element the kernel can reach; the index values themselves are checked by the kernels.
#include <cstring>
#include <initializer_list>

#include "tensor/gather.h"
#include "tensor/napi_util.h"

namespace rocm_patch {
namespace tensor {
namespace {

constexpr int64_t kMaxElements = int64_t{1} << 53;
constexpr int64_t kMaxInt32 = 2147483647;

// The product of sizes, refused past 2^53 (computed in 128 bits, so it cannot wrap first).
int64_t product(const KernelCall& c, std::initializer_list<int64_t> sizes, const char* what) {
  __int128 p = 1;
  for (int64_t s : sizes) {
    p *= s;
    if (p > kMaxElements) c.fail(std::string(what) + " has 2^53 elements or more");
  }
  return static_cast<int64_t>(p);
}

int64_t size(const KernelCall& c, size_t i, const char* what) { return c.integer(i, what, 0, kMaxElements); }

// A slice-index stride table (sliceRank entries from args[0..)), each ≥ 0.
void readStrides(const KernelCall& c, int sliceRank, int64_t* strides) {
  c.readArgs(0, static_cast<size_t>(sliceRank), strides, "strides");
  for (int j = 0; j < sliceRank; ++j)
    if (strides[j] < 0) c.fail("strides must be non-negative");
}

// gather(nameId, x, indices, y, batch, outer, dim, slice, nIdx)
Napi::Value Gather(const Napi::CallbackInfo& info) {
  KernelCall c(info, "gather");
  GatherArgs a{};
  a.batch = size(c, 4, "batch");
  a.outer = size(c, 5, "outer");
  a.dim = size(c, 6, "dim");
  a.slice = size(c, 7, "slice");
  a.nIdx = size(c, 8, "nIdx");
  a.x = c.buffer(1, "x", product(c, {a.batch, a.outer, a.dim, a.slice}, "x"));
  a.indices = static_cast<const int32_t*>(c.buffer(2, "indices", product(c, {a.batch, a.nIdx}, "indices")));
  a.y = c.buffer(3, "y", product(c, {a.batch, a.outer, a.nIdx, a.slice}, "y"));
  a.sink = c.sink();
  c.finish(RP_RUN(c, gather, a));
  return info.Env().Undefined();
}

// gatherNd(nameId, params, indices, y, numSlices, sliceSize, paramsSlices, sliceRank); args: strides
Napi::Value GatherNd(const Napi::CallbackInfo& info) {
  KernelCall c(info, "gatherNd");
  GatherNdArgs a{};
  a.numSlices = size(c, 4, "numSlices");
  a.sliceSize = size(c, 5, "sliceSize");
  a.paramsSlices = size(c, 6, "paramsSlices");
  a.sliceRank = c.rank(7, "sliceRank");
  readStrides(c, a.sliceRank, a.strides);
  a.params = c.buffer(1, "params", product(c, {a.paramsSlices, a.sliceSize}, "params"));
  a.indices = static_cast<const int32_t*>(
      c.buffer(2, "indices", product(c, {a.numSlices, static_cast<int64_t>(a.sliceRank)}, "indices")));
  a.y = c.buffer(3, "y", product(c, {a.numSlices, a.sliceSize}, "y"));
  a.sink = c.sink();
  c.finish(RP_RUN(c, gatherNd, a));
  return info.Env().Undefined();
}

// scatter(nameId, mode, dtype, indices, updates, y, numUpdates, sliceSize, outSlices, sliceRank,
// updatesScalar); args: strides. y must hold its initial values (zeros, the tensor, the default).
Napi::Value Scatter(const Napi::CallbackInfo& info) {
  KernelCall c(info, "scatter");
  ScatterArgs a{};
  a.mode = static_cast<ScatterMode>(c.integer(1, "mode", 0, 1));
  a.dtype = c.dtype(2, "dtype");
  // The last-update-wins pass keeps update numbers in int32.
  a.numUpdates = c.integer(6, "numUpdates", 0, kMaxInt32);
  a.sliceSize = size(c, 7, "sliceSize");
  a.outSlices = size(c, 8, "outSlices");
  a.sliceRank = c.rank(9, "sliceRank");
  a.updatesScalar = c.boolean(10, "updatesScalar");
  readStrides(c, a.sliceRank, a.strides);
  a.indices = static_cast<const int32_t*>(
      c.buffer(3, "indices", product(c, {a.numUpdates, static_cast<int64_t>(a.sliceRank)}, "indices")));
  const int64_t updates = a.updatesScalar ? 1 : product(c, {a.numUpdates, a.sliceSize}, "updates");
  a.updates = c.buffer(4, "updates", a.numUpdates == 0 || a.sliceSize == 0 ? 0 : updates);
  a.y = c.buffer(5, "y", product(c, {a.outSlices, a.sliceSize}, "y"));
  a.sink = c.sink();
  c.finish(RP_RUN(c, scatter, a));
  return info.Env().Undefined();
}

// Zeroes n elements of buffer y (a kernel that accumulates into its output).
void zero(KernelCall& c, void* y, int64_t n) {
  if (n == 0) return;
  const Status s = c.ctx()->rt()->fill32(y, 0, static_cast<size_t>(n));
  if (!s.ok()) throwStatus(c.env(), s);
}

// segmentSum(nameId, dtype, x, ids, y, n, inner, numSegments): y (float32) is zeroed here.
Napi::Value SegmentSum(const Napi::CallbackInfo& info) {
  KernelCall c(info, "segmentSum");
  SegmentSumArgs a{};
  a.dtype = c.dtype(1, "dtype");
  a.n = size(c, 5, "n");
  a.inner = size(c, 6, "inner");
  a.numSegments = c.integer(7, "numSegments", 0, kMaxInt32);
  a.x = c.buffer(2, "x", product(c, {a.n, a.inner}, "x"));
  a.ids = static_cast<const int32_t*>(c.buffer(3, "ids", a.n));
  const int64_t ny = product(c, {a.numSegments, a.inner}, "y");
  a.y = static_cast<float*>(c.buffer(4, "y", ny));
  zero(c, a.y, ny);
  c.sink();
  c.finish(RP_RUN(c, segmentSum, a));
  return info.Env().Undefined();
}

// bincount(nameId, dtype, x, weights (-1: none), y, rows, cols, size, binary): y is zeroed here.
Napi::Value Bincount(const Napi::CallbackInfo& info) {
  KernelCall c(info, "bincount");
  BincountArgs a{};
  a.dtype = c.dtype(1, "dtype");
  a.rows = size(c, 5, "rows");
  a.cols = size(c, 6, "cols");
  a.size = c.integer(7, "size", 0, kMaxInt32);
  a.binary = c.boolean(8, "binary");
  const int64_t n = product(c, {a.rows, a.cols}, "x");
  a.x = static_cast<const int32_t*>(c.buffer(2, "x", n));
  a.weights = c.number(3, "weights") < 0 ? nullptr : c.buffer(3, "weights", n);
  const int64_t ny = product(c, {a.rows, a.size}, "y");
  a.y = c.buffer(4, "y", ny);
  zero(c, a.y, ny);
  a.sink = c.sink();
  c.finish(RP_RUN(c, bincount, a));
  return info.Env().Undefined();
}

// The bits of a number stored as the dtype (float32: rounded; int32: ToInt32 of the float32 value, as
// tfjs-backend-cpu builds OneHot's values in a Float32Array).
uint32_t storedBits(double v, DType t) {
  const float f = static_cast<float>(v);
  uint32_t bits;
  if (t == DType::kF32) {
    std::memcpy(&bits, &f, 4);
  } else {
    const int32_t i = toInt32(static_cast<double>(f));
    std::memcpy(&bits, &i, 4);
  }
  return bits;
}

// oneHot(nameId, indices, y, n, depth, on, off, dtype)
Napi::Value OneHot(const Napi::CallbackInfo& info) {
  KernelCall c(info, "oneHot");
  OneHotArgs a{};
  a.n = size(c, 3, "n");
  a.depth = size(c, 4, "depth");
  const DType t = c.dtype(7, "dtype");
  a.on = storedBits(c.number(5, "on"), t);
  a.off = storedBits(c.number(6, "off"), t);
  a.indices = static_cast<const int32_t*>(c.buffer(1, "indices", a.n));
  a.y = static_cast<uint32_t*>(c.buffer(2, "y", product(c, {a.n, a.depth}, "y")));
  c.sink();
  c.finish(RP_RUN(c, oneHot, a));
  return info.Env().Undefined();
}

// range(nameId, dtype, y, n, start, step): y[0] = start, y[i] = y[i-1] + step (see gather.h).
Napi::Value Range(const Napi::CallbackInfo& info) {
  KernelCall c(info, "range");
  RangeArgs a{};
  a.dtype = c.dtype(1, "dtype");
  a.n = size(c, 3, "n");
  a.start = c.number(4, "start");
  a.step = c.number(5, "step");
  a.y = c.buffer(2, "y", a.n);
  c.sink();
  c.finish(RP_RUN(c, range, a));
  return info.Env().Undefined();
}

// searchSorted(nameId, seqType, valueType, seq, values, y, batch, numSeq, numValues, right)
Napi::Value SearchSorted(const Napi::CallbackInfo& info) {
  KernelCall c(info, "searchSorted");
  SearchSortedArgs a{};
  a.seqType = c.dtype(1, "seqType");
  a.valueType = c.dtype(2, "valueType");
  a.batch = size(c, 6, "batch");
  a.numSeq = c.integer(7, "numSeq", 0, kMaxInt32);  // results are int32
  a.numValues = size(c, 8, "numValues");
  a.right = c.boolean(9, "right");
  a.seq = c.buffer(3, "seq", product(c, {a.batch, a.numSeq}, "seq"));
  const int64_t n = product(c, {a.batch, a.numValues}, "values");
  a.values = c.buffer(4, "values", n);
  a.y = static_cast<int32_t*>(c.buffer(5, "y", n));
  c.sink();
  c.finish(RP_RUN(c, searchSorted, a));
  return info.Env().Undefined();
}

// whereCount(nameId, dtype, cond, counts, n, chunks): counts[c] = true elements of chunk c.
Napi::Value WhereCount(const Napi::CallbackInfo& info) {
  KernelCall c(info, "whereCount");
  WhereCountArgs a{};
  a.dtype = c.dtype(1, "dtype");
  a.n = c.integer(4, "n", 0, kMaxInt32);  // counts and coordinates are int32
  a.chunks = c.integer(5, "chunks", 1, 65536);
  a.cond = c.buffer(2, "cond", a.n);
  a.counts = static_cast<int32_t*>(c.buffer(3, "counts", a.chunks));
  c.sink();
  c.finish(RP_RUN(c, whereCount, a));
  return info.Env().Undefined();
}

// whereWrite(nameId, dtype, cond, counts, y, n, chunks, count, rank); args: shape[rank] (n elements)
Napi::Value WhereWrite(const Napi::CallbackInfo& info) {
  KernelCall c(info, "whereWrite");
  WhereWriteArgs a{};
  a.dtype = c.dtype(1, "dtype");
  a.n = c.integer(5, "n", 0, kMaxInt32);
  a.chunks = c.integer(6, "chunks", 1, 65536);
  a.count = c.integer(7, "count", 0, a.n);
  a.rank = c.rank(8, "rank");
  if (c.readShape(0, a.rank, a.shape, "shape") != a.n) c.fail("the shape does not hold n elements");
  if (a.rank == 0 && a.n != 0) c.fail("a scalar condition has no coordinates to write");
  a.cond = c.buffer(2, "cond", a.n);
  a.counts = static_cast<const int32_t*>(c.buffer(3, "counts", a.chunks));
  a.y = static_cast<int32_t*>(c.buffer(4, "y", product(c, {a.count, static_cast<int64_t>(a.rank)}, "y")));
  c.sink();
  c.finish(RP_RUN(c, whereWrite, a));
  return info.Env().Undefined();
}

// topK(nameId, dtype, x, values, indices, rows, n, k, keepOrder)
Napi::Value TopK(const Napi::CallbackInfo& info) {
  KernelCall c(info, "topK");
  TopKArgs a{};
  a.dtype = c.dtype(1, "dtype");
  a.rows = size(c, 5, "rows");
  a.n = c.integer(6, "n", 0, kMaxInt32);  // indices are int32
  a.k = c.integer(7, "k", 0, a.n);
  a.keepOrder = c.boolean(8, "keepOrder");
  if (a.keepOrder && a.k != a.n) c.fail("keepOrder needs k = n");
  a.x = c.buffer(2, "x", product(c, {a.rows, a.n}, "x"));
  const int64_t out = product(c, {a.rows, a.k}, "values");
  a.values = c.buffer(3, "values", out);
  a.indices = static_cast<int32_t*>(c.buffer(4, "indices", out));
  c.sink();
  c.finish(RP_RUN(c, topK, a));
  return info.Env().Undefined();
}

}  // namespace

void RegisterGather(Napi::Env env, Napi::Object target) {
  target.Set("bincount", Napi::Function::New(env, Bincount, "bincount"));
  target.Set("gather", Napi::Function::New(env, Gather, "gather"));
  target.Set("gatherNd", Napi::Function::New(env, GatherNd, "gatherNd"));
  target.Set("oneHot", Napi::Function::New(env, OneHot, "oneHot"));
  target.Set("range", Napi::Function::New(env, Range, "range"));
  target.Set("scatter", Napi::Function::New(env, Scatter, "scatter"));
  target.Set("searchSorted", Napi::Function::New(env, SearchSorted, "searchSorted"));
  target.Set("segmentSum", Napi::Function::New(env, SegmentSum, "segmentSum"));
  target.Set("topK", Napi::Function::New(env, TopK, "topK"));
  target.Set("whereCount", Napi::Function::New(env, WhereCount, "whereCount"));
  target.Set("whereWrite", Napi::Function::New(env, WhereWrite, "whereWrite"));
}

}  // namespace tensor
}  // namespace rocm_patch
