/* The copy loops behind kiln_internal_strided_copy: the general run loop and
 * the small-axis interleave it hands the NHWC transposes to. Not ABI. */
#ifndef KILN_INTERNAL_MOVEMENT_H
#define KILN_INTERNAL_MOVEMENT_H

#include <stddef.h>
#include <stdint.h>

/* kiln_internal.h has no C++ guard of its own (kiln_ref.h wraps it). */
#ifdef __cplusplus
extern "C" {
#endif

#include "kiln_internal.h"

/* kiln_internal_strided_copy without the interleave paths: one run per
 * innermost line. Kept callable so the tests and the kernel benchmark can
 * compare the two on the same data. */
void kiln_internal_strided_copy_runs(const kiln_shape *space,
                                     const int32_t *strides, int32_t base,
                                     const void *input, void *output,
                                     int32_t elem_size);

/* Widest small axis the interleave paths take; the vector variants cover
 * n = 2..4 of 4-byte elements, the plain-C loops the rest. */
#define KILN_INTERLEAVE_MAX 8

/**
 * Interleave n streams: out[j * n + i] = in[i * stride + j] for i < n,
 * j < m (NCHW -> NHWC with n channels), `batch` times: batch b reads from
 * in + b * batch_step and writes the next n * m elements of out (the pixels
 * of ShuffleNet's NHWC channel shuffle, n = 2 groups). Strides are in
 * elements and may be 0 or negative; out must not overlap in.
 *
 * @param n          1..KILN_INTERLEAVE_MAX
 * @param m, batch   >= 0
 * @param elem_size  1, 2, 4 or 8 (others take a memcpy per element)
 */
void kiln_internal_interleave(void *out, const void *in, int32_t n, int32_t m,
                              ptrdiff_t stride, int32_t batch,
                              ptrdiff_t batch_step, int32_t elem_size);

/**
 * De-interleave into n rows: out[i * m + j] = in[j * step + i] for i < n,
 * j < m (NHWC -> NCHW with n channels; step == n unless a slice skips
 * channels), `batch` times as above.
 */
void kiln_internal_deinterleave(void *out, const void *in, int32_t n, int32_t m,
                                ptrdiff_t step, int32_t batch,
                                ptrdiff_t batch_step, int32_t elem_size);

/* The 4-byte forms: the plain-C reference under KILN_REF, the AVX2 /
 * AVX-512 variants (n = 2, 3, 4 with step == n) under the plain name. */
void kiln_internal_interleave_u32(void *out, const void *in, int32_t n,
                                  int32_t m, ptrdiff_t stride, int32_t batch,
                                  ptrdiff_t batch_step);
void kiln_internal_deinterleave_u32(void *out, const void *in, int32_t n,
                                    int32_t m, ptrdiff_t step, int32_t batch,
                                    ptrdiff_t batch_step);
void kiln_internal_interleave_u32_ref(void *out, const void *in, int32_t n,
                                      int32_t m, ptrdiff_t stride,
                                      int32_t batch, ptrdiff_t batch_step);
void kiln_internal_deinterleave_u32_ref(void *out, const void *in, int32_t n,
                                        int32_t m, ptrdiff_t step,
                                        int32_t batch, ptrdiff_t batch_step);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* KILN_INTERNAL_MOVEMENT_H */
