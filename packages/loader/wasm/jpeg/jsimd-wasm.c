/*
 * jsimd-wasm.c: libjpeg-turbo's SIMD dispatch for WebAssembly.
 *
 * Modified from libjpeg-turbo 2.1.5's jsimd_none.c by the rocm-patch authors (2026): the kernels below
 * and the entry points that call them are new; the rest is jsimd_none.c's. jsimd_none.c's notice:
 *   Copyright 2009 Pierre Ossman <ossman@cendio.se> for Cendio AB
 *   Copyright (C) 2009-2011, 2014, 2022, D. R. Commander.
 *   Copyright (C) 2015-2016, 2018, 2022, Matthieu Darbois.
 *   Copyright (C) 2020, Arm Limited.
 *   Based on the x86 SIMD extension for IJG JPEG library,
 *   Copyright (C) 1999-2006, MIYASAKA Masaru.
 * For conditions of distribution and use, see ../libjpeg-turbo/LICENSE.md and README.ijg.
 *
 * libjpeg-turbo's SIMD dispatch (jsimd.h) for WebAssembly: libjpeg-turbo ships SIMD code for x86, Arm,
 * MIPS and PowerPC but none for WebAssembly, so the three stages that take most of a decode after the
 * Huffman decoding have WebAssembly SIMD versions here: the islow IDCT, YCbCr -> RGB, and fancy (triangle)
 * upsampling of 4:2:0 and 4:2:2 chroma. Every other entry point is jsimd_none.c's "no SIMD" answer.
 *
 * Each kernel does the integer arithmetic of libjpeg-turbo's C code (jidctint.c, jdcolext.c, jdsample.c)
 * on lanes: the same 32-bit products, sums, rounding shifts and range limiting, including the IDCT's
 * zero-AC shortcuts and its RANGE_MASK wrap. So the output is the C code's, byte for byte, for any
 * coefficients: idct_self_check below runs both IDCTs on random blocks, overflowing ones included, and
 * test/jpeg-decode.test.ts calls it and compares whole decodes with sharp's on every sampling.
 */
#define JPEG_INTERNALS
#include <wasm_simd128.h>

#include "jinclude.h"
#include "jpeglib.h"
#include "jsimd.h"
#include "jdct.h"
#include "jsimddct.h"

/* ---- islow IDCT (jidctint.c: jpeg_idct_islow) ------------------------------------------------------- */

#define CONST_BITS 13
#define PASS1_BITS 2
#define C_0_298631336 2446
#define C_0_390180644 3196
#define C_0_541196100 4433
#define C_0_765366865 6270
#define C_0_899976223 7373
#define C_1_175875602 9633
#define C_1_501321110 12299
#define C_1_847759065 15137
#define C_1_961570560 16069
#define C_2_053119869 16819
#define C_2_562915447 20995
#define C_3_072711026 25172

#define MUL(v, c) wasm_i32x4_mul((v), wasm_i32x4_splat(c))
/* DESCALE(x, n): x + 2^(n-1), arithmetic shift right by n. */
#define DESCALE4(v, n) wasm_i32x4_shr(wasm_i32x4_add((v), wasm_i32x4_splat(1 << ((n) - 1))), (n))

/*
 * One 1-D IDCT on four lanes: in[k] is coefficient k (k = 0..7) of four columns (pass 1) or rows (pass 2);
 * writes the eight outputs before descaling, out[k] for output k. The C code's even and odd parts,
 * operation for operation.
 */
static inline void idct_1d(const v128_t in[8], v128_t out[8]) {
  v128_t z2 = in[2], z3 = in[6];
  v128_t z1 = MUL(wasm_i32x4_add(z2, z3), C_0_541196100);
  const v128_t tmp2e = wasm_i32x4_add(z1, MUL(z3, -C_1_847759065));
  const v128_t tmp3e = wasm_i32x4_add(z1, MUL(z2, C_0_765366865));
  const v128_t tmp0e = wasm_i32x4_shl(wasm_i32x4_add(in[0], in[4]), CONST_BITS);
  const v128_t tmp1e = wasm_i32x4_shl(wasm_i32x4_sub(in[0], in[4]), CONST_BITS);
  const v128_t tmp10 = wasm_i32x4_add(tmp0e, tmp3e), tmp13 = wasm_i32x4_sub(tmp0e, tmp3e);
  const v128_t tmp11 = wasm_i32x4_add(tmp1e, tmp2e), tmp12 = wasm_i32x4_sub(tmp1e, tmp2e);

  v128_t tmp0 = in[7], tmp1 = in[5], tmp2 = in[3], tmp3 = in[1];
  z1 = wasm_i32x4_add(tmp0, tmp3);
  z2 = wasm_i32x4_add(tmp1, tmp2);
  z3 = wasm_i32x4_add(tmp0, tmp2);
  v128_t z4 = wasm_i32x4_add(tmp1, tmp3);
  const v128_t z5 = MUL(wasm_i32x4_add(z3, z4), C_1_175875602);
  tmp0 = MUL(tmp0, C_0_298631336);
  tmp1 = MUL(tmp1, C_2_053119869);
  tmp2 = MUL(tmp2, C_3_072711026);
  tmp3 = MUL(tmp3, C_1_501321110);
  z1 = MUL(z1, -C_0_899976223);
  z2 = MUL(z2, -C_2_562915447);
  z3 = MUL(z3, -C_1_961570560);
  z4 = MUL(z4, -C_0_390180644);
  z3 = wasm_i32x4_add(z3, z5);
  z4 = wasm_i32x4_add(z4, z5);
  tmp0 = wasm_i32x4_add(tmp0, wasm_i32x4_add(z1, z3));
  tmp1 = wasm_i32x4_add(tmp1, wasm_i32x4_add(z2, z4));
  tmp2 = wasm_i32x4_add(tmp2, wasm_i32x4_add(z2, z3));
  tmp3 = wasm_i32x4_add(tmp3, wasm_i32x4_add(z1, z4));

  out[0] = wasm_i32x4_add(tmp10, tmp3);
  out[7] = wasm_i32x4_sub(tmp10, tmp3);
  out[1] = wasm_i32x4_add(tmp11, tmp2);
  out[6] = wasm_i32x4_sub(tmp11, tmp2);
  out[2] = wasm_i32x4_add(tmp12, tmp1);
  out[5] = wasm_i32x4_sub(tmp12, tmp1);
  out[3] = wasm_i32x4_add(tmp13, tmp0);
  out[4] = wasm_i32x4_sub(tmp13, tmp0);
}

