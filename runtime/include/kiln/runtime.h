/* Kiln runtime contract: the only header generated code includes (ABI v4). */
#ifndef KILN_RUNTIME_H
#define KILN_RUNTIME_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bump whenever a struct layout, enum value or signature below changes, so that
 * generated code built against another version fails to compile instead of
 * silently misreading parameters. Generated code checks it with #if. */
#define KILN_RUNTIME_ABI_VERSION 4

/* Largest tensor rank any kernel accepts; bounded so iteration state fits on
 * the stack without VLAs. */
#define KILN_MAX_RANK 6

/* Every kernel returns one of these. Kernels only check what can differ at run
 * time (NULL pointers, rank limits, data-dependent indices); the compiler has
 * already validated shapes and attributes. */
typedef enum {
  KILN_OK = 0,
  KILN_ERR_NULL = -1,       /* a required pointer was NULL */
  KILN_ERR_ARG = -2,        /* a rank, size, axis or index is out of range */
  KILN_ERR_UNSUPPORTED = -3 /* valid request this build cannot serve */
} kiln_status;

/* Row-major dims, outermost first; images are NCHW as imported from ONNX,
 * or NHWC for the kernels named *_nhwc_* (after kiln-convert-layout).
 * rank 0 is a scalar (one element). Dims beyond rank are ignored. */
typedef struct {
  int32_t rank;
  int32_t dims[KILN_MAX_RANK];
} kiln_shape;

/* Element types for kiln_cast; bool is one byte holding 0 or 1. */
typedef enum {
  KILN_DTYPE_F32 = 0,
  KILN_DTYPE_I32 = 1,
  KILN_DTYPE_I64 = 2,
  KILN_DTYPE_I8 = 3,
  KILN_DTYPE_U8 = 4,
  KILN_DTYPE_BOOL = 5,
  KILN_DTYPE_F16 = 6 /* IEEE binary16 bits in a uint16_t (weight storage) */
} kiln_dtype;

/* ------------------------------------------------------------------------ */
/* Parameter structs: plain scalars/arrays so the code generator can emit them
 * as `static const` initialisers in flash. */

typedef enum {
  KILN_ACT_NONE = 0,
  KILN_ACT_RELU = 1,
  KILN_ACT_CLIP = 2,       /* min(max(x, min), max) */
  KILN_ACT_LEAKY_RELU = 3, /* x < 0 ? alpha * x : x */
  KILN_ACT_SIGMOID = 4,
  KILN_ACT_TANH = 5,
  KILN_ACT_HARD_SIGMOID = 6, /* max(0, min(1, alpha * x + beta)) as ONNX */
  KILN_ACT_HARD_SWISH = 7,   /* x * max(0, min(1, x / 6 + 0.5)) */
  KILN_ACT_GELU = 8,         /* exact: 0.5 x (1 + erf(x / sqrt 2)) */
  KILN_ACT_SILU = 9          /* x * sigmoid(x) (swish) */
} kiln_act_kind;

/* Fused epilogue. Unused fields are ignored; {0} is "no activation". */
typedef struct {
  kiln_act_kind kind;
  float alpha;
  float beta;
  float min;
  float max;
} kiln_activation;

/* Conv and ConvTranspose attributes with auto_pad already resolved. */
typedef struct {
  int32_t stride[2];   /* h, w; >= 1 */
  int32_t dilation[2]; /* h, w; >= 1 */
  int32_t pad[4];      /* top, left, bottom, right; >= 0 */
  int32_t groups;      /* >= 1; divides C and M (groups == C == M: depthwise) */
  kiln_activation act; /* applied after bias and residual */
} kiln_conv_params;

/* MaxPool/AveragePool attributes. ceil_mode is expressed by the out shape. */
typedef struct {
  int32_t kernel[2];         /* h, w; >= 1 */
  int32_t stride[2];         /* h, w; >= 1 */
  int32_t dilation[2];       /* h, w; >= 1 */
  int32_t pad[4];            /* top, left, bottom, right; >= 0 */
  int32_t count_include_pad; /* avg only: 1 divides by window clipped to the
                                padded extent, 0 by valid input positions */
} kiln_pool_params;

/* ONNX Gemm: Y = act(alpha * A' B' + beta * C). */
typedef struct {
  int32_t m, n, k; /* Y is m x n, reduction over k; all >= 0 */
  int32_t trans_a; /* 0: A is m x k; 1: A is k x m */
  int32_t trans_b; /* 0: B is k x n; 1: B is n x k */
  float alpha;
  float beta;
  kiln_activation act;
} kiln_gemm_params;

