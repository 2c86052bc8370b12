/* Row pointers and blocking driver of the NHWC indirect GEMM (AVX2 and
 * AVX-512 builds). */
#include "kiln_nhwc.h"

#include <stdint.h>
#include <string.h>

#if KILN_HAVE_AVX2

/* Output columns [*lo, *hi) whose by-row slice [c0, c0 + kc) lies inside
 * the input line (no padding column in it). */
static void kiln_nhwc_interior(const kiln_conv_params *p,
                               const kiln_conv_geometry *g, int32_t c0,
                               int32_t kc, int32_t *lo_out, int32_t *hi_out) {
  const int32_t sw = p->stride[1];
  /* Columns of the slice's first and last pixel, relative to the run's. */
  const int32_t d_first = c0 / g->ch, d_last = (c0 + kc - 1) / g->ch;
  const int32_t lo_num = p->pad[1] - d_first;
  const int32_t hi_num = g->w - 1 - d_last + p->pad[1];
  int32_t lo = lo_num <= 0 ? 0 : (lo_num + sw - 1) / sw;
  int32_t hi = hi_num < 0 ? 0 : hi_num / sw + 1;
  if (lo > g->ow)
    lo = g->ow;
  if (hi > g->ow)
    hi = g->ow;
  if (hi < lo)
    hi = lo;
  *lo_out = lo;
  *hi_out = hi;
}

void kiln_internal_nhwc_rows_init(const kiln_conv_params *params,
                                  const kiln_conv_geometry *g,
                                  kiln_nhwc_rows *rows) {
  rows->params = params;
  rows->g = g;
  /* Without groups and with adjacent column taps, the kw taps of one kernel
   * row are one contiguous run of kW * C floats: a tap of the GEMM is then a
   * kernel row, which cuts the pointer work kW-fold (and makes a 3-channel
   * stem's k-runs 3 * kW long instead of 3). */
  rows->by_row = params->groups == 1 && params->dilation[1] == 1;
  rows->taps = rows->by_row ? g->kh : g->kh * g->kw;
  rows->run = rows->by_row ? g->kw * g->c_per_g : g->c_per_g;
  rows->lo = rows->hi = 0;
  if (rows->by_row)
    kiln_nhwc_interior(params, g, 0, rows->run, &rows->lo, &rows->hi);
  rows->dense = g->kh == 1 && g->kw == 1 && params->stride[0] == 1 &&
                params->stride[1] == 1 && params->pad[0] == 0 &&
                params->pad[1] == 0 && g->oh == g->h && g->ow == g->w;
}

/* The slice [c0, c0 + kc) of a by-row run starting at column iw, with the
 * padding columns as zeros, into buf. The run is contiguous in the input
 * line, so its part inside the line is one copy between two zero fills
 * (no per-pixel division or call: the stem's 3-channel pixels made that the
 * costly part of its row pointers). */
static void kiln_nhwc_copy_edge(const kiln_conv_geometry *g, const float *line,
                                int32_t iw, int32_t c0, int32_t kc,
                                float *buf) {
  const ptrdiff_t start = (ptrdiff_t)iw * g->ch + c0, end = start + kc;
  const ptrdiff_t line_len = (ptrdiff_t)g->w * g->ch;
  ptrdiff_t lo = start > 0 ? start : 0, hi = end < line_len ? end : line_len;
  if (hi < lo)
    lo = hi = start; /* nothing inside: all zeros */
  if (kc <= 16) {
    /* A short run (DS-CNN's 10x4 stem over one channel: 4 floats) is a
     * few element moves; a memcpy call cost more than the copy. */
    for (ptrdiff_t e = start; e < end; ++e)
      buf[e - start] = e >= lo && e < hi ? line[e] : 0.0f;
    return;
  }
  for (ptrdiff_t e = start; e < lo; ++e)
    buf[e - start] = 0.0f;
  if (hi > lo)
    memcpy(buf + (lo - start), line + lo, (size_t)(hi - lo) * sizeof(float));
  for (ptrdiff_t e = hi; e < end; ++e)
    buf[e - start] = 0.0f;
}

