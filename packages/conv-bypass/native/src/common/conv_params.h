// The geometry of one 2-D convolution, shared by the CPU and GPU backends.
//
// Layouts: x is N×C×H×W, w is K×(C/groups)×R×S, y (and dy) is N×K×P×Q, all float32, row-major.
// The JS layer validates the user's options and resolves 'same'/'valid'/asymmetric padding into
// pad_top/pad_left (bottom/right are implied by P and Q); native code re-checks with Check() before it
// touches any memory, because a wrong size here is an out-of-bounds access.
#pragma once

#include <cstdint>
#include <limits>
#include <string>

namespace rocm_patch {

struct ConvParams {
  int32_t n = 0, c = 0, h = 0, w = 0;  // input
  int32_t k = 0, r = 0, s = 0;         // output channels, filter height and width
  int32_t p = 0, q = 0;                // output height and width
  int32_t stride_h = 1, stride_w = 1;
  int32_t pad_top = 0, pad_left = 0;
  int32_t dilation_h = 1, dilation_w = 1;
  int32_t groups = 1;

  int32_t CPerGroup() const { return c / groups; }
  int32_t KPerGroup() const { return k / groups; }
  int64_t XSize() const { return int64_t{n} * c * h * w; }
  int64_t WSize() const { return int64_t{k} * (c / groups) * r * s; }
  int64_t YSize() const { return int64_t{n} * k * p * q; }

  // The bottom/right padding that P and Q imply (may be negative: rows the conv never reads).
  int64_t PadBottom() const { return int64_t{p - 1} * stride_h + int64_t{r - 1} * dilation_h + 1 - h - pad_top; }
  int64_t PadRight() const { return int64_t{q - 1} * stride_w + int64_t{s - 1} * dilation_w + 1 - w - pad_left; }

  // Rows (columns) of the padded input the convolution spans: top padding + H + bottom padding.
  int64_t PaddedH() const { return int64_t{p - 1} * stride_h + int64_t{r - 1} * dilation_h + 1; }
  int64_t PaddedW() const { return int64_t{q - 1} * stride_w + int64_t{s - 1} * dilation_w + 1; }

  // Empty string when the geometry is consistent and every tensor is indexable with int32; otherwise
  // the rule that is broken. Besides the element counts, the padded input's rows and columns must fit
  // in int32: then every coordinate a kernel computes (p·stride − pad + r·dilation, the dilated filter
  // extent, the implied padding) fits too, so the GPU kernels' 32-bit index arithmetic cannot
  // overflow (the CPU code computes in 64 bits anyway).
  std::string Check() const {
    if (n < 1 || c < 1 || h < 1 || w < 1) return "input dimensions must be positive";
    if (k < 1 || r < 1 || s < 1) return "filter dimensions must be positive";
    if (p < 1 || q < 1) return "output dimensions must be positive";
    if (stride_h < 1 || stride_w < 1) return "stride must be positive";
    if (dilation_h < 1 || dilation_w < 1) return "dilation must be positive";
    if (pad_top < 0 || pad_left < 0) return "padding must be non-negative";
    if (groups < 1 || c % groups != 0 || k % groups != 0) return "groups must divide C and K";
    // P and Q must be what some bottom/right padding >= 0 gives: the implied padding is at most one
    // stride short (rows the last window skips), never more.
    if (PadBottom() <= -int64_t{stride_h}) return "P is smaller than the input and padding give";
    if (PadRight() <= -int64_t{stride_w}) return "Q is smaller than the input and padding give";
    constexpr int64_t kMax = std::numeric_limits<int32_t>::max();
    if (XSize() > kMax || WSize() > kMax || YSize() > kMax) return "a tensor has more than 2^31-1 elements";
    if (PaddedH() > kMax || int64_t{h} + pad_top > kMax)
      return "the padded input or the dilated filter has more than 2^31-1 rows";
    if (PaddedW() > kMax || int64_t{w} + pad_left > kMax)
      return "the padded input or the dilated filter has more than 2^31-1 columns";
    return {};
  }
};

}  // namespace rocm_patch
