// N-API entries of the movement family (tensor/movement.h). Argument order: (nameId, mode, buffer ids,
// sizes); shapes, column counts and part buffer ids come from the shared args array, in the order given at
// each function. Everything a kernel will index is checked here first: the source coordinates of tile and
// pad land inside the input by construction once the checks below hold, and every part's rows lie inside
// its buffer and inside the whole.
#include <cstring>
#include <string>
#include <unordered_set>
#include <vector>

#include "tensor/movement.h"
#include "tensor/napi_util.h"

namespace rocm_patch {
namespace tensor {
namespace {

uint32_t constantBits(double value, DType dt) {
  uint32_t bits;
  if (dt == DType::kF32) {
    const float f = static_cast<float>(value);
    std::memcpy(&bits, &f, 4);
  } else {
    const int32_t i = toInt32(value);
    std::memcpy(&bits, &i, 4);
  }
  return bits;
}

// Reads inShape and outShape (args[0 .. 2·rank)) and the buffers; returns the input's element count.
int64_t readRemapShapes(KernelCall& c, RemapArgs& a, size_t xArg, size_t yArg) {
  const int64_t inElements = c.readShape(0, a.rank, a.inShape, "inShape");
  a.n = c.readShape(a.rank, a.rank, a.outShape, "outShape");
  a.x = c.buffer(xArg, "x", inElements);
  a.y = c.buffer(yArg, "y", a.n);
  return inElements;
}

// tile(nameId, x, y, rank); args: inShape[rank], outShape[rank]. y[o] = x[o mod inShape] per dimension.
Napi::Value Tile(const Napi::CallbackInfo& info) {
  KernelCall c(info, "tile");
  RemapArgs a{};
  a.mode = RemapMode::kTile;
  a.rank = c.rank(3, "rank");
  readRemapShapes(c, a, 1, 2);
  if (a.n > 0) {
    for (int d = 0; d < a.rank; ++d)
      if (a.inShape[d] == 0) c.fail("inShape[" + std::to_string(d) + "] is 0 but the output is not empty");
  }
  c.sink();
  c.finish(RP_RUN(c, remap, a));
  return info.Env().Undefined();
}

// pad(nameId, mode, x, y, rank, value, dtype); mode 0 constant, 1 reflect, 2 symmetric;
// args: inShape[rank], outShape[rank], before[rank] (after = outShape − inShape − before, ≥ 0).
Napi::Value Pad(const Napi::CallbackInfo& info) {
  KernelCall c(info, "pad");
  RemapArgs a{};
  const int64_t mode = c.integer(1, "mode", 0, 2);
  a.mode = static_cast<RemapMode>(static_cast<int32_t>(RemapMode::kPadConstant) + mode);
  a.rank = c.rank(4, "rank");
  readRemapShapes(c, a, 2, 3);
  c.readArgs(2 * a.rank, a.rank, a.before, "before");
  a.fill = constantBits(c.number(5, "value"), c.dtype(6, "dtype"));
  // Mirror modes reflect once: each padding must be at most n − 1 (reflect) or n (symmetric).
  const int64_t slack = a.mode == RemapMode::kPadReflect ? 1 : 0;
  for (int d = 0; d < a.rank; ++d) {
    const int64_t after = a.outShape[d] - a.inShape[d] - a.before[d];
    if (a.before[d] < 0 || after < 0)
      c.fail("outShape[" + std::to_string(d) + "] must be inShape + before + after with non-negative paddings");
    if (a.mode != RemapMode::kPadConstant && a.n > 0 &&
        (a.before[d] > a.inShape[d] - slack || after > a.inShape[d] - slack))
      c.fail("the paddings of dimension " + std::to_string(d) + " exceed what a " +
             (slack ? "reflect" : "symmetric") + " pad of size " + std::to_string(a.inShape[d]) + " allows");
  }
  c.sink();
  c.finish(RP_RUN(c, remap, a));
  return info.Env().Undefined();
}

// Shared by concat and split: (nameId, whole, count, outer, wholeCols, colBase); args: cols[count], then
// the parts' buffer ids[count].
Napi::Value Parts(const Napi::CallbackInfo& info, bool toWhole) {
  const char* fn = toWhole ? "concat" : "split";
  KernelCall c(info, fn);
  const ArgsArray& shared = sharedArgs();
  const int64_t count = c.integer(2, "count", 0, static_cast<int64_t>(shared.length / 2));
  PartsArgs a{};
  a.toWhole = toWhole;
  a.count = static_cast<int>(count);
  a.outer = c.integer(3, "outer", 0, int64_t{1} << 53);
  a.wholeCols = c.integer(4, "wholeCols", 0, int64_t{1} << 53);
  a.colBase = c.integer(5, "colBase", 0, int64_t{1} << 53);
  const __int128 wholeElements = static_cast<__int128>(a.outer) * a.wholeCols;
  if (wholeElements > (static_cast<__int128>(1) << 53)) c.fail("the whole has 2^53 elements or more");
  a.whole = c.buffer(1, toWhole ? "y" : "x", static_cast<int64_t>(wholeElements));

  std::vector<int64_t> cols(static_cast<size_t>(count));
  c.readArgs(0, cols.size(), cols.data(), "cols");
  std::vector<int64_t> ids(static_cast<size_t>(count));
  c.readArgs(cols.size(), ids.size(), ids.data(), "part ids");
  std::vector<void*> ptrs(static_cast<size_t>(count));
  std::unordered_set<void*> written;  // split: two parts in one buffer would race on its elements
  __int128 end = a.colBase;
  for (size_t p = 0; p < ptrs.size(); ++p) {
    const std::string what = "part " + std::to_string(p);
    if (cols[p] < 0) c.fail(what + " has a negative column count");
    end += cols[p];
    device::Buffer* b = c.ctx()->buffers().get(static_cast<double>(ids[p]));
    if (b == nullptr) c.fail(what + " is not a live device buffer");
    const __int128 need = static_cast<__int128>(a.outer) * cols[p];
    if (need > static_cast<__int128>(b->bytes / 4))
      c.fail(what + " needs " + std::to_string(static_cast<long long>(need)) + " elements, its buffer holds " +
             std::to_string(b->bytes / 4));
    if (b->ptr == a.whole && need > 0) c.fail(what + " is the whole's own buffer");
    if (!toWhole && need > 0 && !written.insert(b->ptr).second) c.fail(what + " repeats an earlier part's buffer");
    ptrs[p] = b->ptr;
  }
  if (end > a.wholeCols) c.fail("the parts' columns end past wholeCols");
  a.parts = ptrs.data();
  a.cols = cols.data();
  c.sink();
  c.finish(RP_RUN(c, parts, a));
  return info.Env().Undefined();
}

Napi::Value Concat(const Napi::CallbackInfo& info) { return Parts(info, true); }
Napi::Value Split(const Napi::CallbackInfo& info) { return Parts(info, false); }

}  // namespace

void RegisterMovement(Napi::Env env, Napi::Object target) {
  target.Set("tile", Napi::Function::New(env, Tile, "tile"));
  target.Set("pad", Napi::Function::New(env, Pad, "pad"));
  target.Set("concat", Napi::Function::New(env, Concat, "concat"));
  target.Set("split", Napi::Function::New(env, Split, "split"));
}

}  // namespace tensor
}  // namespace rocm_patch
