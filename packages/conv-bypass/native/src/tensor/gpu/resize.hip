// GPU resizing: one thread per output element (forward) or per dx element (gradients, gathered from dy
// in cpu's order: no atomics, deterministic), grid-stride, the shared per-element functions of
// ops/resize.h. Source coordinates are double, as cpu computes them (a few operations per element).
#include "tensor/gpu/each.h"
#include "tensor/nn.h"

namespace rocm_patch {
namespace tensor {
namespace gpu {
namespace {

template <class Index>
struct BilinearFn {
  ResizeGeom g;
  const float* x;
  float* y;
  __device__ void operator()(Index o) const { y[o] = bilinearAt<Index>(g, x, o); }
};

template <class Index>
struct NearestFn {
  ResizeGeom g;
  const float* x;
  float* y;
  __device__ void operator()(Index o) const { y[o] = x[nearestSourceOffset<Index>(g, o)]; }
};

// int32/bool images: cpu stores the picked values in a Float32Array, so they pass through float32.
template <class Index>
struct NearestInt32Fn {
  ResizeGeom g;
  const int32_t* x;
  int32_t* y;
  __device__ void operator()(Index o) const {
    y[o] = toInt32(static_cast<double>(static_cast<float>(x[nearestSourceOffset<Index>(g, o)])));
  }
};

template <class Index>
struct BilinearGradFn {
  ResizeGeom g;
  const float* dy;
  float* dx;
  __device__ void operator()(Index i) const { dx[i] = bilinearGradAt<Index>(g, dy, i); }
};

template <class Index>
struct NearestGradFn {
  ResizeGeom g;
  const float* dy;
  float* dx;
  __device__ void operator()(Index i) const { dx[i] = nearestGradAt<Index>(g, dy, i); }
};

int64_t inSize(const ResizeGeom& g) { return g.batch * g.inH * g.inW * g.channels; }
int64_t outSize(const ResizeGeom& g) { return g.batch * g.outH * g.outW * g.channels; }
// Every offset is below one of the two sizes, every loop bound at most a size + 1.
bool resizeFits32(const ResizeGeom& g) { return within32(inSize(g) + 1) && within32(outSize(g) + 1); }

}  // namespace

Status resizeBilinear(const ResizeArgs& a) {
  return launchEach<BilinearFn>("resizeBilinear", outSize(a.g), resizeFits32(a.g), [&](auto tag) {
    return BilinearFn<decltype(tag)>{a.g, static_cast<const float*>(a.x), static_cast<float*>(a.y)};
  });
}

Status resizeNearest(const ResizeArgs& a) {
  if (a.int32)
    return launchEach<NearestInt32Fn>("resizeNearest", outSize(a.g), resizeFits32(a.g), [&](auto tag) {
      return NearestInt32Fn<decltype(tag)>{a.g, static_cast<const int32_t*>(a.x), static_cast<int32_t*>(a.y)};
    });
  return launchEach<NearestFn>("resizeNearest", outSize(a.g), resizeFits32(a.g), [&](auto tag) {
    return NearestFn<decltype(tag)>{a.g, static_cast<const float*>(a.x), static_cast<float*>(a.y)};
  });
}

Status resizeBilinearGrad(const ResizeGradArgs& a) {
  return launchEach<BilinearGradFn>("resizeBilinearGrad", inSize(a.g), resizeFits32(a.g),
                                    [&](auto tag) { return BilinearGradFn<decltype(tag)>{a.g, a.dy, a.dx}; });
}

Status resizeNearestGrad(const ResizeGradArgs& a) {
  return launchEach<NearestGradFn>("resizeNearestGrad", inSize(a.g), resizeFits32(a.g),
                                   [&](auto tag) { return NearestGradFn<decltype(tag)>{a.g, a.dy, a.dx}; });
}

}  // namespace gpu
}  // namespace tensor
}  // namespace rocm_patch
