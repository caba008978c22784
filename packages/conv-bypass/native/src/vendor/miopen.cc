// MIOpen (libMIOpen.so) through dlopen/dlsym. The few types and functions used are declared here from
// MIOpen's documented C API (miopen.h); no ROCm header is needed. MIOpen requires a Find step before
// each convolution direction; results are cached by MIOpen itself (its find database).
#include <dlfcn.h>

#include <cstddef>
#include <map>
#include <memory>
#include <string>

#include "gpu/gpu_api.h"
#include "vendor/library.h"

namespace rocm_patch {
namespace vendor {
namespace {

using miopenHandle_t = void*;
using miopenTensorDescriptor_t = void*;
using miopenConvolutionDescriptor_t = void*;
using miopenStatus_t = int;
constexpr int miopenFloat = 1;
constexpr int miopenConvolution = 0;

struct ConvAlgoPerf {
  int algo;  // a union of the fwd / bwd-data / bwd-weights algorithm enums
  float time;
  size_t memory;
};

struct Api {
  miopenStatus_t (*GetVersion)(size_t*, size_t*, size_t*);
  const char* (*GetErrorString)(miopenStatus_t);
  miopenStatus_t (*Create)(miopenHandle_t*);
  miopenStatus_t (*CreateTensorDescriptor)(miopenTensorDescriptor_t*);
  miopenStatus_t (*Set4dTensorDescriptor)(miopenTensorDescriptor_t, int, int, int, int, int);
  miopenStatus_t (*DestroyTensorDescriptor)(miopenTensorDescriptor_t);
  miopenStatus_t (*CreateConvolutionDescriptor)(miopenConvolutionDescriptor_t*);
  miopenStatus_t (*InitConvolutionDescriptor)(miopenConvolutionDescriptor_t, int, int, int, int, int, int, int);
  miopenStatus_t (*SetConvolutionGroupCount)(miopenConvolutionDescriptor_t, int);
  miopenStatus_t (*DestroyConvolutionDescriptor)(miopenConvolutionDescriptor_t);
  miopenStatus_t (*GetConvolutionForwardOutputDim)(miopenConvolutionDescriptor_t, miopenTensorDescriptor_t,
                                                   miopenTensorDescriptor_t, int*, int*, int*, int*);
  miopenStatus_t (*ForwardGetWorkSpaceSize)(miopenHandle_t, miopenTensorDescriptor_t, miopenTensorDescriptor_t,
                                            miopenConvolutionDescriptor_t, miopenTensorDescriptor_t, size_t*);
  miopenStatus_t (*FindForward)(miopenHandle_t, miopenTensorDescriptor_t, const void*, miopenTensorDescriptor_t,
                                const void*, miopenConvolutionDescriptor_t, miopenTensorDescriptor_t, void*, int,
                                int*, ConvAlgoPerf*, void*, size_t, bool);
  miopenStatus_t (*Forward)(miopenHandle_t, const void*, miopenTensorDescriptor_t, const void*,
                            miopenTensorDescriptor_t, const void*, miopenConvolutionDescriptor_t, int, const void*,
                            miopenTensorDescriptor_t, void*, void*, size_t);
  miopenStatus_t (*BackwardDataGetWorkSpaceSize)(miopenHandle_t, miopenTensorDescriptor_t,
                                                 miopenTensorDescriptor_t, miopenConvolutionDescriptor_t,
                                                 miopenTensorDescriptor_t, size_t*);
  miopenStatus_t (*FindBackwardData)(miopenHandle_t, miopenTensorDescriptor_t, const void*,
                                     miopenTensorDescriptor_t, const void*, miopenConvolutionDescriptor_t,
                                     miopenTensorDescriptor_t, void*, int, int*, ConvAlgoPerf*, void*, size_t,
                                     bool);
  miopenStatus_t (*BackwardData)(miopenHandle_t, const void*, miopenTensorDescriptor_t, const void*,
                                 miopenTensorDescriptor_t, const void*, miopenConvolutionDescriptor_t, int,
                                 const void*, miopenTensorDescriptor_t, void*, void*, size_t);
  miopenStatus_t (*BackwardWeightsGetWorkSpaceSize)(miopenHandle_t, miopenTensorDescriptor_t,
                                                    miopenTensorDescriptor_t, miopenConvolutionDescriptor_t,
                                                    miopenTensorDescriptor_t, size_t*);
  miopenStatus_t (*FindBackwardWeights)(miopenHandle_t, miopenTensorDescriptor_t, const void*,
                                        miopenTensorDescriptor_t, const void*, miopenConvolutionDescriptor_t,
                                        miopenTensorDescriptor_t, void*, int, int*, ConvAlgoPerf*, void*, size_t,
                                        bool);
  miopenStatus_t (*BackwardWeights)(miopenHandle_t, const void*, miopenTensorDescriptor_t, const void*,
                                    miopenTensorDescriptor_t, const void*, miopenConvolutionDescriptor_t, int,
                                    const void*, miopenTensorDescriptor_t, void*, void*, size_t);
};

template <typename F>
void Bind(void* lib, const char* name, F* out, std::string* missing) {
  *out = reinterpret_cast<F>(dlsym(lib, name));
  if (*out == nullptr) *missing += std::string(missing->empty() ? "" : ", ") + name;
}

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

class Miopen final : public Library {
 public:
  explicit Miopen(const Api& api) : api_(api) {}