/* Taps t in [0, ntaps) whose input row h0 + (t0 + t) * dh lies in [0, h), as
 * [*ta, *tb) (empty when none does). */
static void kiln_nhwc_tap_rows(int32_t h0, int32_t t0, int32_t ntaps,
                               int32_t dh, int32_t h, int32_t *ta,
                               int32_t *tb) {
  const int32_t first = h0 + t0 * dh; /* input row of tap 0 */
  int32_t a, b;
  if (dh == 1) { /* the common case, without the two divisions */
    a = first >= 0 ? 0 : -first;
    b = first > h - 1 ? 0 : h - first;
  } else {
    a = first >= 0 ? 0 : (-first + dh - 1) / dh;
    /* Last tap with first + t * dh <= h - 1. */
    b = first > h - 1 ? 0 : (h - 1 - first) / dh + 1;
  }
  if (a > ntaps)
    a = ntaps;
  if (b > ntaps)
    b = ntaps;
  if (b < a)
    b = a;
  *ta = a;
  *tb = b;
}

/* One by-row pixel whose window hangs over the left or right edge: its
 * slices of the kernel rows inside the image, with zeros for the padding
 * columns, go into this row's part of the edge buffer. */
static void kiln_nhwc_rows_edge(const kiln_nhwc_rows *rows, const float *img,
                                int32_t h0, int32_t w0, int32_t r,
                                int32_t mr_max, int32_t t0, int32_t ntaps,
                                int32_t ta, int32_t tb, int32_t c0, int32_t kc,
                                const float *zeros, float *edge,
                                const float **dst) {
  const kiln_conv_geometry *g = rows->g;
  const ptrdiff_t line_step = (ptrdiff_t)g->w * g->ch;
  const int32_t dh = rows->params->dilation[0];
  int32_t t = 0;
  for (; t < ta; ++t, dst += mr_max)
    *dst = zeros;
  for (; t < tb; ++t, dst += mr_max) {
    const int32_t ih = h0 + (t0 + t) * dh;
    float *buf = edge + ((ptrdiff_t)t * mr_max + r) * kc;
    kiln_nhwc_copy_edge(g, img + ih * line_step, w0, c0, kc, buf);
    *dst = buf;
  }
  for (; t < ntaps; ++t, dst += mr_max)
    *dst = zeros;
}

