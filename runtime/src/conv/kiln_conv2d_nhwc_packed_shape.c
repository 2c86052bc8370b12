/* kiln_conv2d_nhwc_packed_shape: the rank-6 pre-packed shape of an HWIO
 * filter. */
#include "internal/kiln_nhwc.h"

/**
 * @brief Shape of the pre-packed NHWC filter (runtime.h, "Pre-packed NHWC
 *        filter") for an HWIO filter, `groups` and panel width `nr`:
 *        [G, P, kH, kW, C/G, NR] with G = groups, P = ceil((M/G) / nr).
 *
 * Called by the compiler (kiln-pack-filters) to type the packed constant and
 * by kiln_conv2d_nhwc_pack_filter_f32 to check its destination.
 *
 * @param[in]  filter_shape kH, kW, C/groups, M (rank 4, HWIO), every dim
 *                          >= 1
 * @param[in]  groups       >= 1, dividing M
 * @param[in]  nr           panel width, 1..64 (32 for AVX-512, 16 for AVX2)
 * @param[out] packed_shape rank 6; written only on KILN_OK
 * @return KILN_OK; KILN_ERR_NULL when a pointer is NULL; KILN_ERR_ARG when
 *         filter_shape is not rank 4 with positive dims, groups < 1 or does
 *         not divide M, nr is outside 1..64, or the packed element count
 *         exceeds INT32_MAX.
 */
kiln_status kiln_conv2d_nhwc_packed_shape(const kiln_shape *filter_shape,
                                          int32_t groups, int32_t nr,
                                          kiln_shape *packed_shape) {
  if (filter_shape == NULL || packed_shape == NULL)
    return KILN_ERR_NULL;
  if (filter_shape->rank != 4 || groups < 1 || nr < 1 || nr > 64)
    return KILN_ERR_ARG;
  for (int32_t i = 0; i < 4; ++i)
    if (filter_shape->dims[i] < 1)
      return KILN_ERR_ARG;
  const int32_t m = filter_shape->dims[3];
  if (m % groups != 0)
    return KILN_ERR_ARG;
  const int32_t panels = (m / groups + nr - 1) / nr;
  const int32_t dims[6] = {groups,
                           panels,
                           filter_shape->dims[0],
                           filter_shape->dims[1],
                           filter_shape->dims[2],
                           nr};
  /* Element counts are int32_t throughout the ABI; the padding columns can
   * push a filter that fits past the limit. */
  int64_t count = 1;
  for (int32_t i = 0; i < 6; ++i) {
    count *= dims[i];
    if (count > INT32_MAX)
      return KILN_ERR_ARG;
  }
  packed_shape->rank = KILN_PACKED_FILTER_RANK;
  for (int32_t i = 0; i < 6; ++i)
    packed_shape->dims[i] = dims[i];
  return KILN_OK;
}
