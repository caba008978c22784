// N-API entries of the elementwise family. Argument order: (nameId, op codes and dtypes, buffer ids, sizes);
// shapes and strides come from the shared args array, in the order documented at each function.
#include <cstring>

#include "tensor/elementwise.h"
#include "tensor/napi_util.h"

namespace rocm_patch {
namespace tensor {
namespace {

// unary(nameId, op, dtIn, dtOut, x, y, n, p0, p1)
Napi::Value Unary(const Napi::CallbackInfo& info) {
  KernelCall c(info, "unary");
  UnaryArgs a{};
  a.op = static_cast<UnaryOp>(c.integer(1, "op", 0, static_cast<int>(UnaryOp::kCount) - 1));
  a.in = c.dtype(2, "dtIn");
  a.out = c.dtype(3, "dtOut");
  a.n = c.integer(6, "n", 0, int64_t{1} << 53);
  a.x = c.buffer(4, "x", a.n);
  a.y = c.buffer(5, "y", a.n);
  a.p.p0 = static_cast<float>(c.number(7, "p0"));
  a.p.p1 = static_cast<float>(c.number(8, "p1"));
  c.sink();
  c.finish(RP_RUN(c, unary, a));
  return info.Env().Undefined();
}

// binary(nameId, op, dtIn, dtOut, a, b, y, rank); args: shape[rank], sa[rank], sb[rank]
Napi::Value Binary(const Napi::CallbackInfo& info) {
  KernelCall c(info, "binary");
  BinaryArgs a{};
  a.op = static_cast<BinaryOp>(c.integer(1, "op", 0, static_cast<int>(BinaryOp::kCount) - 1));
  a.in = c.dtype(2, "dtIn");
  a.out = c.dtype(3, "dtOut");
  a.rank = c.rank(7, "rank");
  a.n = c.readShape(0, a.rank, a.shape, "shape");
  c.readArgs(a.rank, a.rank, a.sa, "sa");
  c.readArgs(2 * a.rank, a.rank, a.sb, "sb");
  a.a = c.stridedBuffer(4, "a", a.rank, a.shape, a.sa, 0);
  a.b = c.stridedBuffer(5, "b", a.rank, a.shape, a.sb, 0);
  a.y = c.buffer(6, "y", a.n);
  c.sink();
  c.finish(RP_RUN(c, binary, a));
  return info.Env().Undefined();
}

// select(nameId, dtype, cond, a, b, y, rank); args: shape, sc, sa, sb
Napi::Value Select(const Napi::CallbackInfo& info) {
  KernelCall c(info, "select");
  SelectArgs a{};
  a.dtype = c.dtype(1, "dtype");
  a.rank = c.rank(6, "rank");
  a.n = c.readShape(0, a.rank, a.shape, "shape");
  c.readArgs(a.rank, a.rank, a.sc, "sc");
  c.readArgs(2 * a.rank, a.rank, a.sa, "sa");
  c.readArgs(3 * a.rank, a.rank, a.sb, "sb");
  a.cond = c.stridedBuffer(2, "cond", a.rank, a.shape, a.sc, 0);
  a.a = c.stridedBuffer(3, "a", a.rank, a.shape, a.sa, 0);
  a.b = c.stridedBuffer(4, "b", a.rank, a.shape, a.sb, 0);
  a.y = c.buffer(5, "y", a.n);
  c.sink();
  c.finish(RP_RUN(c, select, a));
  return info.Env().Undefined();
}

// copy(nameId, x, y, rank, xBase, yBase); args: shape, sx, sy
Napi::Value Copy(const Napi::CallbackInfo& info) {
  KernelCall c(info, "copy");
  CopyArgs a{};
  a.rank = c.rank(3, "rank");
  a.xBase = c.integer(4, "xBase", 0, int64_t{1} << 53);
  a.yBase = c.integer(5, "yBase", 0, int64_t{1} << 53);
  a.n = c.readShape(0, a.rank, a.shape, "shape");
  c.readArgs(a.rank, a.rank, a.sx, "sx");
  c.readArgs(2 * a.rank, a.rank, a.sy, "sy");
  a.x = c.stridedBuffer(1, "x", a.rank, a.shape, a.sx, a.xBase);
  a.y = c.stridedBuffer(2, "y", a.rank, a.shape, a.sy, a.yBase);
  c.sink();
  c.finish(RP_RUN(c, copy, a));
  return info.Env().Undefined();
}

// fill(nameId, y, n, value, dtype, offset): y[offset .. offset+n) = value (converted to the dtype).
Napi::Value Fill(const Napi::CallbackInfo& info) {
  KernelCall c(info, "fill");
  const int64_t n = c.integer(2, "n", 0, int64_t{1} << 53);
  const double value = c.number(3, "value");
  const DType dt = c.dtype(4, "dtype");
  const int64_t offset = c.integer(5, "offset", 0, int64_t{1} << 53);
  char* y = static_cast<char*>(c.buffer(1, "y", offset + n));
  uint32_t bits;
  if (dt == DType::kF32) {
    const float f = static_cast<float>(value);
    std::memcpy(&bits, &f, 4);
  } else {
    const int32_t i = toInt32(value);
    std::memcpy(&bits, &i, 4);
  }
  c.sink();
  c.finish(c.ctx()->rt()->fill32(y + offset * 4, bits, static_cast<size_t>(n)));
  return info.Env().Undefined();
}

// Names of the op codes, in code order: the backend maps its kernels to codes through these.
Napi::Value OpNames(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object o = Napi::Object::New(env);
  Napi::Array u = Napi::Array::New(env);
  uint32_t i = 0;
#define RP_X(name) u.Set(i++, Napi::String::New(env, #name));
  RP_UNARY_OPS(RP_X)
#undef RP_X
  o.Set("unary", u);
  Napi::Array b = Napi::Array::New(env);
  i = 0;
#define RP_X(name) b.Set(i++, Napi::String::New(env, #name));
  RP_BINARY_OPS(RP_X)
#undef RP_X
  o.Set("binary", b);
  return o;
}

}  // namespace

void RegisterElementwise(Napi::Env env, Napi::Object target) {
  target.Set("unary", Napi::Function::New(env, Unary, "unary"));
  target.Set("binary", Napi::Function::New(env, Binary, "binary"));
  target.Set("select", Napi::Function::New(env, Select, "select"));
  target.Set("copy", Napi::Function::New(env, Copy, "copy"));
  target.Set("fill", Napi::Function::New(env, Fill, "fill"));
  target.Set("elementwiseOps", Napi::Function::New(env, OpNames, "elementwiseOps"));
}

}  // namespace tensor
}  // namespace rocm_patch
