/* Byte-moving loops shared by transpose, slice, expand, concat and split. */
#include "kiln_internal.h"
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

void kiln_internal_strided_copy(const kiln_shape *space, const int32_t *strides,
                                int32_t base, const void *input, void *output,
                                int32_t elem_size) {
  /* Collapse the space first: size-1 axes go, and an axis whose stride is
   * the next axis's extent joins it. A channel shuffle (transpose of
   * [1, 2, C/2, H, W]) is then C runs of H*W contiguous elements, and a
   * slice along channels is one run per kept channel, each one memcpy. */
  int32_t dims[KILN_MAX_RANK], st[KILN_MAX_RANK], rank = 0;
  for (int32_t d = 0; d < space->rank; ++d) {
    if (space->dims[d] == 0)
      return;
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
  const unsigned char *in = (const unsigned char *)input;
  unsigned char *out = (unsigned char *)output;
  if (rank == 0) {
    memcpy(out, kiln_elem(in, base, elem_size), (size_t)elem_size);
    return;
  }
  const int32_t n = dims[rank - 1], stride = st[rank - 1];
  const int32_t outer = rank - 1;
  int32_t idx[KILN_MAX_RANK] = {0};
  int32_t off = base;
  int32_t runs = 1;
  for (int32_t d = 0; d < outer; ++d)
    runs *= dims[d];
  for (int32_t r = 0; r < runs; ++r) {
    kiln_copy_run(out, kiln_elem(in, off, elem_size), n, stride, elem_size);
    out += (ptrdiff_t)n * elem_size;
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
