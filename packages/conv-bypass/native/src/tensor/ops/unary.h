// Elementwise unary operations, as TF.js's cpu backend defines them (its kernels are the reference the
// conformance suite checks). C is the compute type: float for float32 tensors, double when an int32
// tensor is read or written (JavaScript computes in double and stores with ToInt32).
#pragma once

#include "tensor/ops/common.h"

namespace rocm_patch {
namespace tensor {

// Attribute values some operations take (alpha, min/max).
struct UnaryParams {
  float p0, p1;
};

// The list every layer shares: the enum, the name table JavaScript reads, and the dispatch switches.
#define RP_UNARY_OPS(X)                                                                                  \
  X(Abs) X(Acos) X(Acosh) X(Asin) X(Asinh) X(Atan) X(Atanh) X(Ceil) X(ClipByValue) X(Cos) X(Cosh) X(Elu) \
  X(Erf) X(Exp) X(Expm1) X(Floor) X(Identity) X(IsFinite) X(IsInf) X(IsNan) X(LeakyRelu) X(Log) X(Log1p) \
  X(LogicalNot) X(Neg) X(NotZero) X(Reciprocal) X(Relu) X(Relu6) X(Round) X(Rsqrt) X(Selu) X(Sigmoid)    \
  X(Sign) X(Sin) X(Sinh) X(Softplus) X(Sqrt) X(Square) X(Step) X(Tan) X(Tanh)

enum class UnaryOp : int32_t {
#define RP_X(name) k##name,
  RP_UNARY_OPS(RP_X)
#undef RP_X
  kCount
};

namespace unary {

template <class C>
RP_HD inline bool isNan(C x) {
  return !(x == x);
}

#define RP_UNARY(name, expr)                                \
  struct name {                                             \
    template <class C>                                      \
    RP_HD C operator()(C x, const UnaryParams& p) const {   \
      (void)p;                                              \
      return expr;                                          \
    }                                                       \
  };

RP_UNARY(Abs, x < C(0) ? -x : x)
RP_UNARY(Acos, acos(x))
RP_UNARY(Acosh, acosh(x))
RP_UNARY(Asin, asin(x))
RP_UNARY(Asinh, asinh(x))
RP_UNARY(Atan, atan(x))
RP_UNARY(Atanh, atanh(x))
RP_UNARY(Ceil, ceil(x))
// xi > max ? max : (xi < min ? min : xi): NaN passes through.
RP_UNARY(ClipByValue, x > C(p.p1) ? C(p.p1) : (x < C(p.p0) ? C(p.p0) : x))
RP_UNARY(Cos, cos(x))
RP_UNARY(Cosh, cosh(x))
RP_UNARY(Elu, x >= C(0) ? x : exp(x) - C(1))
// Abramowitz–Stegun 7.1.26, the approximation tfjs-backend-cpu uses (backend_util.ERF_*).
struct Erf {
  template <class C>
  RP_HD C operator()(C x, const UnaryParams&) const {
    const C sign = x < C(0) ? C(-1) : (x > C(0) ? C(1) : C(0));
    const C v = x < C(0) ? -x : x;
    const C t = C(1) / (C(1) + C(0.3275911) * v);
    return sign * (C(1) - (((((C(1.061405429) * t + C(-1.453152027)) * t) + C(1.421413741)) * t +
                            C(-0.284496736)) * t + C(0.254829592)) * t * exp(-v * v));
  }
};
RP_UNARY(Exp, exp(x))
RP_UNARY(Expm1, expm1(x))
RP_UNARY(Floor, floor(x))
RP_UNARY(Identity, x)
RP_UNARY(IsFinite, (isNan(x) || x == C(INFINITY) || x == C(-INFINITY)) ? C(0) : C(1))
RP_UNARY(IsInf, (x == C(INFINITY) || x == C(-INFINITY)) ? C(1) : C(0))
RP_UNARY(IsNan, isNan(x) ? C(1) : C(0))
RP_UNARY(LeakyRelu, x < C(0) ? C(p.p0) * x : x)
RP_UNARY(Log, log(x))
RP_UNARY(Log1p, log1p(x))
RP_UNARY(LogicalNot, x == C(0) ? C(1) : C(0))
RP_UNARY(Neg, -x)
// x != 0 (NaN counts as non-zero): casting to bool.
RP_UNARY(NotZero, x != C(0) ? C(1) : C(0))
RP_UNARY(Reciprocal, C(1) / x)
RP_UNARY(Relu, x < C(0) ? C(0) : x)
// Math.min(Math.max(0, x), 6): NaN stays NaN.
RP_UNARY(Relu6, isNan(x) ? x : (x < C(0) ? C(0) : (x > C(6) ? C(6) : x)))
// Banker's rounding, like tfjs-backend-cpu's Round.
RP_UNARY(Round, rint(x))
RP_UNARY(Rsqrt, C(1) / sqrt(x))
RP_UNARY(Selu, x >= C(0) ? C(1.0507009873554804934193349852946) * x
                         : C(1.7580993408473768599402175208123) * (exp(x) - C(1)))
RP_UNARY(Sigmoid, C(1) / (C(1) + exp(-x)))
RP_UNARY(Sign, x < C(0) ? C(-1) : (x > C(0) ? C(1) : C(0)))
RP_UNARY(Sin, sin(x))
RP_UNARY(Sinh, sinh(x))
// The thresholds of tfjs-backend-cpu's Softplus (log(float32 epsilon) + 2).
struct Softplus {
  template <class C>
  RP_HD C operator()(C x, const UnaryParams&) const {
    const C threshold = C(-13.942385152878742);
    if (x < threshold) return exp(x);
    if (x > -threshold) return x;
    return log(C(1) + exp(x));
  }
};
RP_UNARY(Sqrt, sqrt(x))
RP_UNARY(Square, x * x)
RP_UNARY(Step, isNan(x) ? x : (x > C(0) ? C(1) : C(p.p0)))
// In double: float32 tan of a large argument (e.g. 1e4) is off by more than TF.js tolerates; JavaScript
// computes it in double.
RP_UNARY(Tan, C(tan(static_cast<double>(x))))
RP_UNARY(Tanh, tanh(x))
#undef RP_UNARY

}  // namespace unary

// Calls f(OpFunctor{}) for the op: the one switch that turns a run-time code into a template.
template <class F>
inline bool dispatchUnary(UnaryOp op, F&& f) {
  switch (op) {
#define RP_X(name)      \
  case UnaryOp::k##name: \
    f(unary::name{});   \
    return true;
    RP_UNARY_OPS(RP_X)
#undef RP_X
    default:
      return false;
  }
}

}  // namespace tensor
}  // namespace rocm_patch
