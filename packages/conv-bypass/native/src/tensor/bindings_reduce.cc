// N-API entries of the reduce family: reductions and scans over the view [outer, r, inner] of a
// contiguous tensor. Argument order: (nameId, op code, dtype, buffer ids, sizes[, flags]).
#include <string>

#include "tensor/napi_util.h"
#include "tensor/reduce.h"

namespace rocm_patch {
namespace tensor {
namespace {

constexpr int64_t kMaxElements = int64_t{1} << 53;

struct View {
  int64_t outer, r, inner;
};

// outer, r and inner at arguments i, i+1, i+2; their product must stay below 2^53.
View readView(const KernelCall& c, size_t i) {
  View v{c.integer(i, "outer", 0, kMaxElements), c.integer(i + 1, "r", 0, kMaxElements),
         c.integer(i + 2, "inner", 0, kMaxElements)};
  const __int128 n = static_cast<__int128>(v.outer) * v.r * v.inner;
  if (n > kMaxElements) c.fail("outer·r·inner has 2^53 elements or more");
  return v;
}

// reduce(nameId, op, dtype, x, y, outer, r, inner): y[o, i] = op over k of x[o, k, i]; y's type is the
// op's output type (float32 for Mean, int32 for ArgMax/ArgMin, else the input's).
Napi::Value Reduce(const Napi::CallbackInfo& info) {
  KernelCall c(info, "reduce");
  ReduceArgs a{};
  a.op = static_cast<ReduceOp>(c.integer(1, "op", 0, static_cast<int>(ReduceOp::kCount) - 1));
  a.in = c.dtype(2, "dtype");
  const View v = readView(c, 5);
  a.outer = v.outer;
  a.r = v.r;
  a.inner = v.inner;
  a.x = c.buffer(3, "x", a.outer * a.r * a.inner);
  a.y = c.buffer(4, "y", a.outer * a.inner);
  c.sink();
  c.finish(RP_RUN(c, reduce, a));
  return info.Env().Undefined();
}

// scan(nameId, op, dtype, x, y, outer, r, inner, exclusive, reverse): prefix op along r.
Napi::Value Scan(const Napi::CallbackInfo& info) {
  KernelCall c(info, "scan");
  ScanArgs a{};
  a.op = static_cast<ScanOp>(c.integer(1, "op", 0, static_cast<int>(ScanOp::kCount) - 1));
  a.dtype = c.dtype(2, "dtype");
  const View v = readView(c, 5);
  a.outer = v.outer;
  a.r = v.r;
  a.inner = v.inner;
  a.exclusive = c.boolean(8, "exclusive");
  a.reverse = c.boolean(9, "reverse");
  const int64_t n = a.outer * a.r * a.inner;
  a.x = c.buffer(3, "x", n);
  a.y = c.buffer(4, "y", n);
  c.sink();
  c.finish(RP_RUN(c, scan, a));
  return info.Env().Undefined();
}

// Names of the op codes, in code order.
Napi::Value OpNames(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object o = Napi::Object::New(env);
  Napi::Array r = Napi::Array::New(env);
  uint32_t i = 0;
#define RP_X(name) r.Set(i++, Napi::String::New(env, #name));
  RP_REDUCE_OPS(RP_X)
#undef RP_X
  o.Set("reduce", r);
  Napi::Array s = Napi::Array::New(env);
  i = 0;
#define RP_X(name) s.Set(i++, Napi::String::New(env, #name));
  RP_SCAN_OPS(RP_X)
#undef RP_X
  o.Set("scan", s);
  return o;
}

}  // namespace

void RegisterReduce(Napi::Env env, Napi::Object target) {
  target.Set("reduce", Napi::Function::New(env, Reduce, "reduce"));
  target.Set("scan", Napi::Function::New(env, Scan, "scan"));
  target.Set("reduceOps", Napi::Function::New(env, OpNames, "reduceOps"));
}

}  // namespace tensor
}  // namespace rocm_patch
