/* The NHWC sliding window behind MaxPool/AveragePool and the global pools. */
#include "kiln_nhwc.h"
#include "kiln_ref.h"

#include <math.h>

/* Per channel, the arithmetic of the NCHW reference (kiln_pool_core.c) in
 * its order (taps row by row; a NaN tap wins a max and stays; the sum is
 * divided by the divisor once), so the two layouts agree bit for bit. The
 * channel loop is innermost: every tap is one contiguous run of C floats. */
kiln_status KILN_REF(kiln_internal_pool2d_nhwc_f32)(
    int is_max, const kiln_pool_params *p, const kiln_shape *in_shape,
    const float *input, const kiln_shape *out_shape, float *output) {
  kiln_status st =
      kiln_internal_check_nchw(p, in_shape, input, out_shape, output);
  if (st != KILN_OK)
    return st;
  const int32_t batch = in_shape->dims[0], h = in_shape->dims[1],
                w = in_shape->dims[2], ch = in_shape->dims[3];
  const int32_t oh_n = out_shape->dims[1], ow_n = out_shape->dims[2];
  const float init = is_max ? -INFINITY : 0.0f;
  float *dst = output;
  for (int32_t n = 0; n < batch; ++n) {
    const float *img = input + (ptrdiff_t)n * h * w * ch;
    for (int32_t oh = 0; oh < oh_n; ++oh) {
      for (int32_t ow = 0; ow < ow_n; ++ow, dst += ch) {
        kiln_pool_window win;
        kiln_internal_pool_window_nhwc(p, h, w, oh, ow, &win);
        for (int32_t c = 0; c < ch; ++c)
          dst[c] = init;
        for (int32_t kh = win.kh0; kh < win.kh1; ++kh) {
          const int32_t ih = win.h0 + kh * p->dilation[0];
          for (int32_t kw = win.kw0; kw < win.kw1; ++kw) {
            const int32_t iw = win.w0 + kw * p->dilation[1];
            const float *px = img + ((ptrdiff_t)ih * w + iw) * ch;
            if (is_max) {
              for (int32_t c = 0; c < ch; ++c) {
                const float v = px[c];
                dst[c] = (v > dst[c] || v != v) ? v : dst[c];
              }
            } else {
              for (int32_t c = 0; c < ch; ++c)
                dst[c] += px[c];
            }
          }
        }
        if (!is_max)
          for (int32_t c = 0; c < ch; ++c)
            dst[c] = win.count > 0 ? dst[c] / (float)win.count : 0.0f;
      }
    }
  }
  return KILN_OK;
}

/* The NCHW global pools' reduction (kiln_reduce_core.c) over H and W of the
 * NHWC tensor: the same walk, so the same sums and NaN rule. */
kiln_status KILN_REF(kiln_internal_global_pool_nhwc_f32)(
    kiln_reduce_kind kind, const kiln_shape *in_shape, const float *input,
    float *output) {
  if (in_shape == NULL)
    return KILN_ERR_NULL;
  if (in_shape->rank != 4)
    return KILN_ERR_ARG;
  return KILN_REF(kiln_internal_reduce_f32)(kind, in_shape, input, 0x6u,
                                            output);
}