typedef enum {
  KILN_PAD_CONSTANT = 0,
  KILN_PAD_REFLECT = 1,
  KILN_PAD_EDGE = 2
} kiln_pad_mode;

/* ONNX Resize coordinate_transformation_mode. */
typedef enum {
  KILN_RESIZE_HALF_PIXEL = 0,
  KILN_RESIZE_ASYMMETRIC = 1,
  KILN_RESIZE_ALIGN_CORNERS = 2,
  KILN_RESIZE_PYTORCH_HALF_PIXEL = 3
} kiln_resize_coord_mode;

/* ONNX Resize nearest_mode. */
typedef enum {
  KILN_NEAREST_ROUND_PREFER_FLOOR = 0,
  KILN_NEAREST_ROUND_PREFER_CEIL = 1,
  KILN_NEAREST_FLOOR = 2,
  KILN_NEAREST_CEIL = 3
} kiln_nearest_mode;

typedef struct {
  kiln_resize_coord_mode coord;
  kiln_nearest_mode nearest; /* nearest resize only */
  /* Per-axis out/in scale as ONNX `scales`; a value <= 0 means "derive from
   * sizes" (out_dim / in_dim), which is what ONNX does when `sizes` is given.
   */
  float scales[KILN_MAX_RANK];
} kiln_resize_params;

/* ------------------------------------------------------------------------ */
/* Convolution. Full parameter ranges are in each kernel's .c doxygen block.  */

/* Conv: in N,C,H,W; filter M,C/groups,kH,kW; bias [M] or NULL; residual NULL or
 * out-shaped, added before act; out N,M,OH,OW. scratch may be NULL when
 * kiln_conv2d_f32_scratch_size() returns 0. */
kiln_status kiln_conv2d_f32(const kiln_conv_params *params,
                            const kiln_shape *in_shape, const float *input,
                            const kiln_shape *filter_shape,
                            const float *weights, const float *bias,
                            const float *residual, const kiln_shape *out_shape,
                            float *output, void *scratch);
/* Bytes of caller-owned scratch kiln_conv2d_f32 needs (0 for the reference). */
int32_t kiln_conv2d_f32_scratch_size(const kiln_conv_params *params,
                                     const kiln_shape *in_shape,
                                     const kiln_shape *filter_shape,
                                     const kiln_shape *out_shape);

/* ConvTranspose: in N,C,H,W; filter C,M/groups,kH,kW; out N,M,OH,OW with
 * output_padding / output_shape already reflected in OH, OW. */
kiln_status kiln_conv_transpose2d_f32(
    const kiln_conv_params *params, const kiln_shape *in_shape,
    const float *input, const kiln_shape *filter_shape, const float *weights,
    const float *bias, const float *residual, const kiln_shape *out_shape,
    float *output, void *scratch);
int32_t kiln_conv_transpose2d_f32_scratch_size(const kiln_conv_params *params,
                                               const kiln_shape *in_shape,
                                               const kiln_shape *filter_shape,
                                               const kiln_shape *out_shape);

/* ------------------------------------------------------------------------ */
/* Matrix products. */

/* Gemm; c_shape/c NULL or rank 0..2 broadcastable to [m, n]. */
kiln_status kiln_gemm_f32(const kiln_gemm_params *params, const float *a,
                          const float *b, const kiln_shape *c_shape,
                          const float *c, float *y);

/* numpy matmul, ranks 1..6, batch dims broadcast; out shape implied. */
kiln_status kiln_matmul_f32(const kiln_shape *a_shape, const float *a,
                            const kiln_shape *b_shape, const float *b,
                            float *out);

/* ------------------------------------------------------------------------ */
/* Normalisation and softmax. */

/* Inference BatchNormalization over dim 1 of an N,C,... tensor (rank 2..6). */
kiln_status kiln_batch_norm_f32(const kiln_shape *shape, const float *input,
                                const float *scale, const float *bias,
                                const float *mean, const float *var,
                                float epsilon, float *output);

/* LayerNormalization: in viewed as [outer, norm_size]; scale [norm_size];
 * bias [norm_size] or NULL. */
kiln_status kiln_layer_norm_f32(const float *input, const float *scale,
                                const float *bias, float epsilon, float *output,
                                int32_t outer, int32_t norm_size);

/* opset-13 Softmax / LogSoftmax along one axis; in viewed as
 * [outer, axis_size, inner]. */
kiln_status kiln_softmax_f32(const float *input, float *output, int32_t outer,
                             int32_t axis_size, int32_t inner);
