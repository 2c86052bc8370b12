/* kiln_fused_elementwise_f32: a chain of elementwise ops in one pass. */
#include "internal/kiln_internal.h"
#include "internal/kiln_iter.h"

#include <math.h>
#include <string.h>

/* How one input is read for a block of the output. */
typedef enum {
  KILN_FUSED_FULL = 0,   /* same element count as the output: a memcpy */
  KILN_FUSED_SCALAR = 1, /* one element: a fill */
  KILN_FUSED_STRIDED = 2 /* broadcast along some axes: an odometer walk */
} kiln_fused_access;

typedef struct {
  int32_t rank;
  int32_t dims[KILN_MAX_RANK];
  int32_t idx[KILN_MAX_RANK];
  int32_t strides[KILN_FUSED_MAX_INPUTS][KILN_MAX_RANK];
  int32_t off[KILN_FUSED_MAX_INPUTS];
} kiln_fused_walk;

static float kiln_fused_max(float a, float b) {
  return (a != a || a > b) ? a : b; /* as kiln_max_f32: NaN propagates */
}

static float kiln_fused_min(float a, float b) {
  return (a != a || a < b) ? a : b; /* as kiln_min_f32 */
}

/* Binary ops as loops over the block, so the compiler vectorises them; the
 * arithmetic is the one the kiln_<op>_f32 kernels do per element. */
static void kiln_fused_binary(int op, const float *a, int a_step,
                              const float *b, int b_step, float *d, int32_t n) {
  int32_t i;
  switch (op) {
  case KILN_FOP_ADD:
    for (i = 0; i < n; ++i)
      d[i] = a[i * a_step] + b[i * b_step];
    break;
  case KILN_FOP_SUB:
    for (i = 0; i < n; ++i)
      d[i] = a[i * a_step] - b[i * b_step];
    break;
  case KILN_FOP_MUL:
    for (i = 0; i < n; ++i)
      d[i] = a[i * a_step] * b[i * b_step];
    break;
  case KILN_FOP_DIV:
    for (i = 0; i < n; ++i)
      d[i] = a[i * a_step] / b[i * b_step];
    break;
  case KILN_FOP_MAX:
    for (i = 0; i < n; ++i)
      d[i] = kiln_fused_max(a[i * a_step], b[i * b_step]);
    break;
  case KILN_FOP_MIN:
    for (i = 0; i < n; ++i)
      d[i] = kiln_fused_min(a[i * a_step], b[i * b_step]);
    break;
  case KILN_FOP_POW:
    for (i = 0; i < n; ++i)
      d[i] = powf(a[i * a_step], b[i * b_step]);
    break;
  case KILN_FOP_PRELU:
  default:
    for (i = 0; i < n; ++i) {
      float x = a[i * a_step];
      d[i] = x < 0.0f ? b[i * b_step] * x : x;
    }
    break;
  }
}

/* Unary ops call the public kernel on the block (in place is allowed), so a
 * fused chain computes bit-identical results to the unfused ops on every ISA,
 * and the ISA variants (AVX2 exp/erf polynomials) serve both. */
static kiln_status kiln_fused_unary(const kiln_fused_insn *insn, const float *a,
                                    float *d, int32_t n) {
  switch (insn->op) {
  case KILN_FOP_RELU:
    return kiln_relu_f32(a, d, n);
  case KILN_FOP_CLIP:
    return kiln_clip_f32(a, d, n, insn->imm0, insn->imm1);
  case KILN_FOP_LEAKY_RELU:
    return kiln_leaky_relu_f32(a, d, n, insn->imm0);
  case KILN_FOP_SIGMOID:
    return kiln_sigmoid_f32(a, d, n);
  case KILN_FOP_TANH:
    return kiln_tanh_f32(a, d, n);
  case KILN_FOP_HARD_SIGMOID:
    return kiln_hard_sigmoid_f32(a, d, n, insn->imm0, insn->imm1);
  case KILN_FOP_HARD_SWISH:
    return kiln_hard_swish_f32(a, d, n);
  case KILN_FOP_GELU:
    return kiln_gelu_f32(a, d, n);
  case KILN_FOP_ERF:
    return kiln_erf_f32(a, d, n);
  case KILN_FOP_EXP:
    return kiln_exp_f32(a, d, n);
  case KILN_FOP_LOG:
    return kiln_log_f32(a, d, n);
  case KILN_FOP_SQRT:
    return kiln_sqrt_f32(a, d, n);
  case KILN_FOP_RECIPROCAL:
    return kiln_reciprocal_f32(a, d, n);
  case KILN_FOP_NEG:
    return kiln_neg_f32(a, d, n);
  case KILN_FOP_ABS:
    return kiln_abs_f32(a, d, n);
  default:
    return KILN_ERR_ARG;
  }
}

