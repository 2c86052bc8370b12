/* kiln_cast: ONNX Cast between f32, f16, i32, i64, i8, u8 and bool. */
#include "kiln/runtime.h"

#include <stddef.h>
#include <string.h>

/* Integer range of a dtype plus the float bounds that decide saturation: the
 * float `hi_f` is hi + 1, a power of two and so exact in fp32, which makes
 * `v >= hi_f` exact even where hi itself is not representable. */
typedef struct {
  int64_t lo, hi;
  float lo_f, hi_f;
} kiln_int_range;

/* A switch rather than a range test: the enum's underlying type differs
 * between ABIs, and with an unsigned one `t >= 0` trips -Wtype-limits. */
static int kiln_dtype_known(kiln_dtype t) {
  switch (t) {
  case KILN_DTYPE_F32:
  case KILN_DTYPE_I32:
  case KILN_DTYPE_I64:
  case KILN_DTYPE_I8:
  case KILN_DTYPE_U8:
  case KILN_DTYPE_BOOL:
  case KILN_DTYPE_F16:
    return 1;
  default:
    return 0;
  }
}

static kiln_int_range kiln_range_of(kiln_dtype t) {
  kiln_int_range r = {INT64_MIN, INT64_MAX, -9223372036854775808.0f,
                      9223372036854775808.0f};
  if (t == KILN_DTYPE_I32) {
    r.lo = INT32_MIN, r.hi = INT32_MAX;
    r.lo_f = -2147483648.0f, r.hi_f = 2147483648.0f;
  } else if (t == KILN_DTYPE_I8) {
    r.lo = -128, r.hi = 127, r.lo_f = -128.0f, r.hi_f = 128.0f;
  } else if (t == KILN_DTYPE_U8) {
    r.lo = 0, r.hi = 255, r.lo_f = 0.0f, r.hi_f = 256.0f;
  }
  return r;
}

static int64_t kiln_load_int(const void *in, kiln_dtype t, ptrdiff_t i) {
  switch (t) {
  case KILN_DTYPE_I32:
    return ((const int32_t *)in)[i];
  case KILN_DTYPE_I64:
    return ((const int64_t *)in)[i];
  case KILN_DTYPE_I8:
    return ((const int8_t *)in)[i];
  default: /* u8 and bool */
    return ((const uint8_t *)in)[i];
  }
}

/* Narrowing keeps the low bits (two's complement), spelled out with unsigned
 * arithmetic because converting an out-of-range value to a signed type is
 * implementation-defined in C. */
static void kiln_store_int(void *out, kiln_dtype t, ptrdiff_t i, int64_t v) {
  switch (t) {
  case KILN_DTYPE_F32:
    ((float *)out)[i] = (float)v;
    break;
  case KILN_DTYPE_I32: {
    const uint32_t u = (uint32_t)(uint64_t)v;
    ((int32_t *)out)[i] = u <= (uint32_t)INT32_MAX
                              ? (int32_t)u
                              : (int32_t)(u - 2147483648u) - INT32_MAX - 1;
    break;
  }
  case KILN_DTYPE_I64:
    ((int64_t *)out)[i] = v;
    break;
  case KILN_DTYPE_I8: {
    const uint8_t u = (uint8_t)(uint64_t)v;
    ((int8_t *)out)[i] = (int8_t)(u < 128u ? (int32_t)u : (int32_t)u - 256);
    break;
  }
  case KILN_DTYPE_U8:
    ((uint8_t *)out)[i] = (uint8_t)(uint64_t)v;
    break;
  case KILN_DTYPE_BOOL:
  default:
    ((uint8_t *)out)[i] = v != 0;
    break;
  }
}

/* IEEE binary16 -> binary32, exact (every half is a float). Bit-level so
 * that targets without a half type (Cortex-M4 with gcc's defaults, C11
 * without _Float16) compute the same. */
static float kiln_f16_to_f32(uint16_t h) {
  const uint32_t sign = (uint32_t)(h & 0x8000u) << 16;
  uint32_t exp = (h >> 10) & 0x1fu, mant = h & 0x3ffu, bits;
  if (exp == 0x1fu) {
    bits = sign | 0x7f800000u | (mant << 13); /* Inf, NaN keeps its payload */
  } else if (exp != 0) {
    bits = sign | ((exp + 112u) << 23) | (mant << 13);
  } else if (mant == 0) {
    bits = sign;
  } else { /* subnormal: mant * 2^-24, normalised */
    exp = 113u;
    while (!(mant & 0x400u)) {
      mant <<= 1;
      --exp;
    }
    bits = sign | (exp << 23) | ((mant & 0x3ffu) << 13);
  }
  float f;
  memcpy(&f, &bits, sizeof f);
  return f;
}

