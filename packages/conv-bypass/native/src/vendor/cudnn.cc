// cuDNN (libcudnn.so.9) through dlopen/dlsym. The few types and functions used are declared here from
// cuDNN's documented C API (legacy convolution API, still shipped in cuDNN 9); no cudnn.h is needed.
#include <dlfcn.h>

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "gpu/gpu_api.h"
#include "vendor/library.h"

namespace rocm_patch {
namespace vendor {
namespace {

using cudnnHandle_t = void*;
using cudnnTensorDescriptor_t = void*;
using cudnnFilterDescriptor_t = void*;
using cudnnConvolutionDescriptor_t = void*;
using cudnnStatus_t = int;
constexpr int CUDNN_TENSOR_NCHW = 0;
constexpr int CUDNN_DATA_FLOAT = 0;
constexpr int CUDNN_CROSS_CORRELATION = 1;
constexpr int CUDNN_FMA_MATH = 3;  // plain fp32 FMA: no TF32 tensor-core conversion

// cudnnConvolution{Fwd,BwdData,BwdFilter}AlgoPerf_t share this layout.
struct AlgoPerf {
  int algo;
  cudnnStatus_t status;
  float time;
  size_t memory;
  int determinism;
  int mathType;
  int reserved[3];
};

struct Api {
  size_t (*GetVersion)();
  const char* (*GetErrorString)(cudnnStatus_t);
  cudnnStatus_t (*Create)(cudnnHandle_t*);
  cudnnStatus_t (*CreateTensorDescriptor)(cudnnTensorDescriptor_t*);
  cudnnStatus_t (*SetTensor4dDescriptor)(cudnnTensorDescriptor_t, int, int, int, int, int, int);
  cudnnStatus_t (*DestroyTensorDescriptor)(cudnnTensorDescriptor_t);
  cudnnStatus_t (*CreateFilterDescriptor)(cudnnFilterDescriptor_t*);
  cudnnStatus_t (*SetFilter4dDescriptor)(cudnnFilterDescriptor_t, int, int, int, int, int, int);
  cudnnStatus_t (*DestroyFilterDescriptor)(cudnnFilterDescriptor_t);
  cudnnStatus_t (*CreateConvolutionDescriptor)(cudnnConvolutionDescriptor_t*);
  cudnnStatus_t (*SetConvolution2dDescriptor)(cudnnConvolutionDescriptor_t, int, int, int, int, int, int, int,
                                              int);
  cudnnStatus_t (*SetConvolutionGroupCount)(cudnnConvolutionDescriptor_t, int);
  cudnnStatus_t (*SetConvolutionMathType)(cudnnConvolutionDescriptor_t, int);
  cudnnStatus_t (*DestroyConvolutionDescriptor)(cudnnConvolutionDescriptor_t);
  cudnnStatus_t (*GetConvolution2dForwardOutputDim)(cudnnConvolutionDescriptor_t, cudnnTensorDescriptor_t,
                                                    cudnnFilterDescriptor_t, int*, int*, int*, int*);
  cudnnStatus_t (*GetForwardAlgorithm)(cudnnHandle_t, cudnnTensorDescriptor_t, cudnnFilterDescriptor_t,
                                       cudnnConvolutionDescriptor_t, cudnnTensorDescriptor_t, int, int*,
                                       AlgoPerf*);
  cudnnStatus_t (*GetForwardWorkspaceSize)(cudnnHandle_t, cudnnTensorDescriptor_t, cudnnFilterDescriptor_t,
                                           cudnnConvolutionDescriptor_t, cudnnTensorDescriptor_t, int, size_t*);
  cudnnStatus_t (*ConvolutionForward)(cudnnHandle_t, const void*, cudnnTensorDescriptor_t, const void*,
                                      cudnnFilterDescriptor_t, const void*, cudnnConvolutionDescriptor_t, int,
                                      void*, size_t, const void*, cudnnTensorDescriptor_t, void*);
  cudnnStatus_t (*GetBackwardDataAlgorithm)(cudnnHandle_t, cudnnFilterDescriptor_t, cudnnTensorDescriptor_t,
                                            cudnnConvolutionDescriptor_t, cudnnTensorDescriptor_t, int, int*,
                                            AlgoPerf*);
  cudnnStatus_t (*GetBackwardDataWorkspaceSize)(cudnnHandle_t, cudnnFilterDescriptor_t, cudnnTensorDescriptor_t,
                                                cudnnConvolutionDescriptor_t, cudnnTensorDescriptor_t, int,
                                                size_t*);
  cudnnStatus_t (*ConvolutionBackwardData)(cudnnHandle_t, const void*, cudnnFilterDescriptor_t, const void*,
                                           cudnnTensorDescriptor_t, const void*, cudnnConvolutionDescriptor_t,
                                           int, void*, size_t, const void*, cudnnTensorDescriptor_t, void*);
  cudnnStatus_t (*GetBackwardFilterAlgorithm)(cudnnHandle_t, cudnnTensorDescriptor_t, cudnnTensorDescriptor_t,
                                              cudnnConvolutionDescriptor_t, cudnnFilterDescriptor_t, int, int*,
                                              AlgoPerf*);
  cudnnStatus_t (*GetBackwardFilterWorkspaceSize)(cudnnHandle_t, cudnnTensorDescriptor_t,
                                                  cudnnTensorDescriptor_t, cudnnConvolutionDescriptor_t,
                                                  cudnnFilterDescriptor_t, int, size_t*);
  cudnnStatus_t (*ConvolutionBackwardFilter)(cudnnHandle_t, const void*, cudnnTensorDescriptor_t, const void*,
                                             cudnnTensorDescriptor_t, const void*, cudnnConvolutionDescriptor_t,
                                             int, void*, size_t, const void*, cudnnFilterDescriptor_t, void*);
};

template <typename F>
bool Bind(void* lib, const char* name, F* out, std::string* missing) {
  *out = reinterpret_cast<F>(dlsym(lib, name));
  if (*out == nullptr) *missing += std::string(missing->empty() ? "" : ", ") + name;
  return *out != nullptr;
}

// Device workspace freed on scope exit.
struct Workspace {
  float* ptr = nullptr;
  ~Workspace() {
    if (ptr) gpu::release(ptr);
  }
  std::string allocate(size_t bytes) {
    if (bytes == 0) return {};
    gpu::Status s = gpu::allocate((bytes + sizeof(float) - 1) / sizeof(float), &ptr);
    return s.ok() ? std::string() : "workspace of " + std::to_string(bytes) + " bytes: " + s.message;
  }
};

class Cudnn final : public Library {
 public:
  Cudnn(void* lib, const Api& api) : lib_(lib), api_(api) {}