static int kiln_fused_is_binary(int op) { return op <= KILN_FOP_PRELU; }

/* Checks the program once per call: register indices in range, every opcode
 * known, so the block loop needs no checks. */
static kiln_status kiln_fused_check(const kiln_fused_program *p) {
  if (p->n_inputs < 0 || p->n_inputs > KILN_FUSED_MAX_INPUTS ||
      p->n_insns < 0 || p->n_insns > KILN_FUSED_MAX_INSNS || p->result < 0 ||
      p->result >= KILN_FUSED_MAX_REGS)
    return KILN_ERR_ARG;
  for (int32_t i = 0; i < p->n_inputs; ++i)
    if (p->input_regs[i] >= KILN_FUSED_MAX_REGS)
      return KILN_ERR_ARG;
  for (int32_t i = 0; i < p->n_insns; ++i) {
    const kiln_fused_insn *in = &p->insns[i];
    int binary = kiln_fused_is_binary(in->op);
    if (in->dst >= KILN_FUSED_MAX_REGS ||
        (in->a >= KILN_FUSED_MAX_REGS &&
         !(binary && in->a == KILN_FUSED_IMM)) ||
        (binary && in->b >= KILN_FUSED_MAX_REGS && in->b != KILN_FUSED_IMM) ||
        (binary && in->a == KILN_FUSED_IMM && in->b == KILN_FUSED_IMM))
      return KILN_ERR_ARG;
    if (!binary && (in->op < KILN_FOP_RELU || in->op > KILN_FOP_ABS))
      return KILN_ERR_ARG;
  }
  return KILN_OK;
}

/**
 * @brief Runs a fused chain of elementwise ops over out_shape.
 *
 * Equivalent to running the chain's ops one by one (same per-element math,
 * same kernels for the unary ops), without the intermediate tensors.
 *
 * @param[in]  program   checked here: n_inputs 0..KILN_FUSED_MAX_INPUTS,
 *                       n_insns 0..KILN_FUSED_MAX_INSNS, registers
 *                       0..KILN_FUSED_MAX_REGS-1, known opcodes
 * @param[in]  in_shapes program->n_inputs shapes, each numpy-broadcastable
 *                       to out_shape (rank <= out rank)
 * @param[in]  inputs    program->n_inputs f32 pointers
 * @param[in]  out_shape rank 0..KILN_MAX_RANK
 * @param[out] output    kiln_numel(out_shape) floats; may be an input whose
 *                       shape equals out_shape (each block is read before
 *                       it is written)
 * @return KILN_OK; KILN_ERR_NULL for a NULL pointer; KILN_ERR_ARG for a bad
 *         program or a shape that does not broadcast.
 */
