/* Argument checks and geometry shared by Conv and ConvTranspose. */
#include "kiln_internal.h"

void kiln_internal_conv_dims(const kiln_shape *in_shape,
                             const kiln_shape *filter_shape,
                             const kiln_shape *out_shape,
                             kiln_conv_geometry *g) {
  g->batch = in_shape->dims[0];
  g->ch = in_shape->dims[1];
  g->h = in_shape->dims[2];
  g->w = in_shape->dims[3];
  g->m = out_shape->dims[1];
  g->oh = out_shape->dims[2];
  g->ow = out_shape->dims[3];
  g->kh = filter_shape->dims[2];
  g->kw = filter_shape->dims[3];
  g->nr = 0;
}

kiln_status kiln_internal_conv_geometry(
    const kiln_conv_params *params, const kiln_shape *in_shape,
    const float *input, const kiln_shape *filter_shape, const float *weights,
    const kiln_shape *out_shape, const float *output, kiln_conv_geometry *g) {
  kiln_status st =
      kiln_internal_check_nchw(params, in_shape, input, out_shape, output);
  if (st != KILN_OK)
    return st;
  if (filter_shape == NULL || weights == NULL)
    return KILN_ERR_NULL;
  /* groups feeds a division; everything else only bounds loops. */
  if (filter_shape->rank != 4 || params->groups < 1)
    return KILN_ERR_ARG;
  kiln_internal_conv_dims(in_shape, filter_shape, out_shape, g);
  g->c_per_g = g->ch / params->groups;
  g->m_per_g = g->m / params->groups;
  return KILN_OK;
}
