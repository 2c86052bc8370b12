/* kiln_conv2d_s8, AVX2 and AVX-512: implicit GEMM, depthwise direct. */
#include "internal/kiln_avx512_s8.h"
#include "internal/kiln_ref_s8.h"

#if KILN_HAVE_AVX2
/* Same contract as the reference (kiln_conv2d_s8.c), bit for bit. One input
 * channel per group (depthwise, any multiplier) runs direct over a padded
 * copy of each input plane in the scratch; everything else is a GEMM per
 * group over weights and B panels packed into the scratch (1x1 stride-1
 * unpadded convolutions read B rows straight from the input). A NULL scratch
 * falls back to the reference: correct, only slower. */
kiln_status kiln_conv2d_s8(const kiln_conv_s8_params *params,
                           const kiln_requant *requant,
                           const kiln_shape *in_shape, const int8_t *input,
                           const kiln_shape *filter_shape,
                           const int8_t *weights, const int32_t *bias,
                           const kiln_shape *out_shape, int8_t *output,
                           void *scratch) {
  kiln_conv_geometry g;
  kiln_status st = kiln_internal_conv_s8_geometry(params, requant, in_shape,
                                                  input, filter_shape, weights,
                                                  out_shape, output, &g);
  if (st != KILN_OK)
    return st;
  if (scratch == NULL || kiln_internal_conv_s8_scratch_avx2(params, &g) < 0)
    return kiln_conv2d_s8_ref(params, requant, in_shape, input, filter_shape,
                              weights, bias, out_shape, output, scratch);
  if (g.c_per_g == 1) {
#if KILN_HAVE_AVX512
    if (kiln_avx512_conv_s8_depthwise_ok(params, &g)) {
      kiln_avx512_conv_s8_depthwise(params, requant, &g, input, weights, bias,
                                    output, scratch);
      return KILN_OK;
    }
#endif
    kiln_avx2_conv_s8_depthwise(params, requant, &g, input, weights, bias,
                                output, scratch);
    return KILN_OK;
  }
#if KILN_HAVE_AVX512
  /* The 4-byte-dot GEMM needs less scratch than the AVX2 one the compiler
   * plans (KILN_ISA_AVX2 also sizes AVX-512 builds) for every shape with
   * more than a few weights per channel; the rest stay on AVX2. */
  if (kiln_internal_conv_s8_scratch_avx512(params, &g) <=
      kiln_internal_conv_s8_scratch_avx2(params, &g)) {
    kiln_avx512_conv_s8_gemm(params, requant, &g, input, weights, bias, output,
                             scratch);
    return KILN_OK;
  }
#endif
  kiln_avx2_conv_s8_gemm(params, requant, &g, input, weights, bias, output,
                         scratch);
  return KILN_OK;
}
#endif /* KILN_HAVE_AVX2 */
