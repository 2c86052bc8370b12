/* Byte-moving loops shared by transpose, slice, expand, concat and split. */
#include "kiln_movement.h"
#include "kiln_iter.h"

#include <stdint.h>
#include <string.h>

/* Copies n elements read `stride` elements apart into contiguous `dst`. The
 * typed loops let the compiler move whole words (and vectorise stride 0 and
 * small strides) instead of calling memcpy per element. */
static void kiln_copy_run(unsigned char *dst, const unsigned char *src,
                          int32_t n, int32_t stride, int32_t elem_size) {
  if (stride == 1) {
    memcpy(dst, src, (size_t)n * (size_t)elem_size);
    return;
  }
  switch (elem_size) {
  case 4: {
    uint32_t *d = (uint32_t *)(void *)dst;
    for (int32_t i = 0; i < n; ++i) {
      uint32_t v;
      memcpy(&v, src + (ptrdiff_t)i * stride * 4, 4);
      d[i] = v;
    }
    return;
  }
  case 1:
    for (int32_t i = 0; i < n; ++i)
      dst[i] = src[(ptrdiff_t)i * stride];
    return;
  default:
    for (int32_t i = 0; i < n; ++i)
      memcpy(dst + (ptrdiff_t)i * elem_size,
             src + (ptrdiff_t)i * stride * elem_size, (size_t)elem_size);
    return;
  }
}

/* Collapses the space: size-1 axes go, and an axis whose stride is the
 * next axis's extent joins it. A channel shuffle (transpose of
 * [1, 2, C/2, H, W]) is then C runs of H*W contiguous elements, and a slice
 * along channels is one run per kept channel, each one memcpy. Returns the
 * collapsed rank, or -1 for an empty space. */
static int32_t kiln_collapse(const kiln_shape *space, const int32_t *strides,
                             int32_t *dims, int32_t *st) {
  int32_t rank = 0;
  for (int32_t d = 0; d < space->rank; ++d) {
    if (space->dims[d] == 0)
      return -1;
    if (space->dims[d] == 1)
      continue;
    if (rank > 0 && st[rank - 1] == strides[d] * space->dims[d]) {
      dims[rank - 1] *= space->dims[d];
      st[rank - 1] = strides[d];
    } else {
      dims[rank] = space->dims[d];
      st[rank] = strides[d];
      ++rank;
    }
  }
  return rank;
}

typedef enum {
  KILN_LINES_RUNS,        /* the innermost axis, one strided run each */
  KILN_LINES_INTERLEAVE,  /* the two innermost axes, interleaved */
  KILN_LINES_DEINTERLEAVE /* the two innermost axes, de-interleaved */
} kiln_lines_kind;

/* Walks the axes outside the innermost one (runs) or three (interleaves)
 * and copies each block they leave into the next piece of the output. An
 * interleave block is a batch of [m, n] interleaves along the third axis
 * (the pixels of a channel shuffle), so the vector loop stays inside one
 * call across them. */
static void kiln_copy_lines(kiln_lines_kind kind, const int32_t *dims,
                            const int32_t *st, int32_t rank, int32_t base,
                            const unsigned char *in, unsigned char *out,
                            int32_t elem_size) {
  const int32_t n = dims[rank - 1], stride = st[rank - 1];
  int32_t outer = rank - 1, rows = 1, batch = 1, batch_step = 0;
  if (kind != KILN_LINES_RUNS) {
    rows = dims[rank - 2];
    outer = rank - 2;
    if (outer > 0) {
      --outer;
      batch = dims[outer];
      batch_step = st[outer];
    }
  }
  const ptrdiff_t block = (ptrdiff_t)batch * rows * n * elem_size;
  int32_t idx[KILN_MAX_RANK] = {0};
  int32_t off = base;
  int32_t blocks = 1;
  for (int32_t d = 0; d < outer; ++d)
    blocks *= dims[d];
  for (int32_t r = 0; r < blocks; ++r) {
    const unsigned char *src = kiln_elem(in, off, elem_size);
    switch (kind) {
    case KILN_LINES_RUNS:
      kiln_copy_run(out, src, n, stride, elem_size);
      break;
    case KILN_LINES_INTERLEAVE: /* out[j * n + i] = src[i * stride + j] */
      kiln_internal_interleave(out, src, n, rows, stride, batch, batch_step,
                               elem_size);
      break;
    case KILN_LINES_DEINTERLEAVE: /* out[i * n + j] = src[j * stride + i] */
      kiln_internal_deinterleave(out, src, rows, n, stride, batch, batch_step,
                                 elem_size);
      break;
    }
    out += block;
    /* Odometer over the outer axes, innermost first. */
    for (int32_t d = outer - 1; d >= 0; --d) {
      off += st[d];
      if (++idx[d] < dims[d])
        break;
      off -= st[d] * dims[d];
      idx[d] = 0;
    }
  }
}