void kiln_internal_nhwc_rows(const kiln_nhwc_rows *rows, const float *img,
                             int32_t i0, int32_t mr, int32_t mr_max, int32_t t0,
                             int32_t ntaps, int32_t c0, int32_t kc,
                             const float *zeros, float *edge,
                             const float **ptrs) {
  const kiln_conv_params *p = rows->params;
  const kiln_conv_geometry *g = rows->g;
  const ptrdiff_t line_step = (ptrdiff_t)g->w * g->ch;
  const int32_t dh = p->dilation[0], sh = p->stride[0], sw = p->stride[1];
  if (rows->dense) {
    /* One tap (t0 = 0): row r is pixel i0 + r of the image (the last one
     * for r >= mr). The general path below spent a fifth of MobileNetV2's
     * 32->16 1x1 conv (one panel per tile) on the same pointers. */
    const float *src = img + (ptrdiff_t)i0 * g->ch + c0;
    int32_t r = 0;
    for (; r < mr; ++r, src += g->ch)
      ptrs[r] = src;
    for (; r < mr_max; ++r)
      ptrs[r] = ptrs[mr - 1];
    return;
  }
  int32_t oh = i0 / g->ow, ow = i0 - oh * g->ow;
  if (rows->by_row) {
    const ptrdiff_t tap_step = (ptrdiff_t)dh * line_step; /* next tap */
    const ptrdiff_t px_step = (ptrdiff_t)sw * g->ch;      /* next pixel */
    /* The output columns whose slice lies inside the line: [lo, hi) (for
     * a whole-run chunk, the usual one, found once in rows_init: its four
     * divisions per tile were a visible part of a stem's pointers). */
    int32_t lo, hi;
    if (c0 == 0 && kc == rows->run)
      lo = rows->lo, hi = rows->hi;
    else
      kiln_nhwc_interior(p, g, c0, kc, &lo, &hi);
    /* The tile in segments of one output row each: the taps inside the
     * image rows are found once per segment, and the interior columns'
     * pointers are one add per (tap, pixel), stored tap by tap (the stem's
     * 3-channel pixels and ResNet-8's 16-channel ones made the per-pixel
     * bookkeeping a sixth to a third of the conv). */
    for (int32_t r = 0; r < mr;) {
      const int32_t len = g->ow - ow < mr - r ? g->ow - ow : mr - r;
      const int32_t h0 = oh * sh - p->pad[0];
      int32_t ta, tb;
      kiln_nhwc_tap_rows(h0, t0, ntaps, dh, g->h, &ta, &tb);
      /* Interior part of the segment: columns [a, b). */
      int32_t a = ow > lo ? ow : lo, b = ow + len < hi ? ow + len : hi;
      if (b < a)
        a = b = ow;
      for (int32_t c = ow; c < a; ++c)
        kiln_nhwc_rows_edge(rows, img, h0, c * sw - p->pad[1], r + c - ow,
                            mr_max, t0, ntaps, ta, tb, c0, kc, zeros, edge,
                            ptrs + r + c - ow);
      if (b > a) {
        const int32_t r_a = r + a - ow, n = b - a;
        const float *src = img + (ptrdiff_t)(h0 + (t0 + ta) * dh) * line_step +
                           (ptrdiff_t)(a * sw - p->pad[1]) * g->ch + c0;
        for (int32_t t = 0; t < ntaps; ++t) {
          const float **dst = ptrs + (ptrdiff_t)t * mr_max + r_a;
          if (t < ta || t >= tb) {
            for (int32_t j = 0; j < n; ++j)
              dst[j] = zeros;
            continue;
          }
          const float *q = src + (ptrdiff_t)(t - ta) * tap_step;
          for (int32_t j = 0; j < n; ++j, q += px_step)
            dst[j] = q;
        }
      }
      for (int32_t c = b; c < ow + len; ++c)
        kiln_nhwc_rows_edge(rows, img, h0, c * sw - p->pad[1], r + c - ow,
                            mr_max, t0, ntaps, ta, tb, c0, kc, zeros, edge,
                            ptrs + r + c - ow);
      r += len, ow = 0, ++oh;
    }
    /* Rows past the last pixel repeat it: wasted lanes, never bad reads. */
    for (int32_t r = mr; r < mr_max; ++r)
      for (int32_t t = 0; t < ntaps; ++t)
        ptrs[(ptrdiff_t)t * mr_max + r] = ptrs[(ptrdiff_t)t * mr_max + mr - 1];
    return;
  }
  for (int32_t r = 0; r < mr_max; ++r) {
    /* Rows past the last pixel repeat it: wasted lanes, never bad reads. */
    if (r > 0 && r < mr && ++ow == g->ow)
      ow = 0, ++oh;
    const int32_t h0 = oh * sh - p->pad[0];
    const int32_t w0 = ow * sw - p->pad[1];
    const float **dst = ptrs + r;
    int32_t kh = t0 / g->kw, kw = t0 - kh * g->kw;
    for (int32_t t = 0; t < ntaps; ++t, dst += mr_max) {
      const int32_t ih = h0 + kh * dh, iw = w0 + kw * p->dilation[1];
      *dst = ih >= 0 && ih < g->h && iw >= 0 && iw < g->w
                 ? img + ih * line_step + (ptrdiff_t)iw * g->ch + c0
                 : zeros;
      if (++kw == g->kw)
        kw = 0, ++kh;
    }
  }
}

/* Bytes of pre-packed panels one pixel tile multiplies before the next:
 * the B slice of a chunk across that many panels stays in L2 (1 MB on Zen 5,
 * shared with A and the outputs) while the tile's rows are reused for each
 * panel. On ResNet-18's 3x3 layers (AVX-512, Zen 5) 128 KB to 1 MB measured
 * the same, 64 KB (two panels) 2-4% slower. */