/* binary32 -> binary16, round to nearest even; beyond the half range (>=
 * 65520) it is Inf, below half the smallest subnormal it is a signed 0. */
static uint16_t kiln_f32_to_f16(float f) {
  uint32_t x;
  memcpy(&x, &f, sizeof x);
  const uint32_t sign = (x >> 16) & 0x8000u, a = x & 0x7fffffffu;
  if (a >= 0x7f800000u) /* Inf, or a quiet NaN */
    return (uint16_t)(sign | 0x7c00u | (a > 0x7f800000u ? 0x200u : 0u));
  if (a >= 0x477ff000u)
    return (uint16_t)(sign | 0x7c00u);
  if (a < 0x38800000u) { /* below 2^-14: a subnormal half or zero */
    if (a < 0x33000000u)
      return (uint16_t)sign;
    const uint32_t e = a >> 23, m = (a & 0x7fffffu) | 0x800000u;
    const uint32_t shift = 126u - e; /* 14..24 */
    uint32_t q = m >> shift;
    const uint32_t rem = m & ((1u << shift) - 1u), half = 1u << (shift - 1u);
    if (rem > half || (rem == half && (q & 1u)))
      ++q;
    return (uint16_t)(sign | q);
  }
  uint32_t h = (a - 0x38000000u) >> 13; /* rebias 127 -> 15 */
  const uint32_t rem = a & 0x1fffu;
  if (rem > 0x1000u || (rem == 0x1000u && (h & 1u)))
    ++h; /* a carry into the exponent is the right result */
  return (uint16_t)(sign | h);
}

/* float -> integer: truncate toward zero, saturate, NaN -> 0. */
static int64_t kiln_float_to_int(float v, kiln_dtype t) {
  const kiln_int_range r = kiln_range_of(t);
  if (v != v)
    return 0;
  if (v >= r.hi_f)
    return r.hi;
  if (v < r.lo_f)
    return r.lo;
  return (int64_t)v;
}

/**
 * @brief ONNX Cast between the runtime's element types.
 *
 * ONNX leaves out-of-range float->integer casts implementation-defined; Kiln
 * defines them as saturating so every ISA and the host evaluator agree:
 * - float -> integer: truncate toward zero, saturate to the range, NaN -> 0;
 * - integer -> narrower integer: keep the low bits (two's complement wrap),
 *   as ONNX Runtime does;
 * - anything -> bool: 1 when non-zero (NaN is non-zero), else 0;
 * - bool/integer -> float: nearest float (int64 may round);
 * - -> f16 (IEEE binary16 bits): round to nearest even, Inf beyond 65504;
 *   f16 -> f32 is exact, so f16 weights widen losslessly at run time.
 *
 * @param[in]  input  count elements of `from`
 * @param[in]  from   source dtype
 * @param[out] output count elements of `to`; may equal input only when the
 *                    two dtypes have the same size
 * @param[in]  to     destination dtype
 * @param[in]  count  >= 0
 * @return KILN_OK; KILN_ERR_NULL for a NULL pointer; KILN_ERR_ARG for a
 *         negative count or an unknown dtype.
 */
kiln_status kiln_cast(const void *input, kiln_dtype from, void *output,
                      kiln_dtype to, int32_t count) {
  if (input == NULL || output == NULL)
    return KILN_ERR_NULL;
  if (count < 0 || !kiln_dtype_known(from) || !kiln_dtype_known(to))
    return KILN_ERR_ARG;
  for (ptrdiff_t i = 0; i < count; ++i) {
    const int is_float = from == KILN_DTYPE_F32 || from == KILN_DTYPE_F16;
    if (!is_float && to != KILN_DTYPE_F16) {
      kiln_store_int(output, to, i, kiln_load_int(input, from, i));
      continue;
    }
    const float v = from == KILN_DTYPE_F32 ? ((const float *)input)[i]
                    : from == KILN_DTYPE_F16
                        ? kiln_f16_to_f32(((const uint16_t *)input)[i])
                        : (float)kiln_load_int(input, from, i);
    if (to == KILN_DTYPE_F32)
      ((float *)output)[i] = v;
    else if (to == KILN_DTYPE_F16)
      ((uint16_t *)output)[i] = kiln_f32_to_f16(v);
    else if (to == KILN_DTYPE_BOOL)
      ((uint8_t *)output)[i] = v != 0.0f;
    else
      kiln_store_int(output, to, i, kiln_float_to_int(v, to));
  }
  return KILN_OK;
}