kiln_status kiln_log_softmax_f32(const float *input, float *output,
                                 int32_t outer, int32_t axis_size,
                                 int32_t inner);

/* ------------------------------------------------------------------------ */
/* Binary elementwise with numpy broadcasting; out_shape is the broadcast. */

/* Signature shared by every binary kernel below (usable for dispatch tables).
 */
typedef kiln_status kiln_binary_f32_fn(const kiln_shape *a_shape,
                                       const float *a,
                                       const kiln_shape *b_shape,
                                       const float *b,
                                       const kiln_shape *out_shape, float *out);
kiln_binary_f32_fn kiln_add_f32;
kiln_binary_f32_fn kiln_sub_f32;
kiln_binary_f32_fn kiln_mul_f32;
kiln_binary_f32_fn kiln_div_f32; /* IEEE: x / 0 is inf or nan */
kiln_binary_f32_fn kiln_max_f32; /* NaN propagates */
kiln_binary_f32_fn kiln_min_f32; /* NaN propagates */
kiln_binary_f32_fn kiln_pow_f32;
kiln_binary_f32_fn kiln_prelu_f32; /* b is the slope */

/* Where: out = cond ? x : y, all three broadcast to out_shape. */
kiln_status kiln_where_f32(const kiln_shape *cond_shape, const uint8_t *cond,
                           const kiln_shape *x_shape, const float *x,
                           const kiln_shape *y_shape, const float *y,
                           const kiln_shape *out_shape, float *out);

/* Expand: broadcast-copy in to out_shape. */
kiln_status kiln_expand_f32(const kiln_shape *in_shape, const float *input,
                            const kiln_shape *out_shape, float *output);

/* ------------------------------------------------------------------------ */
/* Unary elementwise over `count` elements; in == out (in place) is allowed. */

/* Applies a fused-epilogue descriptor; act NULL means identity (copy). */
kiln_status kiln_activate_f32(const kiln_activation *act, const float *in,
                              float *out, int32_t count);
/* Signature of the parameterless unary kernels. */
typedef kiln_status kiln_unary_f32_fn(const float *in, float *out,
                                      int32_t count);
kiln_unary_f32_fn kiln_relu_f32;
kiln_status kiln_clip_f32(const float *in, float *out, int32_t count, float min,
                          float max);
kiln_status kiln_leaky_relu_f32(const float *in, float *out, int32_t count,
                                float alpha);
kiln_unary_f32_fn kiln_sigmoid_f32;
kiln_unary_f32_fn kiln_tanh_f32;
kiln_status kiln_hard_sigmoid_f32(const float *in, float *out, int32_t count,
                                  float alpha, float beta);
kiln_unary_f32_fn kiln_hard_swish_f32;
kiln_unary_f32_fn kiln_gelu_f32;
kiln_unary_f32_fn kiln_erf_f32;
kiln_unary_f32_fn kiln_exp_f32;
kiln_unary_f32_fn kiln_log_f32;
kiln_unary_f32_fn kiln_sqrt_f32;
kiln_unary_f32_fn kiln_reciprocal_f32;
kiln_unary_f32_fn kiln_neg_f32;
kiln_unary_f32_fn kiln_abs_f32;

/* ------------------------------------------------------------------------ */
/* Reductions. Bit i of axes_mask reduces axis i (mask 0 copies). out holds
 * the in shape with reduced dims set to 1; keepdims only changes the shape the
 * caller records, not the data. */

typedef kiln_status kiln_reduce_f32_fn(const kiln_shape *in_shape,
                                       const float *input, uint32_t axes_mask,
                                       float *output);
kiln_reduce_f32_fn kiln_reduce_sum_f32;
kiln_reduce_f32_fn kiln_reduce_mean_f32;
kiln_reduce_f32_fn kiln_reduce_max_f32; /* NaN propagates; empty is -inf */
kiln_reduce_f32_fn kiln_reduce_min_f32; /* NaN propagates; empty is +inf */

/* ------------------------------------------------------------------------ */
/* Pooling over N,C,H,W. */

kiln_status kiln_max_pool2d_f32(const kiln_pool_params *params,
                                const kiln_shape *in_shape, const float *input,
                                const kiln_shape *out_shape, float *output);
kiln_status kiln_avg_pool2d_f32(const kiln_pool_params *params,
                                const kiln_shape *in_shape, const float *input,
                                const kiln_shape *out_shape, float *output);