/* Transposes the 4x4 int32 block a[0..3] (rows) in place. */
static inline void transpose4(v128_t *a0, v128_t *a1, v128_t *a2, v128_t *a3) {
  const v128_t t0 = wasm_i32x4_shuffle(*a0, *a1, 0, 4, 1, 5), t1 = wasm_i32x4_shuffle(*a0, *a1, 2, 6, 3, 7);
  const v128_t t2 = wasm_i32x4_shuffle(*a2, *a3, 0, 4, 1, 5), t3 = wasm_i32x4_shuffle(*a2, *a3, 2, 6, 3, 7);
  *a0 = wasm_i64x2_shuffle(t0, t2, 0, 2);
  *a1 = wasm_i64x2_shuffle(t0, t2, 1, 3);
  *a2 = wasm_i64x2_shuffle(t1, t3, 0, 2);
  *a3 = wasm_i64x2_shuffle(t1, t3, 1, 3);
}

/* range_limit[x & RANGE_MASK] of jdct.h's table for 8-bit samples, given x + 512: x wrapped into
 * [-512, 511] (the mask), then x + 128 clamped to [0, 255] (the table). Four lanes of int32. */
static inline v128_t range_limit_biased4(v128_t biased) {
  const v128_t wrapped =
      wasm_i32x4_sub(wasm_v128_and(biased, wasm_i32x4_splat(1023)), wasm_i32x4_splat(512 - CENTERJSAMPLE));
  return wasm_i32x4_min(wasm_i32x4_max(wrapped, wasm_i32x4_splat(0)), wasm_i32x4_splat(MAXJSAMPLE));
}

_Static_assert(sizeof(ISLOW_MULT_TYPE) == 4, "jmorecfg.h makes MULTIPLIER an int when WITH_SIMD is not defined");

/*
 * Records whether a block held values no encoder's file leads to, where libjpeg-turbo's C IDCT, which this
 * reproduces, and its x86 SIMD IDCT, which sharp's decoder runs, part ways: the SIMD works in 16 bits
 * and saturates (dequantized coefficients and pass-1 results, each also added in pairs, and its final
 * clamp), where the C code has 32 bits and wraps out-of-range outputs through RANGE_MASK. Within
 * |dequantized| <= 8191, |pass-1| <= 16383 and outputs in [-512, 511] nothing saturates or wraps, so
 * both give the same bytes (120,000 corrupted files, fuzzed against sharp, found no difference); an
 * 8-bit encoder's coefficients stay under ~1,200. Beyond, only a corrupt quantization table or
 * coefficient gets there, and decode.c then leaves the file to sharp, so that even a corrupt file
 * decodes to sharp's pixels. The kernel only ORs into three records (a few operations per vector, no
 * branch); decode.c reads them once per image.
 */
static v128_t range_inputs, range_pass1, range_outputs;

/* decode.c: clears the record before an image, and asks after it whether any block went beyond. */
void jsimd_wasm_idct_range_reset(void) {
  range_inputs = range_pass1 = range_outputs = wasm_i32x4_splat(0);
}
int32_t jsimd_wasm_idct_out_of_range(void) {
  /* Each record ORs v + bias over every value: a bit above the range's width means one was outside. */
  return wasm_v128_any_true(wasm_v128_or(
      wasm_v128_or(wasm_v128_and(range_inputs, wasm_i32x4_splat(~16383)),
                   wasm_v128_and(range_pass1, wasm_i32x4_splat(~32767))),
      wasm_v128_and(range_outputs, wasm_i32x4_splat(~1023))));
}