  std::string name() const override { return "miopen"; }
  std::string version() const override {
    size_t major = 0, minor = 0, patch = 0;
    if (api_.GetVersion(&major, &minor, &patch) != 0) return "unknown";
    return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
  }

  std::string forward(const LibGeometry& g, const float* x, const float* w, float* y) override {
    Plan* pl = nullptr;
    Workspace ws;
    if (std::string e = plan(0, g, x, w, y, &ws, &pl); !e.empty()) return e;
    const Descriptors& d = pl->d;
    const float one = 1.0f, zero = 0.0f;
    return check(api_.Forward(handle_, &one, d.x, x, d.w, w, d.conv, pl->algo, &zero, d.y, y, ws.ptr, pl->bytes),
                 "miopenConvolutionForward");
  }

  std::string backwardData(const LibGeometry& g, const float* dy, const float* w, float* dx) override {
    Plan* pl = nullptr;
    Workspace ws;
    if (std::string e = plan(1, g, dy, w, dx, &ws, &pl); !e.empty()) return e;
    const Descriptors& d = pl->d;
    const float one = 1.0f, zero = 0.0f;
    return check(
        api_.BackwardData(handle_, &one, d.y, dy, d.w, w, d.conv, pl->algo, &zero, d.x, dx, ws.ptr, pl->bytes),
        "miopenConvolutionBackwardData");
  }

  std::string backwardFilter(const LibGeometry& g, const float* x, const float* dy, float* dw) override {
    Plan* pl = nullptr;
    Workspace ws;
    if (std::string e = plan(2, g, x, dy, dw, &ws, &pl); !e.empty()) return e;
    const Descriptors& d = pl->d;
    const float one = 1.0f, zero = 0.0f;
    return check(
        api_.BackwardWeights(handle_, &one, d.y, dy, d.x, x, d.conv, pl->algo, &zero, d.w, dw, ws.ptr, pl->bytes),
        "miopenConvolutionBackwardWeights");
  }

 private:
  struct Descriptors {
    const Api* api = nullptr;
    miopenTensorDescriptor_t x = nullptr, y = nullptr, w = nullptr;
    miopenConvolutionDescriptor_t conv = nullptr;
    ~Descriptors() {
      if (!api) return;
      if (x) api->DestroyTensorDescriptor(x);
      if (y) api->DestroyTensorDescriptor(y);
      if (w) api->DestroyTensorDescriptor(w);
      if (conv) api->DestroyConvolutionDescriptor(conv);
    }
  };

  // The descriptors, workspace size and algorithm of one (operation, geometry). MIOpen's Find runs the
  // candidate kernels, so it needs the call's buffers: it runs on the first call of a key only (its
  // output is overwritten by the call itself). `ws` gets the call's workspace.
  struct Plan {
    Descriptors d;
    int algo = -1;
    size_t bytes = 0;
  };

