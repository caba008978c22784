// Standalone device harness for the GPU matmul (no Node.js needed), run on a GPU machine.
//   matmul_harness check [COUNT]   random calls (transposes, batch broadcasting, bias / prelu broadcast,
//                                  every activation, every tile configuration and split-K factor, the
//                                  direct kernel, int32, batch chunking, the flipped view) against the
//                                  host device's loops (tensor/host/matmul.cc); determinism
//   matmul_harness time [tune]     median ms of each shape as the cost model picks it, and of the same
//                                  GEMM as a 1×1 convolution through conv2dForward's implicit GEMM;
//                                  tune adds every tile configuration × split-K factor
// Build (from native/src; hipcc likewise with -x hip dropped and --offload-arch):
//   nvcc -x cu -std=c++17 -O3 -arch=sm_90 -DROCM_PATCH_WITH_GPU=1 -I. tensor/gpu/tools/matmul_harness.cc \
//     tensor/gpu/matmul.hip tensor/host/matmul.cc gpu/conv_*.hip gpu/runtime.hip device/runtime_gpu.hip \
//     device/runtime_host.cc device/caching_allocator.cc device/context.cc device/staging.cc -o matmul_harness
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "device/context.h"
#include "gpu/gpu_api.h"
#include "gpu/vendor.h"
#include "tensor/matmul.h"

using rocm_patch::Status;
namespace device = rocm_patch::device;
namespace conv = rocm_patch::gpu;  // the convolutions and the runtime helpers
namespace mm = rocm_patch::tensor::gpu;
using namespace rocm_patch::tensor;
namespace host = rocm_patch::tensor::host;