  std::string name() const override { return "cudnn"; }
  std::string version() const override {
    size_t v = api_.GetVersion();
    // cuDNN 9: major*10000 + minor*100 + patch; cuDNN 8: major*1000 + minor*100 + patch.
    size_t major = v >= 90000 ? v / 10000 : v / 1000;
    size_t minor = v >= 90000 ? (v % 10000) / 100 : (v % 1000) / 100;
    return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(v % 100);
  }

  std::string forward(const LibGeometry& g, const float* x, const float* w, float* y) override {
    Plan* pl = nullptr;
    if (std::string e = plan(0, g, &pl); !e.empty()) return e;
    Workspace ws;
    if (std::string e = ws.allocate(pl->bytes); !e.empty()) return e;
    const Descriptors& d = pl->d;
    const float one = 1.0f, zero = 0.0f;
    return check(
        api_.ConvolutionForward(handle_, &one, d.x, x, d.w, w, d.conv, pl->algo, ws.ptr, pl->bytes, &zero, d.y, y),
        "cudnnConvolutionForward");
  }

  std::string backwardData(const LibGeometry& g, const float* dy, const float* w, float* dx) override {
    Plan* pl = nullptr;
    if (std::string e = plan(1, g, &pl); !e.empty()) return e;
    Workspace ws;
    if (std::string e = ws.allocate(pl->bytes); !e.empty()) return e;
    const Descriptors& d = pl->d;
    const float one = 1.0f, zero = 0.0f;
    return check(api_.ConvolutionBackwardData(handle_, &one, d.w, w, d.y, dy, d.conv, pl->algo, ws.ptr, pl->bytes,
                                              &zero, d.x, dx),
                 "cudnnConvolutionBackwardData");
  }

