// One vendor conv library behind a small interface; cudnn.cc and miopen.cc implement it over dlsym'd
// function pointers. Device pointers in; the library-specific code sets up descriptors, picks an
// algorithm, sizes the workspace and runs.
#pragma once

#include <array>
#include <string>

namespace rocm_patch {
namespace vendor {

// Symmetric-padding geometry as both libraries take it (vendor_conv.cc turns asymmetric padding into
// an explicitly padded input first).
struct LibGeometry {
  int n, c, h, w;  // input (already padded when pad is 0 for an asymmetric case)
  int k, r, s;     // filter: k × (c / groups) × r × s
  int p, q;        // output
  int padH, padW, strideH, strideW, dilationH, dilationW, groups;
};

// A convolution's identity in the libraries' plan caches: the operation (0 forward, 1 backward data,
// 2 backward filter) and its geometry. The descriptors and the algorithm choice are made once per key
// (cuDNN's heuristics query and MIOpen's Find cost far more host time than the convolution itself at
// training sizes), as PyTorch's benchmark cache does.
using PlanKey = std::array<int, 17>;
inline PlanKey MakePlanKey(int op, const LibGeometry& g) {
  return {op,     g.n,       g.c,       g.h,       g.w,       g.k,         g.r,         g.s,     g.p,
          g.q,    g.padH,    g.padW,    g.strideH, g.strideW, g.dilationH, g.dilationW, g.groups};
}
// At most this many plans per library: a model has a few dozen convolutions; a process that keeps
// seeing new shapes starts the cache over rather than growing it without bound.
constexpr size_t kMaxPlans = 256;

class Library {
 public:
  virtual ~Library() = default;
  virtual std::string name() const = 0;
  virtual std::string version() const = 0;
  // Each returns "" on success. Workspace is allocated and freed inside.
  virtual std::string forward(const LibGeometry& g, const float* x, const float* w, float* y) = 0;
  virtual std::string backwardData(const LibGeometry& g, const float* dy, const float* w, float* dx) = 0;
  virtual std::string backwardFilter(const LibGeometry& g, const float* x, const float* dy, float* dw) = 0;
};

// Each returns nullptr and sets *error when its library cannot be loaded or lacks a symbol.
Library* LoadCudnn(const std::string& path, std::string* loaded, std::string* error);
Library* LoadMiopen(const std::string& path, std::string* loaded, std::string* error);

// dlopen the first of `names` that loads; nullptr with every attempt listed in *error otherwise.
void* OpenFirst(const char* const* names, int count, const std::string& override_path, std::string* loaded,
                std::string* error);

}  // namespace vendor
}  // namespace rocm_patch