namespace {

int g_failures = 0;

void die(const Status& s, const char* what) {
  if (!s.ok()) {
    std::fprintf(stderr, "FATAL %s: %s\n", what, s.message.c_str());
    std::exit(2);
  }
}

template <class T>
struct Buf {
  std::vector<T> h;
  T* d = nullptr;
  explicit Buf(size_t n) : h(std::max<size_t>(n, 1)) {
    void* p = nullptr;
    die(device::Context::get()->allocator()->allocate(h.size() * sizeof(T), &p), "allocate");
    d = static_cast<T*>(p);
  }
  ~Buf() { device::Context::get()->allocator()->free(d); }
  void up() { die(conv::copyToDevice(reinterpret_cast<float*>(d), reinterpret_cast<const float*>(h.data()), h.size()), "up"); }
  std::vector<T> down() const {
    std::vector<T> r(h.size());
    die(conv::copyToHost(reinterpret_cast<float*>(r.data()), reinterpret_cast<const float*>(d), h.size()), "down");
    return r;
  }
};

struct Call {
  int64_t batch, M, N, K, batchA, batchB;
  bool ta, tb;
  int bias;  // 0 none, 1 [N], 2 [batch][M][N], 3 [M][1]
  int prelu;  // as bias (used with the prelu activation)
  Activation act;
  bool i32;
  int config, splits;  // forced (-1 model, -2 direct)
};

MatView view(int64_t batch, int64_t rows, int64_t cols, bool transposed) {
  // Stored [batch][rows][cols], or [batch][cols][rows] when transposed.
  return transposed ? MatView{nullptr, batch, rows * cols, 1, rows} : MatView{nullptr, batch, rows * cols, cols, 1};
}

MatView epilogueView(int kind, int64_t batch, int64_t M, int64_t N, size_t* count) {
  switch (kind) {
    case 1: *count = N; return MatView{nullptr, 1, 0, 0, 1};
    case 2: *count = batch * M * N; return MatView{nullptr, batch, M * N, N, 1};
    case 3: *count = M; return MatView{nullptr, 1, 0, 1, 0};
    default: *count = 0; return MatView{nullptr, 1, 0, 0, 0};
  }
}

template <class T>
void fill(std::vector<T>& v, std::mt19937& rng) {
  std::uniform_real_distribution<float> u(-1.f, 1.f);
  std::uniform_int_distribution<int32_t> ui(-2147483647 - 1, 2147483647);
  for (auto& x : v) {
    if constexpr (std::is_same<T, float>::value) x = u(rng);
    else x = (rng() % 4 == 0) ? ui(rng) : static_cast<int32_t>(rng() % 200) - 100;
  }
}

// Runs one call on both devices and compares; returns false on a mismatch (printed).
template <class T>
bool runCall(const Call& c, std::mt19937& rng) {
  MatMulArgs a{};
  a.dtype = c.i32 ? DType::kI32 : DType::kF32;
  a.batch = c.batch;
  a.M = c.M;
  a.N = c.N;
  a.K = c.K;
  a.a = view(c.batchA, c.M, c.K, c.ta);
  a.b = view(c.batchB, c.K, c.N, c.tb);
  size_t nBias = 0, nPrelu = 0;
  a.bias = epilogueView(c.bias, c.batch, c.M, c.N, &nBias);
  a.prelu = epilogueView(c.act == Activation::k_prelu ? std::max(c.prelu, 1) : 0, c.batch, c.M, c.N, &nPrelu);
  a.act = c.act;
  a.alpha = 0.15f;
  Buf<T> A(c.batchA * c.M * c.K), B(c.batchB * c.K * c.N), bias(nBias), Y(c.batch * c.M * c.N), Yref(0);
  Buf<float> prelu(nPrelu);
  fill(A.h, rng);
  fill(B.h, rng);
  fill(bias.h, rng);
  fill(prelu.h, rng);
  A.up();
  B.up();
  bias.up();
  prelu.up();
  std::vector<T> ref(Y.h.size());
  MatMulArgs h = a;
  h.a.p = A.h.data();
  h.b.p = B.h.data();
  h.bias.p = c.bias ? bias.h.data() : nullptr;
  h.prelu.p = nPrelu ? prelu.h.data() : nullptr;
  h.y = ref.data();
  die(host::matmul(h), "host matmul");
  MatMulArgs g = a;
  g.a.p = A.d;
  g.b.p = B.d;
  g.bias.p = c.bias ? bias.d : nullptr;
  g.prelu.p = nPrelu ? prelu.d : nullptr;
  g.y = Y.d;
  mm::setMatMulTileOverride(c.config, c.splits);
  die(mm::matmul(g), "gpu matmul");
  die(conv::synchronize("matmul"), "sync");
  mm::setMatMulTileOverride(-1, 0);
  const std::vector<T> got = Y.down();
  const double tol = 1e-5 * std::sqrt(static_cast<double>(c.K) + 1) * 4;
  for (size_t i = 0; i < static_cast<size_t>(c.batch * c.M * c.N); ++i) {
    const double x = got[i], y = ref[i];
    const bool same = c.i32 ? got[i] == ref[i]
                            : (std::isnan(y) ? std::isnan(x) : std::fabs(x - y) <= tol * (1 + std::fabs(y)));
    if (!same) {
      std::printf(
          "MISMATCH batch=%lld M=%lld N=%lld K=%lld bA=%lld bB=%lld ta=%d tb=%d bias=%d prelu=%d act=%d i32=%d "
          "config=%d splits=%d: y[%zu] = %.9g, host %.9g\n",
          (long long)c.batch, (long long)c.M, (long long)c.N, (long long)c.K, (long long)c.batchA,
          (long long)c.batchB, c.ta, c.tb, c.bias, c.prelu, static_cast<int>(c.act), c.i32, c.config, c.splits, i, x,
          y);
      ++g_failures;
      return false;
    }
  }
  return true;
}

bool run(const Call& c, std::mt19937& rng) { return c.i32 ? runCall<int32_t>(c, rng) : runCall<float>(c, rng); }

void check(int count) {
  std::mt19937 rng(1234);
  const int64_t dims[] = {1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 63, 64, 65, 100, 127, 128, 129, 200, 257, 300};
  const int nd = sizeof(dims) / sizeof(dims[0]);
  int done = 0;
  for (int t = 0; t < count; ++t) {
    Call c{};
    c.M = dims[rng() % nd];
    c.N = dims[rng() % nd];
    c.K = rng() % 8 == 0 ? 1000 + rng() % 3000 : dims[rng() % nd];
    const int bmode = rng() % 4;
    c.batch = bmode == 0 ? 1 : 1 + rng() % 4;
    c.batchA = bmode == 2 ? 1 : c.batch;
    c.batchB = bmode == 3 ? 1 : c.batch;
    c.ta = rng() % 2;
    c.tb = rng() % 2;
    c.bias = rng() % 4;
    c.prelu = 1 + rng() % 3;
    c.act = static_cast<Activation>(rng() % static_cast<int>(Activation::kCount));
    c.i32 = rng() % 10 == 0;
    if (c.i32 && (c.act == Activation::k_leakyrelu || c.act == Activation::k_prelu)) c.act = Activation::k_relu;
    const int pick = static_cast<int>(rng() % 9);
    c.config = pick < 6 ? static_cast<int>(pick) : (pick == 6 ? -2 : -1);
    c.splits = c.config >= 0 && rng() % 2 ? 1 + rng() % 9 : 0;
    run(c, rng);
    ++done;
  }
  // Batch chunking (grid z ≤ 65535 entries · splits), with and without split-K.
  run(Call{70000, 4, 5, 24, 70000, 1, false, true, 1, 0, Activation::k_relu, false, 2, 0}, rng);
  run(Call{40000, 3, 9, 70, 1, 40000, true, false, 2, 0, Activation::k_linear, false, 3, 3}, rng);
  // Rows past 65535 tiles of every BN: the flipped view (m = row, n = column).
  run(Call{1, 8388737, 3, 5, 1, 1, false, false, 3, 0, Activation::k_sigmoid, false, -1, 0}, rng);
  done += 3;
  // Determinism of split-K.
  {
    MatMulArgs a{};
    a.dtype = DType::kF32;
    a.batch = 1;
    a.M = 33;
    a.N = 17;
    a.K = 60000;
    a.a = view(1, a.M, a.K, false);
    a.b = view(1, a.K, a.N, false);
    a.bias = a.prelu = MatView{nullptr, 1, 0, 0, 0};
    a.act = Activation::k_linear;
    Buf<float> A(a.M * a.K), B(a.K * a.N), Y(a.M * a.N);
    fill(A.h, rng);
    fill(B.h, rng);
    A.up();
    B.up();
    a.a.p = A.d;
    a.b.p = B.d;
    a.y = Y.d;
    die(mm::matmul(a), "matmul");
    const auto first = Y.down();
    for (int r = 0; r < 5; ++r) {
      die(mm::matmul(a), "matmul");
      if (Y.down() != first) {
        std::printf("NONDETERMINISTIC split-K result\n");
        ++g_failures;
        break;
      }
    }
  }
  std::printf("check: %d calls, %d failures\n", done, g_failures);
}

double timeMs(const MatMulArgs& a, int iters) {
  for (int i = 0; i < 3; ++i) die(mm::matmul(a), "matmul");
  die(conv::synchronize("warm-up"), "sync");
  hipEvent_t e0, e1;
  (void)hipEventCreate(&e0);
  (void)hipEventCreate(&e1);
  std::vector<double> t;
  for (int i = 0; i < iters; ++i) {
    (void)hipEventRecord(e0, 0);
    die(mm::matmul(a), "matmul");
    (void)hipEventRecord(e1, 0);
    (void)hipEventSynchronize(e1);
    float ms = 0;
    (void)hipEventElapsedTime(&ms, e0, e1);
    t.push_back(ms);
  }
  (void)hipEventDestroy(e0);
  (void)hipEventDestroy(e1);
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

struct Shape {
  const char* name;
  int64_t batch, M, N, K;
  bool ta, tb;
  // 1×1 convolution twin: also time conv2dForward's implicit GEMM over the same GEMM (M = images·pixels,
  // N = output channels, K = input channels — the NHWC conv as one matmul); images when set.
  int convImages;
};

void timeShapes(bool tune) {
  const Shape shapes[] = {
      {"dense 128x1600->10", 1, 128, 10, 1600, false, false, false},
      {"dense 256x1600->64", 1, 256, 64, 1600, false, false, false},
      {"dense 32x64->10", 1, 32, 10, 64, false, false, false},
      {"dense dW 1600x10 (K=128)", 1, 1600, 10, 128, true, false, false},
      {"dense dX 128x1600 (K=10)", 1, 128, 1600, 10, false, true, false},
      {"square 256", 1, 256, 256, 256, false, false, false},
      {"square 512", 1, 512, 512, 512, false, false, false},
      {"square 1024", 1, 1024, 1024, 1024, false, false, false},
      {"square 2048", 1, 2048, 2048, 2048, false, false, false},
      {"square 4096", 1, 4096, 4096, 4096, false, false, false},
      {"square 2048 tA tB", 1, 2048, 2048, 2048, true, true, false},
      {"tall-skinny K 64x64x65536", 1, 64, 64, 65536, false, false, false},
      {"1x1 conv 32x128x28x28->128 NHWC", 1, 32 * 784, 128, 128, false, false, 32},
      {"1x1 conv 32x256x14x14->256 NHWC", 1, 32 * 196, 256, 256, false, false, 32},
      {"1x1 conv 16x64x56x56->64 NHWC", 1, 16 * 3136, 64, 64, false, false, 16},
      {"1x1 conv 1x2048x1x2048->2048", 1, 2048, 2048, 2048, false, false, 1},
      {"1x1 conv 8x512x7x7->512 NHWC", 1, 8 * 49, 512, 512, false, false, 8},
      {"batched 64x(128x64x128)", 64, 128, 128, 64, false, true, 0},
  };
  for (const Shape& s : shapes) {
    MatMulArgs a{};
    a.dtype = DType::kF32;
    a.batch = s.batch;
    a.M = s.M;
    a.N = s.N;
    a.K = s.K;
    a.a = view(s.batch, s.M, s.K, s.ta);
    a.b = view(s.batch, s.K, s.N, s.tb);
    a.bias = a.prelu = MatView{nullptr, 1, 0, 0, 0};
    a.act = Activation::k_linear;
    std::mt19937 rng(5);
    Buf<float> A(a.a.batch * s.M * s.K), B(s.batch * s.K * s.N), Y(s.batch * s.M * s.N);
    fill(A.h, rng);
    fill(B.h, rng);
    A.up();
    B.up();
    a.a.p = A.d;
    a.b.p = B.d;
    a.y = Y.d;
    const double flop = 2.0 * s.batch * s.M * s.N * s.K;
    const double ms = timeMs(a, 20);
    std::printf("%-32s model %.4f ms  %.2f TFLOP/s", s.name, ms, flop / ms / 1e9);
    if (s.convImages > 0) {
      // x [images][C][1][pixels], w [N][C], y [images][N][1][pixels]: GEMM M = images·pixels, N, K = C.
      conv::ConvGeometry g;
      g.N = s.convImages;
      g.C = static_cast<int>(s.K);
      g.H = 1;
      g.W = static_cast<int>(s.M / s.convImages);
      g.K = static_cast<int>(s.N);
      g.R = g.S = 1;
      g.P = 1;
      g.Q = g.W;
      Buf<float> x(s.M * s.K), w(s.N * s.K), y(s.M * s.N);
      double conv = 0;
      die(conv::timeOp(conv::Op::kForward, conv::ForwardAlgo::kImplicitGemm, g, x.d, w.d, y.d, 20, &conv), "conv");
      std::printf("  | conv implicit GEMM %.4f ms (matmul/conv %.2f)", conv, ms / conv);
    }
    std::printf("\n");
    if (tune) {
      double best = 1e30;
      int bc = -1, bs = 0;
      for (int config = -2; config < 6; ++config) {
        if (config == -1) continue;
        for (int splits : {1, 2, 4, 8, 16, 32, 64, 128}) {
          if (config == -2 && splits > 1) break;
          if (splits > 1 && s.K / splits < 64) break;
          mm::setMatMulTileOverride(config, splits);
          const double t = timeMs(a, 10);
          if (t < best) {
            best = t;
            bc = config;
            bs = splits;
          }
          std::printf("    config %2d splits %2d: %.4f ms\n", config, splits, t);
        }
      }
      mm::setMatMulTileOverride(-1, 0);
      std::printf("    best config %d splits %d %.4f ms (model/best %.2f)\n", bc, bs, best, ms / best);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  device::Context* ctx = nullptr;
  die(device::Context::init(false, &ctx), "init");
  conv::DeviceInfo info;
  die(conv::deviceInfo(&info), "deviceInfo");
  std::printf("device: %s (%s, %d SMs)\n", info.name.c_str(), info.arch.c_str(), info.multiprocessors);
  const std::string mode = argc > 1 ? argv[1] : "check";
  if (mode == "check") {
    check(argc > 2 ? std::atoi(argv[2]) : 600);
  } else if (mode == "time") {
    timeShapes(argc > 2 && std::string(argv[2]) == "tune");
  } else {
    std::fprintf(stderr, "usage: matmul_harness check [COUNT] | time [tune]\n");
    return 2;
  }
  return g_failures == 0 ? 0 : 1;
}
