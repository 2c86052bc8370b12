/* The strided matrix product under Gemm and MatMul. */
#include "kiln_ref.h"

void KILN_REF(kiln_internal_matmul_f32)(int32_t m, int32_t n, int32_t k,
                                        const float *a, int32_t a_row,
                                        int32_t a_col, const float *b,
                                        int32_t b_row, int32_t b_col,
                                        float *out) {
  for (int32_t i = 0; i < m; ++i) {
    for (int32_t j = 0; j < n; ++j) {
      float acc = 0.0f;
      for (int32_t p = 0; p < k; ++p)
        acc += a[i * a_row + p * a_col] * b[p * b_row + j * b_col];
      out[i * n + j] = acc;
    }
  }
}
