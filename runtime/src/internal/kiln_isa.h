/* Compile-time choice between a reference kernel and its ISA variant. */
#ifndef KILN_INTERNAL_ISA_H
#define KILN_INTERNAL_ISA_H

/* The target's own feature macros pick the variant (-mavx2 -mfma, or
 * -march=x86-64-v3 / native), so one source tree serves every target and
 * exactly one definition of each public symbol is compiled. */
#if defined(__AVX2__) && defined(__FMA__)
#define KILN_HAVE_AVX2 1
#else
#define KILN_HAVE_AVX2 0
#endif

/* AVX-512 (F, BW, DQ, VL: x86-64-v4, -march=native on Zen 4/5 or Skylake-X
 * and later) adds the 512-bit variants on top of the AVX2 ones; where both
 * exist for a kernel, the AVX-512 one takes the public name. */
#if KILN_HAVE_AVX2 && defined(__AVX512F__) && defined(__AVX512BW__) &&        \
    defined(__AVX512DQ__) && defined(__AVX512VL__)
#define KILN_HAVE_AVX512 1
#else
#define KILN_HAVE_AVX512 0
#endif

/* Names the reference definition of a kernel that has an ISA variant: the
 * public (or internal-core) name itself when no variant is compiled, or
 * NAME_ref beside the variant, so the tests can still compare the two. */
#if KILN_HAVE_AVX2
#define KILN_REF(name) name##_ref
#else
#define KILN_REF(name) name
#endif

#endif /* KILN_INTERNAL_ISA_H */