  std::string backwardFilter(const LibGeometry& g, const float* x, const float* dy, float* dw) override {
    Plan* pl = nullptr;
    if (std::string e = plan(2, g, &pl); !e.empty()) return e;
    Workspace ws;
    if (std::string e = ws.allocate(pl->bytes); !e.empty()) return e;
    const Descriptors& d = pl->d;
    const float one = 1.0f, zero = 0.0f;
    return check(api_.ConvolutionBackwardFilter(handle_, &one, d.x, x, d.y, dy, d.conv, pl->algo, ws.ptr, pl->bytes,
                                                &zero, d.w, dw),
                 "cudnnConvolutionBackwardFilter");
  }

 private:
  // Descriptors of one call, destroyed on scope exit.
  struct Descriptors {
    const Api* api = nullptr;
    cudnnTensorDescriptor_t x = nullptr, y = nullptr;
    cudnnFilterDescriptor_t w = nullptr;
    cudnnConvolutionDescriptor_t conv = nullptr;
    ~Descriptors() {
      if (!api) return;
      if (x) api->DestroyTensorDescriptor(x);
      if (y) api->DestroyTensorDescriptor(y);
      if (w) api->DestroyFilterDescriptor(w);
      if (conv) api->DestroyConvolutionDescriptor(conv);
    }
  };

  // The descriptors, algorithm and workspace size of one (operation, geometry), made on first use.
  struct Plan {
    Descriptors d;
    int algo = -1;
    size_t bytes = 0;
  };

  std::string plan(int op, const LibGeometry& g, Plan** out) {
    const PlanKey key = MakePlanKey(op, g);
    if (auto it = plans_.find(key); it != plans_.end()) {
      *out = it->second.get();
      return {};
    }
    auto pl = std::make_unique<Plan>();
    Descriptors& d = pl->d;
    if (std::string e = setup(g, &d); !e.empty()) return e;
    AlgoPerf perf[8];
    int count = 0;
    std::string e;
    if (op == 0) {
      e = check(api_.GetForwardAlgorithm(handle_, d.x, d.w, d.conv, d.y, 8, &count, perf),
                "cudnnGetConvolutionForwardAlgorithm_v7");
      if (e.empty() && (pl->algo = pick(perf, count)) < 0) e = "cuDNN found no forward algorithm for this convolution";
      if (e.empty())
        e = check(api_.GetForwardWorkspaceSize(handle_, d.x, d.w, d.conv, d.y, pl->algo, &pl->bytes),
                  "cudnnGetConvolutionForwardWorkspaceSize");
    } else if (op == 1) {
      e = check(api_.GetBackwardDataAlgorithm(handle_, d.w, d.y, d.conv, d.x, 8, &count, perf),
                "cudnnGetConvolutionBackwardDataAlgorithm_v7");
      if (e.empty() && (pl->algo = pick(perf, count)) < 0)
        e = "cuDNN found no backward-data algorithm for this convolution";
      if (e.empty())
        e = check(api_.GetBackwardDataWorkspaceSize(handle_, d.w, d.y, d.conv, d.x, pl->algo, &pl->bytes),
                  "cudnnGetConvolutionBackwardDataWorkspaceSize");
    } else {
      e = check(api_.GetBackwardFilterAlgorithm(handle_, d.x, d.y, d.conv, d.w, 8, &count, perf),
                "cudnnGetConvolutionBackwardFilterAlgorithm_v7");
      if (e.empty() && (pl->algo = pick(perf, count)) < 0)
        e = "cuDNN found no backward-filter algorithm for this convolution";
      if (e.empty())
        e = check(api_.GetBackwardFilterWorkspaceSize(handle_, d.x, d.y, d.conv, d.w, pl->algo, &pl->bytes),
                  "cudnnGetConvolutionBackwardFilterWorkspaceSize");
    }
    if (!e.empty()) return e;
    if (plans_.size() >= kMaxPlans) plans_.clear();
    *out = pl.get();
    plans_.emplace(key, std::move(pl));
    return {};
  }

