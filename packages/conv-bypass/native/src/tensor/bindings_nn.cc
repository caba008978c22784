// N-API entries of the nn family (tensor/nn.h). Argument order: (nameId, buffer ids, sizes and flags);
// a pool's geometry comes from the shared args array (layout at readPoolGeom). Everything a kernel can
// reach is checked here first: buffers hold every element the sizes imply, and the geometry's
// arithmetic is bounded (128-bit checks) so no index computed on the device can wrap.
#include <initializer_list>
#include <string>

#include "tensor/napi_util.h"
#include "tensor/nn.h"

namespace rocm_patch {
namespace tensor {
namespace {

constexpr int64_t kMaxCount = int64_t{1} << 53;
constexpr __int128 kMaxSpan = static_cast<__int128>(1) << 62;

// The product of sizes (each in [0, 2^53]), saturated just above `limit` so it cannot overflow.
__int128 boundedProduct(std::initializer_list<int64_t> sizes, __int128 limit) {
  for (int64_t v : sizes)
    if (v == 0) return 0;
  __int128 p = 1;
  for (int64_t v : sizes) {
    p *= v;
    if (p > limit) return limit + 1;
  }
  return p;
}

// A buffer id argument that may be -1 (absent).
bool present(const KernelCall& c, size_t i, const char* what) { return c.number(i, what) != -1; }

// args: batch, inD, inH, inW, channels, outD, outH, outW, effD, effH, effW, strideD, strideH, strideW,
// dilationD, dilationH, dilationW, padFront, padTop, padLeft.
PoolGeom<int64_t> readPoolGeom(const KernelCall& c) {
  int64_t v[20];
  c.readArgs(0, 20, v, "pool geometry");
  for (int k = 0; k < 8; ++k)
    if (v[k] < 0) c.fail("the pool's sizes must be ≥ 0");
  PoolGeom<int64_t> g{v[0],  v[1],  v[2],  v[3],  v[4],  v[5],  v[6],  v[7],  v[8],  v[9],
                      v[10], v[11], v[12], v[13], v[14], v[15], v[16], v[17], v[18], v[19]};
  if (boundedProduct({v[0], v[1], v[2], v[3], v[4]}, kMaxCount) > kMaxCount ||
      boundedProduct({v[0], v[5], v[6], v[7], v[4]}, kMaxCount) > kMaxCount)
    c.fail("the pool's tensors have 2^53 elements or more");
  for (int axis = 0; axis < 3; ++axis) {
    const int64_t in = v[1 + axis], out = v[5 + axis], eff = v[8 + axis], stride = v[11 + axis],
                  dilation = v[14 + axis], pad = v[17 + axis];
    if (eff < 1 || stride < 1 || dilation < 1) c.fail("filter sizes, strides and dilations must be ≥ 1");
    const __int128 span = static_cast<__int128>(in) + static_cast<__int128>(out) * stride + eff + dilation +
                          (pad < 0 ? -static_cast<__int128>(pad) : static_cast<__int128>(pad));
    if (span > kMaxSpan) c.fail("the pool's window arithmetic exceeds 2^62");
  }
  if (boundedProduct({v[8], v[9], v[10]}, kMaxSpan) > kMaxSpan) c.fail("the pool's window volume exceeds 2^62");
  return g;
}

// The window-position encoding's row factor: effW, or effH (cpu's 3-D positions); positions stay
// below effD·effH·effW + effH·rowFactor.
int64_t readRowFactor(const KernelCall& c, size_t i, const PoolGeom<int64_t>& g) {
  const int64_t f = c.integer(i, "rowFactor", 0, kMaxCount);
  if (f != g.effW && f != g.effH) c.fail("rowFactor must be the effective filter width or height");
  if (boundedProduct({g.effH, f}, kMaxSpan) > kMaxSpan) c.fail("the pool's window volume exceeds 2^62");
  return f;
}

PoolFlags readPoolFlags(const KernelCall& c, size_t i, const PoolGeom<int64_t>& g) {
  PoolFlags f{};
  f.kind = static_cast<PoolKind>(c.integer(i, "kind", 0, 1));
  f.argmax = static_cast<ArgmaxKind>(c.integer(i + 1, "argmaxKind", 0, 3));
  f.clampStart = c.boolean(i + 2, "clampStart") ? 1 : 0;
  f.avgEmptyIsZero = c.boolean(i + 3, "avgEmptyIsZero") ? 1 : 0;
  f.tieLast = c.boolean(i + 4, "tieLast") ? 1 : 0;
  f.rowFactor = readRowFactor(c, i + 5, g);
  return f;
}

// pool(nameId, x, y, argmax | -1, kind, argmaxKind, clampStart, avgEmptyIsZero, tieLast, rowFactor);
// args: the geometry.
Napi::Value Pool(const Napi::CallbackInfo& info) {
  KernelCall c(info, "pool");
  PoolArgs a{};
  a.g = readPoolGeom(c);
  a.flags = readPoolFlags(c, 4, a.g);
  a.x = static_cast<const float*>(c.buffer(1, "x", a.g.inSize()));
  a.y = static_cast<float*>(c.buffer(2, "y", a.g.outSize()));
  a.argmax = present(c, 3, "argmax") ? static_cast<int32_t*>(c.buffer(3, "argmax", a.g.outSize())) : nullptr;
  if (a.argmax != nullptr && a.flags.argmax == ArgmaxKind::kNone) c.fail("an argmax buffer needs an argmaxKind");
  c.sink();
  c.finish(RP_RUN(c, pool, a));
  return info.Env().Undefined();
}

// poolGrad(nameId, dy, x | -1, dx, kind, tieLast, rowFactor, multiplier); args: the geometry, then dy's
// depth, height and width (each at least the geometry's output size). A max
// pool's gradient first finds each window's argmax in x (window positions, the forward pass's tie rule
// and encoding) into temporary device memory, then gathers.
Napi::Value PoolGrad(const Napi::CallbackInfo& info) {
  KernelCall c(info, "poolGrad");
  PoolGradArgs a{};
  a.g = readPoolGeom(c);
  a.kind = static_cast<PoolKind>(c.integer(4, "kind", 0, 1));
  PoolFlags positions{};
  positions.kind = PoolKind::kMax;
  positions.argmax = ArgmaxKind::kWindow;
  positions.tieLast = c.boolean(5, "tieLast") ? 1 : 0;
  positions.rowFactor = readRowFactor(c, 6, a.g);
  a.multiplier = static_cast<float>(c.number(7, "multiplier"));
  int64_t dd[3];
  c.readArgs(20, 3, dd, "dy sizes");
  if (dd[0] < a.g.outD || dd[1] < a.g.outH || dd[2] < a.g.outW)
    c.fail("dy must be at least the pool's output size in each dimension");
  if (boundedProduct({a.g.batch, dd[0], dd[1], dd[2], a.g.channels}, kMaxCount) > kMaxCount)
    c.fail("dy has 2^53 elements or more");
  a.dyDims = DyDims<int64_t>{dd[0], dd[1], dd[2]};
  a.dy = static_cast<const float*>(c.buffer(1, "dy", a.g.batch * dd[0] * dd[1] * dd[2] * a.g.channels));
  a.dx = static_cast<float*>(c.buffer(3, "dx", a.g.inSize()));
  const float* x = a.kind == PoolKind::kMax ? static_cast<const float*>(c.buffer(2, "x", a.g.inSize())) : nullptr;
  void* scratch = nullptr;
  const bool needPositions = a.kind == PoolKind::kMax && a.g.outSize() > 0 && a.g.inSize() > 0;
  if (needPositions) {
    const Status s = c.ctx()->allocator()->allocate(static_cast<size_t>(a.g.outSize()) * 4, &scratch);
    if (!s.ok()) {
      Status named = s;
      named.message = c.name() + " (poolGrad): " + s.message;
      throwStatus(info.Env(), named);
    }
  }
  c.sink();
  Status s{};
  if (needPositions) {
    PoolArgs p{};
    p.g = a.g;
    p.flags = positions;
    p.x = x;
    p.y = nullptr;
    p.argmax = static_cast<int32_t*>(scratch);
    a.argmax = p.argmax;
    s = RP_RUN(c, pool, p);
  }
  if (s.ok()) s = RP_RUN(c, poolGrad, a);
  // Work is stream-ordered: the block may be reused by the next launch, never before this one ran.
  if (scratch != nullptr) c.ctx()->allocator()->free(scratch);
  c.finish(s);
  return info.Env().Undefined();
}

// batchNorm(nameId, x, mean, variance, offset | -1, scale | -1, y, n, lenMean, lenVariance, lenOffset,
// lenScale, epsilon)
Napi::Value BatchNorm(const Napi::CallbackInfo& info) {
  KernelCall c(info, "batchNorm");
  BatchNormArgs a{};
  a.n = c.integer(7, "n", 0, kMaxCount);
  int64_t* lens[4] = {&a.lenMean, &a.lenVariance, &a.lenOffset, &a.lenScale};
  const char* names[4] = {"lenMean", "lenVariance", "lenOffset", "lenScale"};
  for (int k = 0; k < 4; ++k) {
    *lens[k] = c.integer(8 + k, names[k], 1, kMaxCount);
  }
  a.x = static_cast<const float*>(c.buffer(1, "x", a.n));
  a.mean = static_cast<const float*>(c.buffer(2, "mean", a.lenMean));
  a.variance = static_cast<const float*>(c.buffer(3, "variance", a.lenVariance));
  a.offset = present(c, 4, "offset") ? static_cast<const float*>(c.buffer(4, "offset", a.lenOffset)) : nullptr;
  a.scale = present(c, 5, "scale") ? static_cast<const float*>(c.buffer(5, "scale", a.lenScale)) : nullptr;
  a.y = static_cast<float*>(c.buffer(6, "y", a.n));
  a.epsilon = static_cast<float>(c.number(12, "epsilon"));
  // Element i only reads param[i % len]: a length beyond n reads the same elements as n.
  for (int64_t* len : lens)
    if (*len > a.n && a.n > 0) *len = a.n;
  c.sink();
  c.finish(RP_RUN(c, batchNorm, a));
  return info.Env().Undefined();
}

// softmax(nameId, x, y, rows, cols)
Napi::Value Softmax(const Napi::CallbackInfo& info) {
  KernelCall c(info, "softmax");
  SoftmaxArgs a{};
  a.rows = c.integer(3, "rows", 0, kMaxCount);
  a.cols = c.integer(4, "cols", 0, kMaxCount);
  if (static_cast<__int128>(a.rows) * a.cols > kMaxCount) c.fail("softmax: 2^53 elements or more");
  a.x = static_cast<const float*>(c.buffer(1, "x", a.rows * a.cols));
  a.y = static_cast<float*>(c.buffer(2, "y", a.rows * a.cols));
  c.sink();
  c.finish(RP_RUN(c, softmax, a));
  return info.Env().Undefined();
}

// cpu's ratio of effective sizes for one axis (the same for a resize and its gradient).
double resizeScale(int64_t in, int64_t out, bool alignCorners) {
  const bool aligned = alignCorners && out > 1;
  return static_cast<double>(aligned ? in - 1 : in) / static_cast<double>(aligned ? out - 1 : out);
}

// Sizes at arguments i .. i+5: batch, inH, inW, channels, outH, outW; then alignCorners, halfPixelCenters.
ResizeGeom readResizeGeom(const KernelCall& c, size_t i) {
  ResizeGeom g{};
  int64_t* v[6] = {&g.batch, &g.inH, &g.inW, &g.channels, &g.outH, &g.outW};
  const char* names[6] = {"batch", "inH", "inW", "channels", "outH", "outW"};
  for (int k = 0; k < 6; ++k) *v[k] = c.integer(i + k, names[k], 0, kMaxCount);
  if (boundedProduct({g.batch, g.inH, g.inW, g.channels}, kMaxCount) > kMaxCount ||
      boundedProduct({g.batch, g.outH, g.outW, g.channels}, kMaxCount) > kMaxCount)
    c.fail("the images have 2^53 elements or more");
  const bool align = c.boolean(i + 6, "alignCorners");
  g.alignCorners = align ? 1 : 0;
  g.halfPixelCenters = c.boolean(i + 7, "halfPixelCenters") ? 1 : 0;
  g.scaleH = resizeScale(g.inH, g.outH, align);
  g.scaleW = resizeScale(g.inW, g.outW, align);
  return g;
}

int64_t inSize(const ResizeGeom& g) { return g.batch * g.inH * g.inW * g.channels; }
int64_t outSize(const ResizeGeom& g) { return g.batch * g.outH * g.outW * g.channels; }

// resizeBilinear / resizeNearest(nameId, x, y, int32, batch, inH, inW, channels, outH, outW,
// alignCorners, halfPixelCenters)
template <bool kNearest>
Napi::Value Resize(const Napi::CallbackInfo& info) {
  KernelCall c(info, kNearest ? "resizeNearest" : "resizeBilinear");
  ResizeArgs a{};
  a.int32 = c.boolean(3, "int32");
  if (a.int32 && !kNearest) c.fail("bilinear resizing takes float32 images");
  a.g = readResizeGeom(c, 4);
  if (outSize(a.g) > 0 && (a.g.inH == 0 || a.g.inW == 0)) c.fail("cannot resize an empty image to a non-empty one");
  a.x = c.buffer(1, "x", inSize(a.g));
  a.y = c.buffer(2, "y", outSize(a.g));
  c.sink();
  c.finish(kNearest ? RP_RUN(c, resizeNearest, a) : RP_RUN(c, resizeBilinear, a));
  return info.Env().Undefined();
}

// resizeBilinearGrad / resizeNearestGrad(nameId, dy, dx, batch, xH, xW, channels, yH, yW, alignCorners,
// halfPixelCenters): dx has the images' sizes, dy the resized ones.
template <bool kNearest>
Napi::Value ResizeGrad(const Napi::CallbackInfo& info) {
  KernelCall c(info, kNearest ? "resizeNearestGrad" : "resizeBilinearGrad");
  ResizeGradArgs a{};
  a.g = readResizeGeom(c, 3);
  a.dy = static_cast<const float*>(c.buffer(1, "dy", outSize(a.g)));
  a.dx = static_cast<float*>(c.buffer(2, "dx", inSize(a.g)));
  c.sink();
  c.finish(kNearest ? RP_RUN(c, resizeNearestGrad, a) : RP_RUN(c, resizeBilinearGrad, a));
  return info.Env().Undefined();
}

// Arguments from i: n, channels, depthRadius, bias, alpha, beta.
LrnParams readLrnParams(const KernelCall& c, size_t i, int64_t* n) {
  *n = c.integer(i, "n", 0, kMaxCount);
  LrnParams p{};
  p.channels = c.integer(i + 1, "channels", 0, kMaxCount);
  if (*n > 0 && (p.channels == 0 || *n % p.channels != 0)) c.fail("n must be a multiple of channels");
  const int64_t radius = c.integer(i + 2, "depthRadius", -kMaxCount, kMaxCount);
  // Windows are clipped to [0, channels): radii beyond [−1, channels] change nothing.
  p.radius = radius < -1 ? -1 : (radius > p.channels ? p.channels : radius);
  p.bias = static_cast<float>(c.number(i + 3, "bias"));
  p.alpha = static_cast<float>(c.number(i + 4, "alpha"));
  p.beta = static_cast<float>(c.number(i + 5, "beta"));
  return p;
}

// lrn(nameId, x, y, n, channels, depthRadius, bias, alpha, beta)
Napi::Value Lrn(const Napi::CallbackInfo& info) {
  KernelCall c(info, "lrn");
  LrnArgs a{};
  a.p = readLrnParams(c, 3, &a.n);
  a.x = static_cast<const float*>(c.buffer(1, "x", a.n));
  a.out = static_cast<float*>(c.buffer(2, "y", a.n));
  c.sink();
  c.finish(RP_RUN(c, lrn, a));
  return info.Env().Undefined();
}

// lrnGrad(nameId, x, y, dy, dx, n, channels, depthRadius, bias, alpha, beta)
Napi::Value LrnGrad(const Napi::CallbackInfo& info) {
  KernelCall c(info, "lrnGrad");
  LrnArgs a{};
  a.p = readLrnParams(c, 5, &a.n);
  a.x = static_cast<const float*>(c.buffer(1, "x", a.n));
  a.y = static_cast<const float*>(c.buffer(2, "y", a.n));
  a.dy = static_cast<const float*>(c.buffer(3, "dy", a.n));
  a.out = static_cast<float*>(c.buffer(4, "dx", a.n));
  c.sink();
  c.finish(RP_RUN(c, lrnGrad, a));
  return info.Env().Undefined();
}

}  // namespace

void RegisterNn(Napi::Env env, Napi::Object target) {
  target.Set("batchNorm", Napi::Function::New(env, BatchNorm, "batchNorm"));
  target.Set("lrn", Napi::Function::New(env, Lrn, "lrn"));
  target.Set("lrnGrad", Napi::Function::New(env, LrnGrad, "lrnGrad"));
  target.Set("pool", Napi::Function::New(env, Pool, "pool"));
  target.Set("poolGrad", Napi::Function::New(env, PoolGrad, "poolGrad"));
  target.Set("resizeBilinear", Napi::Function::New(env, Resize<false>, "resizeBilinear"));
  target.Set("resizeBilinearGrad", Napi::Function::New(env, ResizeGrad<false>, "resizeBilinearGrad"));
  target.Set("resizeNearest", Napi::Function::New(env, Resize<true>, "resizeNearest"));
  target.Set("resizeNearestGrad", Napi::Function::New(env, ResizeGrad<true>, "resizeNearestGrad"));
  target.Set("softmax", Napi::Function::New(env, Softmax, "softmax"));
}

}  // namespace tensor
}  // namespace rocm_patch
