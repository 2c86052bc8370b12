/* kiln_conv2d_nhwc_winograd_filter_f32: transforms a 3x3 HWIO filter into the
 * Winograd F(4x4, 3x3) domain, cut into the GEMM panels of the x86 tiles. */
#include "internal/kiln_conv_winograd.h"

/* G of F(4x4, 3x3) (Lavin & Gray), interpolation points 0, 1, -1, 2, -2 and
 * infinity: row a evaluates the filter polynomial at point a, scaled by the
 * inverse of the Lagrange denominators that A^T and B^T leave out. */
static const double kiln_wino_g[6][3] = {
    {1.0 / 4, 0.0, 0.0},
    {-1.0 / 6, -1.0 / 6, -1.0 / 6},
    {-1.0 / 6, 1.0 / 6, -1.0 / 6},
    {1.0 / 24, 1.0 / 12, 1.0 / 6},
    {1.0 / 24, -1.0 / 12, 1.0 / 6},
    {0.0, 0.0, 1.0}};

/**
 * @brief Writes wino[p][a][b][c][l] = (G f G^T)[a][b] with
 *        f[i][j] = hwio[i][j][c][p * NR + l] for p * NR + l < M, and 0 in the
 *        padding columns past M.
 *
 * Each (p, a, b) is one contiguous C x NR GEMM panel. The sums run in double
 * and are rounded once, so a transformed weight is the float nearest its
 * exact value (the transforms' 1/6 and 1/12 are not floats). Every element
 * of `wino` is written; nothing is written on an error.
 *
 * @param[in]  filter_shape 3, 3, C, M (rank 4, HWIO)
 * @param[in]  hwio         9*C*M elements
 * @param[in]  wino_shape   P, 6, 6, C, NR (rank 5) exactly as
 *                          kiln_conv2d_nhwc_winograd_shape gives for NR
 * @param[out] wino         P*36*C*NR elements; must not overlap hwio
 * @return KILN_OK; KILN_ERR_NULL when a pointer is NULL; KILN_ERR_ARG when
 *         the shapes do not match as above.
 */
kiln_status kiln_conv2d_nhwc_winograd_filter_f32(const kiln_shape *filter_shape,
                                                 const float *hwio,
                                                 const kiln_shape *wino_shape,
                                                 float *wino) {
  if (filter_shape == NULL || hwio == NULL || wino_shape == NULL ||
      wino == NULL)
    return KILN_ERR_NULL;
  if (wino_shape->rank != KILN_WINOGRAD_FILTER_RANK)
    return KILN_ERR_ARG;
  const int32_t nr = wino_shape->dims[4];
  kiln_shape want;
  kiln_status st = kiln_conv2d_nhwc_winograd_shape(filter_shape, nr, &want);
  if (st != KILN_OK)
    return st;
  for (int32_t i = 0; i < KILN_WINOGRAD_FILTER_RANK; ++i)
    if (wino_shape->dims[i] != want.dims[i])
      return KILN_ERR_ARG;
  const int32_t c_n = filter_shape->dims[2], m = filter_shape->dims[3];
  const int32_t panels = want.dims[0];
  for (int32_t p = 0; p < panels; ++p)
    for (int32_t c = 0; c < c_n; ++c)
      for (int32_t l = 0; l < nr; ++l) {
        const int32_t oc = p * nr + l;
        /* t = G f, then u = t G^T, for this (c, oc). */
        double f[3][3], t[6][3];
        for (int32_t i = 0; i < 3; ++i)
          for (int32_t j = 0; j < 3; ++j)
            f[i][j] = oc < m ? hwio[((ptrdiff_t)(i * 3 + j) * c_n + c) * m + oc]
                             : 0.0;
        for (int32_t a = 0; a < 6; ++a)
          for (int32_t j = 0; j < 3; ++j)
            t[a][j] = kiln_wino_g[a][0] * f[0][j] + kiln_wino_g[a][1] * f[1][j] +
                      kiln_wino_g[a][2] * f[2][j];
        for (int32_t a = 0; a < 6; ++a)
          for (int32_t b = 0; b < 6; ++b) {
            const double u = t[a][0] * kiln_wino_g[b][0] +
                             t[a][1] * kiln_wino_g[b][1] +
                             t[a][2] * kiln_wino_g[b][2];
            wino[(((ptrdiff_t)p * KILN_WINO_P + a * 6 + b) * c_n + c) * nr +
                 l] = (float)u;
          }
      }
  return KILN_OK;
}
