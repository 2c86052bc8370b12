/* kiln_matmul_f32: numpy/ONNX MatMul with batch broadcasting. */
#include "internal/kiln_internal.h"
#include "internal/kiln_iter.h"

/* Splits a MatMul operand into its batch dims and matrix dims; rank-1
 * operands are promoted as numpy does (row vector for A, column for B). */
static void kiln_split_matrix(const kiln_shape *s, int is_b, kiln_shape *batch,
                              int32_t *rows, int32_t *cols) {
  if (s->rank == 1) {
    *rows = is_b ? s->dims[0] : 1;
    *cols = is_b ? 1 : s->dims[0];
    batch->rank = 0;
    return;
  }
  *rows = s->dims[s->rank - 2];
  *cols = s->dims[s->rank - 1];
  batch->rank = s->rank - 2;
  for (int32_t d = 0; d < batch->rank; ++d)
    batch->dims[d] = s->dims[d];
}

/**
 * @brief ONNX MatMul (numpy matmul semantics).
 *
 * A is [..., M, K] and B is [..., K, N]; the batch dims broadcast. A rank-1 A
 * is [K] (the M dim is dropped from the result), a rank-1 B is [K] (the N dim
 * is dropped). The output holds broadcast(batch) x M x N elements in that
 * order, which is the same layout whichever dims were dropped.
 *
 * @param[in]  a_shape rank 1..KILN_MAX_RANK
 * @param[in]  a       kiln_numel(a_shape) elements
 * @param[in]  b_shape rank 1..KILN_MAX_RANK; its K equals A's K
 * @param[in]  b       kiln_numel(b_shape) elements
 * @param[out] out     broadcast(batch dims) * M * N elements; no aliasing
 * @return KILN_OK; KILN_ERR_NULL for a NULL pointer; KILN_ERR_ARG for a rank
 *         outside 1..KILN_MAX_RANK, mismatched K, or batch dims that do not
 *         broadcast.
 */
kiln_status kiln_matmul_f32(const kiln_shape *a_shape, const float *a,
                            const kiln_shape *b_shape, const float *b,
                            float *out) {
  if (a_shape == NULL || a == NULL || b_shape == NULL || b == NULL ||
      out == NULL)
    return KILN_ERR_NULL;
  if (a_shape->rank < 1 || a_shape->rank > KILN_MAX_RANK || b_shape->rank < 1 ||
      b_shape->rank > KILN_MAX_RANK)
    return KILN_ERR_ARG;
  kiln_shape a_batch, b_batch, batch;
  int32_t m, k, kb, n;
  kiln_split_matrix(a_shape, 0, &a_batch, &m, &k);
  kiln_split_matrix(b_shape, 1, &b_batch, &kb, &n);
  if (k != kb)
    return KILN_ERR_ARG;
  kiln_status st = kiln_broadcast_shapes(&a_batch, &b_batch, &batch);
  if (st != KILN_OK)
    return st;

  kiln_iter it;
  kiln_iter_init(&it, &batch);
  (void)kiln_iter_add_broadcast(&it, &a_batch, m * k);
  (void)kiln_iter_add_broadcast(&it, &b_batch, k * n);
  const int32_t batches = kiln_numel(&batch);
  for (int32_t i = 0; i < batches; ++i, kiln_iter_next(&it))
    kiln_internal_matmul_f32(m, n, k, a + it.off[0], k, 1, b + it.off[1], n, 1,
                             out + (ptrdiff_t)i * m * n);
  return KILN_OK;
}