  std::string check(cudnnStatus_t status, const char* what) const {
    if (status == 0) return {};
    return std::string(what) + " failed: " + api_.GetErrorString(status) + " (cudnnStatus " +
           std::to_string(status) + ")";
  }

  static int pick(const AlgoPerf* perf, int count) {
    for (int i = 0; i < count; i++)
      if (perf[i].status == 0) return perf[i].algo;
    return -1;
  }

  std::string setup(const LibGeometry& g, Descriptors* d) {
    if (!handle_) {
      if (std::string e = check(api_.Create(&handle_), "cudnnCreate"); !e.empty()) {
        handle_ = nullptr;
        return e;
      }
    }
    d->api = &api_;
    std::string e;
    if ((e = check(api_.CreateTensorDescriptor(&d->x), "cudnnCreateTensorDescriptor")).size() ||
        (e = check(api_.CreateTensorDescriptor(&d->y), "cudnnCreateTensorDescriptor")).size() ||
        (e = check(api_.CreateFilterDescriptor(&d->w), "cudnnCreateFilterDescriptor")).size() ||
        (e = check(api_.CreateConvolutionDescriptor(&d->conv), "cudnnCreateConvolutionDescriptor")).size() ||
        (e = check(api_.SetTensor4dDescriptor(d->x, CUDNN_TENSOR_NCHW, CUDNN_DATA_FLOAT, g.n, g.c, g.h, g.w),
                   "cudnnSetTensor4dDescriptor(x)"))
            .size() ||
        (e = check(api_.SetTensor4dDescriptor(d->y, CUDNN_TENSOR_NCHW, CUDNN_DATA_FLOAT, g.n, g.k, g.p, g.q),
                   "cudnnSetTensor4dDescriptor(y)"))
            .size() ||
        (e = check(api_.SetFilter4dDescriptor(d->w, CUDNN_DATA_FLOAT, CUDNN_TENSOR_NCHW, g.k, g.c / g.groups, g.r,
                                              g.s),
                   "cudnnSetFilter4dDescriptor"))
            .size() ||
        (e = check(api_.SetConvolution2dDescriptor(d->conv, g.padH, g.padW, g.strideH, g.strideW, g.dilationH,
                                                   g.dilationW, CUDNN_CROSS_CORRELATION, CUDNN_DATA_FLOAT),
                   "cudnnSetConvolution2dDescriptor"))
            .size() ||
        (e = check(api_.SetConvolutionGroupCount(d->conv, g.groups), "cudnnSetConvolutionGroupCount")).size() ||
        (e = check(api_.SetConvolutionMathType(d->conv, CUDNN_FMA_MATH), "cudnnSetConvolutionMathType")).size())
      return e;
    int n = 0, k = 0, p = 0, q = 0;
    if ((e = check(api_.GetConvolution2dForwardOutputDim(d->conv, d->x, d->w, &n, &k, &p, &q),
                   "cudnnGetConvolution2dForwardOutputDim"))
            .size())
      return e;
    if (n != g.n || k != g.k || p != g.p || q != g.q) {
      return "cuDNN computes an output of " + std::to_string(n) + "x" + std::to_string(k) + "x" + std::to_string(p) +
             "x" + std::to_string(q) + ", expected " + std::to_string(g.n) + "x" + std::to_string(g.k) + "x" +
             std::to_string(g.p) + "x" + std::to_string(g.q);
    }
    return {};
  }

