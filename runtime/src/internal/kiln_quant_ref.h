/* The C reference quantise/dequantise loops under their _ref names. */
#ifndef KILN_INTERNAL_QUANT_REF_H
#define KILN_INTERNAL_QUANT_REF_H

/* Kept beside kiln_ref.h rather than in it so the quant kernels own their
 * declarations; the AVX2/AVX-512 variants (kiln_quant_core_avx2.c) fall back
 * to these and the ISA tests compare against them bit for bit. */
#ifdef __cplusplus
extern "C" {
#endif

#include "kiln_internal.h"
#include "kiln_isa.h"

/* Defined only where KILN_HAVE_AVX2 (kiln_isa.h) builds the variants; the
 * test binaries see these without the -mavx2 flags, so no #if here. */
kiln_status kiln_internal_quantize_ref(int is_signed, const float *input,
                                       void *output, const float *scale,
                                       const void *zero_point, int32_t outer,
                                       int32_t axis_size, int32_t inner);
kiln_status kiln_internal_dequantize_ref(int is_signed, const void *input,
                                         float *output, const float *scale,
                                         const void *zero_point, int32_t outer,
                                         int32_t axis_size, int32_t inner);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* KILN_INTERNAL_QUANT_REF_H */
