// The activations of TF.js's fused kernels (_FusedMatMul, FusedConv2D, FusedDepthwiseConv2D), as
// tfjs-backend-cpu's applyActivation defines them: each is the elementwise kernel of the same name, so
// the functors of ops/unary.h and ops/binary.h are reused (one definition of NaN handling and rounding).
#pragma once

#include "tensor/ops/binary.h"
#include "tensor/ops/unary.h"

namespace rocm_patch {
namespace tensor {

// TF.js's names (backend_util.Activation), in code order: the name table JavaScript reads comes from here.
#define RP_ACTIVATIONS(X) X(linear) X(relu) X(relu6) X(elu) X(leakyrelu) X(sigmoid) X(prelu)

enum class Activation : int32_t {
#define RP_X(name) k_##name,
  RP_ACTIVATIONS(RP_X)
#undef RP_X
  kCount
};

// activation(x); `alpha` is leakyreluAlpha for leakyrelu, the element's prelu weight for prelu.
template <class C>
RP_HD inline C activate(Activation act, C x, C alpha) {
  const UnaryParams none{0.f, 0.f};
  switch (act) {
    case Activation::k_relu: return unary::Relu{}(x, none);
    case Activation::k_relu6: return unary::Relu6{}(x, none);
    case Activation::k_elu: return unary::Elu{}(x, none);
    case Activation::k_sigmoid: return unary::Sigmoid{}(x, none);
    // LeakyRelu and Prelu are the same formula (x < 0 ? alpha·x : x); alpha comes from the caller.
    case Activation::k_leakyrelu:
    case Activation::k_prelu: return binary::Prelu{}(x, alpha);
    default: return x;
  }
}

}  // namespace tensor
}  // namespace rocm_patch
