// N-API entries of the matmul family. Views are described in the shared args array (see MatMul);
// everything any kernel can reach is checked to lie inside its buffer before the launch.
#include <algorithm>

#include "tensor/matmul.h"
#include "tensor/napi_util.h"

namespace rocm_patch {
namespace tensor {
namespace {

constexpr int64_t kMaxExtent = (int64_t{1} << 31) - 1;  // M, N, K
constexpr int64_t kMaxIndex = int64_t{1} << 53;

// A view's (batch, sb, sr, sc) from args[offset..offset+4), checked against buffer argument i for the
// batch entries the call reaches (b mod batch for b < batch: the first min(batch, view batch)).
MatView readView(const KernelCall& c, size_t i, const char* what, size_t offset, int64_t batch, int64_t rows,
                 int64_t cols) {
  int64_t v[4];
  c.readArgs(offset, 4, v, what);
  if (v[0] < 1) c.fail(std::string(what) + ": the batch count must be at least 1");
  for (int k = 1; k < 4; ++k)
    if (v[k] < 0) c.fail(std::string(what) + ": strides must be non-negative");
  MatView m{nullptr, v[0], v[1], v[2], v[3]};
  const int64_t shape[3] = {std::min(batch, m.batch), rows, cols};
  const int64_t stride[3] = {m.sb, m.sr, m.sc};
  m.p = c.stridedBuffer(i, what, 3, shape, stride, 0);
  return m;
}

bool present(const KernelCall& c, size_t i, const char* what) { return c.number(i, what) >= 0; }

// matmul(nameId, dtype, a, b, bias, prelu, y, activation, alpha): y[batch][M][N] =
// activation(a·b + bias), bias and prelu given as -1 when absent.
// args: batch, M, N, K, then (batch, sb, sr, sc) of a (M × K), b (K × N), bias (M × N), prelu (M × N).
Napi::Value MatMul(const Napi::CallbackInfo& info) {
  KernelCall c(info, "matmul");
  MatMulArgs a{};
  a.dtype = c.dtype(1, "dtype");
  a.act = static_cast<Activation>(c.integer(7, "activation", 0, static_cast<int>(Activation::kCount) - 1));
  a.alpha = static_cast<float>(c.number(8, "alpha"));
  int64_t dims[4];
  c.readArgs(0, 4, dims, "sizes");
  a.batch = dims[0];
  a.M = dims[1];
  a.N = dims[2];
  a.K = dims[3];
  if (a.batch < 0 || a.batch > kMaxIndex) c.fail("batch must be in [0, 2^53]");
  if (a.M < 0 || a.N < 0 || a.K < 0 || a.M > kMaxExtent || a.N > kMaxExtent || a.K > kMaxExtent)
    c.fail("M, N and K must be in [0, 2^31)");
  const __int128 total = static_cast<__int128>(a.batch) * a.M * a.N;
  if (total > kMaxIndex) c.fail("the output has more than 2^53 elements");
  a.a = readView(c, 2, "a", 4, a.batch, a.M, a.K);
  a.b = readView(c, 3, "b", 8, a.batch, a.K, a.N);
  a.bias = MatView{nullptr, 1, 0, 0, 0};
  if (present(c, 4, "bias")) a.bias = readView(c, 4, "bias", 12, a.batch, a.M, a.N);
  a.prelu = MatView{nullptr, 1, 0, 0, 0};
  if (a.act == Activation::k_prelu) {
    if (!present(c, 5, "prelu")) c.fail("the prelu activation needs its weights");
    a.prelu = readView(c, 5, "prelu", 16, a.batch, a.M, a.N);
  }
  a.y = c.buffer(6, "y", static_cast<int64_t>(total));
  c.sink();
  c.finish(RP_RUN(c, matmul, a));
  return info.Env().Undefined();
}

// The activation names in code order (TF.js's names: 'linear', 'relu', ...).
Napi::Value ActivationNames(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Array names = Napi::Array::New(env);
  uint32_t i = 0;
#define RP_X(name) names.Set(i++, Napi::String::New(env, #name));
  RP_ACTIVATIONS(RP_X)
#undef RP_X
  return names;
}

}  // namespace

void RegisterMatMul(Napi::Env env, Napi::Object target) {
  target.Set("matmul", Napi::Function::New(env, MatMul, "matmul"));
  target.Set("activationNames", Napi::Function::New(env, ActivationNames, "activationNames"));
}

}  // namespace tensor
}  // namespace rocm_patch
