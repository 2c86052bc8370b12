/* int8 kernels bit-exact across builds: one hash of all their outputs. */
#include "kiln/runtime.h"

#include <stdio.h>
#include <string.h>

/* Fixed pseudo-random data (LCG) and FNV-1a over every output byte. */
static uint32_t st = 12345;
static int8_t rnd8(void) {
  st = st * 1664525u + 1013904223u;
  return (int8_t)(st >> 24);
}
static uint64_t h = 1469598103934665603ull;
static void mix(const int8_t *p, int n) {
  for (int i = 0; i < n; ++i) {
    h ^= (uint8_t)p[i];
    h *= 1099511628211ull;
  }
}

static int8_t in[2 * 16 * 23 * 37], wt[40 * 300], out[2 * 32 * 40 * 40];
static uint8_t scratch[1 << 18];
static kiln_requant rq[64];
static int32_t bias[64];

/* QuantizeLinear/DequantizeLinear (AVX2 and AVX-512 rows beside the C loop):
 * a hash of their own, so the int8 hash above keeps its value. Inputs cover
 * .5 ties, values past the int8 range, +-inf, NaN, tails of every width, per
 * tensor and per axis, s8 and u8. */
static float fq[3 * 5 * 67], fo[3 * 5 * 67];
static uint8_t qo[3 * 5 * 67];

static int quant_crosscheck(void) {
  const int n = 3 * 5 * 67;
  for (int i = 0; i < n; ++i) {
    const int8_t r = rnd8();
    fq[i] =
        (i % 3 == 0) ? (float)r * 0.25f : (float)r * (float)(i % 17) * 0.37f;
    qo[i] = (uint8_t)rnd8();
  }
  const uint32_t special[4] = {0x7f800000u, 0xff800000u, 0x7fc00000u,
                               0xffc00001u};
  for (int i = 0; i < 4; ++i)
    memcpy(&fq[100 + 7 * i], &special[i], sizeof(float));
  const float s1 = 0.5f, s5[5] = {0.25f, 0.0173f, 3.0f, 1e-3f, 0.75f};
  const int8_t z1 = -3, z5[5] = {0, 5, -128, 127, -9};
  const uint8_t u5[5] = {0, 128, 255, 3, 77};
  h = 1469598103934665603ull;
  if (kiln_quantize_f32_s8(fq, (int8_t *)qo, &s1, &z1, 1, 1, n - 2))
    return 1;
  mix((const int8_t *)qo, n - 2);
  if (kiln_quantize_f32_s8(fq, (int8_t *)qo, s5, z5, 3, 5, 67))
    return 1;
  mix((const int8_t *)qo, n);
  if (kiln_quantize_f32_u8(fq, qo, s5, u5, 3, 5, 67))
    return 1;
  mix((const int8_t *)qo, n);
  if (kiln_dequantize_s8_f32((const int8_t *)qo, fo, s5, z5, 3, 5, 67))
    return 1;
  mix((const int8_t *)fo, n * (int)sizeof(float));
  if (kiln_dequantize_u8_f32(qo, fo, &s1, NULL, 1, 1, n - 5))
    return 1;
  mix((const int8_t *)fo, (n - 5) * (int)sizeof(float));
  printf("quant hash %016llx\n", (unsigned long long)h);
  /* Produced by the C reference loops (kiln_quant_core.c) on x86-64. */
  if (h != 0x419409dcb2689676ull) {
    printf("FAIL: expected 419409dcb2689676\n");
    return 1;
  }
  return 0;
}

int main(void) {
#ifdef KILN_CROSSCHECK_NEEDS_AVX2
  /* Linked against the AVX2 archive: skip (ctest code 77) rather than die
   * of SIGILL on a CPU without it. */
  if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("fma")) {
    printf("skip: this CPU lacks AVX2/FMA\n");
    return 77;
  }
#endif
#ifdef KILN_CROSSCHECK_NEEDS_AVX512
  if (!__builtin_cpu_supports("avx512f") ||
      !__builtin_cpu_supports("avx512bw") ||
      !__builtin_cpu_supports("avx512dq") ||
      !__builtin_cpu_supports("avx512vl")) {
    printf("skip: this CPU lacks AVX-512 F/BW/DQ/VL\n");
    return 77;
  }
#endif
#ifdef KILN_CROSSCHECK_NEEDS_AVX512VNNI
  if (!__builtin_cpu_supports("avx512vnni")) {
    printf("skip: this CPU lacks AVX512-VNNI\n");
    return 77;
  }
