/* kiln_resize_linear_f32: ONNX Resize mode=linear (bilinear on the last two
 * axes). */
#include "internal/kiln_iter.h"
#include "internal/kiln_resize_coord.h"

/* Integer neighbours and weight of source coordinate x, clamped as ONNX
 * Runtime does for every mode except tf_crop_and_resize. */
typedef struct {
  int32_t lo, hi;
  float frac;
} kiln_lerp_tap;

static kiln_lerp_tap kiln_lerp_tap_at(float x, int32_t len) {
  kiln_lerp_tap t;
  if (x < 0.0f)
    x = 0.0f;
  if (x > (float)(len - 1))
    x = (float)(len - 1);
  t.lo = (int32_t)x;
  t.hi = kiln_clamp_index(t.lo + 1, len);
  t.frac = x - (float)t.lo;
  return t;
}

/**
 * @brief ONNX Resize (mode "linear") on the last two axes: bilinear for
 *        NCHW images, linear when only the last axis changes.
 *
 * @param[in]  params    coord mode and per-axis scales (<= 0: out/in);
 *                       nearest mode is ignored
 * @param[in]  in_shape  rank 2..KILN_MAX_RANK, every dim >= 1
 * @param[in]  input     kiln_numel(in_shape) elements
 * @param[in]  out_shape same rank; only the last two dims may differ
 * @param[out] output    kiln_numel(out_shape) elements; no aliasing
 * @return KILN_OK; KILN_ERR_NULL for a NULL pointer; KILN_ERR_ARG for a rank
 *         mismatch or an empty axis; KILN_ERR_UNSUPPORTED when a leading axis
 *         is resized (trilinear and beyond are not provided).
 */
kiln_status kiln_resize_linear_f32(const kiln_resize_params *params,
                                   const kiln_shape *in_shape,
                                   const float *input,
                                   const kiln_shape *out_shape, float *output) {
  if (params == NULL || in_shape == NULL || input == NULL ||
      out_shape == NULL || output == NULL)
    return KILN_ERR_NULL;
  const int32_t rank = in_shape->rank;
  if (rank < 2 || rank > KILN_MAX_RANK || out_shape->rank != rank)
    return KILN_ERR_ARG;
  for (int32_t d = 0; d < rank; ++d) {
    if (in_shape->dims[d] < 1)
      return KILN_ERR_ARG;
    if (d < rank - 2 && in_shape->dims[d] != out_shape->dims[d])
      return KILN_ERR_UNSUPPORTED;
  }
  const int32_t h = in_shape->dims[rank - 2], w = in_shape->dims[rank - 1];
  const int32_t oh_n = out_shape->dims[rank - 2];
  const int32_t ow_n = out_shape->dims[rank - 1];
  const int32_t planes = kiln_dims_product(in_shape, 0, rank - 2);
  for (int32_t p = 0; p < planes; ++p) {
    const float *src = input + (ptrdiff_t)p * h * w;
    float *dst = output + (ptrdiff_t)p * oh_n * ow_n;
    for (int32_t oy = 0; oy < oh_n; ++oy) {
      const kiln_lerp_tap ty = kiln_lerp_tap_at(
          kiln_resize_source(params, rank - 2, oy, h, oh_n), h);
      for (int32_t ox = 0; ox < ow_n; ++ox) {
        const kiln_lerp_tap tx = kiln_lerp_tap_at(
            kiln_resize_source(params, rank - 1, ox, w, ow_n), w);
        const float top = src[ty.lo * w + tx.lo] * (1.0f - tx.frac) +
                          src[ty.lo * w + tx.hi] * tx.frac;
        const float bottom = src[ty.hi * w + tx.lo] * (1.0f - tx.frac) +
                             src[ty.hi * w + tx.hi] * tx.frac;
        dst[oy * ow_n + ox] = top * (1.0f - ty.frac) + bottom * ty.frac;
      }
    }
  }
  return KILN_OK;
}