#define KILN_NHWC_DIRECT_BYTES (256 * 1024)

/* Rows (t, e) for runs [t0, t0 + ntaps), slice [c0, c0 + kc) of each, of
 * columns [j0, j0 + nc) of group gi of a pre-packed filter whose panels are
 * not the ISA's (another NR, or misaligned), into an nr-wide panel with
 * zeros past nc: the same values the ISA's own pack gives from HWIO, so the
 * results stay bit-identical, at the price of a scalar copy. */
static void kiln_nhwc_pack_packed(const kiln_conv_geometry *g,
                                  const float *weights, int32_t gi, int32_t j0,
                                  int32_t run, int32_t t0, int32_t ntaps,
                                  int32_t c0, int32_t kc, int32_t nc,
                                  int32_t nr, float *panel) {
  const int32_t src_nr = g->nr;
  const int32_t src_panels = (g->m_per_g + src_nr - 1) / src_nr;
  const ptrdiff_t k = (ptrdiff_t)g->kh * g->kw * g->c_per_g;
  const float *grp = weights + (ptrdiff_t)gi * src_panels * k * src_nr;
  for (int32_t t = 0; t < ntaps; ++t)
    for (int32_t e = 0; e < kc; ++e, panel += nr) {
      const ptrdiff_t row = (ptrdiff_t)(t0 + t) * run + c0 + e;
      for (int32_t l = 0; l < nr; ++l) {
        const int32_t col = j0 + l;
        panel[l] = l < nc ? grp[((ptrdiff_t)(col / src_nr) * k + row) * src_nr +
                                col % src_nr]
                          : 0.0f;
      }
    }
}

/* Panel rows for one chunk of columns [j0, j0 + nc) of group gi, from HWIO
 * (the ISA's pack) or from a foreign pre-packed filter. */
static void kiln_nhwc_pack_chunk(const kiln_nhwc_gemm_isa *isa,
                                 const kiln_conv_geometry *g,
                                 const float *weights, int32_t gi, int32_t j0,
                                 int32_t run, int32_t t0, int32_t ntaps,
                                 int32_t c0, int32_t kc, int32_t nc,
                                 float *panel) {
  if (g->nr == 0)
    isa->pack(weights + gi * g->m_per_g + j0, g->m, run, t0, ntaps, c0, kc, nc,
              panel);
  else
    kiln_nhwc_pack_packed(g, weights, gi, j0, run, t0, ntaps, c0, kc, nc,
                          isa->nr, panel);
}

int32_t kiln_internal_nhwc_tile_step(const kiln_nhwc_gemm_isa *isa,
                                     int32_t pixels) {
  int32_t best = isa->mr;
  int64_t best_cost = INT64_MAX;
  for (int32_t s = isa->mr; s >= 1 && 2 * s >= isa->mr; --s) {
    const int32_t full = pixels / s, tail = pixels % s;
    const int64_t cost = (int64_t)full * (isa->tile_rows(s) + 1) +
                         (tail != 0 ? isa->tile_rows(tail) + 1 : 0);
    if (cost < best_cost)
      best_cost = cost, best = s;
  }
  return best;
}

