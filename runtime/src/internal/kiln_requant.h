/* TFLite's integer requantisation, scalar: the one definition every int8
 * kernel (and every ISA variant's tail) computes with. */
#ifndef KILN_INTERNAL_REQUANT_H
#define KILN_INTERNAL_REQUANT_H

#include "kiln/runtime.h"

/* gemmlowp's SaturatingRoundingDoublingHighMul: round(a * b / 2^31) with
 * ties toward +inf (the nudge then truncating division below), saturating the
 * single overflowing case a == b == INT32_MIN. Written as the literal
 * division, not a shift, so the AVX2 form (kiln_avx2_s8.h) is a separately
 * derived formula that the tests hold against this one. */
static inline int32_t kiln_srdhm(int32_t a, int32_t b) {
  if (a == INT32_MIN && b == INT32_MIN)
    return INT32_MAX;
  const int64_t ab = (int64_t)a * (int64_t)b;
  const int64_t nudge = ab >= 0 ? (INT64_C(1) << 30) : 1 - (INT64_C(1) << 30);
  return (int32_t)((ab + nudge) / (INT64_C(1) << 31));
}

/* gemmlowp's RoundingDivideByPOT: x / 2^exponent rounded half away from
 * zero; exponent in [0, 31]. */
static inline int32_t kiln_rounding_shift_right(int32_t x, int32_t exponent) {
  const int32_t mask = (int32_t)((UINT32_C(1) << exponent) - 1);
  const int32_t remainder = x & mask;
  const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  /* >> of a negative int is arithmetic on every compiler the runtime
   * supports (gcc, clang documented); C11 leaves it implementation-defined. */
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

/* TFLite's MultiplyByQuantizedMultiplier. The left shift is taken modulo
 * 2^32 (computed unsigned, so no undefined behaviour): TFLite's
 * `x * (1 << shift)` wraps the same way on every target in practice, and the
 * compiler only emits positive shifts where the accumulator range fits. */
static inline int32_t kiln_requant_apply(int32_t acc, int32_t multiplier,
                                         int32_t shift) {
  const int32_t left = shift > 0 ? shift : 0;
  const int32_t right = shift > 0 ? 0 : -shift;
  const int32_t shifted = (int32_t)((uint32_t)acc << left);
  return kiln_rounding_shift_right(kiln_srdhm(shifted, multiplier), right);
}

static inline int32_t kiln_clamp_s32(int32_t x, int32_t lo, int32_t hi) {
  return x < lo ? lo : (x > hi ? hi : x);
}

/* int32 sums that wrap modulo 2^32 instead of being undefined on overflow:
 * the ISA variants add in a different order with wrapping vector adds, and
 * modular arithmetic makes every order agree bit for bit. */
static inline int32_t kiln_wrap_add(int32_t a, int32_t b) {
  return (int32_t)((uint32_t)a + (uint32_t)b);
}
static inline int32_t kiln_wrap_mul(int32_t a, int32_t b) {
  return (int32_t)((uint32_t)a * (uint32_t)b);
}

/* out = clamp(offset + requant(acc), lo, hi); the offset add cannot
 * overflow: |requant| <= 2^31 - 1 only when the factor >= 1, and the result
 * is clamped to int8 anyway, so the sum is done in int64. */
static inline int8_t kiln_requant_to_s8(int32_t acc, kiln_requant rq,
                                        int32_t offset, int32_t lo,
                                        int32_t hi) {
  const int64_t v =
      (int64_t)kiln_requant_apply(acc, rq.multiplier, rq.shift) + offset;
  return (int8_t)(v < lo ? lo : (v > hi ? hi : v));
}

#endif /* KILN_INTERNAL_REQUANT_H */