/* Global pools: N,C,spatial... (rank 3..6) -> N,C (x1...). */
kiln_status kiln_global_avg_pool_f32(const kiln_shape *in_shape,
                                     const float *input, float *output);
kiln_status kiln_global_max_pool_f32(const kiln_shape *in_shape,
                                     const float *input, float *output);

/* ------------------------------------------------------------------------ */
/* Channels-last (NHWC) convolution and pooling: the layout kiln-convert-layout
 * gives a graph for targets that prefer it (Cortex-M, and wherever these
 * kernels beat the NCHW ones). Same parameter structs and epilogue as the
 * NCHW kernels; only the dimension order differs. */

/* Conv: in N,H,W,C; filter kH,kW,C/groups,M (HWIO: M innermost, so a filter
 * row is a GEMM B row and depthwise taps are contiguous over channels), or the
 * same filter pre-packed into GEMM panels (rank 6, below); bias [M] or NULL;
 * residual NULL or out-shaped, added before act; out N,OH,OW,M. scratch may
 * be NULL when kiln_conv2d_nhwc_f32_scratch_size() returns 0. */
kiln_status kiln_conv2d_nhwc_f32(const kiln_conv_params *params,
                                 const kiln_shape *in_shape, const float *input,
                                 const kiln_shape *filter_shape,
                                 const float *weights, const float *bias,
                                 const float *residual,
                                 const kiln_shape *out_shape, float *output,
                                 void *scratch);
int32_t kiln_conv2d_nhwc_f32_scratch_size(const kiln_conv_params *params,
                                          const kiln_shape *in_shape,
                                          const kiln_shape *filter_shape,
                                          const kiln_shape *out_shape);

/* Pre-packed NHWC filter: the HWIO filter cut into panels of NR output
 * channels, the layout the x86 kernels' register tiles read (NR = 32 for
 * AVX-512, 16 for AVX2), so no kernel copies weights at run time. Rank 6,
 * [G, P, kH, kW, C/G, NR] with G = groups and P = ceil((M/G) / NR):
 *   packed[g][p][i][j][c][l] = HWIO[i][j][c][g * M/G + p * NR + l]
 * where p * NR + l < M/G, and 0 in the padding columns past M/G. Each
 * (g, p) is one contiguous K x NR panel whose rows run in HWIO row order
 * (K = kH * kW * C/G). kiln_conv2d_nhwc_f32 accepts it wherever it accepts
 * HWIO, with the same results bit for bit; every build reads any NR, the x86
 * ones fastest at their own. The compiler packs constant filters at compile
 * time (kiln-pack-filters) with the function below, which users calling the
 * runtime by hand can use too. */
#define KILN_PACKED_FILTER_RANK 6

/* The packed shape of an HWIO filter_shape for `groups` and `nr`. Returns
 * KILN_ERR_ARG unless filter_shape is rank 4 with M divisible by groups,
 * and 1 <= nr <= 64. */
kiln_status kiln_conv2d_nhwc_packed_shape(const kiln_shape *filter_shape,
                                          int32_t groups, int32_t nr,
                                          kiln_shape *packed_shape);
/* Packs an HWIO filter into packed_shape's panels (from
 * kiln_conv2d_nhwc_packed_shape); writes every element, padding included. */
kiln_status kiln_conv2d_nhwc_pack_filter_f32(const kiln_shape *filter_shape,
                                             const float *hwio,
                                             const kiln_shape *packed_shape,
                                             float *packed);

/* Winograd F(4x4, 3x3) NHWC convolution: a 3x3, stride-1, dilation-1,
 * ungrouped conv computed tile by tile, each 4x4 block of outputs from a 6x6
 * input tile, with 36 multiplies per (tile, c, m) where the direct conv
 * needs 144 (4x fewer MACs; the input and output transforms add about 10%
 * back on 64+ channels). The filter is transformed at compile time into the
 * Winograd domain and packed into the GEMM panels of the x86 tiles. Results
 * agree with kiln_conv2d_nhwc_f32 to rounding (the transforms' constants
 * 1/4, 1/6, 1/12, 1/24 and products up to 8 add a few ulps of relative
 * error per layer), not bit for bit.
 *
 * Winograd-domain filter: rank 5, [P, 6, 6, C, NR] with P = ceil(M / NR):
 *   wino[p][a][b][c][l] = (G f G^T)[a][b], f = HWIO[0..2][0..2][c][p*NR + l]
 * where p * NR + l < M, and 0 in the padding columns past M. G is the 6x3
 * filter transform of F(4x4, 3x3) with interpolation points 0, +-1, +-2 and
 * infinity. Each (p, a, b) is one contiguous C x NR GEMM panel.
 * kiln_conv2d_nhwc_winograd_f32 reads any NR on every build, the x86 builds
 * fastest at their own (32 AVX-512, 16 AVX2). */