#endif
  for (unsigned i = 0; i < sizeof in; ++i)
    in[i] = rnd8();
  for (unsigned i = 0; i < sizeof wt; ++i)
    wt[i] = rnd8();
  for (int i = 0; i < 64; ++i) {
    rq[i].multiplier = (1 << 30) + (int32_t)(st % 1000000) * 997;
    rq[i].shift = -8 - i % 5;
    bias[i] = (int32_t)(st % 20000) - 10000;
    rnd8();
  }
  /* conv: n c h w m k groups stride pad dil */
  const int cs[][10] = {{2, 16, 23, 37, 16, 3, 1, 1, 1, 1},
                        {1, 16, 23, 37, 32, 1, 1, 1, 0, 1},
                        {2, 16, 23, 37, 16, 3, 16, 2, 1, 1},
                        {1, 16, 23, 37, 8, 5, 2, 2, 2, 2},
                        {1, 16, 23, 37, 32, 3, 16, 1, 1, 2}};
  for (unsigned t = 0; t < sizeof cs / sizeof cs[0]; ++t) {
    const int *c = cs[t];
    kiln_conv_s8_params p;
    memset(&p, 0, sizeof p);
    p.stride[0] = p.stride[1] = c[7];
    p.dilation[0] = p.dilation[1] = c[9];
    for (int i = 0; i < 4; ++i)
      p.pad[i] = c[8];
    p.groups = c[6];
    p.input_offset = 17;
    p.output_offset = -3;
    p.act_min = -100;
    p.act_max = 120;
    const int span = (c[5] - 1) * c[9] + 1;
    kiln_shape is = {4, {c[0], c[1], c[2], c[3]}},
               fs = {4, {c[4], c[1] / c[6], c[5], c[5]}},
               os = {4,
                     {c[0], c[4], (c[2] + 2 * c[8] - span) / c[7] + 1,
                      (c[3] + 2 * c[8] - span) / c[7] + 1}};
    if (kiln_conv2d_s8_scratch_size(&p, &is, &fs, &os) > (int)sizeof scratch)
      return 2;
    if (kiln_conv2d_s8(&p, rq, &is, in, &fs, wt, bias, &os, out, scratch))
      return 1;
    mix(out, os.dims[0] * os.dims[1] * os.dims[2] * os.dims[3]);
  }
  kiln_fc_s8_params fp = {3, 40, 300, -5, 7, -128, 127};
  if (kiln_fully_connected_s8(&fp, rq, in, wt, bias, out))
    return 1;
  mix(out, 120);
  kiln_add_s8_params ap = {
      5, -9, {1 << 30, -1}, {1500000000, -2}, {1 << 30, -18}, 20, 3, -128, 127};
  kiln_shape a1 = {2, {40, 300}}, b1 = {1, {300}}, b2 = {2, {40, 300}};
  if (kiln_add_s8(&ap, &a1, in, &b1, wt, &a1, out))
    return 1;
  mix(out, 12000);
  if (kiln_add_s8(&ap, &a1, in, &b2, wt, &a1, out))
    return 1;
  mix(out, 12000);
  kiln_pool_params pp = {{3, 3}, {2, 2}, {1, 1}, {1, 1, 1, 1}, 1};
  kiln_shape ps = {4, {2, 16, 23, 37}}, po = {4, {2, 16, 12, 19}};
  if (kiln_max_pool2d_s8(&pp, -128, 127, &ps, in, &po, out))
    return 1;
  mix(out, 2 * 16 * 12 * 19);
  if (kiln_avg_pool2d_s8(&pp, -50, 127, &ps, in, &po, out))
    return 1;
  mix(out, 2 * 16 * 12 * 19);
  if (kiln_global_avg_pool_s8(&ps, in, 3, (kiln_requant){1300000000, -9}, 2,
                              -128, 127, out))
    return 1;
  mix(out, 32);
  if (kiln_requantize_s8(in, -20, (kiln_requant){1900000000, 1}, 4, out, 5000))
    return 1;
  mix(out, 5000);
  printf("int8 hash %016llx\n", (unsigned long long)h);
  /* Produced by the C reference kernels on x86-64; every ISA variant and
   * every target (qemu-aarch64, Cortex-M4 on qemu-system-arm) must match it
   * bit for bit. A deliberate change of int8 semantics updates it. */
  if (h != 0xc13486e7071d0a6eull) {
    printf("FAIL: expected c13486e7071d0a6e\n");
    return 1;
  }
  return quant_crosscheck();
}
