/* Harness test fixture: tinynet_run calls runtime kernels as generated code does. */
#include "tinynet.h"

static const float conv_w[18] = {
    -0.8474f, 0.5598f, -0.1232f, 0.4469f, 0.9560f,  0.0770f,
    0.0022f,  -0.8559f, -0.4631f, -0.0002f, 0.3585f, 0.6075f,
    -0.2381f, -0.8681f, -0.4237f, 0.8192f,  -0.5732f, -0.0958f};
static const float conv_b[2] = {0.1725f, -0.1900f};
static const float fc_w[72] = {
    0.1005f,  0.4501f,  -0.2697f, 0.0485f,  0.4091f,  -0.3668f, 0.0234f,
    0.2504f,  0.1690f,  -0.0322f, -0.2952f, -0.0092f, -0.1276f, -0.0226f,
    -0.1341f, 0.3379f,  0.2686f,  -0.1860f, 0.0726f,  -0.2240f, -0.0472f,
    -0.1470f, 0.1574f,  -0.1296f, -0.0409f, 0.2193f,  -0.0870f, 0.4064f,
    -0.3195f, 0.2411f,  -0.0776f, -0.0735f, 0.1344f,  0.0229f,  -0.0851f,
    -0.4986f, -0.4077f, 0.2094f,  0.0243f,  0.1962f,  0.4555f,  0.1829f,
    -0.4469f, -0.1911f, 0.0926f,  -0.2649f, 0.4650f,  0.4450f,  0.3484f,
    -0.0277f, 0.3415f,  -0.3689f, -0.1913f, -0.0370f, 0.2418f,  -0.0142f,
    -0.3631f, -0.1565f, -0.1756f, -0.1996f, -0.3345f, -0.0851f, -0.0519f,
    0.2749f,  0.2964f,  0.0224f,  -0.0394f, 0.2782f,  0.3873f,  0.1749f,
    0.3005f,  0.4391f};
static const float fc_b[4] = {-0.1837f, 0.1503f, -0.0894f, -0.0097f};

static const kiln_conv_params conv_p = {
    {1, 1}, {1, 1}, {1, 1, 1, 1}, 1, {KILN_ACT_RELU, 0, 0, 0, 0}};
static const kiln_pool_params pool_p = {{2, 2}, {2, 2}, {1, 1}, {0, 0, 0, 0}, 0};
/* Y[1x4] = X[1x18] W^T + b with W stored 4 x 18. */
static const kiln_gemm_params fc_p = {1, 4, 18, 0, 1, 1.0f, 1.0f, {KILN_ACT_NONE, 0, 0, 0, 0}};
static const kiln_shape in_s = {4, {1, 1, 6, 6}};
static const kiln_shape w_s = {4, {2, 1, 3, 3}};
static const kiln_shape conv_s = {4, {1, 2, 6, 6}};
static const kiln_shape pool_s = {4, {1, 2, 3, 3}};
static const kiln_shape bias_s = {1, {4}};

int tinynet_run(const void *const *inputs, void *const *outputs, void *arena) {
  if (!inputs || !outputs || !arena)
    return KILN_ERR_NULL;
  float *conv = (float *)arena; /* 72 floats at offset 0 */
  float *pooled = (float *)outputs[1];
  kiln_status st = kiln_conv2d_f32(&conv_p, &in_s, (const float *)inputs[0],
                                   &w_s, conv_w, conv_b, 0, &conv_s, conv, 0);
  if (st != KILN_OK)
    return st;
  st = kiln_max_pool2d_f32(&pool_p, &conv_s, conv, &pool_s, pooled);
  if (st != KILN_OK)
    return st;
  return kiln_gemm_f32(&fc_p, pooled, fc_w, &bias_s, fc_b, (float *)outputs[0]);
}
