/* kiln_requant_s32: TFLite's MultiplyByQuantizedMultiplier, exported. */
#include "internal/kiln_requant.h"

/**
 * @brief acc * multiplier * 2^(shift - 31), rounded exactly as TFLite does.
 *
 * Saturating rounding doubling high multiply of (acc << max(shift, 0)) by the
 * multiplier (ties toward +inf), then a right shift by max(-shift, 0) rounding
 * half away from zero. The left shift wraps modulo 2^32 as TFLite's int32
 * multiply does in practice.
 *
 * @param[in] acc     any int32
 * @param[in] requant multiplier: any int32 (the int8 kernels take [0, 2^31),
 *                    and the compiler emits [2^30, 2^31) or 0);
 *                    shift in [-31, 30] (other values are clamped to it)
 * @return the requantised value; never fails.
 */
int32_t kiln_requant_s32(int32_t acc, kiln_requant requant) {
  int32_t shift = requant.shift;
  shift = shift < -31 ? -31 : (shift > 30 ? 30 : shift);
  return kiln_requant_apply(acc, requant.multiplier, shift);
}