static void idct_islow_wasm(jpeg_component_info *compptr, JCOEFPTR coef_block, JSAMPARRAY output_buf,
                            JDIMENSION output_col) {
  const ISLOW_MULT_TYPE *quant = (const ISLOW_MULT_TYPE *)compptr->dct_table;
  /* Pass 1, on columns: lane j of half h is column 4h + j; row k of the block is coefficient k. */
  v128_t coef[8];
  for (int k = 0; k < 8; k++) coef[k] = wasm_v128_load(coef_block + 8 * k);
  /* Columns whose AC terms are all zero take the C code's shortcut: dc << PASS1_BITS in every row. */
  v128_t ac = coef[1];
  for (int k = 2; k < 8; k++) ac = wasm_v128_or(ac, coef[k]);
  const v128_t ac_zero = wasm_i16x8_eq(ac, wasm_i16x8_splat(0));
  v128_t ws[2][8]; /* ws[h][k]: output row k of columns 4h..4h+3 */
  for (int h = 0; h < 2; h++) {
    v128_t in[8], out[8];
    for (int k = 0; k < 8; k++) {
      /* DEQUANTIZE: coefficient (short) times multiplier (int without libjpeg-turbo's own SIMD). */
      const v128_t c = h == 0 ? wasm_i32x4_extend_low_i16x8(coef[k]) : wasm_i32x4_extend_high_i16x8(coef[k]);
      in[k] = wasm_i32x4_mul(c, wasm_v128_load(quant + 8 * k + 4 * h));
      range_inputs = wasm_v128_or(range_inputs, wasm_i32x4_add(in[k], wasm_i32x4_splat(8192)));
    }
    idct_1d(in, out);
    const v128_t shortcut = h == 0 ? wasm_i32x4_extend_low_i16x8(ac_zero) : wasm_i32x4_extend_high_i16x8(ac_zero);
    const v128_t dc = wasm_i32x4_shl(in[0], PASS1_BITS);
    for (int k = 0; k < 8; k++) {
      ws[h][k] = wasm_v128_bitselect(dc, DESCALE4(out[k], CONST_BITS - PASS1_BITS), shortcut);
      range_pass1 = wasm_v128_or(range_pass1, wasm_i32x4_add(ws[h][k], wasm_i32x4_splat(16384)));
    }
  }
  /* To rows: t[h][k] holds element k of rows 4h..4h+3 (lane j: row 4h + j). */
  v128_t t[2][8];
  for (int hr = 0; hr < 2; hr++) {   /* block of rows 4hr.. (the columns of ws) */
    for (int hc = 0; hc < 2; hc++) { /* block of columns 4hc.. */
      v128_t a0 = ws[hc][4 * hr], a1 = ws[hc][4 * hr + 1], a2 = ws[hc][4 * hr + 2], a3 = ws[hc][4 * hr + 3];
      transpose4(&a0, &a1, &a2, &a3);
      t[hr][4 * hc] = a0;
      t[hr][4 * hc + 1] = a1;
      t[hr][4 * hc + 2] = a2;
      t[hr][4 * hc + 3] = a3;
    }
  }
  /*
   * Pass 2, on rows; rows whose AC terms are zero take the C code's shortcut:
   * range_limit[DESCALE(ws0, PASS1_BITS + 3) & RANGE_MASK] in every column.
   */
  v128_t res[2][8]; /* res[h][k]: column k of rows 4h..4h+3, range limited */
  for (int h = 0; h < 2; h++) {
    v128_t out[8];
    idct_1d(t[h], out);
    v128_t any = t[h][1];
    for (int k = 2; k < 8; k++) any = wasm_v128_or(any, t[h][k]);
    const v128_t shortcut = wasm_i32x4_eq(any, wasm_i32x4_splat(0));
    const v128_t dc = DESCALE4(t[h][0], PASS1_BITS + 3);
    for (int k = 0; k < 8; k++) {
      const v128_t v = wasm_v128_bitselect(dc, DESCALE4(out[k], CONST_BITS + PASS1_BITS + 3), shortcut);
      /* v + 512 outside [0, 1023]: an output the C code wraps and the x86 SIMD clamps. */
      const v128_t biased = wasm_i32x4_add(v, wasm_i32x4_splat(512));
      range_outputs = wasm_v128_or(range_outputs, biased);
      res[h][k] = range_limit_biased4(biased);
    }
  }
  /* Back to rows of bytes: transpose, narrow (values are 0..255 already), store 8 per row. */
  for (int hr = 0; hr < 2; hr++) {
    for (int hc = 0; hc < 2; hc++) {
      transpose4(&res[hr][4 * hc], &res[hr][4 * hc + 1], &res[hr][4 * hc + 2], &res[hr][4 * hc + 3]);
    }
    /* res[hr][4hc + j] is now row 4hr + j, columns 4hc..4hc+3. */
    for (int j = 0; j < 4; j++) {
      const v128_t row16 = wasm_i16x8_narrow_i32x4(res[hr][j], res[hr][4 + j]);
      const v128_t row8 = wasm_u8x16_narrow_i16x8(row16, row16);
      wasm_v128_store64_lane(output_buf[4 * hr + j] + output_col, row8, 0);
    }
  }
}

/*
 * Runs the C IDCT (jidctint.c) and idct_islow_wasm on `blocks` pseudo-random blocks from `seed` (sparse
 * ones like a real file's, and dense ones of any 16-bit values, whose products overflow) and returns how
 * many output bytes differ: 0. Exported for the tests only.
 */