#define KILN_WINOGRAD_FILTER_RANK 5

/* The Winograd-domain shape of an HWIO filter_shape (3, 3, C, M) for `nr`.
 * Returns KILN_ERR_ARG unless filter_shape is rank 4 with kH == kW == 3, C
 * and M >= 1, and 1 <= nr <= 64. */
kiln_status kiln_conv2d_nhwc_winograd_shape(const kiln_shape *filter_shape,
                                            int32_t nr,
                                            kiln_shape *wino_shape);
/* Transforms an HWIO 3x3 filter into wino_shape's panels (from
 * kiln_conv2d_nhwc_winograd_shape); writes every element, padding included. */
kiln_status kiln_conv2d_nhwc_winograd_filter_f32(const kiln_shape *filter_shape,
                                                 const float *hwio,
                                                 const kiln_shape *wino_shape,
                                                 float *wino);
/* Conv: params with stride 1, dilation 1, groups 1, any pads >= 0 and act;
 * in N,H,W,C; filter the rank-5 Winograd-domain [P, 6, 6, C, NR] above; bias
 * [M] or NULL; residual NULL or out-shaped, added before act (may alias
 * output); out N,OH,OW,M with OH = H + pt + pb - 2, OW = W + pl + pr - 2.
 * scratch: kiln_conv2d_nhwc_winograd_f32_scratch_size() bytes (every build
 * uses it: transformed input tiles and products), float aligned; 64-byte
 * aligned is the fast case. Input must not alias output. Note the filter
 * shape records P, not M: an out M with the same ceil(M / NR) reads the
 * filter's zero padding columns instead of failing.
 * KILN_ERR_ARG when a shape, stride, dilation or groups is not as above. */
kiln_status kiln_conv2d_nhwc_winograd_f32(
    const kiln_conv_params *params, const kiln_shape *in_shape,
    const float *input, const kiln_shape *filter_shape, const float *weights,
    const float *bias, const float *residual, const kiln_shape *out_shape,
    float *output, void *scratch);
/* The same bytes on every build (the compiler sizes the arena with the
 * generic build), or -1 when the arguments are invalid. */
int32_t kiln_conv2d_nhwc_winograd_f32_scratch_size(
    const kiln_conv_params *params, const kiln_shape *in_shape,
    const kiln_shape *filter_shape, const kiln_shape *out_shape);

/* Pools: in N,H,W,C; out N,OH,OW,C. */
kiln_status kiln_max_pool2d_nhwc_f32(const kiln_pool_params *params,
                                     const kiln_shape *in_shape,
                                     const float *input,
                                     const kiln_shape *out_shape,
                                     float *output);
kiln_status kiln_avg_pool2d_nhwc_f32(const kiln_pool_params *params,
                                     const kiln_shape *in_shape,
                                     const float *input,
                                     const kiln_shape *out_shape,
                                     float *output);
/* Global pools: N,H,W,C (rank 4) -> N,1,1,C. */
kiln_status kiln_global_avg_pool_nhwc_f32(const kiln_shape *in_shape,
                                          const float *input, float *output);
kiln_status kiln_global_max_pool_nhwc_f32(const kiln_shape *in_shape,
                                          const float *input, float *output);

/* ------------------------------------------------------------------------ */
/* Data movement, generic over elem_size (bytes per element, 1..8). */

/* Reshape without aliasing: count elements, in and out must not overlap. */
kiln_status kiln_copy(const void *input, void *output, int32_t count,
                      int32_t elem_size);
/* out.dims[i] = in.dims[perm[i]]. */
kiln_status kiln_transpose(const kiln_shape *in_shape, const void *input,
                           const int32_t *perm, void *output,
                           int32_t elem_size);
/* Concatenate n_inputs tensors (shapes equal except along axis). */
kiln_status kiln_concat(int32_t n_inputs, const void *const *inputs,
                        const kiln_shape *in_shapes, int32_t axis, void *output,
                        int32_t elem_size);
/* Split along axis into n_outputs parts of split_sizes[i] each. */
kiln_status kiln_split(const kiln_shape *in_shape, const void *input,
                       int32_t axis, int32_t n_outputs,
                       const int32_t *split_sizes, void *const *outputs,
                       int32_t elem_size);
