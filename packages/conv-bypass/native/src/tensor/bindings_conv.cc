// The convolutions on device buffers (the TF.js backend's tensors): NCHW activations, KCRS filters,
// geometry in the shared args array as a ConvParams. Nothing is copied to the host and nothing waits:
// the GPU algorithms enqueue our kernels (gpu/*.hip) or the vendor library on the one stream. The host
// device runs the CPU convolution (cpu/conv_cpu.h) on its host buffers.
//   convForward(nameId, algo, x, w, bias | -1, y, relu)
//   convBackwardData(nameId, algo, dy, w, dx)
//   convBackwardFilter(nameId, algo, x, dy, dw)
// algo: 0 implicit GEMM, 1 unfold + GEMM (forward; the gradients use the implicit GEMM), 2 the vendor
// library (MIOpen / cuDNN), 3 the CPU (the host device's only one).
#include <string>

#include "common/conv_params.h"
#include "cpu/conv_cpu.h"
#include "tensor/napi_util.h"
#ifdef ROCM_PATCH_WITH_GPU
#include "gpu/gpu_api.h"
#include "tensor/elementwise.h"
#endif
#ifdef ROCM_PATCH_WITH_VENDOR
#include "vendor/vendor_conv.h"
#endif

namespace rocm_patch {
namespace tensor {
namespace {

enum Algo { kImplicitGemm = 0, kUnfold = 1, kVendor = 2, kCpu = 3 };

ConvParams readParams(KernelCall& c) {
  int64_t v[16];
  c.readArgs(0, 16, v, "conv params");
  for (int64_t x : v)
    if (x < -2147483648LL || x > 2147483647LL) c.fail("conv params must be 32-bit integers");
  ConvParams p;
  p.n = static_cast<int32_t>(v[0]);
  p.c = static_cast<int32_t>(v[1]);
  p.h = static_cast<int32_t>(v[2]);
  p.w = static_cast<int32_t>(v[3]);
  p.k = static_cast<int32_t>(v[4]);
  p.r = static_cast<int32_t>(v[5]);
  p.s = static_cast<int32_t>(v[6]);
  p.p = static_cast<int32_t>(v[7]);
  p.q = static_cast<int32_t>(v[8]);
  p.stride_h = static_cast<int32_t>(v[9]);
  p.stride_w = static_cast<int32_t>(v[10]);
  p.pad_top = static_cast<int32_t>(v[11]);
  p.pad_left = static_cast<int32_t>(v[12]);
  p.dilation_h = static_cast<int32_t>(v[13]);
  p.dilation_w = static_cast<int32_t>(v[14]);
  p.groups = static_cast<int32_t>(v[15]);
  const std::string bad = p.Check();
  if (!bad.empty()) c.fail("conv params: " + bad);
  return p;
}

int algoArg(KernelCall& c, size_t i) {
  const int algo = static_cast<int>(c.integer(i, "algo", 0, 3));
  const bool host = c.ctx()->rt()->isHost();
  if (host && algo != kCpu) c.fail("the host device runs only the CPU convolution (algo 3)");
  if (!host && algo == kCpu) c.fail("the CPU convolution takes host memory; on the GPU use algo 0, 1 or 2");
#ifndef ROCM_PATCH_WITH_VENDOR
  if (algo == kVendor) c.fail("this build has no vendor convolution library path");
#endif
  return algo;
}

#ifdef ROCM_PATCH_WITH_GPU
::rocm_patch::gpu::ConvGeometry geometryOf(const ConvParams& p) {
  ::rocm_patch::gpu::ConvGeometry g;
  g.N = p.n; g.C = p.c; g.H = p.h; g.W = p.w; g.K = p.k; g.R = p.r; g.S = p.s; g.P = p.p; g.Q = p.q;
  g.strideH = p.stride_h; g.strideW = p.stride_w; g.padTop = p.pad_top; g.padLeft = p.pad_left;
  g.dilationH = p.dilation_h; g.dilationW = p.dilation_w; g.groups = p.groups;
  return g;
}

Status fromVendor(const std::string& error) { return error.empty() ? Status{} : usageStatus("vendor conv: " + error); }

// y += bias[k] (per output channel), then ReLU: the vendor libraries have no such epilogue here.
Status vendorEpilogue(const ConvParams& p, const float* bias, float* y, bool relu) {
  if (bias != nullptr) {
    BinaryArgs a{};
    a.op = BinaryOp::kAdd;
    a.in = a.out = DType::kF32;
    a.a = y;
    a.b = bias;
    a.y = y;
    a.rank = 3;
    a.shape[0] = p.n;
    a.shape[1] = p.k;
    a.shape[2] = int64_t{p.p} * p.q;
    a.n = p.YSize();
    a.sa[0] = int64_t{p.k} * p.p * p.q; a.sa[1] = int64_t{p.p} * p.q; a.sa[2] = 1;
    a.sb[0] = 0; a.sb[1] = 1; a.sb[2] = 0;
    Status s = gpu::binary(a);
    if (!s.ok()) return s;
  }
  if (relu) {
    UnaryArgs u{};
    u.op = UnaryOp::kRelu;
    u.in = u.out = DType::kF32;
    u.x = y;
    u.y = y;
    u.n = p.YSize();
    return gpu::unary(u);
  }
  return Status{};
}
#endif

void hostRelu(float* y, int64_t n) {
  for (int64_t i = 0; i < n; ++i)
    if (y[i] < 0.f) y[i] = 0.f;  // NaN stays NaN
}

Napi::Value Forward(const Napi::CallbackInfo& info) {
  KernelCall c(info, "convForward");
  const int algo = algoArg(c, 1);
  const ConvParams p = readParams(c);
  const float* x = static_cast<const float*>(c.buffer(2, "x", p.XSize()));
  const float* w = static_cast<const float*>(c.buffer(3, "w", p.WSize()));
  const float* bias = c.number(4, "bias") < 0 ? nullptr : static_cast<const float*>(c.buffer(4, "bias", p.k));
  float* y = static_cast<float*>(c.buffer(5, "y", p.YSize()));
  const bool relu = c.boolean(6, "relu");
  c.sink();
  Status s;
  if (algo == kCpu) {
    cpu::Conv2dForward(p, x, w, bias, y);
    if (relu) hostRelu(y, p.YSize());
  } else {
#ifdef ROCM_PATCH_WITH_GPU
    if (algo == kVendor) {
#ifdef ROCM_PATCH_WITH_VENDOR
      s = fromVendor(vendor::RunOnDevice(vendor::Op::kForward, p, x, w, y));
      if (s.ok()) s = vendorEpilogue(p, bias, y, relu);
#endif
    } else {
      s = ::rocm_patch::gpu::conv2dForward(geometryOf(p), x, w, bias, relu, y,
                             algo == kUnfold ? ::rocm_patch::gpu::ForwardAlgo::kUnfoldGemm
                                              : ::rocm_patch::gpu::ForwardAlgo::kImplicitGemm, nullptr);
    }
#endif
  }
  c.finish(s);
  return info.Env().Undefined();
}

Napi::Value BackwardData(const Napi::CallbackInfo& info) {
  KernelCall c(info, "convBackwardData");
  const int algo = algoArg(c, 1);
  const ConvParams p = readParams(c);
  const float* dy = static_cast<const float*>(c.buffer(2, "dy", p.YSize()));
  const float* w = static_cast<const float*>(c.buffer(3, "w", p.WSize()));
  float* dx = static_cast<float*>(c.buffer(4, "dx", p.XSize()));
  c.sink();
  Status s;
  if (algo == kCpu) {
    cpu::Conv2dBackwardData(p, dy, w, dx);
  } else {
#ifdef ROCM_PATCH_WITH_GPU
    if (algo == kVendor) {
#ifdef ROCM_PATCH_WITH_VENDOR
      s = fromVendor(vendor::RunOnDevice(vendor::Op::kBackwardData, p, dy, w, dx));
#endif
    } else {
      s = ::rocm_patch::gpu::conv2dBackwardData(geometryOf(p), dy, w, dx, nullptr);
    }
#endif
  }
  c.finish(s);
  return info.Env().Undefined();
}

Napi::Value BackwardFilter(const Napi::CallbackInfo& info) {
  KernelCall c(info, "convBackwardFilter");
  const int algo = algoArg(c, 1);
  const ConvParams p = readParams(c);
  const float* x = static_cast<const float*>(c.buffer(2, "x", p.XSize()));
  const float* dy = static_cast<const float*>(c.buffer(3, "dy", p.YSize()));
  float* dw = static_cast<float*>(c.buffer(4, "dw", p.WSize()));
  c.sink();
  Status s;
  if (algo == kCpu) {
    cpu::Conv2dBackwardFilter(p, x, dy, dw);
  } else {
#ifdef ROCM_PATCH_WITH_GPU
    if (algo == kVendor) {
#ifdef ROCM_PATCH_WITH_VENDOR
      s = fromVendor(vendor::RunOnDevice(vendor::Op::kBackwardFilter, p, x, dy, dw));
#endif
    } else {
      s = ::rocm_patch::gpu::conv2dBackwardFilter(geometryOf(p), dy, x, dw, nullptr);
    }
#endif
  }
  c.finish(s);
  return info.Env().Undefined();
}

}  // namespace

void RegisterConv(Napi::Env env, Napi::Object target) {
  target.Set("convForward", Napi::Function::New(env, Forward, "convForward"));
  target.Set("convBackwardData", Napi::Function::New(env, BackwardData, "convBackwardData"));
  target.Set("convBackwardFilter", Napi::Function::New(env, BackwardFilter, "convBackwardFilter"));
}

}  // namespace tensor
}  // namespace rocm_patch