__attribute__((export_name("idct_self_check"))) int32_t idct_self_check(uint32_t seed, int32_t blocks) {
  /* jdmaster.c's prepare_range_limit_table for 8-bit samples. */
  static JSAMPLE table[5 * (MAXJSAMPLE + 1) + CENTERJSAMPLE];
  JSAMPLE *t = table + (MAXJSAMPLE + 1);
  for (int i = -(MAXJSAMPLE + 1); i < 0; i++) t[i] = 0;
  for (int i = 0; i <= MAXJSAMPLE; i++) t[i] = (JSAMPLE)i;
  JSAMPLE *post = t + CENTERJSAMPLE;
  for (int i = CENTERJSAMPLE; i < 2 * (MAXJSAMPLE + 1); i++) post[i] = MAXJSAMPLE;
  for (int i = 2 * (MAXJSAMPLE + 1); i < 4 * (MAXJSAMPLE + 1) - CENTERJSAMPLE; i++) post[i] = 0;
  for (int i = 0; i < CENTERJSAMPLE; i++) post[4 * (MAXJSAMPLE + 1) - CENTERJSAMPLE + i] = t[i];
  static struct jpeg_decompress_struct cinfo;
  static jpeg_component_info comp;
  static ISLOW_MULT_TYPE quant[DCTSIZE2];
  static JCOEF coef[DCTSIZE2] __attribute__((aligned(16)));
  static JSAMPLE expected[DCTSIZE2], got[DCTSIZE2];
  cinfo.sample_range_limit = t;
  comp.dct_table = quant;
  JSAMPROW rows_expected[DCTSIZE], rows_got[DCTSIZE];
  for (int r = 0; r < DCTSIZE; r++) {
    rows_expected[r] = expected + DCTSIZE * r;
    rows_got[r] = got + DCTSIZE * r;
  }
  int32_t differing = 0;
  uint32_t s = seed;
  for (int32_t b = 0; b < blocks; b++) {
    const int dense = b & 1;
    for (int i = 0; i < DCTSIZE2; i++) {
      s = s * 1664525u + 1013904223u;
      quant[i] = 1 + (s >> 25);
      s = s * 1664525u + 1013904223u;
      coef[i] = dense ? (JCOEF)(s >> 16) : (s >> 29) < 3 ? (JCOEF)((int)((s >> 20) & 255) - 128) : 0;
    }
    jpeg_idct_islow(&cinfo, &comp, coef, rows_expected, 0);
    idct_islow_wasm(&comp, coef, rows_got, 0);
    for (int i = 0; i < DCTSIZE2; i++) differing += expected[i] != got[i];
  }
  return differing;
}

/* ---- YCbCr -> RGB (jdcolor.c's tables, jdcolext.c's loop) --------------------------------------------- */

#define SCALEBITS 16
#define ONE_HALF (1 << (SCALEBITS - 1))
#define C_1_40200 91881  /* FIX(1.40200) */
#define C_1_77200 116130 /* FIX(1.77200) */
#define C_0_71414 46802  /* FIX(0.71414) */
#define C_0_34414 22554  /* FIX(0.34414) */

/* Four pixels: the table entries' arithmetic (Cr_r_tab, Cb_b_tab, Cr_g_tab + Cb_g_tab), then y + it. */
static inline void ycc4(v128_t y, v128_t cb, v128_t cr, v128_t *r, v128_t *g, v128_t *b) {
  const v128_t half = wasm_i32x4_splat(ONE_HALF);
  *r = wasm_i32x4_add(y, wasm_i32x4_shr(wasm_i32x4_add(MUL(cr, C_1_40200), half), SCALEBITS));
  *b = wasm_i32x4_add(y, wasm_i32x4_shr(wasm_i32x4_add(MUL(cb, C_1_77200), half), SCALEBITS));
  *g = wasm_i32x4_add(
      y, wasm_i32x4_shr(wasm_i32x4_add(wasm_i32x4_add(MUL(cb, -C_0_34414), half), MUL(cr, -C_0_71414)),
                        SCALEBITS));
}

/* 16 lanes of int32 (four vectors) to 16 bytes, clamped to [0, 255] as range_limit does. */
static inline v128_t clamp_bytes(v128_t a, v128_t b, v128_t c, v128_t d) {
  return wasm_u8x16_narrow_i16x8(wasm_i16x8_narrow_i32x4(a, b), wasm_i16x8_narrow_i32x4(c, d));
}

static inline void widen4(v128_t bytes, v128_t bias, v128_t out[4]) {
  const v128_t lo = wasm_i16x8_sub(wasm_u16x8_extend_low_u8x16(bytes), bias);
  const v128_t hi = wasm_i16x8_sub(wasm_u16x8_extend_high_u8x16(bytes), bias);
  out[0] = wasm_i32x4_extend_low_i16x8(lo);
  out[1] = wasm_i32x4_extend_high_i16x8(lo);
  out[2] = wasm_i32x4_extend_low_i16x8(hi);
  out[3] = wasm_i32x4_extend_high_i16x8(hi);
}

static inline int clamp_sample(int v) { return v < 0 ? 0 : v > MAXJSAMPLE ? MAXJSAMPLE : v; }

