/* Elementwise loops (unary map, fused epilogue, broadcast binary). */
#include "kiln_act.h"
#include "kiln_iter.h"
#include "kiln_ref.h"

kiln_status kiln_internal_map_f32(kiln_unary_fn fn, const float *in, float *out,
                                  int32_t count) {
  if (in == NULL || out == NULL)
    return KILN_ERR_NULL;
  if (count < 0)
    return KILN_ERR_ARG;
  for (int32_t i = 0; i < count; ++i)
    out[i] = fn(in[i]);
  return KILN_OK;
}

kiln_status KILN_REF(kiln_internal_epilogue_f32)(const kiln_activation *act,
                                                 const float *residual,
                                                 const float *in, float *out,
                                                 int32_t count) {
  static const kiln_activation identity = {KILN_ACT_NONE, 0.f, 0.f, 0.f, 0.f};
  if (in == NULL || out == NULL)
    return KILN_ERR_NULL;
  if (count < 0)
    return KILN_ERR_ARG;
  if (act == NULL)
    act = &identity;
  for (int32_t i = 0; i < count; ++i)
    out[i] = kiln_act_apply(act, in[i] + (residual ? residual[i] : 0.0f));
  return KILN_OK;
}

kiln_status kiln_internal_binary_f32(kiln_binary_fn fn,
                                     const kiln_shape *a_shape, const float *a,
                                     const kiln_shape *b_shape, const float *b,
                                     const kiln_shape *out_shape, float *out) {
  if (a == NULL || b == NULL || out == NULL)
    return KILN_ERR_NULL;
  const kiln_shape *const shapes[2] = {a_shape, b_shape};
  kiln_iter it;
  kiln_status st = kiln_iter_init_broadcast(&it, out_shape, 2, shapes);
  if (st != KILN_OK)
    return st;
  int32_t count = kiln_numel(out_shape);
  for (int32_t i = 0; i < count; ++i, kiln_iter_next(&it))
    out[i] = fn(a[it.off[0]], b[it.off[1]]);
  return KILN_OK;
}
