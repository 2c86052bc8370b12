/* The 2-D sliding window shared by MaxPool and AveragePool. */
#include "kiln_internal.h"
#include "kiln_iter.h"
#include "kiln_ref.h"

#include <math.h>

kiln_status kiln_internal_check_nchw(const void *params,
                                     const kiln_shape *in_shape,
                                     const void *input,
                                     const kiln_shape *out_shape,
                                     const void *output) {
  if (params == NULL || in_shape == NULL || input == NULL ||
      out_shape == NULL || output == NULL)
    return KILN_ERR_NULL;
  if (in_shape->rank != 4 || out_shape->rank != 4)
    return KILN_ERR_ARG;
  return KILN_OK;
}

/* Taps of a window starting at `start` that fall inside [lo, hi). */
static int32_t kiln_taps_inside(int32_t start, int32_t taps, int32_t dilation,
                                int32_t lo, int32_t hi) {
  int32_t n = 0;
  for (int32_t t = 0; t < taps; ++t) {
    int32_t pos = start + t * dilation;
    n += (pos >= lo && pos < hi) ? 1 : 0;
  }
  return n;
}

kiln_status KILN_REF(kiln_internal_pool2d_f32)(int is_max,
                                               const kiln_pool_params *p,
                                               const kiln_shape *in_shape,
                                               const float *input,
                                               const kiln_shape *out_shape,
                                               float *output) {
  kiln_status st =
      kiln_internal_check_nchw(p, in_shape, input, out_shape, output);
  if (st != KILN_OK)
    return st;
  const int32_t h = in_shape->dims[2], w = in_shape->dims[3];
  const int32_t oh_n = out_shape->dims[2], ow_n = out_shape->dims[3];
  const int32_t planes = in_shape->dims[0] * in_shape->dims[1];
  for (int32_t pl = 0; pl < planes; ++pl) {
    const float *plane = input + (ptrdiff_t)pl * h * w;
    float *dst = output + (ptrdiff_t)pl * oh_n * ow_n;
    for (int32_t oh = 0; oh < oh_n; ++oh) {
      const int32_t h0 = oh * p->stride[0] - p->pad[0];
      for (int32_t ow = 0; ow < ow_n; ++ow) {
        const int32_t w0 = ow * p->stride[1] - p->pad[1];
        float acc = is_max ? -INFINITY : 0.0f;
        int32_t valid = 0;
        for (int32_t kh = 0; kh < p->kernel[0]; ++kh) {
          const int32_t ih = h0 + kh * p->dilation[0];
          if (ih < 0 || ih >= h)
            continue;
          for (int32_t kw = 0; kw < p->kernel[1]; ++kw) {
            const int32_t iw = w0 + kw * p->dilation[1];
            if (iw < 0 || iw >= w)
              continue;
            const float v = plane[ih * w + iw];
            if (is_max)
              acc = (v > acc || v != v) ? v : acc;
            else
              acc += v;
            ++valid;
          }
        }
        if (!is_max) {
          /* ONNX counts padding taps but never the taps a ceil_mode window
           * hangs past the end padding. */
          int32_t count = valid;
          if (p->count_include_pad)
            count = kiln_taps_inside(h0, p->kernel[0], p->dilation[0],
                                     -p->pad[0], h + p->pad[2]) *
                    kiln_taps_inside(w0, p->kernel[1], p->dilation[1],
                                     -p->pad[1], w + p->pad[3]);
          acc = count > 0 ? acc / (float)count : 0.0f;
        }
        dst[oh * ow_n + ow] = acc;
      }
    }
  }
  return KILN_OK;
}