void kiln_internal_nhwc_gemm(const kiln_nhwc_gemm_isa *isa,
                             const kiln_conv_params *pr,
                             const kiln_conv_geometry *g, const float *input,
                             const float *weights, const float *bias,
                             const float *residual, float *output, float *panel,
                             float *zeros, float *edge, const float **ptrs) {
  const int32_t MR = isa->mr, NR = isa->nr, KC = isa->kc;
  memset(zeros, 0, (size_t)KC * sizeof(float));
  kiln_nhwc_rows rows;
  kiln_internal_nhwc_rows_init(pr, g, &rows);
  /* A padded image small enough for the edge buffer (DS-CNN's 49x10x1
   * input to its 10x4 stride-2 stem: 58x12 floats) is copied into it with
   * its padding as zeros, once per image, and the rows are taken from that
   * unpadded view: every window then lies inside, so no pixel's runs are
   * copied into the edge buffer (two of DS-CNN's five output columns were,
   * a run at a time) and no tap points at the zeros. The same floats reach
   * the tile in the same order, so the bits are unchanged. */
  const int32_t pad_h = g->h + pr->pad[0] + pr->pad[2];
  const int32_t pad_w = g->w + pr->pad[1] + pr->pad[3];
  const int pad_img =
      !rows.dense &&
      (pr->pad[0] | pr->pad[1] | pr->pad[2] | pr->pad[3]) != 0 &&
      (int64_t)pad_h * pad_w * g->ch <= (int64_t)MR * KC;
  kiln_conv_params pad_pr;
  kiln_conv_geometry pad_g;
  if (pad_img) {
    pad_pr = *pr;
    pad_pr.pad[0] = pad_pr.pad[1] = pad_pr.pad[2] = pad_pr.pad[3] = 0;
    pad_g = *g;
    pad_g.h = pad_h, pad_g.w = pad_w;
    kiln_internal_nhwc_rows_init(&pad_pr, &pad_g, &rows);
  }
  const int32_t taps = rows.taps, run = rows.run;
  /* A chunk is whole runs when a run fits the panel, else one run in
   * panel-deep slices. */
  const int32_t kc_max = run < KC ? run : KC;
  int32_t taps_per = run < KC ? KC / run : 1;
  if (taps_per > isa->taps)
    taps_per = isa->taps;
  const int32_t pixels = g->oh * g->ow;
  const int32_t step = kiln_internal_nhwc_tile_step(isa, pixels);
  const int32_t panels = (g->m_per_g + NR - 1) / NR;
  const ptrdiff_t k = (ptrdiff_t)taps * run; /* rows of B per group */
  /* Pre-packed panels of this ISA's width, aligned for its loads: a chunk
   * (whole runs t0.., or slice c0.. of one run) is the contiguous row range
   * from t0 * run + c0 of its K x NR panel, read where it lies. */
  const int direct =
      g->nr == NR && (uintptr_t)weights % (uintptr_t)isa->align == 0;
  /* When all of B fits the panel buffer (small K: MobileNet's and DS-CNN's
   * pointwise convs), it is packed once and each tile of pixels computes
   * all M columns from one set of row pointers. Pre-packed panels are then
   * one memcpy (reading them in place measured 2% slower on MobileNetV2's
   * 1x1 16->96, 144->24 and 32->192: the stack copy stays hotter in L1). */
  const int whole_b = taps <= taps_per && (int64_t)panels * taps * run <= KC;
  /* Panels per pixel tile: one packed panel buffer, or as many pre-packed
   * panels as keep a chunk's slice of B within KILN_NHWC_DIRECT_BYTES, so
   * each tile's row pointers serve them all. */
  int32_t block = 1;
  if (direct) {
    const int64_t slice =
        (int64_t)taps_per * kc_max * NR * (int64_t)sizeof(float);
    block = (int32_t)(KILN_NHWC_DIRECT_BYTES / slice);
    if (block < 1)
      block = 1;
  }
  kiln_nhwc_tile_job job;
  job.ptrs = ptrs;
  job.ldo = g->m;
  job.act = &pr->act;
  for (int32_t n = 0; n < g->batch; ++n) {
    const float *img = input + (ptrdiff_t)n * g->h * g->w * g->ch;
    if (pad_img) {
      const ptrdiff_t line = (ptrdiff_t)g->w * g->ch;
      const ptrdiff_t pad_line = (ptrdiff_t)pad_w * g->ch;
      memset(edge, 0, (size_t)(pad_h * pad_line) * sizeof(float));
      for (int32_t y = 0; y < g->h; ++y)
        memcpy(edge + (y + pr->pad[0]) * pad_line + pr->pad[1] * g->ch,
               img + y * line, (size_t)line * sizeof(float));
      img = edge;
    }
    const ptrdiff_t out_img = (ptrdiff_t)n * pixels * g->m;
    for (int32_t gi = 0; gi < pr->groups; ++gi) {
      const int32_t col0 = gi * g->m_per_g;
      const float *img_g = img + (ptrdiff_t)gi * g->c_per_g;
      const float *bias_g = bias != NULL ? bias + col0 : NULL;
      if (whole_b) {
        if (direct)
          memcpy(panel, weights + (ptrdiff_t)gi * panels * k * NR,
                 (size_t)(panels * k * NR) * sizeof(float));
        else
          for (int32_t jp = 0; jp < panels; ++jp)
            kiln_nhwc_pack_chunk(isa, g, weights, gi, jp * NR, run, 0, taps, 0,
                                 run, g->m_per_g - jp * NR,
                                 panel + (ptrdiff_t)jp * k * NR);
        job.ntaps = taps, job.kc = run, job.first = job.last = 1;
        for (int32_t i0 = 0; i0 < pixels; i0 += step) {
          job.mr = pixels - i0 < step ? pixels - i0 : step;
          kiln_internal_nhwc_rows(&rows, img_g, i0, job.mr, MR, 0, taps, 0, run,
                                  zeros, edge, ptrs);
          for (int32_t jp = 0; jp < panels; ++jp) {
            const int32_t j0 = jp * NR;
            const ptrdiff_t o = out_img + (ptrdiff_t)i0 * g->m + col0 + j0;
            job.nc = g->m_per_g - j0 < NR ? g->m_per_g - j0 : NR;
            job.panel = panel + (ptrdiff_t)jp * k * NR;
            job.bias = bias_g != NULL ? bias_g + j0 : NULL;
            job.residual = residual != NULL ? residual + o : NULL;
            job.out = output + o;
            isa->tile(&job);
          }
        }
        continue;
      }
      /* This group's pre-packed panels (direct only). */
      const float *packed_g = weights + (ptrdiff_t)gi * panels * k * NR;
      job.panel = panel;
      for (int32_t jb = 0; jb < panels; jb += block) {
        const int32_t jb_end = panels - jb < block ? panels : jb + block;
        for (int32_t t0 = 0; t0 < taps; t0 += taps_per) {
          job.ntaps = taps - t0 < taps_per ? taps - t0 : taps_per;
          for (int32_t c0 = 0; c0 < run; c0 += kc_max) {
            job.kc = run - c0 < kc_max ? run - c0 : kc_max;
            job.first = t0 == 0 && c0 == 0;
            job.last = t0 + job.ntaps >= taps && c0 + job.kc >= run;
            const ptrdiff_t row0 = (ptrdiff_t)t0 * run + c0;
            if (!direct)
              kiln_nhwc_pack_chunk(
                  isa, g, weights, gi, jb * NR, run, t0, job.ntaps, c0, job.kc,
                  g->m_per_g - jb * NR < NR ? g->m_per_g - jb * NR : NR, panel);
            for (int32_t i0 = 0; i0 < pixels; i0 += step) {
              job.mr = pixels - i0 < step ? pixels - i0 : step;
              kiln_internal_nhwc_rows(&rows, img_g, i0, job.mr, MR, t0,
                                      job.ntaps, c0, job.kc, zeros, edge, ptrs);
              for (int32_t jp = jb; jp < jb_end; ++jp) {
                const int32_t j0 = jp * NR;
                const ptrdiff_t o = out_img + (ptrdiff_t)i0 * g->m + col0 + j0;
                job.nc = g->m_per_g - j0 < NR ? g->m_per_g - j0 : NR;
                job.bias = bias_g != NULL ? bias_g + j0 : NULL;
                if (direct)
                  job.panel = packed_g + ((ptrdiff_t)jp * k + row0) * NR;
                job.residual = residual != NULL ? residual + o : NULL;
                job.out = output + o;
                isa->tile(&job);
              }
            }
          }
        }
      }
    }
  }
}

#endif /* KILN_HAVE_AVX2 */