static void ycc_rgb_convert_wasm(j_decompress_ptr cinfo, JSAMPIMAGE input_buf, JDIMENSION input_row,
                                 JSAMPARRAY output_buf, int num_rows) {
  const JDIMENSION width = cinfo->output_width;
  const int red = rgb_red[cinfo->out_color_space], green = rgb_green[cinfo->out_color_space];
  const int blue = rgb_blue[cinfo->out_color_space], size = rgb_pixelsize[cinfo->out_color_space];
  while (--num_rows >= 0) {
    const JSAMPLE *y_row = input_buf[0][input_row], *cb_row = input_buf[1][input_row];
    const JSAMPLE *cr_row = input_buf[2][input_row];
    input_row++;
    JSAMPLE *out = *output_buf++;
    JDIMENSION col = 0;
    if (red == 0 && green == 1 && blue == 2 && size == 3) {
      /* The RGB output this library asks for: 16 pixels a step, interleaved with three shuffles each. */
      for (; col + 16 <= width; col += 16) {
        v128_t y[4], cb[4], cr[4], r[4], g[4], b[4];
        widen4(wasm_v128_load(y_row + col), wasm_i16x8_splat(0), y);
        widen4(wasm_v128_load(cb_row + col), wasm_i16x8_splat(CENTERJSAMPLE), cb);
        widen4(wasm_v128_load(cr_row + col), wasm_i16x8_splat(CENTERJSAMPLE), cr);
        for (int k = 0; k < 4; k++) ycc4(y[k], cb[k], cr[k], &r[k], &g[k], &b[k]);
        const v128_t R = clamp_bytes(r[0], r[1], r[2], r[3]);
        const v128_t G = clamp_bytes(g[0], g[1], g[2], g[3]);
        const v128_t B = clamp_bytes(b[0], b[1], b[2], b[3]);
        /* RG pairs, then B slotted in: bytes 0-15, 16-31, 32-47 of the 48 output bytes. */
        const v128_t rg_lo = wasm_i8x16_shuffle(R, G, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
        const v128_t rg_hi =
            wasm_i8x16_shuffle(R, G, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
        /* out0: R0 G0 B0 R1 G1 B1 R2 G2 B2 R3 G3 B3 R4 G4 B4 R5 */
        const v128_t o0 = wasm_i8x16_shuffle(rg_lo, B, 0, 1, 16, 2, 3, 17, 4, 5, 18, 6, 7, 19, 8, 9, 20, 10);
        /* out1: G5 B5 R6 G6 B6 R7 G7 B7 | R8 G8 B8 R9 G9 B9 R10 G10 */
        const v128_t m1 = wasm_i8x16_shuffle(rg_lo, B, 11, 21, 12, 13, 22, 14, 15, 23, 0, 0, 24, 0, 0, 25, 0, 0);
        const v128_t o1 =
            wasm_i8x16_shuffle(m1, rg_hi, 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 10, 18, 19, 13, 20, 21);
        /* out2: B10 R11 G11 B11 R12 G12 B12 R13 G13 B13 R14 G14 B14 R15 G15 B15 */
        const v128_t o2 =
            wasm_i8x16_shuffle(rg_hi, B, 26, 6, 7, 27, 8, 9, 28, 10, 11, 29, 12, 13, 30, 14, 15, 31);
        wasm_v128_store(out + 3 * col, o0);
        wasm_v128_store(out + 3 * col + 16, o1);
        wasm_v128_store(out + 3 * col + 32, o2);
      }
    }
    /* The tail, and the other pixel layouts (RGBX and the like; the 4th byte opaque, as jdcolext.c). */
    for (; col < width; col++) {
      const int y = y_row[col], cb = cb_row[col] - CENTERJSAMPLE, cr = cr_row[col] - CENTERJSAMPLE;
      JSAMPLE *px = out + (size_t)col * size;
      px[red] = (JSAMPLE)clamp_sample(y + ((C_1_40200 * cr + ONE_HALF) >> SCALEBITS));
      px[green] = (JSAMPLE)clamp_sample(y + ((-C_0_34414 * cb + ONE_HALF + -C_0_71414 * cr) >> SCALEBITS));
      px[blue] = (JSAMPLE)clamp_sample(y + ((C_1_77200 * cb + ONE_HALF) >> SCALEBITS));
      if (size == 4) px[6 - red - green - blue] = MAXJSAMPLE;
    }
  }
}

/* ---- fancy upsampling (jdsample.c: h2v1_fancy_upsample, h2v2_fancy_upsample) -------------------------- */

/*
 * The C loops special-case the first and last columns; both are the general formula with the input
 * extended by its edge values, which is how these compute them. n >= 3 (jdsample.c uses fancy
 * upsampling only then).
 */
static inline int at(const JSAMPLE *row, long i, long n) { return row[i < 0 ? 0 : i >= n ? n - 1 : i]; }

/* One row of h2v1: out[2i] = (3a[i] + a[i-1] + 1) >> 2, out[2i+1] = (3a[i] + a[i+1] + 2) >> 2. */
static void h2v1_row(const JSAMPLE *a, JSAMPLE *out, long n) {
  long i = 0;
  for (; i < 1 && i < n; i++) {
    out[2 * i] = (JSAMPLE)((3 * a[i] + at(a, i - 1, n) + 1) >> 2);
    out[2 * i + 1] = (JSAMPLE)((3 * a[i] + at(a, i + 1, n) + 2) >> 2);
  }
  const v128_t one = wasm_i16x8_splat(1), two = wasm_i16x8_splat(2), three = wasm_i16x8_splat(3);
  for (; i + 9 <= n; i += 8) { /* reads a[i - 1 .. i + 8] */
    const v128_t l = wasm_u16x8_load8x8(a + i - 1), c = wasm_u16x8_load8x8(a + i);
    const v128_t r = wasm_u16x8_load8x8(a + i + 1);
    const v128_t c3 = wasm_i16x8_mul(c, three);
    const v128_t even = wasm_u16x8_shr(wasm_i16x8_add(wasm_i16x8_add(c3, l), one), 2);
    const v128_t odd = wasm_u16x8_shr(wasm_i16x8_add(wasm_i16x8_add(c3, r), two), 2);
    const v128_t eo = wasm_u8x16_narrow_i16x8(even, odd);
    wasm_v128_store(out + 2 * i, wasm_i8x16_shuffle(eo, eo, 0, 8, 1, 9, 2, 10, 3, 11, 4, 12, 5, 13, 6, 14, 7, 15));
  }
  for (; i < n; i++) {
    out[2 * i] = (JSAMPLE)((3 * a[i] + at(a, i - 1, n) + 1) >> 2);
    out[2 * i + 1] = (JSAMPLE)((3 * a[i] + at(a, i + 1, n) + 2) >> 2);
  }
}

/* Column sums s[i] = 3 near[i] + far[i]; out[2i] = (3s[i] + s[i-1] + 8) >> 4, out[2i+1] = (3s[i] + s[i+1] + 7) >> 4. */
static inline int colsum(const JSAMPLE *near, const JSAMPLE *far, long i, long n) {
  return 3 * at(near, i, n) + at(far, i, n);
}

static void h2v2_row(const JSAMPLE *near, const JSAMPLE *far, JSAMPLE *out, long n) {
  long i = 0;
  for (; i < 1 && i < n; i++) {
    const int s = colsum(near, far, i, n);
    out[2 * i] = (JSAMPLE)((3 * s + colsum(near, far, i - 1, n) + 8) >> 4);
    out[2 * i + 1] = (JSAMPLE)((3 * s + colsum(near, far, i + 1, n) + 7) >> 4);
  }
  const v128_t three = wasm_i16x8_splat(3), seven = wasm_i16x8_splat(7), eight = wasm_i16x8_splat(8);
  for (; i + 9 <= n; i += 8) { /* reads columns i - 1 .. i + 8 */
    const v128_t l = wasm_i16x8_add(wasm_i16x8_mul(wasm_u16x8_load8x8(near + i - 1), three),
                                    wasm_u16x8_load8x8(far + i - 1));
    const v128_t c = wasm_i16x8_add(wasm_i16x8_mul(wasm_u16x8_load8x8(near + i), three),
                                    wasm_u16x8_load8x8(far + i));
    const v128_t r = wasm_i16x8_add(wasm_i16x8_mul(wasm_u16x8_load8x8(near + i + 1), three),
                                    wasm_u16x8_load8x8(far + i + 1));
    const v128_t c3 = wasm_i16x8_mul(c, three);
    const v128_t even = wasm_u16x8_shr(wasm_i16x8_add(wasm_i16x8_add(c3, l), eight), 4);
    const v128_t odd = wasm_u16x8_shr(wasm_i16x8_add(wasm_i16x8_add(c3, r), seven), 4);
    const v128_t eo = wasm_u8x16_narrow_i16x8(even, odd);
    wasm_v128_store(out + 2 * i, wasm_i8x16_shuffle(eo, eo, 0, 8, 1, 9, 2, 10, 3, 11, 4, 12, 5, 13, 6, 14, 7, 15));
  }
  for (; i < n; i++) {
    const int s = colsum(near, far, i, n);
    out[2 * i] = (JSAMPLE)((3 * s + colsum(near, far, i - 1, n) + 8) >> 4);
    out[2 * i + 1] = (JSAMPLE)((3 * s + colsum(near, far, i + 1, n) + 7) >> 4);
  }
}

static void h2v1_fancy_upsample_wasm(j_decompress_ptr cinfo, jpeg_component_info *compptr,
                                     JSAMPARRAY input_data, JSAMPARRAY *output_data_ptr) {
  JSAMPARRAY output_data = *output_data_ptr;
  for (int row = 0; row < cinfo->max_v_samp_factor; row++)
    h2v1_row(input_data[row], output_data[row], compptr->downsampled_width);
}

static void h2v2_fancy_upsample_wasm(j_decompress_ptr cinfo, jpeg_component_info *compptr,
                                     JSAMPARRAY input_data, JSAMPARRAY *output_data_ptr) {
  JSAMPARRAY output_data = *output_data_ptr;
  /* Each input row makes two output rows: the upper one blends with the row above, the lower below. */
  for (int inrow = 0, outrow = 0; outrow < cinfo->max_v_samp_factor; inrow++) {
    h2v2_row(input_data[inrow], input_data[inrow - 1], output_data[outrow++], compptr->downsampled_width);
    h2v2_row(input_data[inrow], input_data[inrow + 1], output_data[outrow++], compptr->downsampled_width);
  }
}

/* ---- the dispatch: jsimd_none.c's entry points, with the kernels above where they exist ----------- */

GLOBAL(int)
jsimd_can_rgb_ycc(void)
{
  return 0;
}

GLOBAL(int)
jsimd_can_rgb_gray(void)
{
  return 0;
}

GLOBAL(int)
jsimd_can_ycc_rgb(void)
{
  return 1;
}

GLOBAL(int)
jsimd_can_ycc_rgb565(void)
{
  return 0;
}

GLOBAL(int)
jsimd_c_can_null_convert(void)
{
  return 0;
}

GLOBAL(void)
jsimd_rgb_ycc_convert(j_compress_ptr cinfo, JSAMPARRAY input_buf,
                      JSAMPIMAGE output_buf, JDIMENSION output_row,
                      int num_rows)
{
}

GLOBAL(void)
jsimd_rgb_gray_convert(j_compress_ptr cinfo, JSAMPARRAY input_buf,
                       JSAMPIMAGE output_buf, JDIMENSION output_row,
                       int num_rows)
{
}

GLOBAL(void)
jsimd_ycc_rgb_convert(j_decompress_ptr cinfo, JSAMPIMAGE input_buf,
                      JDIMENSION input_row, JSAMPARRAY output_buf,
                      int num_rows)
{
  ycc_rgb_convert_wasm(cinfo, input_buf, input_row, output_buf, num_rows);
}

GLOBAL(void)
jsimd_ycc_rgb565_convert(j_decompress_ptr cinfo, JSAMPIMAGE input_buf,
                         JDIMENSION input_row, JSAMPARRAY output_buf,
                         int num_rows)
{
}

GLOBAL(void)
jsimd_c_null_convert(j_compress_ptr cinfo, JSAMPARRAY input_buf,
                     JSAMPIMAGE output_buf, JDIMENSION output_row,
                     int num_rows)
{
}

GLOBAL(int)
jsimd_can_h2v2_downsample(void)
{
  return 0;
}

GLOBAL(int)
jsimd_can_h2v1_downsample(void)
{
  return 0;
}

GLOBAL(int)
jsimd_can_h2v2_smooth_downsample(void)
{
  return 0;
}

GLOBAL(void)
jsimd_h2v2_downsample(j_compress_ptr cinfo, jpeg_component_info *compptr,
                      JSAMPARRAY input_data, JSAMPARRAY output_data)
{
}

GLOBAL(void)
jsimd_h2v2_smooth_downsample(j_compress_ptr cinfo,
                             jpeg_component_info *compptr,
                             JSAMPARRAY input_data, JSAMPARRAY output_data)
{
}

GLOBAL(void)
jsimd_h2v1_downsample(j_compress_ptr cinfo, jpeg_component_info *compptr,
                      JSAMPARRAY input_data, JSAMPARRAY output_data)
{
}

GLOBAL(int)
jsimd_can_h2v2_upsample(void)
{
  return 0;
}

GLOBAL(int)
jsimd_can_h2v1_upsample(void)
{
  return 0;
}

GLOBAL(int)
jsimd_can_int_upsample(void)
{
  return 0;
}

GLOBAL(void)
jsimd_int_upsample(j_decompress_ptr cinfo, jpeg_component_info *compptr,
                   JSAMPARRAY input_data, JSAMPARRAY *output_data_ptr)
{
}

GLOBAL(void)
jsimd_h2v2_upsample(j_decompress_ptr cinfo, jpeg_component_info *compptr,
                    JSAMPARRAY input_data, JSAMPARRAY *output_data_ptr)
{
}

GLOBAL(void)
jsimd_h2v1_upsample(j_decompress_ptr cinfo, jpeg_component_info *compptr,
                    JSAMPARRAY input_data, JSAMPARRAY *output_data_ptr)
{
}

GLOBAL(int)
jsimd_can_h2v2_fancy_upsample(void)
{
  return 1;
}

GLOBAL(int)
jsimd_can_h2v1_fancy_upsample(void)
{
  return 1;
}

GLOBAL(int)
jsimd_can_h1v2_fancy_upsample(void)
{
  return 0;
}

GLOBAL(void)
jsimd_h2v2_fancy_upsample(j_decompress_ptr cinfo, jpeg_component_info *compptr,
                          JSAMPARRAY input_data, JSAMPARRAY *output_data_ptr)
{
  h2v2_fancy_upsample_wasm(cinfo, compptr, input_data, output_data_ptr);
}

GLOBAL(void)
jsimd_h2v1_fancy_upsample(j_decompress_ptr cinfo, jpeg_component_info *compptr,
                          JSAMPARRAY input_data, JSAMPARRAY *output_data_ptr)
{
  h2v1_fancy_upsample_wasm(cinfo, compptr, input_data, output_data_ptr);
}

GLOBAL(void)
jsimd_h1v2_fancy_upsample(j_decompress_ptr cinfo, jpeg_component_info *compptr,
                          JSAMPARRAY input_data, JSAMPARRAY *output_data_ptr)
{
}

GLOBAL(int)
jsimd_can_h2v2_merged_upsample(void)
{
  return 0;
}

GLOBAL(int)
jsimd_can_h2v1_merged_upsample(void)
{
  return 0;
}

GLOBAL(void)
jsimd_h2v2_merged_upsample(j_decompress_ptr cinfo, JSAMPIMAGE input_buf,
                           JDIMENSION in_row_group_ctr, JSAMPARRAY output_buf)
{
}

GLOBAL(void)
jsimd_h2v1_merged_upsample(j_decompress_ptr cinfo, JSAMPIMAGE input_buf,
                           JDIMENSION in_row_group_ctr, JSAMPARRAY output_buf)
{
}

GLOBAL(int)
jsimd_can_convsamp(void)
{
  return 0;
}

GLOBAL(int)
jsimd_can_convsamp_float(void)
{
  return 0;
}

GLOBAL(void)
jsimd_convsamp(JSAMPARRAY sample_data, JDIMENSION start_col,
               DCTELEM *workspace)
{
}

GLOBAL(void)
jsimd_convsamp_float(JSAMPARRAY sample_data, JDIMENSION start_col,
                     FAST_FLOAT *workspace)
{
}

GLOBAL(int)
jsimd_can_fdct_islow(void)
{
  return 0;
}

GLOBAL(int)
jsimd_can_fdct_ifast(void)
{
  return 0;
}

GLOBAL(int)
jsimd_can_fdct_float(void)
{
  return 0;
}

GLOBAL(void)
jsimd_fdct_islow(DCTELEM *data)
{
}

GLOBAL(void)
jsimd_fdct_ifast(DCTELEM *data)
{
}

GLOBAL(void)
jsimd_fdct_float(FAST_FLOAT *data)
{
}

GLOBAL(int)
jsimd_can_quantize(void)
{
  return 0;
}

GLOBAL(int)
jsimd_can_quantize_float(void)
{
  return 0;
}

GLOBAL(void)
jsimd_quantize(JCOEFPTR coef_block, DCTELEM *divisors, DCTELEM *workspace)
{
}

GLOBAL(void)
jsimd_quantize_float(JCOEFPTR coef_block, FAST_FLOAT *divisors,
                     FAST_FLOAT *workspace)
{
}

GLOBAL(int)
jsimd_can_idct_2x2(void)
{
  return 0;
}

GLOBAL(int)
jsimd_can_idct_4x4(void)
{
  return 0;
}

GLOBAL(int)
jsimd_can_idct_6x6(void)
{
  return 0;
}

GLOBAL(int)
jsimd_can_idct_12x12(void)
{
  return 0;
}

GLOBAL(void)
jsimd_idct_2x2(j_decompress_ptr cinfo, jpeg_component_info *compptr,
               JCOEFPTR coef_block, JSAMPARRAY output_buf,
               JDIMENSION output_col)
{
}

GLOBAL(void)
jsimd_idct_4x4(j_decompress_ptr cinfo, jpeg_component_info *compptr,
               JCOEFPTR coef_block, JSAMPARRAY output_buf,
               JDIMENSION output_col)
{
}

GLOBAL(void)
jsimd_idct_6x6(j_decompress_ptr cinfo, jpeg_component_info *compptr,
               JCOEFPTR coef_block, JSAMPARRAY output_buf,
               JDIMENSION output_col)
{
}

GLOBAL(void)
jsimd_idct_12x12(j_decompress_ptr cinfo, jpeg_component_info *compptr,
                 JCOEFPTR coef_block, JSAMPARRAY output_buf,
                 JDIMENSION output_col)
{
}

GLOBAL(int)
jsimd_can_idct_islow(void)
{
  return 1;
}

GLOBAL(int)
jsimd_can_idct_ifast(void)
{
  return 0;
}

GLOBAL(int)
jsimd_can_idct_float(void)
{
  return 0;
}

GLOBAL(void)
jsimd_idct_islow(j_decompress_ptr cinfo, jpeg_component_info *compptr,
                 JCOEFPTR coef_block, JSAMPARRAY output_buf,
                 JDIMENSION output_col)
{
  idct_islow_wasm(compptr, coef_block, output_buf, output_col);
}

GLOBAL(void)
jsimd_idct_ifast(j_decompress_ptr cinfo, jpeg_component_info *compptr,
                 JCOEFPTR coef_block, JSAMPARRAY output_buf,
                 JDIMENSION output_col)
{
}

GLOBAL(void)
jsimd_idct_float(j_decompress_ptr cinfo, jpeg_component_info *compptr,
                 JCOEFPTR coef_block, JSAMPARRAY output_buf,
                 JDIMENSION output_col)
{
}

GLOBAL(int)
jsimd_can_huff_encode_one_block(void)
{
  return 0;
}

GLOBAL(JOCTET *)
jsimd_huff_encode_one_block(void *state, JOCTET *buffer, JCOEFPTR block,
                            int last_dc_val, c_derived_tbl *dctbl,
                            c_derived_tbl *actbl)
{
  return NULL;
}

GLOBAL(int)
jsimd_can_encode_mcu_AC_first_prepare(void)
{
  return 0;
}

GLOBAL(void)
jsimd_encode_mcu_AC_first_prepare(const JCOEF *block,
                                  const int *jpeg_natural_order_start, int Sl,
                                  int Al, UJCOEF *values, size_t *zerobits)
{
}

GLOBAL(int)
jsimd_can_encode_mcu_AC_refine_prepare(void)
{
  return 0;
}

GLOBAL(int)
jsimd_encode_mcu_AC_refine_prepare(const JCOEF *block,
                                   const int *jpeg_natural_order_start, int Sl,
                                   int Al, UJCOEF *absvalues, size_t *bits)
{
  return 0;
}