/* The copy after collapsing axes; `small_axis` lets a small innermost axis
 * take the (de-)interleave instead of the run loop. */
static void kiln_strided_copy(const kiln_shape *space, const int32_t *strides,
                              int32_t base, const void *input, void *output,
                              int32_t elem_size, int small_axis) {
  int32_t dims[KILN_MAX_RANK], st[KILN_MAX_RANK];
  const int32_t rank = kiln_collapse(space, strides, dims, st);
  const unsigned char *in = (const unsigned char *)input;
  unsigned char *out = (unsigned char *)output;
  if (rank < 0)
    return;
  if (rank == 0) {
    memcpy(out, kiln_elem(in, base, elem_size), (size_t)elem_size);
    return;
  }
  /* The NHWC layout's hot transposes end in a small axis whose neighbour is
   * contiguous in the input: NCHW -> NHWC ([HW, C] with strides [1, HW]) and
   * the channel shuffle ([HW, C/2, 2] with strides [C, 1, C/2]). The run
   * loop would copy one element per run there; the interleave reads the
   * small axis's streams side by side instead. The inverse, NHWC -> NCHW of
   * a few channels ([C, HW] with strides [1, C]), gets the de-interleave. */
  if (small_axis && rank >= 2 && st[rank - 2] == 1) {
    const int32_t n = dims[rank - 1], s = st[rank - 1];
    if (n >= 2 && n <= KILN_INTERLEAVE_MAX && s != 1) {
      kiln_copy_lines(KILN_LINES_INTERLEAVE, dims, st, rank, base, in, out,
                      elem_size);
      return;
    }
    if (s >= 2 && s <= KILN_INTERLEAVE_MAX && dims[rank - 2] == s) {
      kiln_copy_lines(KILN_LINES_DEINTERLEAVE, dims, st, rank, base, in, out,
                      elem_size);
      return;
    }
  }
  kiln_copy_lines(KILN_LINES_RUNS, dims, st, rank, base, in, out, elem_size);
}

void kiln_internal_strided_copy_runs(const kiln_shape *space,
                                     const int32_t *strides, int32_t base,
                                     const void *input, void *output,
                                     int32_t elem_size) {
  kiln_strided_copy(space, strides, base, input, output, elem_size, 0);
}

void kiln_internal_strided_copy(const kiln_shape *space, const int32_t *strides,
                                int32_t base, const void *input, void *output,
                                int32_t elem_size) {
  kiln_strided_copy(space, strides, base, input, output, elem_size, 1);
}

void kiln_internal_blocks(int to_whole, int32_t outer, int32_t n_parts,
                          const int32_t *part_bytes, void *whole,
                          void *const *parts) {
  unsigned char *cursor = (unsigned char *)whole;
  for (int32_t o = 0; o < outer; ++o) {
    for (int32_t p = 0; p < n_parts; ++p) {
      /* Empty parts may be NULL, and NULL + 0 is undefined in C. */
      if (part_bytes[p] == 0)
        continue;
      unsigned char *part =
          (unsigned char *)parts[p] + (ptrdiff_t)o * part_bytes[p];
      if (to_whole)
        memcpy(cursor, part, (size_t)part_bytes[p]);
      else
        memcpy(part, cursor, (size_t)part_bytes[p]);
      cursor += part_bytes[p];
    }
  }
}
