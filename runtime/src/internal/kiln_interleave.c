/* Plain-C (de)interleave of a few streams: the reference build's fast path
 * for NCHW <-> NHWC transposes and the NHWC channel shuffle. */
#include "kiln_movement.h"

#include <string.h>

/* Constant n and e after inlining: the compiler unrolls the i loop into n
 * word moves per j (and may vectorise it), instead of the run loop's one
 * call per element. */
static inline __attribute__((always_inline)) void
kiln_ilv(unsigned char *out, const unsigned char *in, int32_t n, int32_t m,
         ptrdiff_t stride, int32_t batch, ptrdiff_t batch_step, int32_t e) {
  for (int32_t b = 0; b < batch; ++b, in += batch_step * e)
    for (int32_t j = 0; j < m; ++j, out += (ptrdiff_t)n * e)
      for (int32_t i = 0; i < n; ++i)
        memcpy(out + (ptrdiff_t)i * e, in + ((ptrdiff_t)i * stride + j) * e,
               (size_t)e);
}

static inline __attribute__((always_inline)) void
kiln_dilv(unsigned char *out, const unsigned char *in, int32_t n, int32_t m,
          ptrdiff_t step, int32_t batch, ptrdiff_t batch_step, int32_t e) {
  for (int32_t b = 0; b < batch; ++b, in += batch_step * e) {
    const unsigned char *px = in;
    for (int32_t j = 0; j < m; ++j, px += step * e)
      for (int32_t i = 0; i < n; ++i)
        memcpy(out + ((ptrdiff_t)i * m + j) * e, px + (ptrdiff_t)i * e,
               (size_t)e);
    out += (ptrdiff_t)n * m * e;
  }
}

/* One specialisation per common n, the general loop for the rest. */
#define KILN_ILV_BY_N(fn, out, in, n, m, s, batch, bstep, e)                   \
  do {                                                                         \
    switch (n) {                                                               \
    case 2:                                                                    \
      fn(out, in, 2, m, s, batch, bstep, e);                                   \
      break;                                                                   \
    case 3:                                                                    \
      fn(out, in, 3, m, s, batch, bstep, e);                                   \
      break;                                                                   \
    case 4:                                                                    \
      fn(out, in, 4, m, s, batch, bstep, e);                                   \
      break;                                                                   \
    default:                                                                   \
      fn(out, in, n, m, s, batch, bstep, e);                                   \
      break;                                                                   \
    }                                                                          \
  } while (0)

void KILN_REF(kiln_internal_interleave_u32)(void *out, const void *in,
                                            int32_t n, int32_t m,
                                            ptrdiff_t stride, int32_t batch,
                                            ptrdiff_t batch_step) {
  KILN_ILV_BY_N(kiln_ilv, (unsigned char *)out, (const unsigned char *)in, n, m,
                stride, batch, batch_step, 4);
}

void KILN_REF(kiln_internal_deinterleave_u32)(void *out, const void *in,
                                              int32_t n, int32_t m,
                                              ptrdiff_t step, int32_t batch,
                                              ptrdiff_t batch_step) {
  KILN_ILV_BY_N(kiln_dilv, (unsigned char *)out, (const unsigned char *)in, n,
                m, step, batch, batch_step, 4);
}

/* The element sizes that get their own unrolled copies; others (3, 5, 6,
 * 7) the general loop with a memcpy of elem_size. */
#define KILN_ILV_BY_E(fn, out, in, n, m, s, batch, bstep, e)                   \
  do {                                                                         \
    switch (e) {                                                               \
    case 1:                                                                    \
      KILN_ILV_BY_N(fn, out, in, n, m, s, batch, bstep, 1);                    \
      break;                                                                   \
    case 2:                                                                    \
      KILN_ILV_BY_N(fn, out, in, n, m, s, batch, bstep, 2);                    \
      break;                                                                   \
    case 8:                                                                    \
      KILN_ILV_BY_N(fn, out, in, n, m, s, batch, bstep, 8);                    \
      break;                                                                   \
    default:                                                                   \
      fn(out, in, n, m, s, batch, bstep, e);                                   \
      break;                                                                   \
    }                                                                          \
  } while (0)

void kiln_internal_interleave(void *out, const void *in, int32_t n, int32_t m,
                              ptrdiff_t stride, int32_t batch,
                              ptrdiff_t batch_step, int32_t elem_size) {
  if (elem_size == 4)
    kiln_internal_interleave_u32(out, in, n, m, stride, batch, batch_step);
  else
    KILN_ILV_BY_E(kiln_ilv, (unsigned char *)out, (const unsigned char *)in, n,
                  m, stride, batch, batch_step, elem_size);
}

void kiln_internal_deinterleave(void *out, const void *in, int32_t n, int32_t m,
                                ptrdiff_t step, int32_t batch,
                                ptrdiff_t batch_step, int32_t elem_size) {
  if (elem_size == 4)
    kiln_internal_deinterleave_u32(out, in, n, m, step, batch, batch_step);
  else
    KILN_ILV_BY_E(kiln_dilv, (unsigned char *)out, (const unsigned char *)in, n,
                  m, step, batch, batch_step, elem_size);
}
