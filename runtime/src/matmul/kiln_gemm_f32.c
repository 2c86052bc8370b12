/* kiln_gemm_f32: ONNX Gemm with broadcast C and a fused activation. */
#include "internal/kiln_act.h"
#include "internal/kiln_internal.h"
#include "internal/kiln_iter.h"
#include "internal/kiln_ref.h"

/**
 * @brief ONNX Gemm: y = act(alpha * A' * B' + beta * C).
 *
 * @param[in]  params  m, n, k >= 0; trans_a, trans_b 0 or 1; alpha, beta; act
 * @param[in]  a       m*k elements: m x k row-major, or k x m when trans_a
 * @param[in]  b       k*n elements: k x n row-major, or n x k when trans_b
 * @param[in]  c_shape rank 0..2, unidirectionally broadcastable to [m, n]
 *                     (scalar, [n], [1, n], [m, 1], [m, n]); NULL when c is
 * @param[in]  c       kiln_numel(c_shape) elements, or NULL for no C term
 * @param[out] y       m*n elements; must not alias a, b or c
 * @return KILN_OK; KILN_ERR_NULL when params, a, b or y is NULL, or c is given
 *         without c_shape; KILN_ERR_ARG for a negative size or a C shape that
 *         does not broadcast to [m, n].
 */
kiln_status KILN_REF(kiln_gemm_f32)(const kiln_gemm_params *params,
                                    const float *a, const float *b,
                                    const kiln_shape *c_shape, const float *c,
                                    float *y) {
  if (params == NULL || a == NULL || b == NULL || y == NULL ||
      (c != NULL && c_shape == NULL))
    return KILN_ERR_NULL;
  const int32_t m = params->m, n = params->n, k = params->k;
  if (m < 0 || n < 0 || k < 0)
    return KILN_ERR_ARG;

  kiln_iter it;
  const kiln_shape y_shape = {2, {m, n, 0, 0, 0, 0}};
  kiln_iter_init(&it, &y_shape);
  if (c != NULL) {
    kiln_status st = kiln_iter_add_broadcast(&it, c_shape, 1);
    if (st != KILN_OK)
      return st;
  }
  /* A transposed operand is read through swapped strides, never copied. */
  kiln_internal_matmul_f32(m, n, k, a, params->trans_a ? 1 : k,
                           params->trans_a ? m : 1, b, params->trans_b ? 1 : n,
                           params->trans_b ? k : 1, y);
  const int32_t count = m * n;
  for (int32_t i = 0; i < count; ++i, kiln_iter_next(&it)) {
    float v = params->alpha * y[i];
    if (c != NULL)
      v += params->beta * c[it.off[0]];
    y[i] = kiln_act_apply(&params->act, v);
  }
  return KILN_OK;
}
