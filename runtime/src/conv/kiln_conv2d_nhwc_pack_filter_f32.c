/* kiln_conv2d_nhwc_pack_filter_f32: cuts an HWIO filter into the
 * pre-packed NR-column panels the x86 NHWC GEMM tiles read. */
#include "internal/kiln_nhwc.h"

/**
 * @brief Packs an HWIO filter into [G, P, kH, kW, C/G, NR]:
 *        packed[g][p][i][j][c][l] = hwio[i][j][c][g * M/G + p * NR + l]
 *        for p * NR + l < M/G, 0 in the padding columns past M/G.
 *
 * Each (g, p) is one contiguous K x NR panel (K = kH * kW * C/G) in HWIO row
 * order, so kiln_conv2d_nhwc_f32 reads a chunk of k rows as one contiguous
 * range. G and NR are read from packed_shape, which must be exactly what
 * kiln_conv2d_nhwc_packed_shape gives for them. Every element of `packed` is
 * written, padding included; nothing is written on an error.
 *
 * @param[in]  filter_shape kH, kW, C/G, M (rank 4, HWIO), dims >= 1
 * @param[in]  hwio         kH*kW*(C/G)*M elements
 * @param[in]  packed_shape G, P, kH, kW, C/G, NR (rank 6) with G dividing M,
 *                          1 <= NR <= 64, P = ceil((M/G) / NR)
 * @param[out] packed       G*P*kH*kW*(C/G)*NR elements; must not overlap hwio
 * @return KILN_OK; KILN_ERR_NULL when a pointer is NULL; KILN_ERR_ARG when
 *         the shapes do not match as above.
 */
kiln_status kiln_conv2d_nhwc_pack_filter_f32(const kiln_shape *filter_shape,
                                             const float *hwio,
                                             const kiln_shape *packed_shape,
                                             float *packed) {
  if (filter_shape == NULL || hwio == NULL || packed_shape == NULL ||
      packed == NULL)
    return KILN_ERR_NULL;
  if (packed_shape->rank != KILN_PACKED_FILTER_RANK)
    return KILN_ERR_ARG;
  const int32_t groups = packed_shape->dims[0], nr = packed_shape->dims[5];
  kiln_shape want;
  kiln_status st =
      kiln_conv2d_nhwc_packed_shape(filter_shape, groups, nr, &want);
  if (st != KILN_OK)
    return st;
  for (int32_t i = 0; i < KILN_PACKED_FILTER_RANK; ++i)
    if (packed_shape->dims[i] != want.dims[i])
      return KILN_ERR_ARG;
  const int32_t m = filter_shape->dims[3], m_per_g = m / groups;
  const int32_t panels = want.dims[1];
  const ptrdiff_t k = (ptrdiff_t)filter_shape->dims[0] * filter_shape->dims[1] *
                      filter_shape->dims[2];
  /* Panel by panel, row by row: the destination is written in order. */
  for (int32_t gi = 0; gi < groups; ++gi)
    for (int32_t p = 0; p < panels; ++p) {
      const int32_t col0 = gi * m_per_g + p * nr;
      int32_t nc = m_per_g - p * nr;
      if (nc > nr)
        nc = nr;
      for (ptrdiff_t r = 0; r < k; ++r, packed += nr) {
        const float *src = hwio + r * m + col0;
        int32_t l = 0;
        for (; l < nc; ++l)
          packed[l] = src[l];
        for (; l < nr; ++l)
          packed[l] = 0.0f;
      }
    }
  return KILN_OK;
}
