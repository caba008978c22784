// Elementwise binary operations (broadcast by the caller's strides), as TF.js's cpu backend defines them.
// C is the compute type: float for float32 operands, double when an operand or the result is int32
// (JavaScript computes in double and stores with ToInt32). FloorDiv, Mod and Pow always compute in
// double: in float, 1 / 0.1f rounds up to 10 where JavaScript's Math.floor(1 / 0.1f) gives 9.
#pragma once

#include "tensor/ops/common.h"

namespace rocm_patch {
namespace tensor {

#define RP_BINARY_OPS(X)                                                                                     \
  X(Add) X(Atan2) X(BitwiseAnd) X(EluGrad) X(Equal) X(FloorDiv) X(Greater) X(GreaterEqual) X(Less)          \
  X(LessEqual) X(LogicalAnd) X(LogicalOr) X(Maximum) X(Minimum) X(Mod) X(Multiply) X(NotEqual) X(Pow)        \
  X(Prelu) X(RealDiv) X(SquaredDifference) X(Sub)

enum class BinaryOp : int32_t {
#define RP_X(name) k##name,
  RP_BINARY_OPS(RP_X)
#undef RP_X
  kCount
};

namespace binary {

template <class C>
RP_HD inline bool isNan(C x) {
  return !(x == x);
}

#define RP_BINARY(name, expr)                \
  struct name {                              \
    template <class C>                       \
    RP_HD C operator()(C a, C b) const {     \
      return expr;                           \
    }                                        \
  };

RP_BINARY(Add, a + b)
RP_BINARY(Atan2, atan2(a, b))
RP_BINARY(BitwiseAnd, C(toInt32(static_cast<double>(a)) & toInt32(static_cast<double>(b))))
// EluGrad(dy, y): dy where y >= 0, else dy * (y + 1).
RP_BINARY(EluGrad, b >= C(0) ? a : a * (b + C(1)))
RP_BINARY(Equal, a == b ? C(1) : C(0))
RP_BINARY(FloorDiv, C(floor(static_cast<double>(a) / static_cast<double>(b))))
RP_BINARY(Greater, a > b ? C(1) : C(0))
RP_BINARY(GreaterEqual, a >= b ? C(1) : C(0))
RP_BINARY(Less, a < b ? C(1) : C(0))
RP_BINARY(LessEqual, a <= b ? C(1) : C(0))
RP_BINARY(LogicalAnd, (a != C(0) && b != C(0)) ? C(1) : C(0))
RP_BINARY(LogicalOr, (a != C(0) || b != C(0)) ? C(1) : C(0))
// Math.max / Math.min: NaN if either is NaN.
RP_BINARY(Maximum, (isNan(a) || isNan(b)) ? (isNan(a) ? a : b) : (a > b ? a : b))
RP_BINARY(Minimum, (isNan(a) || isNan(b)) ? (isNan(a) ? a : b) : (a < b ? a : b))
// tfjs-backend-cpu's Mod: the remainder takes the divisor's sign.
struct Mod {
  template <class C>
  RP_HD C operator()(C a, C b) const {
    const double x = static_cast<double>(a), y = static_cast<double>(b);
    const double rem = fmod(x, y);
    if ((x < 0 && y < 0) || (x >= 0 && y >= 0)) return C(rem);
    return C(fmod(rem + y, y));
  }
};
RP_BINARY(Multiply, a * b)
RP_BINARY(NotEqual, a != b ? C(1) : C(0))
RP_BINARY(Pow, C(pow(static_cast<double>(a), static_cast<double>(b))))
RP_BINARY(Prelu, a < C(0) ? b * a : a)
RP_BINARY(RealDiv, a / b)
RP_BINARY(SquaredDifference, (a - b) * (a - b))
RP_BINARY(Sub, a - b)
#undef RP_BINARY

}  // namespace binary

template <class F>
inline bool dispatchBinary(BinaryOp op, F&& f) {
  switch (op) {
#define RP_X(name)       \
  case BinaryOp::k##name: \
    f(binary::name{});   \
    return true;
    RP_BINARY_OPS(RP_X)
#undef RP_X
    default:
      return false;
  }
}

}  // namespace tensor
}  // namespace rocm_patch
