// Reductions and scans as TF.js's cpu backend defines them (its kernels are what the conformance suite
// checks against). A reduction is written as a monoid so that the host loop, the GPU's one-thread-per-
// output loop, its block tree and its two-pass split all compute the same thing:
//
//   State identity()                     the state of no element
//   State load(T x, int64_t k)           element x at index k along the reduced axis
//   State combine(State a, State b)      two states of disjoint sets of elements, in either order
//   Out   finish(State s, int64_t r)     the stored result (r: the reduced length)
//
// combine is associative and commutative. Where the cpu's answer depends on which element came first
// (the first index of a maximum, the sign of a zero maximum, JavaScript's `a && b` returning an operand),
// the state carries the element's index and combine decides by it, so any grouping gives the cpu's answer.
//
// Sum, Prod and Mean accumulate in double, as the cpu's JavaScript numbers do, and store with the output's
// conversion (float32 rounding, or ToInt32). The one result that depends on the grouping is a double
// that had to round: an int32 Prod past 2^53 (common: products grow fast) — kOrdered makes every device
// compute it left to right, as the cpu does — and an int32 Sum whose partial sums pass 2^53 (more than
// 2^22 elements of the largest magnitudes), which is left to the grouping.
#pragma once

#include <cstdint>
#include <type_traits>

#include "tensor/ops/common.h"

