/* ONNX Resize coordinate transforms shared by the nearest and linear kernels.
 */
#ifndef KILN_INTERNAL_RESIZE_COORD_H
#define KILN_INTERNAL_RESIZE_COORD_H

#include "kiln/runtime.h"

#include <math.h>

/* Source coordinate (in input pixels) of output index x along axis d. */
static inline float kiln_resize_source(const kiln_resize_params *p, int32_t d,
                                       int32_t x, int32_t in_len,
                                       int32_t out_len) {
  /* ONNX uses the given scale when `scales` was the input; recomputing
   * out/in from sizes would shift pixels when out = floor(in * scale). */
  const float scale =
      p->scales[d] > 0.0f ? p->scales[d] : (float)out_len / (float)in_len;
  switch (p->coord) {
  case KILN_RESIZE_ASYMMETRIC:
    return (float)x / scale;
  case KILN_RESIZE_ALIGN_CORNERS:
    return out_len == 1 ? 0.0f
                        : (float)x * (float)(in_len - 1) / (float)(out_len - 1);
  case KILN_RESIZE_PYTORCH_HALF_PIXEL:
    return out_len > 1 ? ((float)x + 0.5f) / scale - 0.5f : 0.0f;
  case KILN_RESIZE_HALF_PIXEL:
  default:
    return ((float)x + 0.5f) / scale - 0.5f;
  }
}

static inline int32_t kiln_clamp_index(int32_t i, int32_t len) {
  return i < 0 ? 0 : (i >= len ? len - 1 : i);
}

/* Nearest input index for source coordinate x, clamped into the input. */
static inline int32_t kiln_resize_nearest_index(kiln_nearest_mode mode, float x,
                                                int32_t in_len) {
  const float f = floorf(x);
  const float frac = x - f;
  int32_t i = (int32_t)f;
  switch (mode) {
  case KILN_NEAREST_FLOOR:
    break;
  case KILN_NEAREST_CEIL:
    i += frac > 0.0f ? 1 : 0;
    break;
  case KILN_NEAREST_ROUND_PREFER_CEIL:
    i += frac >= 0.5f ? 1 : 0;
    break;
  case KILN_NEAREST_ROUND_PREFER_FLOOR:
  default:
    i += frac > 0.5f ? 1 : 0;
    break;
  }
  return kiln_clamp_index(i, in_len);
}

#endif /* KILN_INTERNAL_RESIZE_COORD_H */