/* Slice with normalised starts (first element read, per axis) and non-zero
 * steps (may be negative); out_shape gives the element count per axis. */
kiln_status kiln_slice(const kiln_shape *in_shape, const void *input,
                       const int32_t *starts, const int32_t *steps,
                       const kiln_shape *out_shape, void *output,
                       int32_t elem_size);
/* Pad: pads[0..rank) begins, pads[rank..2rank) ends, each may be negative
 * (crop). value: one element for KILN_PAD_CONSTANT, NULL means zero bytes. */
kiln_status kiln_pad(const kiln_shape *in_shape, const void *input,
                     const int32_t *pads, kiln_pad_mode mode, const void *value,
                     void *output, int32_t elem_size);
/* ONNX Gather along axis; indices may be negative; out is
 * [data dims before axis, n_indices (flattened indices shape), dims after]. */
kiln_status kiln_gather(const kiln_shape *data_shape, const void *data,
                        int32_t axis, const int64_t *indices, int32_t n_indices,
                        void *output, int32_t elem_size);
/* Resize, nearest mode, over every axis. */
kiln_status kiln_resize_nearest(const kiln_resize_params *params,
                                const kiln_shape *in_shape, const void *input,
                                const kiln_shape *out_shape, void *output,
                                int32_t elem_size);
/* Resize, linear mode, on the last two axes (others must be unchanged). */
kiln_status kiln_resize_linear_f32(const kiln_resize_params *params,
                                   const kiln_shape *in_shape,
                                   const float *input,
                                   const kiln_shape *out_shape, float *output);

/* ------------------------------------------------------------------------ */
/* Type conversion and quantisation. */

/* ONNX Cast. float -> integer truncates toward zero and saturates (NaN -> 0);
 * integer -> narrower integer wraps (two's complement); -> bool is x != 0;
 * -> f16 rounds to nearest even (overflow to Inf); f16 -> f32 is exact. */
kiln_status kiln_cast(const void *input, kiln_dtype from, void *output,
                      kiln_dtype to, int32_t count);

/* QuantizeLinear / DequantizeLinear viewed as [outer, axis_size, inner]:
 * scale[axis_size] and zero_point[axis_size] (NULL means 0). Per-tensor is
 * outer = 1, axis_size = 1, inner = count. Rounds half to even, saturates. */
kiln_status kiln_quantize_f32_s8(const float *input, int8_t *output,
                                 const float *scale, const int8_t *zero_point,
                                 int32_t outer, int32_t axis_size,
                                 int32_t inner);
kiln_status kiln_quantize_f32_u8(const float *input, uint8_t *output,
                                 const float *scale, const uint8_t *zero_point,
                                 int32_t outer, int32_t axis_size,
                                 int32_t inner);
kiln_status kiln_dequantize_s8_f32(const int8_t *input, float *output,
                                   const float *scale, const int8_t *zero_point,
                                   int32_t outer, int32_t axis_size,
                                   int32_t inner);
kiln_status kiln_dequantize_u8_f32(const uint8_t *input, float *output,
                                   const float *scale,
                                   const uint8_t *zero_point, int32_t outer,
                                   int32_t axis_size, int32_t inner);

/* ------------------------------------------------------------------------ */
/* int8 kernels: the TFLite / CMSIS-NN scheme.
 *
 * real = scale * (q - zero_point). Weights are symmetric per output channel
 * (zero point 0), activations asymmetric per tensor, bias int32 with scale
 * in_scale * w_scale[c] and zero point 0. Every kernel accumulates in int32
 * and requantises with kiln_requant_s32 semantics:
 *
 *   out = clamp(output_offset + rounding_mul(acc, multiplier, shift),
 *               act_min, act_max)
 *
 * where (multiplier, shift) encodes a positive real factor as
 * multiplier * 2^(shift - 31), multiplier in [2^30, 2^31) (or 0 for a zero
 * factor), shift in [-31, 30]; rounding_mul is TFLite's
 * MultiplyByQuantizedMultiplier: saturating rounding doubling high multiply
 * of (acc << max(shift, 0)) by multiplier, then a rounding (half away from
 * zero) right shift by max(-shift, 0). Every ISA variant is bit-exact with the
 * C reference. Fused ReLU / ReLU6 / Clip arrive as act_min / act_max in the
 * output's int8 domain. Layout is NCHW, as the float kernels. */

/* Requantisation factor: multiplier * 2^(shift - 31). */
typedef struct {
  int32_t multiplier;
  int32_t shift;
} kiln_requant;

