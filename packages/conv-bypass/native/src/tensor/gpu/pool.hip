// GPU pooling: one thread per output element (forward, argmax) or per input element (gradient), grid-
// stride. Consecutive threads take consecutive channels, so NHWC reads and writes coalesce. The
// gradient is a gather — each dx element sums the dy of its windows in a fixed order — so it needs no
// atomics and is deterministic. 32-bit indices when every offset the loops form fits.
#include "tensor/gpu/each.h"
#include "tensor/nn.h"

namespace rocm_patch {
namespace tensor {
namespace gpu {
namespace {

template <class Index>
struct PoolFn {
  PoolGeom<Index> g;
  PoolFlags flags;
  const float* x;
  float* y;
  int32_t* argmax;
  __device__ void operator()(Index o) const { poolAt(g, flags, x, y, argmax, o); }
};

template <class Index>
struct PoolGradFn {
  PoolGeom<Index> g;
  PoolKind kind;
  float multiplier;
  const int32_t* argmax;
  DyDims<Index> dd;
  const float* dy;
  float* dx;
  __device__ void operator()(Index i) const {
    const float v = poolGradAt(g, kind, argmax, dy, dd, i);
    dx[i] = kind == PoolKind::kAvg ? v * multiplier : v;
  }
};

// Whether the loops of ops/pool.h stay inside int32: the element counts, each axis's corner, window
// end, tap steps and gradient bases (bounded by in + out·stride + eff + dilation + |pad|), and the
// window positions (below volume + effH·rowFactor).
bool poolFits32(const PoolGeom<int64_t>& g, int64_t rowFactor) {
  if (!within32(g.inSize()) || !within32(g.outSize())) return false;
  const int64_t axes[3][6] = {{g.inD, g.outD, g.effD, g.strideD, g.dilD, g.padFront},
                              {g.inH, g.outH, g.effH, g.strideH, g.dilH, g.padTop},
                              {g.inW, g.outW, g.effW, g.strideW, g.dilW, g.padLeft}};
  for (const auto& a : axes) {
    const int64_t pad = a[5] < 0 ? -a[5] : a[5];
    if (!within32(a[0] + a[1] * a[3] + a[2] + a[4] + pad)) return false;
  }
  return within32(g.effD * g.effH * g.effW + g.effH * rowFactor);
}

}  // namespace

Status pool(const PoolArgs& a) {
  return launchEach<PoolFn>("pool", a.g.outSize(), poolFits32(a.g, a.flags.rowFactor), [&](auto tag) {
    using Index = decltype(tag);
    return PoolFn<Index>{a.g.template as<Index>(), a.flags, a.x, a.y, a.argmax};
  });
}

Status poolGrad(const PoolGradArgs& a) {
  // dy can be larger than the output (see DyDims): its element count must fit too.
  const DyDims<int64_t>& d = a.dyDims;
  const bool narrow = poolFits32(a.g, a.g.effW) && within32(a.g.batch * d.d * d.h * d.w * a.g.channels);
  return launchEach<PoolGradFn>("poolGrad", a.g.inSize(), narrow, [&](auto tag) {
    using Index = decltype(tag);
    const DyDims<Index> dd{static_cast<Index>(d.d), static_cast<Index>(d.h), static_cast<Index>(d.w)};
    return PoolGradFn<Index>{a.g.template as<Index>(), a.kind, a.multiplier, a.argmax, dd, a.dy, a.dx};
  });
}

}  // namespace gpu
}  // namespace tensor
}  // namespace rocm_patch
