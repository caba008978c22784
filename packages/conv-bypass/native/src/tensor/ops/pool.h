// Pooling, per output element (forward) and per input element (gradient), shared by the host loops and
// the GPU kernels. Semantics are tfjs-backend-cpu's (utils/pool_utils and the pool kernels), whose quirks
// the flags reproduce:
//   - its 2-D pool starts each window's scan at max(0, corner), its 3-D pool and its max-position scans
//     at the first tap of the dilation grid inside the input (the same when the dilation is 1, which is
//     all TF.js's pool kernels ever pass);
//   - a 2-D average over an empty window is 0/0 = NaN, a 3-D one divides by max(count, 1);
//   - max positions: 2-D keeps the first maximum in scan order (>), 3-D the last (>=), and NaN is never a
//     maximum (a window of NaN only has position -1, value -Infinity);
//   - 3-D window positions are encoded wD·effH·effW + wR·effH + wC (effH where effW is meant), while its
//     gradient decodes with effW: `rowFactor` carries the encoder's factor so both sides match it;
//   - the average-pool gradient divides by the whole filter volume, padding or not.
// Index is int32_t when the host proved every offset fits, else int64_t.
#pragma once

#include <cmath>
#include <cstdint>

#include "tensor/ops/common.h"

namespace rocm_patch {
namespace tensor {

enum class PoolKind : int32_t { kMax = 0, kAvg = 1 };

// How an argmax is written: the position inside the (effective) window, the flat offset in one image
// (MaxPoolWithArgmax), or the flat offset in the whole batch (its includeBatchInIndex).
enum class ArgmaxKind : int32_t { kNone = 0, kWindow = 1, kFlat = 2, kFlatWithBatch = 3 };

// x: [batch, inD, inH, inW, channels], y: [batch, outD, outH, outW, channels]. 2-D pools have depth 1.
template <class Index>
struct PoolGeom {
  Index batch, inD, inH, inW, channels;
  Index outD, outH, outW;
  Index effD, effH, effW;  // effective filter sizes: (filter − 1)·dilation + 1
  Index strideD, strideH, strideW;
  Index dilD, dilH, dilW;
  Index padFront, padTop, padLeft;

