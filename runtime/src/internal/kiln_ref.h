/* The reference kernels that have an ISA variant, under their _ref names. */
#ifndef KILN_INTERNAL_REF_H
#define KILN_INTERNAL_REF_H

/* Only defined where an ISA variant takes the public name (KILN_HAVE_AVX2);
 * the variants fall back to these for cases they do not specialise, and the
 * ISA tests compare against them. */
#ifdef __cplusplus
extern "C" {
#endif

/* Inside the C linkage block: kiln_internal.h is plain C without its own. */
#include "kiln_internal.h"

kiln_status kiln_gemm_f32_ref(const kiln_gemm_params *params, const float *a,
                              const float *b, const kiln_shape *c_shape,
                              const float *c, float *y);
kiln_status kiln_conv2d_f32_ref(const kiln_conv_params *params,
                                const kiln_shape *in_shape, const float *input,
                                const kiln_shape *filter_shape,
                                const float *weights, const float *bias,
                                const float *residual,
                                const kiln_shape *out_shape, float *output,
                                void *scratch);
kiln_binary_f32_fn kiln_add_f32_ref;
kiln_binary_f32_fn kiln_mul_f32_ref;
kiln_unary_f32_fn kiln_exp_f32_ref;
kiln_unary_f32_fn kiln_erf_f32_ref;

void kiln_internal_matmul_f32_ref(int32_t m, int32_t n, int32_t k,
                                  const float *a, int32_t a_row, int32_t a_col,
                                  const float *b, int32_t b_row, int32_t b_col,
                                  float *out);
kiln_status kiln_internal_epilogue_f32_ref(const kiln_activation *act,
                                           const float *residual,
                                           const float *in, float *out,
                                           int32_t count);
kiln_status
kiln_internal_pool2d_f32_ref(int is_max, const kiln_pool_params *params,
                             const kiln_shape *in_shape, const float *input,
                             const kiln_shape *out_shape, float *output);
kiln_status kiln_internal_global_pool_f32_ref(kiln_reduce_kind kind,
                                              const kiln_shape *in_shape,
                                              const float *input,
                                              float *output);
kiln_status kiln_internal_reduce_f32_ref(kiln_reduce_kind kind,
                                         const kiln_shape *in_shape,
                                         const float *input,
                                         uint32_t axes_mask, float *output);
kiln_status kiln_internal_softmax_f32_ref(int is_log, const float *input,
                                          float *output, int32_t outer,
                                          int32_t axis_size, int32_t inner);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* KILN_INTERNAL_REF_H */
