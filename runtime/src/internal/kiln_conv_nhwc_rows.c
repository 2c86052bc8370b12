/* Row pointers of the NHWC indirect GEMM (AVX2 and AVX-512 builds). */
#include "kiln_nhwc.h"

#include <string.h>

#if KILN_HAVE_AVX2

void kiln_internal_nhwc_rows_init(const kiln_conv_params *params,
                                  const kiln_conv_geometry *g,
                                  kiln_nhwc_rows *rows) {
  rows->params = params;
  rows->g = g;
  /* Without groups and with adjacent column taps, the kw taps of one kernel
   * row are one contiguous run of kW * C floats: a tap of the GEMM is then a
   * kernel row, which cuts the pointer work kW-fold (and makes a 3-channel
   * stem's k-runs 3 * kW long instead of 3). */
  rows->by_row = params->groups == 1 && params->dilation[1] == 1;
  rows->taps = rows->by_row ? g->kh : g->kh * g->kw;
  rows->run = rows->by_row ? g->kw * g->c_per_g : g->c_per_g;
}

void kiln_internal_nhwc_rows(const kiln_nhwc_rows *rows, const float *img,
                             int32_t i0, int32_t mr, int32_t mr_max, int32_t t0,
                             int32_t ntaps, int32_t c0, int32_t kc,
                             const float *zeros, float *edge,
                             const float **ptrs) {
  const kiln_conv_params *p = rows->params;
  const kiln_conv_geometry *g = rows->g;
  int32_t oh = i0 / g->ow, ow = i0 - oh * g->ow;
  for (int32_t r = 0; r < mr_max; ++r) {
    /* Rows past the last pixel repeat it: wasted lanes, never bad reads. */
    if (r > 0 && r < mr && ++ow == g->ow)
      ow = 0, ++oh;
    const int32_t h0 = oh * p->stride[0] - p->pad[0];
    const int32_t w0 = ow * p->stride[1] - p->pad[1];
    for (int32_t t = 0; t < ntaps; ++t) {
      const float **dst = ptrs + (ptrdiff_t)t * mr_max + r;
      int32_t ih, iw;
      if (rows->by_row) {
        ih = h0 + (t0 + t) * p->dilation[0];
        iw = w0;
      } else {
        const int32_t kh = (t0 + t) / g->kw, kw = (t0 + t) - kh * g->kw;
        ih = h0 + kh * p->dilation[0];
        iw = w0 + kw * p->dilation[1];
      }
      if (ih < 0 || ih >= g->h) {
        *dst = zeros;
        continue;
      }
      const float *line = img + (ptrdiff_t)ih * g->w * g->ch;
      if (!rows->by_row) {
        *dst = iw >= 0 && iw < g->w ? line + (ptrdiff_t)iw * g->ch + c0 : zeros;
        continue;
      }
      /* Pixels [iw + c0 / C, iw + (c0 + kc - 1) / C] hold the slice. */
      const int32_t first = iw + c0 / g->ch;
      const int32_t last = iw + (c0 + kc - 1) / g->ch;
      if (first >= 0 && last < g->w) {
        *dst = line + (ptrdiff_t)iw * g->ch + c0;
        continue;
      }
      /* A window hanging over the left or right edge: its slice, with
       * zeros for the padding columns, goes into this row's edge buffer. */
      float *buf = edge + ((ptrdiff_t)t * mr_max + r) * kc;
      for (int32_t e = 0; e < kc;) {
        const int32_t px = iw + (c0 + e) / g->ch, c = (c0 + e) % g->ch;
        int32_t len = g->ch - c;
        if (len > kc - e)
          len = kc - e;
        if (px >= 0 && px < g->w)
          memcpy(buf + e, line + (ptrdiff_t)px * g->ch + c,
                 (size_t)len * sizeof(float));
        else
          memset(buf + e, 0, (size_t)len * sizeof(float));
        e += len;
      }
      *dst = buf;
    }
  }
}

#endif /* KILN_HAVE_AVX2 */
