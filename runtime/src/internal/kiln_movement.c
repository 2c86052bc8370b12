/* Byte-moving loops shared by transpose, slice, expand, concat and split. */
#include "kiln_internal.h"
#include "kiln_iter.h"

#include <string.h>

void kiln_internal_strided_copy(const kiln_shape *space, const int32_t *strides,
                                int32_t base, const void *input, void *output,
                                int32_t elem_size) {
  kiln_iter it;
  kiln_iter_init(&it, space);
  kiln_iter_add_strided(&it, strides, base);
  int32_t count = kiln_numel(space);
  for (int32_t i = 0; i < count; ++i, kiln_iter_next(&it))
    memcpy(kiln_elem_mut(output, i, elem_size),
           kiln_elem(input, it.off[0], elem_size), (size_t)elem_size);
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
