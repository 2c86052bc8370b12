/* kiln_gemm_f32, AVX2/FMA: the GEMM core with alpha, C and act fused. */
#include "internal/kiln_avx512.h"
#include "internal/kiln_ref.h"

#if KILN_HAVE_AVX2
/* Strides that broadcast a rank 0..2 C over [m, n]; 0 when C's shape is not
 * one of those the fused path reads (the reference then decides). */
static int kiln_gemm_c_strides(const kiln_shape *s, int32_t m, int32_t n,
                               int32_t *row, int32_t *col) {
  if (s->rank < 0 || s->rank > 2)
    return 0;
  const int32_t rows = s->rank == 2 ? s->dims[0] : 1;
  const int32_t cols = s->rank >= 1 ? s->dims[s->rank - 1] : 1;
  if ((rows != 1 && rows != m) || (cols != 1 && cols != n))
    return 0;
  *row = rows == 1 ? 0 : cols;
  *col = cols == 1 ? 0 : 1;
  return 1;
}

/* Same contract as the reference (kiln_gemm_f32.c). */
kiln_status kiln_gemm_f32(const kiln_gemm_params *params, const float *a,
                          const float *b, const kiln_shape *c_shape,
                          const float *c, float *y) {
  if (params == NULL || a == NULL || b == NULL || y == NULL ||
      (c != NULL && c_shape == NULL))
    return KILN_ERR_NULL;
  const int32_t m = params->m, n = params->n, k = params->k;
  if (m < 0 || n < 0 || k < 0)
    return KILN_ERR_ARG;
  kiln_avx2_epilogue ep = {params->alpha, NULL, 0,           NULL, 0, 0,
                           params->beta,  NULL, &params->act};
  if (c != NULL) {
    if (!kiln_gemm_c_strides(c_shape, m, n, &ep.add_row, &ep.add_col))
      return kiln_gemm_f32_ref(params, a, b, c_shape, c, y);
    ep.add = c;
  }
  /* A few rows against a transposed B (Linear layers): dot products. */
  if (params->trans_b && !params->trans_a && m <= 4 && k > 0) {
    kiln_avx2_gemm_bt_rows(m, n, k, a, k, b, k, y, n, &ep);
    return KILN_OK;
  }
  const kiln_avx2_strided_b bm = {b, params->trans_b ? 1 : n,
                                  params->trans_b ? k : 1};
  kiln_x86_gemm(m, n, k, a, params->trans_a ? 1 : k, params->trans_a ? m : 1,
                kiln_avx2_pack_strided_b, &bm, y, n, &ep);
  return KILN_OK;
}
#endif /* KILN_HAVE_AVX2 */
