/* The int8 pooling window: checks, one output at a time, the avg divisor. */
#include "kiln_internal_s8.h"

kiln_status
kiln_internal_pool_s8_check(const kiln_pool_params *p, int32_t act_min,
                            int32_t act_max, const kiln_shape *in_shape,
                            const int8_t *input, const kiln_shape *out_shape,
                            const int8_t *output, kiln_pool_s8_geometry *g) {
  kiln_status st =
      kiln_internal_check_nchw(p, in_shape, input, out_shape, output);
  if (st != KILN_OK)
    return st;
  if (p->kernel[0] < 1 || p->kernel[1] < 1 || p->stride[0] < 1 ||
      p->stride[1] < 1 || p->dilation[0] < 1 || p->dilation[1] < 1 ||
      p->pad[0] < 0 || p->pad[1] < 0 || p->pad[2] < 0 || p->pad[3] < 0 ||
      !kiln_s8_act_ok(act_min, act_max) ||
      in_shape->dims[0] != out_shape->dims[0] ||
      in_shape->dims[1] != out_shape->dims[1])
    return KILN_ERR_ARG;
  /* The average's int32 sum holds 2^24 taps of -128 with room to spare. */
  if ((int64_t)p->kernel[0] * p->kernel[1] > (INT32_C(1) << 24))
    return KILN_ERR_ARG;
  g->h = in_shape->dims[2];
  g->w = in_shape->dims[3];
  g->oh = out_shape->dims[2];
  g->ow = out_shape->dims[3];
  g->planes = in_shape->dims[0] * in_shape->dims[1];
  if (g->h < 0 || g->w < 0 || g->oh < 0 || g->ow < 0 || g->planes < 0)
    return KILN_ERR_ARG;
  return KILN_OK;
}

/* Taps of a window starting at `start` that fall inside [lo, hi). */
static int32_t kiln_s8_taps_inside(int32_t start, int32_t taps,
                                   int32_t dilation, int32_t lo, int32_t hi) {
  int32_t n = 0;
  for (int32_t t = 0; t < taps; ++t) {
    const int32_t pos = start + t * dilation;
    n += (pos >= lo && pos < hi) ? 1 : 0;
  }
  return n;
}

int32_t kiln_internal_avg_pool_s8_count(const kiln_pool_params *p,
                                        const kiln_pool_s8_geometry *g,
                                        int32_t oh, int32_t ow) {
  const int32_t h0 = oh * p->stride[0] - p->pad[0];
  const int32_t w0 = ow * p->stride[1] - p->pad[1];
  if (p->count_include_pad)
    return kiln_s8_taps_inside(h0, p->kernel[0], p->dilation[0], -p->pad[0],
                               g->h + p->pad[2]) *
           kiln_s8_taps_inside(w0, p->kernel[1], p->dilation[1], -p->pad[1],
                               g->w + p->pad[3]);
  return kiln_s8_taps_inside(h0, p->kernel[0], p->dilation[0], 0, g->h) *
         kiln_s8_taps_inside(w0, p->kernel[1], p->dilation[1], 0, g->w);
}

int32_t kiln_internal_max_pool_s8_at(const kiln_pool_params *p,
                                     const kiln_pool_s8_geometry *g,
                                     const int8_t *plane, int32_t oh,
                                     int32_t ow) {
  const int32_t h0 = oh * p->stride[0] - p->pad[0];
  const int32_t w0 = ow * p->stride[1] - p->pad[1];
  /* An all-padding window is -inf in the float kernel: the lowest int8. */
  int32_t best = -128;
  for (int32_t kh = 0; kh < p->kernel[0]; ++kh) {
    const int32_t ih = h0 + kh * p->dilation[0];
    if (ih < 0 || ih >= g->h)
      continue;
    for (int32_t kw = 0; kw < p->kernel[1]; ++kw) {
      const int32_t iw = w0 + kw * p->dilation[1];
      if (iw >= 0 && iw < g->w && plane[ih * g->w + iw] > best)
        best = plane[ih * g->w + iw];
    }
  }
  return best;
}

int32_t kiln_internal_avg_pool_s8_at(const kiln_pool_params *p,
                                     const kiln_pool_s8_geometry *g,
                                     const int8_t *plane, int32_t oh,
                                     int32_t ow) {
  const int32_t h0 = oh * p->stride[0] - p->pad[0];
  const int32_t w0 = ow * p->stride[1] - p->pad[1];
  int32_t sum = 0;
  for (int32_t kh = 0; kh < p->kernel[0]; ++kh) {
    const int32_t ih = h0 + kh * p->dilation[0];
    if (ih < 0 || ih >= g->h)
      continue;
    for (int32_t kw = 0; kw < p->kernel[1]; ++kw) {
      const int32_t iw = w0 + kw * p->dilation[1];
      if (iw >= 0 && iw < g->w)
        sum += plane[ih * g->w + iw];
    }
  }
  const int32_t count = kiln_internal_avg_pool_s8_count(p, g, oh, ow);
  /* An empty window averages to 0 like the float kernel (q = 0, not the zero
   * point: pools carry no zero point). */
  return count > 0 ? kiln_div_round_away(sum, count) : 0;
}

kiln_status kiln_internal_pool2d_s8(int is_max, const kiln_pool_params *p,
                                    int32_t act_min, int32_t act_max,
                                    const kiln_shape *in_shape,
                                    const int8_t *input,
                                    const kiln_shape *out_shape,
                                    int8_t *output) {
  kiln_pool_s8_geometry g;
  kiln_status st = kiln_internal_pool_s8_check(p, act_min, act_max, in_shape,
                                               input, out_shape, output, &g);
  if (st != KILN_OK)
    return st;
  for (int32_t pl = 0; pl < g.planes; ++pl) {
    const int8_t *plane = input + (ptrdiff_t)pl * g.h * g.w;
    int8_t *dst = output + (ptrdiff_t)pl * g.oh * g.ow;
    for (int32_t oh = 0; oh < g.oh; ++oh)
      for (int32_t ow = 0; ow < g.ow; ++ow)
        dst[oh * g.ow + ow] = (int8_t)kiln_clamp_s32(
            is_max ? kiln_internal_max_pool_s8_at(p, &g, plane, oh, ow)
                   : kiln_internal_avg_pool_s8_at(p, &g, plane, oh, ow),
            act_min, act_max);
  }
  return KILN_OK;
}
