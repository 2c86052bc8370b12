/* The int8 reference kernels that have an ISA variant, under their _ref names.
 */
#ifndef KILN_INTERNAL_REF_S8_H
#define KILN_INTERNAL_REF_S8_H

/* Only defined where an ISA variant takes the public name (KILN_HAVE_AVX2);
 * the variants fall back to these for the cases they do not specialise, and
 * the ISA tests compare against them bit for bit. */
#ifdef __cplusplus
extern "C" {
#endif

#include "kiln/runtime.h"

kiln_status kiln_conv2d_s8_ref(const kiln_conv_s8_params *params,
                               const kiln_requant *requant,
                               const kiln_shape *in_shape, const int8_t *input,
                               const kiln_shape *filter_shape,
                               const int8_t *weights, const int32_t *bias,
                               const kiln_shape *out_shape, int8_t *output,
                               void *scratch);
kiln_status kiln_fully_connected_s8_ref(const kiln_fc_s8_params *params,
                                        const kiln_requant *requant,
                                        const int8_t *input,
                                        const int8_t *weights,
                                        const int32_t *bias, int8_t *output);
kiln_status kiln_add_s8_ref(const kiln_add_s8_params *params,
                            const kiln_shape *a_shape, const int8_t *a,
                            const kiln_shape *b_shape, const int8_t *b,
                            const kiln_shape *out_shape, int8_t *out);
kiln_status kiln_max_pool2d_s8_ref(const kiln_pool_params *params,
                                   int32_t act_min, int32_t act_max,
                                   const kiln_shape *in_shape,
                                   const int8_t *input,
                                   const kiln_shape *out_shape, int8_t *output);
kiln_status kiln_avg_pool2d_s8_ref(const kiln_pool_params *params,
                                   int32_t act_min, int32_t act_max,
                                   const kiln_shape *in_shape,
                                   const int8_t *input,
                                   const kiln_shape *out_shape, int8_t *output);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* KILN_INTERNAL_REF_S8_H */
