/* The strided matrix product under Gemm and MatMul, on the AVX2 GEMM core. */
#include "kiln_avx512.h"
#include "kiln_ref.h"

#if KILN_HAVE_AVX2
void kiln_internal_matmul_f32(int32_t m, int32_t n, int32_t k, const float *a,
                              int32_t a_row, int32_t a_col, const float *b,
                              int32_t b_row, int32_t b_col, float *out) {
  const kiln_avx2_strided_b bm = {b, b_row, b_col};
  const kiln_avx2_epilogue ep = {1.0f, NULL, 0, NULL, 0, 0, 0.0f, NULL, NULL};
  kiln_x86_gemm(m, n, k, a, a_row, a_col, kiln_avx2_pack_strided_b, &bm, out,
                 n, &ep);
}
#endif /* KILN_HAVE_AVX2 */