  std::string plan(int op, const LibGeometry& g, const float* a, const float* b, float* out, Workspace* ws,
                   Plan** result) {
    const PlanKey key = MakePlanKey(op, g);
    if (auto it = plans_.find(key); it != plans_.end()) {
      *result = it->second.get();
      return ws->allocate(it->second->bytes);
    }
    auto pl = std::make_unique<Plan>();
    Descriptors& d = pl->d;
    if (std::string e = setup(g, &d); !e.empty()) return e;
    std::string e = op == 0   ? check(api_.ForwardGetWorkSpaceSize(handle_, d.w, d.x, d.conv, d.y, &pl->bytes),
                                      "miopenConvolutionForwardGetWorkSpaceSize")
                    : op == 1 ? check(api_.BackwardDataGetWorkSpaceSize(handle_, d.y, d.w, d.conv, d.x, &pl->bytes),
                                      "miopenConvolutionBackwardDataGetWorkSpaceSize")
                              : check(api_.BackwardWeightsGetWorkSpaceSize(handle_, d.y, d.x, d.conv, d.w, &pl->bytes),
                                      "miopenConvolutionBackwardWeightsGetWorkSpaceSize");
    if (!e.empty()) return e;
    if ((e = ws->allocate(pl->bytes)).size()) return e;
    ConvAlgoPerf perf{};
    int found = 0;
    if (op == 0) {
      e = check(api_.FindForward(handle_, d.x, a, d.w, b, d.conv, d.y, out, 1, &found, &perf, ws->ptr, pl->bytes,
                                 false),
                "miopenFindConvolutionForwardAlgorithm");
    } else if (op == 1) {
      e = check(api_.FindBackwardData(handle_, d.y, a, d.w, b, d.conv, d.x, out, 1, &found, &perf, ws->ptr,
                                      pl->bytes, false),
                "miopenFindConvolutionBackwardDataAlgorithm");
    } else {
      e = check(api_.FindBackwardWeights(handle_, d.y, b, d.x, a, d.conv, d.w, out, 1, &found, &perf, ws->ptr,
                                         pl->bytes, false),
                "miopenFindConvolutionBackwardWeightsAlgorithm");
    }
    if (!e.empty()) return e;
    if (found < 1) {
      static const char* const kWhat[] = {"forward", "backward-data", "backward-weights"};
      return std::string("MIOpen found no ") + kWhat[op] + " algorithm for this convolution";
    }
    pl->algo = perf.algo;
    if (plans_.size() >= kMaxPlans) plans_.clear();
    *result = pl.get();
    plans_.emplace(key, std::move(pl));
    return {};
  }

  std::string check(miopenStatus_t status, const char* what) const {
    if (status == 0) return {};
    return std::string(what) + " failed: " + api_.GetErrorString(status) + " (miopenStatus " +
           std::to_string(status) + ")";
  }

  std::string setup(const LibGeometry& g, Descriptors* d) {
    if (!handle_) {
      if (std::string e = check(api_.Create(&handle_), "miopenCreate"); !e.empty()) {
        handle_ = nullptr;
        return e;
      }
    }
    d->api = &api_;
    std::string e;
    if ((e = check(api_.CreateTensorDescriptor(&d->x), "miopenCreateTensorDescriptor")).size() ||
        (e = check(api_.CreateTensorDescriptor(&d->y), "miopenCreateTensorDescriptor")).size() ||
        (e = check(api_.CreateTensorDescriptor(&d->w), "miopenCreateTensorDescriptor")).size() ||
        (e = check(api_.CreateConvolutionDescriptor(&d->conv), "miopenCreateConvolutionDescriptor")).size() ||
        (e = check(api_.Set4dTensorDescriptor(d->x, miopenFloat, g.n, g.c, g.h, g.w), "miopenSet4dTensorDescriptor(x)"))
            .size() ||
        (e = check(api_.Set4dTensorDescriptor(d->y, miopenFloat, g.n, g.k, g.p, g.q), "miopenSet4dTensorDescriptor(y)"))
            .size() ||
        (e = check(api_.Set4dTensorDescriptor(d->w, miopenFloat, g.k, g.c / g.groups, g.r, g.s),
                   "miopenSet4dTensorDescriptor(w)"))
            .size() ||
        (e = check(api_.InitConvolutionDescriptor(d->conv, miopenConvolution, g.padH, g.padW, g.strideH, g.strideW,
                                                  g.dilationH, g.dilationW),
                   "miopenInitConvolutionDescriptor"))
            .size() ||
        (e = check(api_.SetConvolutionGroupCount(d->conv, g.groups), "miopenSetConvolutionGroupCount")).size())
      return e;
    int n = 0, k = 0, p = 0, q = 0;
    if ((e = check(api_.GetConvolutionForwardOutputDim(d->conv, d->x, d->w, &n, &k, &p, &q),
                   "miopenGetConvolutionForwardOutputDim"))
            .size())
      return e;
    if (n != g.n || k != g.k || p != g.p || q != g.q) {
      return "MIOpen computes an output of " + std::to_string(n) + "x" + std::to_string(k) + "x" +
             std::to_string(p) + "x" + std::to_string(q) + ", expected " + std::to_string(g.n) + "x" +
             std::to_string(g.k) + "x" + std::to_string(g.p) + "x" + std::to_string(g.q);
    }
    return {};
  }

