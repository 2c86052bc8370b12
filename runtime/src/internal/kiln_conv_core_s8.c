/* Argument checks and geometry of kiln_conv2d_s8, shared by its variants. */
#include "kiln_internal_s8.h"

int kiln_s8_requant_all_ok(const kiln_requant *rq, int32_t count) {
  for (int32_t i = 0; i < count; ++i)
    if (!kiln_s8_requant_ok(rq[i]))
      return 0;
  return 1;
}

kiln_status kiln_internal_conv_s8_geometry(
    const kiln_conv_s8_params *p, const kiln_requant *requant,
    const kiln_shape *in_shape, const int8_t *input,
    const kiln_shape *filter_shape, const int8_t *weights,
    const kiln_shape *out_shape, const int8_t *output, kiln_conv_geometry *g) {
  kiln_status st =
      kiln_internal_check_nchw(p, in_shape, input, out_shape, output);
  if (st != KILN_OK)
    return st;
  if (requant == NULL || filter_shape == NULL || weights == NULL)
    return KILN_ERR_NULL;
  if (filter_shape->rank != 4 || p->groups < 1 || p->stride[0] < 1 ||
      p->stride[1] < 1 || p->dilation[0] < 1 || p->dilation[1] < 1 ||
      p->pad[0] < 0 || p->pad[1] < 0 || p->pad[2] < 0 || p->pad[3] < 0)
    return KILN_ERR_ARG;
  kiln_internal_conv_dims(in_shape, filter_shape, out_shape, g);
  for (int32_t d = 0; d < 4; ++d)
    if (in_shape->dims[d] < 0 || out_shape->dims[d] < 0 ||
        filter_shape->dims[d] < 0)
      return KILN_ERR_ARG;
  if (g->ch % p->groups != 0 || g->m % p->groups != 0 ||
      out_shape->dims[0] != g->batch || filter_shape->dims[0] != g->m ||
      filter_shape->dims[1] != g->ch / p->groups)
    return KILN_ERR_ARG;
  g->c_per_g = g->ch / p->groups;
  g->m_per_g = g->m / p->groups;
  if (!kiln_s8_input_offset_ok(p->input_offset) ||
      !kiln_s8_output_offset_ok(p->output_offset) ||
      !kiln_s8_act_ok(p->act_min, p->act_max) ||
      !kiln_s8_requant_all_ok(requant, g->m))
    return KILN_ERR_ARG;
  return KILN_OK;
}

int64_t kiln_internal_conv_s8_scratch_avx2(const kiln_conv_s8_params *p,
                                           const kiln_conv_geometry *g) {
  int64_t total;
  if (g->c_per_g == 1) {
    total = ((int64_t)g->h + p->pad[0] + p->pad[2]) *
                ((int64_t)g->w + p->pad[1] + p->pad[3]) +
            KILN_S8_DW_SLACK;
  } else {
    const int64_t kp = ((int64_t)g->c_per_g * g->kh * g->kw + 1) / 2;
    const int64_t m_blocks = (g->m_per_g + KILN_S8_MR - 1) / KILN_S8_MR;
    total = (int64_t)p->groups * m_blocks * KILN_S8_MR * kp * 4 +
            kp * KILN_S8_NR * 4;
  }
  return total > INT32_MAX ? -1 : total;
}
