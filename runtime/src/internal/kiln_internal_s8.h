/* Argument checks and loops shared by the int8 kernels. Not part of the ABI. */
#ifndef KILN_INTERNAL_S8_H
#define KILN_INTERNAL_S8_H

#include "kiln_internal.h"
#include "kiln_requant.h"

/* The ranges runtime.h promises for the int8 scheme. The kernels check them
 * because the ISA variants rely on them: (q + input_offset) must fit int16
 * for the vpmaddwd products, and the clamp is applied as
 * clamp(r, lo - offset, hi - offset) + offset, exact only in these ranges. */
static inline int kiln_s8_act_ok(int32_t act_min, int32_t act_max) {
  return act_min >= -128 && act_min <= act_max && act_max <= 127;
}
static inline int kiln_s8_input_offset_ok(int32_t offset) {
  return offset >= -127 && offset <= 128;
}
static inline int kiln_s8_output_offset_ok(int32_t offset) {
  return offset >= -128 && offset <= 127;
}
/* multiplier in [0, 2^31) (runtime.h asks for [2^30, 2^31) or 0; any
 * non-negative value computes the same in every variant), shift in [-31, 30].
 */
static inline int kiln_s8_requant_ok(kiln_requant rq) {
  return rq.multiplier >= 0 && rq.shift >= -31 && rq.shift <= 30;
}
int kiln_s8_requant_all_ok(const kiln_requant *rq, int32_t count);

/* Checks kiln_conv2d_s8's arguments and fills `g` (the float kernels'
 * geometry struct): rank-4 shapes, groups dividing C and M, filter dims
 * matching, output no larger than the padded input allows, offsets, clamp
 * and every requant[m] in range. */
kiln_status kiln_internal_conv_s8_geometry(
    const kiln_conv_s8_params *params, const kiln_requant *requant,
    const kiln_shape *in_shape, const int8_t *input,
    const kiln_shape *filter_shape, const int8_t *weights,
    const kiln_shape *out_shape, const int8_t *output, kiln_conv_geometry *g);

/* Scratch bytes of the AVX2 kiln_conv2d_s8 (plain C, so every build can
 * answer kiln_conv2d_s8_scratch_size_for): packed weights plus one B panel,
 * or for depthwise one zero-point-padded input plane; -1 when it would not
 * fit int32. The layouts are in kiln_conv_avx2_s8.c. */
int64_t kiln_internal_conv_s8_scratch_avx2(const kiln_conv_s8_params *p,
                                           const kiln_conv_geometry *g);
#define KILN_S8_MR 4        /* rows of the AVX2 int8 GEMM tile */
#define KILN_S8_NR 16       /* columns (output pixels) of its B panels */
#define KILN_S8_DW_SLACK 64 /* bytes past a padded depthwise plane */

/* Pool window arithmetic shared by the int8 pools and their ISA variants. */
typedef struct {
  int32_t h, w, oh, ow, planes;
} kiln_pool_s8_geometry;

kiln_status
kiln_internal_pool_s8_check(const kiln_pool_params *params, int32_t act_min,
                            int32_t act_max, const kiln_shape *in_shape,
                            const int8_t *input, const kiln_shape *out_shape,
                            const int8_t *output, kiln_pool_s8_geometry *g);

/* The reference pools: every output through the window functions below. */
kiln_status kiln_internal_pool2d_s8(int is_max, const kiln_pool_params *p,
                                    int32_t act_min, int32_t act_max,
                                    const kiln_shape *in_shape,
                                    const int8_t *input,
                                    const kiln_shape *out_shape,
                                    int8_t *output);

/* One output of the reference pools at (oh, ow) of `plane`, before the
 * clamp; the AVX2 pools use it for the windows that cross an edge. */
int32_t kiln_internal_max_pool_s8_at(const kiln_pool_params *p,
                                     const kiln_pool_s8_geometry *g,
                                     const int8_t *plane, int32_t oh,
                                     int32_t ow);
int32_t kiln_internal_avg_pool_s8_at(const kiln_pool_params *p,
                                     const kiln_pool_s8_geometry *g,
                                     const int8_t *plane, int32_t oh,
                                     int32_t ow);

/* The divisor of an average-pool window, as kiln_avg_pool2d_f32 counts it:
 * count_include_pad counts taps inside the padded extent (never the ones a
 * ceil_mode window hangs past it), otherwise only taps inside the input. */
int32_t kiln_internal_avg_pool_s8_count(const kiln_pool_params *p,
                                        const kiln_pool_s8_geometry *g,
                                        int32_t oh, int32_t ow);

/* TFLite's average-pool rounding: sum / count, half away from zero. */
static inline int32_t kiln_div_round_away(int32_t sum, int32_t count) {
  return sum > 0 ? (sum + count / 2) / count : (sum - count / 2) / count;
}

#endif /* KILN_INTERNAL_S8_H */