  Api api_;
  miopenHandle_t handle_ = nullptr;
  std::map<PlanKey, std::unique_ptr<Plan>> plans_;
};

}  // namespace

Library* LoadMiopen(const std::string& path, std::string* loaded, std::string* error) {
  static const char* const kNames[] = {"libMIOpen.so", "libMIOpen.so.1", "/opt/rocm/lib/libMIOpen.so"};
  void* lib = OpenFirst(kNames, 3, path, loaded, error);
  if (!lib) return nullptr;
  Api api{};
  std::string missing;
  Bind(lib, "miopenGetVersion", &api.GetVersion, &missing);
  Bind(lib, "miopenGetErrorString", &api.GetErrorString, &missing);
  Bind(lib, "miopenCreate", &api.Create, &missing);
  Bind(lib, "miopenCreateTensorDescriptor", &api.CreateTensorDescriptor, &missing);
  Bind(lib, "miopenSet4dTensorDescriptor", &api.Set4dTensorDescriptor, &missing);
  Bind(lib, "miopenDestroyTensorDescriptor", &api.DestroyTensorDescriptor, &missing);
  Bind(lib, "miopenCreateConvolutionDescriptor", &api.CreateConvolutionDescriptor, &missing);
  Bind(lib, "miopenInitConvolutionDescriptor", &api.InitConvolutionDescriptor, &missing);
  Bind(lib, "miopenSetConvolutionGroupCount", &api.SetConvolutionGroupCount, &missing);
  Bind(lib, "miopenDestroyConvolutionDescriptor", &api.DestroyConvolutionDescriptor, &missing);
  Bind(lib, "miopenGetConvolutionForwardOutputDim", &api.GetConvolutionForwardOutputDim, &missing);
  Bind(lib, "miopenConvolutionForwardGetWorkSpaceSize", &api.ForwardGetWorkSpaceSize, &missing);
  Bind(lib, "miopenFindConvolutionForwardAlgorithm", &api.FindForward, &missing);
  Bind(lib, "miopenConvolutionForward", &api.Forward, &missing);
  Bind(lib, "miopenConvolutionBackwardDataGetWorkSpaceSize", &api.BackwardDataGetWorkSpaceSize, &missing);
  Bind(lib, "miopenFindConvolutionBackwardDataAlgorithm", &api.FindBackwardData, &missing);
  Bind(lib, "miopenConvolutionBackwardData", &api.BackwardData, &missing);
  Bind(lib, "miopenConvolutionBackwardWeightsGetWorkSpaceSize", &api.BackwardWeightsGetWorkSpaceSize, &missing);
  Bind(lib, "miopenFindConvolutionBackwardWeightsAlgorithm", &api.FindBackwardWeights, &missing);
  Bind(lib, "miopenConvolutionBackwardWeights", &api.BackwardWeights, &missing);
  if (!missing.empty()) {
    *error = *loaded + " lacks " + missing;
    dlclose(lib);
    return nullptr;
  }
  return new Miopen(api);
}

}  // namespace vendor
}  // namespace rocm_patch
