#include "vendor/vendor_conv.h"

#include <dlfcn.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <vector>

#include "gpu/gpu_api.h"
#include "tensor/elementwise.h"
#include "vendor/library.h"

namespace rocm_patch {
namespace vendor {

void* OpenFirst(const char* const* names, int count, const std::string& override_path, std::string* loaded,
                std::string* error) {
  std::vector<std::string> candidates;
  if (!override_path.empty()) {
    candidates.push_back(override_path);
  } else {
    for (int i = 0; i < count; i++) candidates.emplace_back(names[i]);
  }
  std::string tried;
  for (const std::string& name : candidates) {
    void* lib = dlopen(name.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (lib) {
      *loaded = name;
      return lib;
    }
    const char* why = dlerror();
    tried += (tried.empty() ? "" : "; ") + name + ": " + (why ? why : "not loadable");
  }
  *error = "could not load the vendor conv library (" + tried + ")";
  return nullptr;
}

namespace {

std::mutex g_mutex;  // one vendor call at a time: handles and descriptors are not thread-safe
Library* g_library = nullptr;

Library* LoadForBackend(std::string* loaded, std::string* error) {
  const char* override_env = std::getenv("ROCM_PATCH_VENDOR_LIB");
  std::string path = override_env ? override_env : "";
  std::string backend = gpu::backendName();
  if (backend == "hip") return LoadMiopen(path, loaded, error);
  if (backend == "cuda") return LoadCudnn(path, loaded, error);
  *error = "no vendor conv library for GPU backend '" + backend + "'";
  return nullptr;
}

// Device copy of a host buffer, freed on scope exit.
struct DeviceBuffer {
  float* ptr = nullptr;
  DeviceBuffer() = default;
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  ~DeviceBuffer() {
    if (ptr) gpu::release(ptr);
  }
  std::string allocate(size_t count, const char* what) {
    gpu::Status s = gpu::allocate(count, &ptr);
    return s.ok() ? std::string() : std::string(what) + ": " + s.message;
  }
  std::string upload(const float* host, size_t count, const char* what) {
    if (std::string e = allocate(count, what); !e.empty()) return e;
    gpu::Status s = gpu::copyToDevice(ptr, host, count);
    return s.ok() ? std::string() : std::string(what) + ": " + s.message;
  }
};

// x (n, c, h, w) copied into a zero-filled (n, c, h + top + bottom, w + left + right) buffer.
std::vector<float> PadInput(const float* x, int n, int c, int h, int w, int top, int bottom, int left, int right) {
  const int hp = h + top + bottom, wp = w + left + right;
  std::vector<float> out(static_cast<size_t>(n) * c * hp * wp, 0.0f);
  for (int64_t plane = 0; plane < int64_t{n} * c; plane++) {
    for (int y = 0; y < h; y++) {
      std::memcpy(&out[(plane * hp + y + top) * wp + left], &x[(plane * h + y) * w], sizeof(float) * w);
    }
  }
  return out;
}

// The inverse: the (h, w) window of a padded buffer.
void CropInput(const float* padded, float* x, int n, int c, int h, int w, int top, int bottom, int left,
               int right) {
  const int hp = h + top + bottom, wp = w + left + right;
  for (int64_t plane = 0; plane < int64_t{n} * c; plane++) {
    for (int y = 0; y < h; y++) {
      std::memcpy(&x[(plane * h + y) * w], &padded[(plane * hp + y + top) * wp + left], sizeof(float) * w);
    }
  }
}

}  // namespace

const LibraryInfo& Open() {
  static LibraryInfo info;
  static std::once_flag once;
  std::call_once(once, [] {
    std::string why;
    if (!gpu::isAvailable(&why)) {
      info.error = "no usable GPU: " + why;
      return;
    }
    std::string loaded, error;
    g_library = LoadForBackend(&loaded, &error);
    if (!g_library) {
      info.error = error;
      return;
    }
    info.ok = true;
    info.library = g_library->name();
    info.version = g_library->version();
    info.path = loaded;
  });
  return info;
}

std::string Run(Op op, const ConvParams& p, const float* a, const float* b, float* out) {
  const LibraryInfo& info = Open();
  if (!info.ok) return info.error;
  if (std::string e = p.Check(); !e.empty()) return "invalid convolution: " + e;
  std::lock_guard<std::mutex> lock(g_mutex);

  // Both libraries pad symmetrically. A negative implied bottom/right (rows the last window skips) is
  // the same as 0; anything else asymmetric becomes an explicitly zero-padded input with padding 0.
  const int bottom = static_cast<int>(std::max<int64_t>(0, p.PadBottom()));
  const int right = static_cast<int>(std::max<int64_t>(0, p.PadRight()));
  const bool symmetric = bottom == p.pad_top && right == p.pad_left;
  LibGeometry g{p.n, p.c, p.h, p.w, p.k, p.r, p.s, p.p, p.q, p.pad_top, p.pad_left,
                p.stride_h, p.stride_w, p.dilation_h, p.dilation_w, p.groups};
  if (!symmetric) {
    g.h = p.h + p.pad_top + bottom;
    g.w = p.w + p.pad_left + right;
    g.padH = 0;
    g.padW = 0;
  }
  const size_t xCount = static_cast<size_t>(g.n) * g.c * g.h * g.w;
  const size_t wCount = static_cast<size_t>(p.WSize());
  const size_t yCount = static_cast<size_t>(p.YSize());
  std::vector<float> padded;
  auto input = [&](const float* x) {
    if (symmetric) return x;
    padded = PadInput(x, p.n, p.c, p.h, p.w, p.pad_top, bottom, p.pad_left, right);
    return static_cast<const float*>(padded.data());
  };

  // Our own kernels may still run asynchronously on the device: finish them first.
  if (gpu::Status s = gpu::synchronize("vendor conv"); !s.ok()) return s.message;
  DeviceBuffer da, db, dout;
  std::string e;
  switch (op) {
    case Op::kForward:
      if ((e = da.upload(input(a), xCount, "x")).size() || (e = db.upload(b, wCount, "w")).size() ||
          (e = dout.allocate(yCount, "y")).size() ||
          (e = g_library->forward(g, da.ptr, db.ptr, dout.ptr)).size())
        return e;
      break;
    case Op::kBackwardData:
      if ((e = da.upload(a, yCount, "dy")).size() || (e = db.upload(b, wCount, "w")).size() ||
          (e = dout.allocate(xCount, "dx")).size() ||
          (e = g_library->backwardData(g, da.ptr, db.ptr, dout.ptr)).size())
        return e;
      break;
    case Op::kBackwardFilter:
      if ((e = da.upload(input(a), xCount, "x")).size() || (e = db.upload(b, yCount, "dy")).size() ||
          (e = dout.allocate(wCount, "dw")).size() ||
          (e = g_library->backwardFilter(g, da.ptr, db.ptr, dout.ptr)).size())
        return e;
      break;
  }
  if (gpu::Status s = gpu::synchronize("vendor conv"); !s.ok()) return s.message;
  if (op == Op::kBackwardData && !symmetric) {
    std::vector<float> host(xCount);
    if (gpu::Status s = gpu::copyToHost(host.data(), dout.ptr, xCount); !s.ok()) return s.message;
    CropInput(host.data(), out, p.n, p.c, p.h, p.w, p.pad_top, bottom, p.pad_left, right);
    return {};
  }
  const size_t outCount = op == Op::kForward ? yCount : op == Op::kBackwardData ? xCount : wCount;
  gpu::Status s = gpu::copyToHost(out, dout.ptr, outCount);
  return s.ok() ? std::string() : s.message;
}

namespace {

// Copies between an (n·c, h, w) tensor and the (h, w) window at (top, left) of an (n·c, hp, wp) one, on
// the device (tensor/elementwise.h's strided copy).
gpu::Status copyWindow(const float* src, float* dst, int64_t planes, int h, int w, int hp, int wp, int top, int left,
                       bool intoPadded) {
  tensor::CopyArgs c{};
  c.x = src;
  c.y = dst;
  c.rank = 3;
  c.shape[0] = planes;
  c.shape[1] = h;
  c.shape[2] = w;
  c.n = planes * h * w;
  const int64_t inner[3] = {int64_t{h} * w, w, 1};
  const int64_t padded[3] = {int64_t{hp} * wp, wp, 1};
  const int64_t offset = int64_t{top} * wp + left;
  for (int d = 0; d < 3; ++d) {
    c.sx[d] = intoPadded ? inner[d] : padded[d];
    c.sy[d] = intoPadded ? padded[d] : inner[d];
  }
  c.xBase = intoPadded ? 0 : offset;
  c.yBase = intoPadded ? offset : 0;
  return tensor::gpu::copy(c);
}

}  // namespace

std::string RunOnDevice(Op op, const ConvParams& p, const float* a, const float* b, float* out) {
  const LibraryInfo& info = Open();
  if (!info.ok) return info.error;
  if (std::string e = p.Check(); !e.empty()) return "invalid convolution: " + e;
  std::lock_guard<std::mutex> lock(g_mutex);
  const int bottom = static_cast<int>(std::max<int64_t>(0, p.PadBottom()));
  const int right = static_cast<int>(std::max<int64_t>(0, p.PadRight()));
  const bool symmetric = bottom == p.pad_top && right == p.pad_left;
  LibGeometry g{p.n, p.c, p.h, p.w, p.k, p.r, p.s, p.p, p.q, p.pad_top, p.pad_left,
                p.stride_h, p.stride_w, p.dilation_h, p.dilation_w, p.groups};
  if (symmetric) {
    switch (op) {
      case Op::kForward: return g_library->forward(g, a, b, out);
      case Op::kBackwardData: return g_library->backwardData(g, a, b, out);
      default: return g_library->backwardFilter(g, a, b, out);
    }
  }
  g.h = p.h + p.pad_top + bottom;
  g.w = p.w + p.pad_left + right;
  g.padH = 0;
  g.padW = 0;
  const int64_t planes = int64_t{p.n} * p.c;
  DeviceBuffer padded;
  if (std::string e = padded.allocate(static_cast<size_t>(planes) * g.h * g.w, "padded x"); !e.empty()) return e;
  const auto ok = [](const gpu::Status& s) { return s.ok() ? std::string() : s.message; };
  if (op == Op::kBackwardData) {
    if (std::string e = g_library->backwardData(g, a, b, padded.ptr); !e.empty()) return e;
    return ok(copyWindow(padded.ptr, out, planes, p.h, p.w, g.h, g.w, p.pad_top, p.pad_left, false));
  }
  // The zero border, then the input in its window (both enqueued before the library's kernels).
  if (std::string e = ok(gpu::fill(padded.ptr, 0.0f, static_cast<size_t>(planes) * g.h * g.w)); !e.empty()) return e;
  if (std::string e = ok(copyWindow(a, padded.ptr, planes, p.h, p.w, g.h, g.w, p.pad_top, p.pad_left, true));
      !e.empty())
    return e;
  return op == Op::kForward ? g_library->forward(g, padded.ptr, b, out)
                            : g_library->backwardFilter(g, padded.ptr, b, out);
}

}  // namespace vendor
}  // namespace rocm_patch
