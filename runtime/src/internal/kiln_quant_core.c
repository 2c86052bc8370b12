/* QuantizeLinear/DequantizeLinear loops shared by the s8 and u8 kernels. */
#include "kiln_quant_ref.h"

#include <math.h>
#include <stddef.h>

static int32_t kiln_load_q(int is_signed, const void *base, ptrdiff_t i) {
  return is_signed ? (int32_t)((const int8_t *)base)[i]
                   : (int32_t)((const uint8_t *)base)[i];
}

/* Round half to even without relying on the FPU rounding mode (rintf honours
 * fesetround, which firmware may have changed). x is already clamped small. */
static int32_t kiln_round_half_even(float x) {
  const float f = floorf(x);
  const float frac = x - f;
  int32_t r = (int32_t)f;
  if (frac > 0.5f || (frac == 0.5f && (r & 1)))
    ++r;
  return r;
}

/* One element of QuantizeLinear, saturated to [qmin, qmax]. */
static int32_t kiln_quantize_one(float x, float scale, int32_t zp, int32_t qmin,
                                 int32_t qmax) {
  float v = x / scale;
  /* Clamp before converting so huge values and inf never reach an
   * out-of-range float->int conversion (undefined in C). */
  if (v != v)
    v = 0.0f;
  if (v < (float)(qmin - zp - 1))
    v = (float)(qmin - zp - 1);
  if (v > (float)(qmax - zp + 1))
    v = (float)(qmax - zp + 1);
  const int32_t q = kiln_round_half_even(v) + zp;
  return q < qmin ? qmin : (q > qmax ? qmax : q);
}

/* Walks [outer, axis_size, inner] once for both directions so the per-axis
 * parameter indexing exists in one place. */
static kiln_status kiln_quant_walk(int to_int, int is_signed, const void *input,
                                   void *output, const float *scale,
                                   const void *zero_point, int32_t outer,
                                   int32_t axis_size, int32_t inner) {
  if (input == NULL || output == NULL || scale == NULL)
    return KILN_ERR_NULL;
  if (outer < 0 || axis_size < 0 || inner < 0)
    return KILN_ERR_ARG;
  const int32_t qmin = is_signed ? -128 : 0;
  const int32_t qmax = is_signed ? 127 : 255;
  ptrdiff_t idx = 0;
  for (int32_t o = 0; o < outer; ++o) {
    for (int32_t a = 0; a < axis_size; ++a) {
      const int32_t zp = zero_point ? kiln_load_q(is_signed, zero_point, a) : 0;
      for (int32_t i = 0; i < inner; ++i, ++idx) {
        if (!to_int) {
          ((float *)output)[idx] =
              (float)(kiln_load_q(is_signed, input, idx) - zp) * scale[a];
          continue;
        }
        const int32_t q = kiln_quantize_one(((const float *)input)[idx],
                                            scale[a], zp, qmin, qmax);
        if (is_signed)
          ((int8_t *)output)[idx] = (int8_t)q;
        else
          ((uint8_t *)output)[idx] = (uint8_t)q;
      }
    }
  }
  return KILN_OK;
}

kiln_status KILN_REF(kiln_internal_quantize)(int is_signed, const float *input,
                                             void *output, const float *scale,
                                             const void *zero_point,
                                             int32_t outer, int32_t axis_size,
                                             int32_t inner) {
  return kiln_quant_walk(1, is_signed, input, output, scale, zero_point, outer,
                         axis_size, inner);
}

kiln_status KILN_REF(kiln_internal_dequantize)(
    int is_signed, const void *input, float *output, const float *scale,
    const void *zero_point, int32_t outer, int32_t axis_size, int32_t inner) {
  return kiln_quant_walk(0, is_signed, input, output, scale, zero_point, outer,
                         axis_size, inner);
}