  template <class To>
  PoolGeom<To> as() const {
    return PoolGeom<To>{static_cast<To>(batch),    static_cast<To>(inD),      static_cast<To>(inH),
                        static_cast<To>(inW),      static_cast<To>(channels), static_cast<To>(outD),
                        static_cast<To>(outH),     static_cast<To>(outW),     static_cast<To>(effD),
                        static_cast<To>(effH),     static_cast<To>(effW),     static_cast<To>(strideD),
                        static_cast<To>(strideH),  static_cast<To>(strideW),  static_cast<To>(dilD),
                        static_cast<To>(dilH),     static_cast<To>(dilW),     static_cast<To>(padFront),
                        static_cast<To>(padTop),   static_cast<To>(padLeft)};
  }
  RP_HD Index inSize() const { return batch * inD * inH * inW * channels; }
  RP_HD Index outSize() const { return batch * outD * outH * outW * channels; }
};

struct PoolFlags {
  PoolKind kind;
  ArgmaxKind argmax;
  int32_t clampStart;      // scan from max(0, corner) (cpu's 2-D pool) instead of the dilation grid
  int32_t avgEmptyIsZero;  // divide by max(count, 1) (cpu's 3-D pool) instead of count
  int32_t tieLast;         // the argmax is the last maximum (>=) instead of the first (>)
  int64_t rowFactor;       // ArgmaxKind::kWindow: position = wD·effH·effW + wR·rowFactor + wC (effW; cpu's 3-D: effH)
};

namespace pool {

template <class Index>
RP_HD inline Index imin(Index a, Index b) {
  return a < b ? a : b;
}
template <class Index>
RP_HD inline Index imax(Index a, Index b) {
  return a > b ? a : b;
}

// What storing an integer into an Int32Array does: wrap modulo 2^32.
RP_HD inline int32_t wrap32(int64_t v) {
  return static_cast<int32_t>(static_cast<uint32_t>(static_cast<uint64_t>(v)));
}

// The first input index a window starting at `corner` reads.
template <class Index>
RP_HD inline Index windowStart(Index corner, Index dilation, bool clamp) {
  if (corner >= 0) return corner;
  if (clamp) return 0;
  return corner + ((-corner + dilation - 1) / dilation) * dilation;
}

// The output index a gradient tap `num` (= dx index − flipped padding + tap) belongs to: valid when it is
// on the stride grid and inside the output.
template <class Index>
RP_HD inline bool outputOf(Index num, Index stride, Index out, Index& o) {
  if (num < 0) return false;
  o = num / stride;
  return o * stride == num && o < out;
}

// The taps of a gradient loop along one axis. With dilation 1 the valid taps are exactly those on the
// stride grid: the loop starts at the first of them and steps by the stride, its outputs o0, o0 + 1, ...
// (no division per tap). Otherwise it walks the dilation grid and tests each tap with outputOf.
template <class Index>
struct Taps {
  Index first, step, o0;
  bool onGrid;
};

template <class Index>
RP_HD inline Taps<Index> gradTaps(Index base, Index stride, Index dilation) {
  if (dilation != 1) return Taps<Index>{0, dilation, 0, false};
  const Index lo = base < 0 ? -base : 0;
  const Index rem = (base + lo) % stride;
  const Index first = lo + (rem != 0 ? stride - rem : 0);
  return Taps<Index>{first, stride, (base + first) / stride, true};
}

// Whether tap w reaches an output: on the grid, o (counted along by the loop) must be inside it; otherwise
// outputOf decides and sets o.
template <class Index>
RP_HD inline bool tapOutput(const Taps<Index>& t, Index base, Index w, Index stride, Index out, Index& o) {
  if (t.onGrid) return o < out;
  return outputOf(base + w, stride, out, o);
}

}  // namespace pool

// Output element o of a pool: writes y[o] (when y) and argmax[o] (when argmax).
template <class Index>
RP_HD inline void poolAt(const PoolGeom<Index>& g, const PoolFlags& f, const float* x, float* y, int32_t* argmax,
                         Index o) {
  using pool::imin;
  Index t = o;
  const Index c = t % g.channels;
  t /= g.channels;
  const Index ow = t % g.outW;
  t /= g.outW;
  const Index oh = t % g.outH;
  t /= g.outH;
  const Index od = t % g.outD;
  const Index n = t / g.outD;

  const Index cornerD = od * g.strideD - g.padFront;
  const Index cornerH = oh * g.strideH - g.padTop;
  const Index cornerW = ow * g.strideW - g.padLeft;
  const bool clamp = f.clampStart != 0;
  const Index d0 = pool::windowStart(cornerD, g.dilD, clamp), d1 = imin(g.inD, cornerD + g.effD);
  const Index r0 = pool::windowStart(cornerH, g.dilH, clamp), r1 = imin(g.inH, cornerH + g.effH);
  const Index c0 = pool::windowStart(cornerW, g.dilW, clamp), c1 = imin(g.inW, cornerW + g.effW);

  const bool isMax = f.kind == PoolKind::kMax;
  const bool tieLast = f.tieLast != 0;
  float best = -INFINITY;
  float sum = 0.f;
  Index count = 0;
  Index bestD = -1, bestR = 0, bestC = 0;
  for (Index d = d0; d < d1; d += g.dilD) {
    for (Index r = r0; r < r1; r += g.dilH) {
      const Index row = ((n * g.inD + d) * g.inH + r) * g.inW;
      for (Index col = c0; col < c1; col += g.dilW) {
        const float v = x[(row + col) * g.channels + c];
        if (isMax) {
          if (v > best || (tieLast && v >= best)) {
            best = v;
            bestD = d;
            bestR = r;
            bestC = col;
          }
        } else {
          sum += v;
          ++count;
        }
      }
    }
  }
  if (y != nullptr) {
    if (isMax) {
      y[o] = best;
    } else {
      const Index divisor = (f.avgEmptyIsZero != 0 && count == 0) ? 1 : count;
      y[o] = sum / static_cast<float>(divisor);
    }
  }
  if (argmax != nullptr) {
    int64_t pos = -1;
    if (bestD >= 0) {
      switch (f.argmax) {
        case ArgmaxKind::kWindow:
          pos = static_cast<int64_t>((bestD - cornerD) * g.effH * g.effW + (bestR - cornerH) * f.rowFactor +
                                     (bestC - cornerW));
          break;
        case ArgmaxKind::kFlat:
          pos = static_cast<int64_t>(((bestD * g.inH + bestR) * g.inW + bestC) * g.channels + c);
          break;
        case ArgmaxKind::kFlatWithBatch:
          pos = static_cast<int64_t>((((n * g.inD + bestD) * g.inH + bestR) * g.inW + bestC) * g.channels + c);
          break;
        default:
          break;
      }
    }
    argmax[o] = pool::wrap32(pos);
  }
}

// dy's spatial sizes. cpu indexes dy by its own shape, which can exceed the geometry's output: tfjs-core
// passes no dimRoundingMode to MaxPoolGrad / AvgPoolGrad, so after a forward pass with 'ceil' or 'round'
// the gradient's geometry has fewer output rows than dy (the extra ones are never read).
template <class Index>
struct DyDims {
  Index d, h, w;
};

// dx element i of a pool's gradient (before an average pool's multiplier): the sum of dy over the
// windows that read x[i] (a max pool: those whose argmax is x[i]), in tfjs-backend-cpu's order — the
// flipped filter's taps ascending, which is the windows in ascending output order.
template <class Index>
RP_HD inline float poolGradAt(const PoolGeom<Index>& g, PoolKind kind, const int32_t* argmax, const float* dy,
                              DyDims<Index> dd, Index i) {
  Index t = i;
  const Index c = t % g.channels;
  t /= g.channels;
  const Index xc = t % g.inW;
  t /= g.inW;
  const Index xr = t % g.inH;
  t /= g.inH;
  const Index xd = t % g.inD;
  const Index n = t / g.inD;

  // Tap w of the flipped filter reaches output (x − (eff − 1 − pad) + w) / stride.
  const Index baseD = xd - (g.effD - 1 - g.padFront);
  const Index baseH = xr - (g.effH - 1 - g.padTop);
  const Index baseW = xc - (g.effW - 1 - g.padLeft);
  const pool::Taps<Index> tD = pool::gradTaps(baseD, g.strideD, g.dilD);
  const pool::Taps<Index> tH = pool::gradTaps(baseH, g.strideH, g.dilH);
  const pool::Taps<Index> tW = pool::gradTaps(baseW, g.strideW, g.dilW);
  const bool isMax = kind == PoolKind::kMax;
  const Index lastPos = g.effD * g.effH * g.effW - 1;
  float acc = 0.f;
  Index od = tD.o0;
  for (Index wd = tD.first; wd < g.effD; wd += tD.step, ++od) {
    if (!pool::tapOutput(tD, baseD, wd, g.strideD, g.outD, od)) continue;
    Index oh = tH.o0;
    for (Index wr = tH.first; wr < g.effH; wr += tH.step, ++oh) {
      if (!pool::tapOutput(tH, baseH, wr, g.strideH, g.outH, oh)) continue;
      const Index outRow = ((n * g.outD + od) * g.outH + oh) * g.outW;
      const Index dyRow = ((n * dd.d + od) * dd.h + oh) * dd.w;
      Index ow = tW.o0;
      for (Index wc = tW.first; wc < g.effW; wc += tW.step, ++ow) {
        if (!pool::tapOutput(tW, baseW, wc, g.strideW, g.outW, ow)) continue;
        if (isMax) {
          const Index current = (wd * g.effH + wr) * g.effW + wc;
          if (lastPos - static_cast<Index>(argmax[(outRow + ow) * g.channels + c]) != current) continue;
        }
        acc += dy[(dyRow + ow) * g.channels + c];
      }
    }
  }
  return acc;
}

}  // namespace tensor
}  // namespace rocm_patch