namespace rocm_patch {
namespace tensor {

#define RP_REDUCE_OPS(X) X(Sum) X(Prod) X(Max) X(Min) X(Mean) X(All) X(Any) X(ArgMax) X(ArgMin)
#define RP_SCAN_OPS(X) X(Cumsum) X(Cumprod)

enum class ReduceOp : int32_t {
#define RP_X(name) k##name,
  RP_REDUCE_OPS(RP_X)
#undef RP_X
  kCount
};

enum class ScanOp : int32_t {
#define RP_X(name) k##name,
  RP_SCAN_OPS(RP_X)
#undef RP_X
  kCount
};

// The output's element type: Mean is float32, the index ops int32, the rest keep the input's type (bool
// and int32 share one).
inline DType reduceOutType(ReduceOp op, DType in) {
  if (op == ReduceOp::kMean) return DType::kF32;
  if (op == ReduceOp::kArgMax || op == ReduceOp::kArgMin) return DType::kI32;
  return in;
}

namespace reduce {

template <class T>
RP_HD inline bool isNan(T x) {
  return !(x == x);
}

// JavaScript's falsy numbers: 0, -0 and NaN.
template <class T>
RP_HD inline bool falsy(T x) {
  return x == T(0) || isNan(x);
}

// What an uninitialised typed-array slot reads as once stored: the cpu's Max of no element is
// `aVals[0]` of an empty array (undefined), which a Float32Array stores as NaN and an Int32Array as 0.
template <class T>
RP_HD inline T undefinedValue() {
  return Elem<T>::from(static_cast<double>(NAN));
}

// An element and its index along the reduced axis; idx < 0: no element.
template <class T>
struct Picked {
  T v;
  int64_t idx;
};

// The reducers decide which of two picks to keep with these predicates, then copy it field by field
// (pick), from values: choosing between two references (`c ? a : b`, or `c ? a.v : b.v`) selects an
// address, which makes the AMD compiler keep the running state in scratch memory (16–40 bytes per lane
// in the GPU reduction loops).
template <class T>
RP_HD inline Picked<T> pick(bool first, const Picked<T>& a, const Picked<T>& b) {
  const T av = a.v, bv = b.v;
  const int64_t ai = a.idx, bi = b.idx;
  return Picked<T>{first ? av : bv, first ? ai : bi};
}

// Whether a is the earlier (later) of two picks; on equal indices a.
template <class T>
RP_HD inline bool isEarlier(const Picked<T>& a, const Picked<T>& b) {
  return !(b.idx < a.idx);
}

template <class T>
RP_HD inline bool isLater(const Picked<T>& a, const Picked<T>& b) {
  return !(b.idx > a.idx);
}

// Whether a is the larger (kGreater) or smaller value of two valid, non-NaN picks; on equal values (±0
// included) the earlier one, like the cpu's strict comparison against the running extreme.
template <bool kGreater, class T>
RP_HD inline bool isExtreme(const Picked<T>& a, const Picked<T>& b) {
  if (kGreater ? b.v > a.v : b.v < a.v) return false;
  if (kGreater ? a.v > b.v : a.v < b.v) return true;
  return isEarlier(a, b);
}

// Every reducer is an aggregate of the reduced length as float32 (what Mean divides by) and is built
// as Name<T>{count}.
#define RP_REDUCER_BASE(OutType, StateType) \
  float count;                              \
  using In = T;                             \
  using Out = OutType;                      \
  using State = StateType;                  \
  static constexpr bool kOrdered = false;

// Σ x in double (the cpu starts its sum at 0).
template <class T>
struct Sum {
  RP_REDUCER_BASE(T, double)
  RP_HD State identity() const { return 0.0; }
  RP_HD State load(T x, int64_t) const { return static_cast<double>(x); }
  RP_HD State combine(State a, State b) const { return a + b; }
  RP_HD Out finish(State s, int64_t) const { return Elem<Out>::from(s); }
};

// Π x in double, from 1.
template <class T>
struct Prod {
  float count;
  using In = T;
  using Out = T;
  using State = double;
  // int32 products pass 2^53 easily, and then the rounded double depends on the order: left to right.
  static constexpr bool kOrdered = std::is_same<T, int32_t>::value;
  RP_HD State identity() const { return 1.0; }
  RP_HD State load(T x, int64_t) const { return static_cast<double>(x); }
  RP_HD State combine(State a, State b) const { return a * b; }
  RP_HD Out finish(State s, int64_t) const { return Elem<Out>::from(s); }
};

// The cpu's Mean: x cast to float32, divided by the count in float32 (a float32 tensor), summed in
// double. float32 division is correctly rounded, so x / count here equals its double division rounded.
template <class T>
struct Mean {
  RP_REDUCER_BASE(float, double)
  RP_HD State identity() const { return 0.0; }
  RP_HD State load(T x, int64_t) const { return static_cast<double>(static_cast<float>(x) / count); }
  RP_HD State combine(State a, State b) const { return a + b; }
  RP_HD Out finish(State s, int64_t) const { return static_cast<float>(s); }
};

// `if (isNaN(v) || v > max) max = v`: any NaN makes the result NaN; equal values keep the first.
template <class T, bool kGreater>
struct Extreme {
  RP_REDUCER_BASE(T, Picked<T>)
  RP_HD State identity() const { return State{T(0), -1}; }
  RP_HD State load(T x, int64_t k) const { return State{x, k}; }
  RP_HD State combine(const State& a, const State& b) const { return pick(keepsFirst(a, b), a, b); }
  RP_HD static bool keepsFirst(const State& a, const State& b) {
    if (a.idx < 0) return false;
    if (b.idx < 0) return true;
    if (isNan(a.v) || isNan(b.v)) return isNan(a.v) ? (isNan(b.v) ? isEarlier(a, b) : true) : false;
    return isExtreme<kGreater>(a, b);
  }
  RP_HD Out finish(const State& s, int64_t) const { return s.idx < 0 ? undefinedValue<T>() : s.v; }
};
template <class T>
using Max = Extreme<T, true>;
template <class T>
using Min = Extreme<T, false>;

// `if (v > max) { max = v; index = j }` from max = x[0]: a NaN at index 0 wins (nothing compares greater),
// a NaN elsewhere never does. So a NaN at k > 0 is no element, one at k = 0 beats every other.
template <class T, bool kGreater>
struct ArgExtreme {
  RP_REDUCER_BASE(int32_t, Picked<T>)
  RP_HD State identity() const { return State{T(0), -1}; }
  RP_HD State load(T x, int64_t k) const { return State{x, isNan(x) && k != 0 ? int64_t{-1} : k}; }
  RP_HD State combine(const State& a, const State& b) const { return pick(keepsFirst(a, b), a, b); }
  RP_HD static bool keepsFirst(const State& a, const State& b) {
    if (a.idx < 0) return false;
    if (b.idx < 0) return true;
    if (isNan(a.v)) return true;  // index 0
    if (isNan(b.v)) return false;
    return isExtreme<kGreater>(a, b);
  }
  RP_HD Out finish(const State& s, int64_t) const { return s.idx < 0 ? 0 : toInt32(static_cast<double>(s.idx)); }
};
template <class T>
using ArgMax = ArgExtreme<T, true>;
template <class T>
using ArgMin = ArgExtreme<T, false>;

// `all = x[0]; all = all && v`: the first falsy element, else the last one (for bool: 0 or 1). No
// element stores undefined (0, or NaN for float32).
template <class T>
struct All {
  RP_REDUCER_BASE(T, Picked<T>)
  RP_HD State identity() const { return State{T(0), -1}; }
  RP_HD State load(T x, int64_t k) const { return State{x, k}; }
  RP_HD State combine(const State& a, const State& b) const { return pick(keepsFirst(a, b), a, b); }
  RP_HD static bool keepsFirst(const State& a, const State& b) {
    if (a.idx < 0) return false;
    if (b.idx < 0) return true;
    const bool fa = falsy(a.v), fb = falsy(b.v);
    if (fa != fb) return fa;
    return fa ? isEarlier(a, b) : isLater(a, b);
  }
  RP_HD Out finish(const State& s, int64_t) const { return s.idx < 0 ? undefinedValue<T>() : s.v; }
};

// `any = x[0]; any = any || v`: the first truthy element, else the last one.
template <class T>
struct Any {
  RP_REDUCER_BASE(T, Picked<T>)
  RP_HD State identity() const { return State{T(0), -1}; }
  RP_HD State load(T x, int64_t k) const { return State{x, k}; }
  RP_HD State combine(const State& a, const State& b) const { return pick(keepsFirst(a, b), a, b); }
  RP_HD static bool keepsFirst(const State& a, const State& b) {
    if (a.idx < 0) return false;
    if (b.idx < 0) return true;
    const bool ta = !falsy(a.v), tb = !falsy(b.v);
    if (ta != tb) return ta;
    return ta ? isEarlier(a, b) : isLater(a, b);
  }
  RP_HD Out finish(const State& s, int64_t) const { return s.idx < 0 ? undefinedValue<T>() : s.v; }
};

#undef RP_REDUCER_BASE

// One step of a scan: the cpu stores every prefix in the output's typed array, so float32 prefixes
// are rounded at each step (a float32 add or multiply is exactly the double one rounded) and int32
// ones are the double result through ToInt32.
struct Cumsum {
  template <class T>
  RP_HD static T identity() {
    return T(0);
  }
  RP_HD static float step(float x, float acc) { return x + acc; }
  RP_HD static int32_t step(int32_t x, int32_t acc) {
    return toInt32(static_cast<double>(x) + static_cast<double>(acc));
  }
};

struct Cumprod {
  template <class T>
  RP_HD static T identity() {
    return T(1);
  }
  RP_HD static float step(float x, float acc) { return x * acc; }
  RP_HD static int32_t step(int32_t x, int32_t acc) {
    return toInt32(static_cast<double>(x) * static_cast<double>(acc));
  }
};

}  // namespace reduce

// Calls f(Reducer<T>{count}) for the op and the input type: the one switch from run-time codes to templates.
template <class F>
inline bool dispatchReduce(ReduceOp op, DType in, float count, F&& f) {
  switch (op) {
#define RP_X(name)                                                          \
  case ReduceOp::k##name:                                                   \
    if (in == DType::kF32)                                                  \
      f(reduce::name<float>{count});                                        \
    else                                                                    \
      f(reduce::name<int32_t>{count});                                      \
    return true;
    RP_REDUCE_OPS(RP_X)
#undef RP_X
    default:
      return false;
  }
}

template <class F>
inline bool dispatchScan(ScanOp op, F&& f) {
  switch (op) {
#define RP_X(name)       \
  case ScanOp::k##name:  \
    f(reduce::name{});   \
    return true;
    RP_SCAN_OPS(RP_X)
#undef RP_X
    default:
      return false;
  }
}

}  // namespace tensor
}  // namespace rocm_patch