/* Conv (and depthwise: groups == C == M) with int8 data. */
typedef struct {
  int32_t stride[2];     /* h, w; >= 1 */
  int32_t dilation[2];   /* h, w; >= 1 */
  int32_t pad[4];        /* top, left, bottom, right; >= 0 */
  int32_t groups;        /* >= 1; divides C and M */
  int32_t input_offset;  /* -input zero point, in [-127, 128] */
  int32_t output_offset; /* output zero point, in [-128, 127] */
  int32_t act_min;       /* clamp in the output domain, -128 <= min <= max */
  int32_t act_max;       /* <= 127 */
} kiln_conv_s8_params;

/* in N,C,H,W int8; filter M,C/groups,kH,kW int8 (zero point 0); bias [M] int32
 * or NULL; requant[M]: in_scale * w_scale[m] / out_scale per output channel;
 * out N,M,OH,OW int8. scratch: kiln_conv2d_s8_scratch_size() bytes. */
kiln_status kiln_conv2d_s8(const kiln_conv_s8_params *params,
                           const kiln_requant *requant,
                           const kiln_shape *in_shape, const int8_t *input,
                           const kiln_shape *filter_shape,
                           const int8_t *weights, const int32_t *bias,
                           const kiln_shape *out_shape, int8_t *output,
                           void *scratch);
int32_t kiln_conv2d_s8_scratch_size(const kiln_conv_s8_params *params,
                                    const kiln_shape *in_shape,
                                    const kiln_shape *filter_shape,
                                    const kiln_shape *out_shape);

/* Kernel variant families whose scratch needs differ. */
typedef enum {
  KILN_ISA_GENERIC = 0, /* the C reference kernels (AArch64, Cortex-M) */
  KILN_ISA_AVX2 = 1     /* x86-64 AVX2+FMA builds (AVX-512 builds too) */
} kiln_isa;

/* What kiln_conv2d_s8_scratch_size() returns in a runtime built for `isa`,
 * from any build: a compiler plans the arena for its target's runtime, not
 * for the one it links (0 for an unknown isa; the kernels then run their
 * reference path when given a NULL scratch). */
int32_t kiln_conv2d_s8_scratch_size_for(kiln_isa isa,
                                        const kiln_conv_s8_params *params,
                                        const kiln_shape *in_shape,
                                        const kiln_shape *filter_shape,
                                        const kiln_shape *out_shape);

/* Fully connected: in [batch, k] int8; weights [n, k] int8 (row per output,
 * zero point 0); bias [n] int32 or NULL; requant[n]; out [batch, n] int8. */
typedef struct {
  int32_t batch, n, k;   /* >= 1 */
  int32_t input_offset;  /* -input zero point */
  int32_t output_offset; /* output zero point */
  int32_t act_min, act_max;
} kiln_fc_s8_params;

kiln_status kiln_fully_connected_s8(const kiln_fc_s8_params *params,
                                    const kiln_requant *requant,
                                    const int8_t *input, const int8_t *weights,
                                    const int32_t *bias, int8_t *output);

/* Elementwise add with numpy broadcasting, each input rescaled to a common
 * scale first (TFLite's scheme): x_i' = rounding_mul((q_i + offset_i) <<
 * left_shift, input_requant_i); out = clamp(output_offset +
 * rounding_mul(x_a' + x_b', output_requant), act_min, act_max). */
typedef struct {
  int32_t a_offset, b_offset; /* -zero points of the inputs */
  kiln_requant a_requant, b_requant, output_requant;
  int32_t left_shift; /* in [0, 20] */
  int32_t output_offset;
  int32_t act_min, act_max;
} kiln_add_s8_params;

kiln_status kiln_add_s8(const kiln_add_s8_params *params,
                        const kiln_shape *a_shape, const int8_t *a,
                        const kiln_shape *b_shape, const int8_t *b,
                        const kiln_shape *out_shape, int8_t *out);

/* Pools keep the input's scale and zero point; act_min / act_max clamp. Max
 * pools are exact; average pools divide with rounding half away from zero.
 * Padding taps hold q = 0: with count_include_pad = 1 and a non-zero input
 * zero point, pad explicitly with the zero point (kiln_pad) and pool with
 * zero pads instead. */
kiln_status kiln_max_pool2d_s8(const kiln_pool_params *params, int32_t act_min,
                               int32_t act_max, const kiln_shape *in_shape,
                               const int8_t *input,
                               const kiln_shape *out_shape, int8_t *output);
