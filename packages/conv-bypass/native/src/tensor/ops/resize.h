// Bilinear and nearest-neighbour resizing of NHWC images and their gradients, per output element, shared
// by the host loops and the GPU kernels. Source coordinates are computed in double exactly as
// tfjs-backend-cpu computes them (its ratios, Math.floor/ceil/round), so every kernel picks the same
// source pixels; interpolated values are float32 arithmetic (cpu's are double, then rounded: the two
// differ by float rounding only). cpu quirks reproduced:
//   - the gradients ignore halfPixelCenters (cpu's do);
//   - ResizeNearestNeighborGrad looks for contributions only inside cpu's search window of
//     2·ceil(1/scale) + 2 rows/columns around each pixel. Where cpu's scale is 0 (alignCorners with an
//     input of size 1) its window is infinite and cpu never returns; here the window is then all of dy.
// Not reproduced: cpu's ResizeNearestNeighborGrad steps through dy with the images' batch stride (batch
// b > 0 reads another image's dy, or past the end: NaN, unless the sizes are equal); here each image
// reads its own dy, which is what cpu computes image by image (and what webgl computes).
#pragma once

#include <cmath>
#include <cstdint>

#include "tensor/ops/common.h"

namespace rocm_patch {
namespace tensor {

struct ResizeGeom {
  int64_t batch, inH, inW, channels, outH, outW;
  double scaleH, scaleW;  // cpu's effective-size ratios (input / output), computed by the host
  int32_t alignCorners, halfPixelCenters;
};

namespace resize {

template <class Index>
RP_HD inline Index imin(Index a, Index b) {
  return a < b ? a : b;
}
template <class Index>
RP_HD inline Index imax(Index a, Index b) {
  return a > b ? a : b;
}

// JavaScript's Math.round: the nearest integer, halves toward +Infinity (not floor(v + 0.5), which is
// wrong just below one half).
RP_HD inline double jsRound(double v) {
  const double f = floor(v);
  return v - f >= 0.5 ? f + 1.0 : f;
}

// The source index of output index `o` for nearest-neighbour sampling (cpu's forward pass).
template <class Index>
RP_HD inline Index nearestSource(Index o, double scale, Index inSize, bool alignCorners, bool halfPixel) {
  const double frac = halfPixel ? scale * (static_cast<double>(o) + 0.5) : scale * static_cast<double>(o);
  const double pick = alignCorners ? jsRound(frac) : floor(frac);
  Index s = imin(inSize - 1, static_cast<Index>(pick));
  return imax(Index(0), s);  // halfPixel clamps at 0 in cpu; without it frac ≥ 0 anyway
}

// Where bilinear sampling reads for output index `o` (cpu's forward pass): lower and upper source index
// and the fraction between them (can be negative with half-pixel centers at the border, as in cpu).
template <class Index>
RP_HD inline void bilinearSource(Index o, double scale, Index inSize, bool halfPixel, Index& lo, Index& hi,
                                 float& frac) {
  const double src = halfPixel ? scale * (static_cast<double>(o) + 0.5) - 0.5 : scale * static_cast<double>(o);
  const double floorSrc = fmax(0.0, floor(src));
  frac = static_cast<float>(src - floorSrc);
  lo = imin(inSize - 1, static_cast<Index>(floorSrc));
  hi = imax(Index(0), imin(inSize - 1, static_cast<Index>(ceil(src))));
}

// Rows (columns) of dy whose bilinear taps can reach index `x` of dx: r·scale ∈ (x − 1, x + 1), widened
// by one on each side against rounding; every candidate is then tested exactly. Empty when out is 0.
template <class Index>
RP_HD inline void bilinearCandidates(Index x, double scale, Index out, Index& lo, Index& hi) {
  if (!(scale > 0.0)) {
    lo = 0;
    hi = out - 1;
    return;
  }
  const double l = floor((static_cast<double>(x) - 1.0) / scale) - 1.0;
  const double h = ceil((static_cast<double>(x) + 1.0) / scale) + 1.0;
  lo = static_cast<Index>(fmax(0.0, l));
  hi = static_cast<Index>(fmin(static_cast<double>(out - 1), h));
}

// The (batch, row, column, channel) of element i of an NHWC tensor of height h, width w, c channels.
template <class Index>
struct Nhwc {
  Index b, y, x, c;
};
template <class Index>
RP_HD inline Nhwc<Index> splitNhwc(Index i, int64_t h, int64_t w, int64_t c) {
  const Index C = static_cast<Index>(c), W = static_cast<Index>(w), H = static_cast<Index>(h);
  Nhwc<Index> e;
  e.c = i % C;
  i /= C;
  e.x = i % W;
  i /= W;
  e.y = i % H;
  e.b = i / H;
  return e;
}

}  // namespace resize

template <class Index>
RP_HD inline float bilinearAt(const ResizeGeom& g, const float* x, Index o) {
  const Index C = static_cast<Index>(g.channels), inH = static_cast<Index>(g.inH), inW = static_cast<Index>(g.inW);
  const auto [b, oy, ox, c] = resize::splitNhwc(o, g.outH, g.outW, g.channels);
  const bool half = g.halfPixelCenters != 0;
  Index top, bottom, left, right;
  float rowFrac, colFrac;
  resize::bilinearSource(oy, g.scaleH, inH, half, top, bottom, rowFrac);
  resize::bilinearSource(ox, g.scaleW, inW, half, left, right, colFrac);
  const Index image = b * inH;
  const float tl = x[((image + top) * inW + left) * C + c];
  const float tr = x[((image + top) * inW + right) * C + c];
  const float bl = x[((image + bottom) * inW + left) * C + c];
  const float br = x[((image + bottom) * inW + right) * C + c];
  const float topValue = tl + (tr - tl) * colFrac;
  const float bottomValue = bl + (br - bl) * colFrac;
  return topValue + (bottomValue - topValue) * rowFrac;
}

// The element of x that output element o copies.
template <class Index>
RP_HD inline Index nearestSourceOffset(const ResizeGeom& g, Index o) {
  const Index C = static_cast<Index>(g.channels), inH = static_cast<Index>(g.inH), inW = static_cast<Index>(g.inW);
  const auto [b, oy, ox, c] = resize::splitNhwc(o, g.outH, g.outW, g.channels);
  const bool align = g.alignCorners != 0, half = g.halfPixelCenters != 0;
  const Index sy = resize::nearestSource(oy, g.scaleH, inH, align, half);
  const Index sx = resize::nearestSource(ox, g.scaleW, inW, align, half);
  return ((b * inH + sy) * inW + sx) * C + c;
}

// dx element i of ResizeBilinearGrad: the dy of every output pixel whose taps read x[i], weighted as cpu
// weights them, gathered in cpu's scatter order (dy rows, then columns, then the taps top-left,
// top-right, bottom-left, bottom-right).
template <class Index>
RP_HD inline float bilinearGradAt(const ResizeGeom& g, const float* dy, Index i) {
  const Index C = static_cast<Index>(g.channels), xH = static_cast<Index>(g.inH), xW = static_cast<Index>(g.inW);
  const Index yH = static_cast<Index>(g.outH), yW = static_cast<Index>(g.outW);
  const auto [b, py, px, c] = resize::splitNhwc(i, g.inH, g.inW, g.channels);
  Index rLo, rHi, cLo, cHi;
  resize::bilinearCandidates(py, g.scaleH, yH, rLo, rHi);
  resize::bilinearCandidates(px, g.scaleW, yW, cLo, cHi);
  float acc = 0.f;
  for (Index r = rLo; r <= rHi; ++r) {
    const double dr = static_cast<double>(r) * g.scaleH;
    const double topD = floor(dr);
    const Index top = static_cast<Index>(topD);
    const Index bottom = resize::imin(static_cast<Index>(ceil(dr)), xH - 1);
    if (top != py && bottom != py) continue;
    const double rowLerp = dr - topD;
    const double rowKeep = 1.0 - rowLerp;
    const Index dyRow = (b * yH + r) * yW;
    for (Index q = cLo; q <= cHi; ++q) {
      const double dc = static_cast<double>(q) * g.scaleW;
      const double leftD = floor(dc);
      const Index left = static_cast<Index>(leftD);
      const Index right = resize::imin(static_cast<Index>(ceil(dc)), xW - 1);
      if (left != px && right != px) continue;
      const double colLerp = dc - leftD;
      const double colKeep = 1.0 - colLerp;
      const float v = dy[(dyRow + q) * C + c];
      if (top == py && left == px) acc += v * static_cast<float>(rowKeep * colKeep);
      if (top == py && right == px) acc += v * static_cast<float>(rowKeep * colLerp);
      if (bottom == py && left == px) acc += v * static_cast<float>(rowLerp * colKeep);
      if (bottom == py && right == px) acc += v * static_cast<float>(rowLerp * colLerp);
    }
  }
  return acc;
}

namespace resize {

// cpu's search window of ResizeNearestNeighborGrad for index x, intersected with [0, out): [lo, hi).
template <class Index>
RP_HD inline void nearestGradWindow(Index x, double scale, Index out, Index& lo, Index& hi) {
  if (!(scale > 0.0)) {  // cpu loops forever here; every dy index maps to source 0
    lo = 0;
    hi = out;
    return;
  }
  const double inv = 1.0 / scale;
  const double win = ceil(inv) * 2.0 + 2.0;
  const double start = floor(floor(static_cast<double>(x) * inv) - win / 2.0);
  lo = static_cast<Index>(fmin(fmax(0.0, start), static_cast<double>(out)));
  hi = static_cast<Index>(fmax(fmin(static_cast<double>(out), start + win), 0.0));
}

}  // namespace resize

// dx element i of ResizeNearestNeighborGrad: the sum of the dy elements (inside cpu's search window)
// whose nearest source is x[i], in cpu's order.
template <class Index>
RP_HD inline float nearestGradAt(const ResizeGeom& g, const float* dy, Index i) {
  const Index C = static_cast<Index>(g.channels), xH = static_cast<Index>(g.inH), xW = static_cast<Index>(g.inW);
  const Index yH = static_cast<Index>(g.outH), yW = static_cast<Index>(g.outW);
  const auto [b, py, px, c] = resize::splitNhwc(i, g.inH, g.inW, g.channels);
  const bool align = g.alignCorners != 0;
  Index rLo, rHi, cLo, cHi;
  resize::nearestGradWindow(py, g.scaleH, yH, rLo, rHi);
  resize::nearestGradWindow(px, g.scaleW, yW, cLo, cHi);
  float acc = 0.f;
  for (Index r = rLo; r < rHi; ++r) {
    if (resize::nearestSource(r, g.scaleH, xH, align, false) != py) continue;
    const Index dyRow = (b * yH + r) * yW;
    for (Index q = cLo; q < cHi; ++q) {
      if (resize::nearestSource(q, g.scaleW, xW, align, false) != px) continue;
      acc += dy[(dyRow + q) * C + c];
    }
  }
  return acc;
}

}  // namespace tensor
}  // namespace rocm_patch
