/* Scalar activation math shared by the fused epilogues and the unary kernels.
 */
#ifndef KILN_INTERNAL_ACT_H
#define KILN_INTERNAL_ACT_H

#include "kiln/runtime.h"

#include <math.h>

static inline float kiln_clampf(float x, float lo, float hi) {
  /* Comparisons written so NaN passes through rather than becoming a bound. */
  return x < lo ? lo : (x > hi ? hi : x);
}

static inline float kiln_sigmoidf(float x) {
  /* Split by sign so expf never overflows into inf/inf. */
  if (x >= 0.0f)
    return 1.0f / (1.0f + expf(-x));
  float e = expf(x);
  return e / (1.0f + e);
}

static inline float kiln_geluf(float x) {
  return 0.5f * x * (1.0f + erff(x * 0.70710678118654752f));
}

static inline float kiln_act_apply(const kiln_activation *act, float x) {
  switch (act->kind) {
  case KILN_ACT_RELU:
    return x < 0.0f ? 0.0f : x;
  case KILN_ACT_CLIP:
    return kiln_clampf(x, act->min, act->max);
  case KILN_ACT_LEAKY_RELU:
    return x < 0.0f ? act->alpha * x : x;
  case KILN_ACT_SIGMOID:
    return kiln_sigmoidf(x);
  case KILN_ACT_TANH:
    return tanhf(x);
  case KILN_ACT_HARD_SIGMOID:
    return kiln_clampf(act->alpha * x + act->beta, 0.0f, 1.0f);
  case KILN_ACT_HARD_SWISH:
    return x * kiln_clampf(x * (1.0f / 6.0f) + 0.5f, 0.0f, 1.0f);
  case KILN_ACT_GELU:
    return kiln_geluf(x);
  case KILN_ACT_SILU:
    return x * kiln_sigmoidf(x);
  case KILN_ACT_NONE:
  default:
    return x;
  }
}

#endif /* KILN_INTERNAL_ACT_H */