kiln_status kiln_avg_pool2d_s8(const kiln_pool_params *params, int32_t act_min,
                               int32_t act_max, const kiln_shape *in_shape,
                               const int8_t *input,
                               const kiln_shape *out_shape, int8_t *output);
/* N,C,spatial... -> N,C with requantisation: out = clamp(output_offset +
 * rounding_mul(sum(q + input_offset), requant), act_min, act_max), requant
 * folding in_scale / (out_scale * count). */
kiln_status kiln_global_avg_pool_s8(const kiln_shape *in_shape,
                                    const int8_t *input, int32_t input_offset,
                                    kiln_requant requant,
                                    int32_t output_offset, int32_t act_min,
                                    int32_t act_max, int8_t *output);

/* int8 -> int8 with another scale / zero point (concat inputs, re-typing):
 * out = clamp(output_offset + rounding_mul(q + input_offset, requant)). */
kiln_status kiln_requantize_s8(const int8_t *input, int32_t input_offset,
                               kiln_requant requant, int32_t output_offset,
                               int8_t *output, int32_t count);

/* The scalar rounding multiply every int8 kernel uses (exposed so compilers
 * and tests can reproduce the arithmetic exactly). */
int32_t kiln_requant_s32(int32_t acc, kiln_requant requant);

/* ======================================================================== */
/* Fused elementwise chains (kiln.fused_elementwise, docs/passes.md)         */
/* ======================================================================== */

/* A chain of elementwise ops runs as one pass over the output: blocks of
 * KILN_FUSED_BLOCK elements are loaded from every (broadcast) input into
 * registers, the program runs on the block, and the result register is
 * stored. Registers live on the stack (MAX_REGS x BLOCK floats, 1 KiB). */
#define KILN_FUSED_MAX_INPUTS 8
#define KILN_FUSED_MAX_REGS 8
#define KILN_FUSED_MAX_INSNS 24
#define KILN_FUSED_BLOCK 32
/* An operand register index meaning "the scalar imm0" (binary ops only). */
#define KILN_FUSED_IMM 255

typedef enum {
  /* binary: dst = a OP b (a or b may be KILN_FUSED_IMM) */
  KILN_FOP_ADD = 0,
  KILN_FOP_SUB = 1,
  KILN_FOP_MUL = 2,
  KILN_FOP_DIV = 3,
  KILN_FOP_MAX = 4,
  KILN_FOP_MIN = 5,
  KILN_FOP_POW = 6,
  KILN_FOP_PRELU = 7, /* a < 0 ? b * a : a */
  /* unary: dst = OP(a), the same math as the kiln_<op>_f32 kernel */
  KILN_FOP_RELU = 16,
  KILN_FOP_CLIP = 17,       /* imm0 = min, imm1 = max */
  KILN_FOP_LEAKY_RELU = 18, /* imm0 = alpha */
  KILN_FOP_SIGMOID = 19,
  KILN_FOP_TANH = 20,
  KILN_FOP_HARD_SIGMOID = 21, /* imm0 = alpha, imm1 = beta */
  KILN_FOP_HARD_SWISH = 22,
  KILN_FOP_GELU = 23,
  KILN_FOP_ERF = 24,
  KILN_FOP_EXP = 25,
  KILN_FOP_LOG = 26,
  KILN_FOP_SQRT = 27,
  KILN_FOP_RECIPROCAL = 28,
  KILN_FOP_NEG = 29,
  KILN_FOP_ABS = 30
} kiln_fused_opcode;

typedef struct {
  uint8_t op;  /* kiln_fused_opcode */
  uint8_t dst; /* register 0..KILN_FUSED_MAX_REGS-1 */
  uint8_t a;   /* register, or KILN_FUSED_IMM */
  uint8_t b;   /* register, or KILN_FUSED_IMM; unused by unary ops */
  float imm0;
  float imm1;
} kiln_fused_insn;

/* Input i is loaded into register input_regs[i] at the start of each block;
 * the program leaves the result in register `result`. */
typedef struct {
  int32_t n_inputs;
  int32_t n_insns;
  int32_t result;
  uint8_t input_regs[KILN_FUSED_MAX_INPUTS];
  kiln_fused_insn insns[KILN_FUSED_MAX_INSNS];
} kiln_fused_program;

/* out = program(inputs...), every input numpy-broadcast to out_shape.
 * output may be an input of the same shape (in place). */
kiln_status kiln_fused_elementwise_f32(const kiln_fused_program *program,
                                       const kiln_shape *in_shapes,
                                       const void *const *inputs,
                                       const kiln_shape *out_shape,
                                       float *output);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* KILN_RUNTIME_H */