  void* lib_;
  Api api_;
  cudnnHandle_t handle_ = nullptr;
  std::map<PlanKey, std::unique_ptr<Plan>> plans_;
};

}  // namespace

Library* LoadCudnn(const std::string& path, std::string* loaded, std::string* error) {
  static const char* const kNames[] = {"libcudnn.so.9", "libcudnn.so"};
  void* lib = OpenFirst(kNames, 2, path, loaded, error);
  if (!lib) return nullptr;
  Api api{};
  std::string missing;
  Bind(lib, "cudnnGetVersion", &api.GetVersion, &missing);
  Bind(lib, "cudnnGetErrorString", &api.GetErrorString, &missing);
  Bind(lib, "cudnnCreate", &api.Create, &missing);
  Bind(lib, "cudnnCreateTensorDescriptor", &api.CreateTensorDescriptor, &missing);
  Bind(lib, "cudnnSetTensor4dDescriptor", &api.SetTensor4dDescriptor, &missing);
  Bind(lib, "cudnnDestroyTensorDescriptor", &api.DestroyTensorDescriptor, &missing);
  Bind(lib, "cudnnCreateFilterDescriptor", &api.CreateFilterDescriptor, &missing);
  Bind(lib, "cudnnSetFilter4dDescriptor", &api.SetFilter4dDescriptor, &missing);
  Bind(lib, "cudnnDestroyFilterDescriptor", &api.DestroyFilterDescriptor, &missing);
  Bind(lib, "cudnnCreateConvolutionDescriptor", &api.CreateConvolutionDescriptor, &missing);
  Bind(lib, "cudnnSetConvolution2dDescriptor", &api.SetConvolution2dDescriptor, &missing);
  Bind(lib, "cudnnSetConvolutionGroupCount", &api.SetConvolutionGroupCount, &missing);
  Bind(lib, "cudnnSetConvolutionMathType", &api.SetConvolutionMathType, &missing);
  Bind(lib, "cudnnDestroyConvolutionDescriptor", &api.DestroyConvolutionDescriptor, &missing);
  Bind(lib, "cudnnGetConvolution2dForwardOutputDim", &api.GetConvolution2dForwardOutputDim, &missing);
  Bind(lib, "cudnnGetConvolutionForwardAlgorithm_v7", &api.GetForwardAlgorithm, &missing);
  Bind(lib, "cudnnGetConvolutionForwardWorkspaceSize", &api.GetForwardWorkspaceSize, &missing);
  Bind(lib, "cudnnConvolutionForward", &api.ConvolutionForward, &missing);
  Bind(lib, "cudnnGetConvolutionBackwardDataAlgorithm_v7", &api.GetBackwardDataAlgorithm, &missing);
  Bind(lib, "cudnnGetConvolutionBackwardDataWorkspaceSize", &api.GetBackwardDataWorkspaceSize, &missing);
  Bind(lib, "cudnnConvolutionBackwardData", &api.ConvolutionBackwardData, &missing);
  Bind(lib, "cudnnGetConvolutionBackwardFilterAlgorithm_v7", &api.GetBackwardFilterAlgorithm, &missing);
  Bind(lib, "cudnnGetConvolutionBackwardFilterWorkspaceSize", &api.GetBackwardFilterWorkspaceSize, &missing);
  Bind(lib, "cudnnConvolutionBackwardFilter", &api.ConvolutionBackwardFilter, &missing);
  if (!missing.empty()) {
    *error = *loaded + " lacks " + missing;
    dlclose(lib);
    return nullptr;
  }
  return new Cudnn(lib, api);
}

}  // namespace vendor
}  // namespace rocm_patch
