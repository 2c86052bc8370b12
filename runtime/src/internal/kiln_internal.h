/* Loops shared by several public kernels; each family's kernels are thin
 * wrappers so the iteration logic exists exactly once. Not part of the ABI. */
#ifndef KILN_INTERNAL_H
#define KILN_INTERNAL_H

#include "kiln/runtime.h"
#include "kiln_isa.h"

#include <stddef.h>

typedef float (*kiln_unary_fn)(float);
typedef float (*kiln_binary_fn)(float, float);

/* out[i] = fn(in[i]); validates pointers and count. */
kiln_status kiln_internal_map_f32(kiln_unary_fn fn, const float *in, float *out,
                                  int32_t count);

/* out[i] = act(in[i] + (residual ? residual[i] : 0)); act NULL is identity. */
kiln_status kiln_internal_epilogue_f32(const kiln_activation *act,
                                       const float *residual, const float *in,
                                       float *out, int32_t count);

/* out = fn(a, b) with numpy broadcasting of a and b to out_shape. */
kiln_status kiln_internal_binary_f32(kiln_binary_fn fn,
                                     const kiln_shape *a_shape, const float *a,
                                     const kiln_shape *b_shape, const float *b,
                                     const kiln_shape *out_shape, float *out);

/* Copies the elements of `input` visited by `space` with per-axis strides
 * from base (in elements) into contiguous `output`. */
void kiln_internal_strided_copy(const kiln_shape *space, const int32_t *strides,
                                int32_t base, const void *input, void *output,
                                int32_t elem_size);

/* out[m x n] = a[m x k] . b[k x n] with arbitrary row/column strides, so
 * transposed operands need no copy. */
void kiln_internal_matmul_f32(int32_t m, int32_t n, int32_t k, const float *a,
                              int32_t a_row, int32_t a_col, const float *b,
                              int32_t b_row, int32_t b_col, float *out);

typedef enum {
  KILN_REDUCE_SUM,
  KILN_REDUCE_MEAN,
  KILN_REDUCE_MAX,
  KILN_REDUCE_MIN
} kiln_reduce_kind;

kiln_status kiln_internal_reduce_f32(kiln_reduce_kind kind,
                                     const kiln_shape *in_shape,
                                     const float *input, uint32_t axes_mask,
                                     float *output);

kiln_status kiln_internal_pool2d_f32(int is_max, const kiln_pool_params *params,
                                     const kiln_shape *in_shape,
                                     const float *input,
                                     const kiln_shape *out_shape,
                                     float *output);

kiln_status kiln_internal_softmax_f32(int is_log, const float *input,
                                      float *output, int32_t outer,
                                      int32_t axis_size, int32_t inner);

/* Moves [outer, part_i, inner] blocks between one tensor and n parts; concat
 * gathers into `whole`, split scatters out of it. Parts are written only when
 * to_whole is 0. */
void kiln_internal_blocks(int to_whole, int32_t outer, int32_t n_parts,
                          const int32_t *part_bytes, void *whole,
                          void *const *parts);

/* Quantisation over [outer, axis_size, inner]. is_signed selects int8 vs
 * uint8 storage of output/zero_point. */
kiln_status kiln_internal_quantize(int is_signed, const float *input,
                                   void *output, const float *scale,
                                   const void *zero_point, int32_t outer,
                                   int32_t axis_size, int32_t inner);
kiln_status kiln_internal_dequantize(int is_signed, const void *input,
                                     float *output, const float *scale,
                                     const void *zero_point, int32_t outer,
                                     int32_t axis_size, int32_t inner);

/* Checks the common (params, in_shape, input, out_shape, output) arguments of
 * NCHW kernels. */
kiln_status kiln_internal_check_nchw(const void *params,
                                     const kiln_shape *in_shape,
                                     const void *input,
                                     const kiln_shape *out_shape,
                                     const void *output);

/* Dimensions shared by Conv and ConvTranspose, read once from the shapes. */
typedef struct {
  int32_t batch, ch, h, w;  /* input N, C, H, W */
  int32_t m, oh, ow;        /* output channels and spatial size */
  int32_t kh, kw;           /* filter spatial size */
  int32_t c_per_g, m_per_g; /* channels per group, in and out */
  int32_t nr; /* 0: plain filter; else the NHWC pre-packed filter's panel
               * width (runtime.h, rank 6 [G, P, kH, kW, C/G, NR]) */
} kiln_conv_geometry;

/* Checks Conv/ConvTranspose arguments and fills `g`. */
/* Copies the NCHW dims of a rank-4 conv into g (ranks already checked);
 * shared by the float and int8 geometry checks. */
void kiln_internal_conv_dims(const kiln_shape *in_shape,
                             const kiln_shape *filter_shape,
                             const kiln_shape *out_shape,
                             kiln_conv_geometry *g);
kiln_status kiln_internal_conv_geometry(
    const kiln_conv_params *params, const kiln_shape *in_shape,
    const float *input, const kiln_shape *filter_shape, const float *weights,
    const kiln_shape *out_shape, const float *output, kiln_conv_geometry *g);

/* Reduces every axis after N, C (GlobalAveragePool / GlobalMaxPool). */
kiln_status kiln_internal_global_pool_f32(kiln_reduce_kind kind,
                                          const kiln_shape *in_shape,
                                          const float *input, float *output);

/* The reference kernels need no scratch; ISA variants override per kernel. */
static inline int32_t kiln_reference_scratch_size(void) { return 0; }

#endif /* KILN_INTERNAL_H */
