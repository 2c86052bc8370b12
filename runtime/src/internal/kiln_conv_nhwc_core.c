/* Argument checks and window geometry shared by the NHWC conv and pools. */
#include "kiln_nhwc.h"

/* NCHW view of an NHWC rank-4 shape (dims moved as perm[i] picks them);
 * other ranks pass through for the shared check to reject. */
static kiln_shape kiln_nhwc_view(const kiln_shape *s, int32_t p0, int32_t p1,
                                 int32_t p2, int32_t p3) {
  kiln_shape v = *s;
  if (s->rank == 4) {
    v.dims[0] = s->dims[p0];
    v.dims[1] = s->dims[p1];
    v.dims[2] = s->dims[p2];
    v.dims[3] = s->dims[p3];
  }
  return v;
}

kiln_status kiln_internal_conv_geometry_nhwc(
    const kiln_conv_params *params, const kiln_shape *in_shape,
    const float *input, const kiln_shape *filter_shape, const float *weights,
    const kiln_shape *out_shape, const float *output, kiln_conv_geometry *g) {
  if (in_shape == NULL || filter_shape == NULL || out_shape == NULL)
    return KILN_ERR_NULL;
  kiln_shape hwio = *filter_shape;
  int32_t nr = 0;
  if (filter_shape->rank == KILN_PACKED_FILTER_RANK) {
    /* A pre-packed filter [G, P, kH, kW, C/G, NR] is checked against the
     * call's groups, C and M here (its panels are indexed by them, so a
     * mismatch would read out of bounds), then goes through the HWIO checks
     * as the [kH, kW, C/G, M] it packs. */
    if (params == NULL)
      return KILN_ERR_NULL;
    if (in_shape->rank != 4 || out_shape->rank != 4)
      return KILN_ERR_ARG;
    const int32_t *d = filter_shape->dims;
    const int32_t groups = params->groups, ch = in_shape->dims[3];
    const int32_t m = out_shape->dims[3];
    if (groups < 1 || d[0] != groups || m < 1 || m % groups != 0 || d[2] < 1 ||
        d[3] < 1 || d[4] < 1 || (int64_t)d[4] * groups != ch || d[5] < 1 ||
        d[5] > 64 || d[1] != (m / groups + d[5] - 1) / d[5])
      return KILN_ERR_ARG;
    nr = d[5];
    hwio.rank = 4;
    hwio.dims[0] = d[2], hwio.dims[1] = d[3], hwio.dims[2] = d[4];
    hwio.dims[3] = m;
  }
  /* N,H,W,C -> N,C,H,W and kH,kW,C/g,M -> M,C/g,kH,kW. */
  const kiln_shape in = kiln_nhwc_view(in_shape, 0, 3, 1, 2);
  const kiln_shape out = kiln_nhwc_view(out_shape, 0, 3, 1, 2);
  const kiln_shape filt = kiln_nhwc_view(&hwio, 3, 2, 0, 1);
  kiln_status st = kiln_internal_conv_geometry(params, &in, input, &filt,
                                               weights, &out, output, g);
  if (st == KILN_OK)
    g->nr = nr;
  return st;
}

/* Taps t in [0, taps) with lo <= start + t * dilation < hi, as [*t0, *t1). */
static void kiln_taps_range(int32_t start, int32_t taps, int32_t dilation,
                            int32_t lo, int32_t hi, int32_t *t0, int32_t *t1) {
  int32_t a = 0, b = taps;
  while (a < b && start + a * dilation < lo)
    ++a;
  while (b > a && start + (b - 1) * dilation >= hi)
    --b;
  *t0 = a;
  *t1 = b;
}

void kiln_internal_pool_window_nhwc(const kiln_pool_params *p, int32_t h,
                                    int32_t w, int32_t oh, int32_t ow,
                                    kiln_pool_window *win) {
  win->h0 = oh * p->stride[0] - p->pad[0];
  win->w0 = ow * p->stride[1] - p->pad[1];
  kiln_taps_range(win->h0, p->kernel[0], p->dilation[0], 0, h, &win->kh0,
                  &win->kh1);
  kiln_taps_range(win->w0, p->kernel[1], p->dilation[1], 0, w, &win->kw0,
                  &win->kw1);
  if (p->count_include_pad) {
    /* ONNX counts padding taps but never the taps a ceil_mode window hangs
     * past the end padding. */
    int32_t a0, a1, b0, b1;
    kiln_taps_range(win->h0, p->kernel[0], p->dilation[0], -p->pad[0],
                    h + p->pad[2], &a0, &a1);
    kiln_taps_range(win->w0, p->kernel[1], p->dilation[1], -p->pad[1],
                    w + p->pad[3], &b0, &b1);
    win->count = (a1 - a0) * (b1 - b0);
  } else {
    win->count = (win->kh1 - win->kh0) * (win->kw1 - win->kw0);
  }
}
