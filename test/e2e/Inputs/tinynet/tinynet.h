/* Harness test fixture: a hand-written library in the shape `kiln compile` emits. */
#ifndef TINYNET_H
#define TINYNET_H

#include "kiln/runtime.h"

#ifdef __cplusplus
extern "C" {
#endif

/* conv 3x3 (1->2, pad 1) + ReLU -> maxpool 2x2 -> flatten -> gemm (18->4). */
#define TINYNET_ARENA_SIZE 288
#define TINYNET_ARENA_ALIGN 16
#define TINYNET_NUM_INPUTS 1
#define TINYNET_NUM_OUTPUTS 2

#define TINYNET_IN0_NAME "image"
#define TINYNET_IN0_SIZE 144
#define TINYNET_IN0_RANK 4
#define TINYNET_IN0_SHAPE {1, 1, 6, 6}
#define TINYNET_IN0_DTYPE KILN_DTYPE_F32

#define TINYNET_OUT0_NAME "logits"
#define TINYNET_OUT0_SIZE 16
#define TINYNET_OUT0_RANK 2
#define TINYNET_OUT0_SHAPE {1, 4}
#define TINYNET_OUT0_DTYPE KILN_DTYPE_F32

#define TINYNET_OUT1_NAME "features/pooled:0"
#define TINYNET_OUT1_SIZE 72
#define TINYNET_OUT1_RANK 4
#define TINYNET_OUT1_SHAPE {1, 2, 3, 3}
#define TINYNET_OUT1_DTYPE KILN_DTYPE_F32

int tinynet_run(const void *const *inputs, void *const *outputs, void *arena);

#ifdef __cplusplus
}
#endif

#endif /* TINYNET_H */
