/* kiln_conv2d_nhwc_winograd_shape: the rank-5 Winograd-domain shape of a 3x3
 * HWIO filter. */
#include "internal/kiln_conv_winograd.h"

/**
 * @brief Shape of the Winograd F(4x4, 3x3) filter (runtime.h, "Winograd
 *        F(4x4, 3x3)") for an HWIO filter and panel width `nr`:
 *        [P, 6, 6, C, NR] with P = ceil(M / nr).
 *
 * Called by the compiler to type the transformed constant, and by
 * kiln_conv2d_nhwc_winograd_filter_f32 to check its destination.
 *
 * @param[in]  filter_shape 3, 3, C, M (rank 4, HWIO), C and M >= 1
 * @param[in]  nr           panel width, 1..64 (32 for AVX-512, 16 for AVX2)
 * @param[out] wino_shape   rank 5; written only on KILN_OK
 * @return KILN_OK; KILN_ERR_NULL when a pointer is NULL; KILN_ERR_ARG when
 *         filter_shape is not rank 4 with kH == kW == 3 and C, M >= 1, nr is
 *         outside 1..64, or the element count exceeds INT32_MAX.
 */
kiln_status kiln_conv2d_nhwc_winograd_shape(const kiln_shape *filter_shape,
                                            int32_t nr,
                                            kiln_shape *wino_shape) {
  if (filter_shape == NULL || wino_shape == NULL)
    return KILN_ERR_NULL;
  if (filter_shape->rank != 4 || filter_shape->dims[0] != 3 ||
      filter_shape->dims[1] != 3 || filter_shape->dims[2] < 1 ||
      filter_shape->dims[3] < 1 || nr < 1 || nr > KILN_WINO_NR_MAX)
    return KILN_ERR_ARG;
  const int32_t c = filter_shape->dims[2], m = filter_shape->dims[3];
  const int32_t dims[5] = {(m + nr - 1) / nr, KILN_WINO_T, KILN_WINO_T, c, nr};
  /* Element counts are int32_t throughout the ABI. */
  int64_t count = 1;
  for (int32_t i = 0; i < 5; ++i) {
    count *= dims[i];
    if (count > INT32_MAX)
      return KILN_ERR_ARG;
  }
  wino_shape->rank = KILN_WINOGRAD_FILTER_RANK;
  for (int32_t i = 0; i < 5; ++i)
    wino_shape->dims[i] = dims[i];
  return KILN_OK;
}
