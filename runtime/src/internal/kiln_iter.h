/* Shape arithmetic and the one N-d odometer every strided kernel walks with. */
#ifndef KILN_INTERNAL_ITER_H
#define KILN_INTERNAL_ITER_H

#include "kiln/runtime.h"

#include <stddef.h>

/* Enough for Where (cond, x, y); the output is always walked contiguously. */
#define KILN_ITER_MAX_OPERANDS 3

/* Walks an index space in row-major order while keeping, per operand, the
 * element offset of the current index. Strides of 0 express broadcasting and
 * negative strides express reversed slices, so one walker serves broadcast
 * arithmetic, transpose, slice, expand and reductions. */
typedef struct {
  int32_t rank;
  int32_t n_operands;
  int32_t dims[KILN_MAX_RANK];
  int32_t idx[KILN_MAX_RANK];
  int32_t strides[KILN_ITER_MAX_OPERANDS][KILN_MAX_RANK];
  int32_t off[KILN_ITER_MAX_OPERANDS];
} kiln_iter;

static inline int kiln_rank_ok(const kiln_shape *s) {
  return s->rank >= 0 && s->rank <= KILN_MAX_RANK;
}

static inline int32_t kiln_numel(const kiln_shape *s) {
  int32_t n = 1;
  for (int32_t d = 0; d < s->rank; ++d)
    n *= s->dims[d];
  return n;
}

/* Product of dims in [begin, end). */
static inline int32_t kiln_dims_product(const kiln_shape *s, int32_t begin,
                                        int32_t end) {
  int32_t n = 1;
  for (int32_t d = begin; d < end; ++d)
    n *= s->dims[d];
  return n;
}

static inline void kiln_contiguous_strides(const kiln_shape *s,
                                           int32_t strides[KILN_MAX_RANK]) {
  int32_t acc = 1;
  for (int32_t d = s->rank - 1; d >= 0; --d) {
    strides[d] = acc;
    acc *= s->dims[d];
  }
}

static inline void kiln_iter_init(kiln_iter *it, const kiln_shape *space) {
  it->rank = space->rank;
  it->n_operands = 0;
  for (int32_t d = 0; d < space->rank; ++d) {
    it->dims[d] = space->dims[d];
    it->idx[d] = 0;
  }
}

/* Adds an operand read through explicit per-axis strides from base. */
static inline void kiln_iter_add_strided(kiln_iter *it, const int32_t *strides,
                                         int32_t base) {
  int32_t k = it->n_operands++;
  for (int32_t d = 0; d < it->rank; ++d)
    it->strides[k][d] = strides[d];
  it->off[k] = base;
}

/* Adds a contiguous operand numpy-broadcast to the space: dims align from the
 * right and size-1 dims get stride 0. `scale` multiplies every stride so a
 * batch of matrices can broadcast whole blocks. */
static inline kiln_status kiln_iter_add_broadcast(kiln_iter *it,
                                                  const kiln_shape *operand,
                                                  int32_t scale) {
  if (!kiln_rank_ok(operand) || operand->rank > it->rank)
    return KILN_ERR_ARG;
  int32_t k = it->n_operands++;
  int32_t lead = it->rank - operand->rank;
  int32_t acc = scale;
  for (int32_t d = it->rank - 1; d >= 0; --d) {
    int32_t od = d - lead;
    int32_t dim = od >= 0 ? operand->dims[od] : 1;
    if (dim != 1 && dim != it->dims[d])
      return KILN_ERR_ARG;
    it->strides[k][d] = dim == 1 ? 0 : acc;
    acc *= dim;
  }
  it->off[k] = 0;
  return KILN_OK;
}

/* Validates out_shape and the operand shapes, then sets `it` up to walk
 * out_shape with every operand broadcast to it. */
static inline kiln_status
kiln_iter_init_broadcast(kiln_iter *it, const kiln_shape *out_shape,
                         int32_t n_operands,
                         const kiln_shape *const *operands) {
  if (out_shape == NULL)
    return KILN_ERR_NULL;
  for (int32_t k = 0; k < n_operands; ++k)
    if (operands[k] == NULL)
      return KILN_ERR_NULL;
  if (!kiln_rank_ok(out_shape))
    return KILN_ERR_ARG;
  kiln_iter_init(it, out_shape);
  for (int32_t k = 0; k < n_operands; ++k) {
    kiln_status st = kiln_iter_add_broadcast(it, operands[k], 1);
    if (st != KILN_OK)
      return st;
  }
  return KILN_OK;
}

static inline void kiln_iter_next(kiln_iter *it) {
  for (int32_t d = it->rank - 1; d >= 0; --d) {
    ++it->idx[d];
    for (int32_t k = 0; k < it->n_operands; ++k)
      it->off[k] += it->strides[k][d];
    if (it->idx[d] < it->dims[d])
      return;
    for (int32_t k = 0; k < it->n_operands; ++k)
      it->off[k] -= it->strides[k][d] * it->dims[d];
    it->idx[d] = 0;
  }
}

/* numpy broadcast of two shapes. */
static inline kiln_status kiln_broadcast_shapes(const kiln_shape *a,
                                                const kiln_shape *b,
                                                kiln_shape *out) {
  if (!kiln_rank_ok(a) || !kiln_rank_ok(b))
    return KILN_ERR_ARG;
  out->rank = a->rank > b->rank ? a->rank : b->rank;
  for (int32_t d = 0; d < out->rank; ++d) {
    int32_t ad = d - (out->rank - a->rank);
    int32_t bd = d - (out->rank - b->rank);
    int32_t da = ad >= 0 ? a->dims[ad] : 1;
    int32_t db = bd >= 0 ? b->dims[bd] : 1;
    if (da != db && da != 1 && db != 1)
      return KILN_ERR_ARG;
    out->dims[d] = da == 1 ? db : da;
  }
  return KILN_OK;
}

/* Byte address of element `index` in a generic-typed buffer. */
static inline const unsigned char *kiln_elem(const void *base, int32_t index,
                                             int32_t elem_size) {
  return (const unsigned char *)base + (ptrdiff_t)index * elem_size;
}

static inline unsigned char *kiln_elem_mut(void *base, int32_t index,
                                           int32_t elem_size) {
  return (unsigned char *)base + (ptrdiff_t)index * elem_size;
}

static inline int kiln_elem_size_ok(int32_t elem_size) {
  return elem_size >= 1 && elem_size <= 8;
}

#endif /* KILN_INTERNAL_ITER_H */