kiln_status kiln_fused_elementwise_f32(const kiln_fused_program *program,
                                       const kiln_shape *in_shapes,
                                       const void *const *inputs,
                                       const kiln_shape *out_shape,
                                       float *output) {
  if (program == NULL || out_shape == NULL || output == NULL)
    return KILN_ERR_NULL;
  kiln_status st = kiln_fused_check(program);
  if (st != KILN_OK)
    return st;
  const int32_t n_in = program->n_inputs;
  if (n_in > 0 && (in_shapes == NULL || inputs == NULL))
    return KILN_ERR_NULL;
  if (!kiln_rank_ok(out_shape))
    return KILN_ERR_ARG;
  const int32_t count = kiln_numel(out_shape);

  /* Strided inputs share one odometer over the output index space. */
  kiln_fused_walk walk;
  kiln_iter it;
  kiln_fused_access access[KILN_FUSED_MAX_INPUTS];
  int any_strided = 0;
  walk.rank = out_shape->rank;
  for (int32_t d = 0; d < walk.rank; ++d) {
    walk.dims[d] = out_shape->dims[d];
    walk.idx[d] = 0;
  }
  for (int32_t k = 0; k < n_in; ++k) {
    if (inputs[k] == NULL)
      return KILN_ERR_NULL;
    kiln_iter_init(&it, out_shape);
    st = kiln_iter_add_broadcast(&it, &in_shapes[k], 1);
    if (st != KILN_OK)
      return st;
    int32_t numel = kiln_numel(&in_shapes[k]);
    access[k] = numel == count ? KILN_FUSED_FULL
                : numel == 1   ? KILN_FUSED_SCALAR
                               : KILN_FUSED_STRIDED;
    for (int32_t d = 0; d < walk.rank; ++d)
      walk.strides[k][d] = it.strides[0][d];
    walk.off[k] = 0;
    any_strided |= access[k] == KILN_FUSED_STRIDED;
  }

  float regs[KILN_FUSED_MAX_REGS][KILN_FUSED_BLOCK];
  for (int32_t start = 0; start < count; start += KILN_FUSED_BLOCK) {
    const int32_t n =
        count - start < KILN_FUSED_BLOCK ? count - start : KILN_FUSED_BLOCK;
    for (int32_t k = 0; k < n_in; ++k) {
      const float *in = (const float *)inputs[k];
      float *r = regs[program->input_regs[k]];
      if (access[k] == KILN_FUSED_FULL) {
        memcpy(r, in + start, (size_t)n * sizeof(float));
      } else if (access[k] == KILN_FUSED_SCALAR) {
        for (int32_t i = 0; i < n; ++i)
          r[i] = in[0];
      }
    }
    if (any_strided) {
      for (int32_t i = 0; i < n; ++i) {
        for (int32_t k = 0; k < n_in; ++k)
          if (access[k] == KILN_FUSED_STRIDED)
            regs[program->input_regs[k]][i] =
                ((const float *)inputs[k])[walk.off[k]];
        /* Advance the odometer by one output element. */
        for (int32_t d = walk.rank - 1; d >= 0; --d) {
          ++walk.idx[d];
          for (int32_t k = 0; k < n_in; ++k)
            walk.off[k] += walk.strides[k][d];
          if (walk.idx[d] < walk.dims[d])
            break;
          for (int32_t k = 0; k < n_in; ++k)
            walk.off[k] -= walk.strides[k][d] * walk.dims[d];
          walk.idx[d] = 0;
        }
      }
    }
    for (int32_t j = 0; j < program->n_insns; ++j) {
      const kiln_fused_insn *insn = &program->insns[j];
      float *d = regs[insn->dst];
      if (kiln_fused_is_binary(insn->op)) {
        const float *a =
            insn->a == KILN_FUSED_IMM ? &insn->imm0 : regs[insn->a];
        const float *b =
            insn->b == KILN_FUSED_IMM ? &insn->imm0 : regs[insn->b];
        kiln_fused_binary(insn->op, a, insn->a != KILN_FUSED_IMM, b,
                          insn->b != KILN_FUSED_IMM, d, n);
      } else {
        st = kiln_fused_unary(insn, regs[insn->a], d, n);
        if (st != KILN_OK)
          return st;
      }
    }
    memcpy(output + start, regs[program->result], (size_t)n * sizeof(float));
  }
  return KILN_OK;
}
