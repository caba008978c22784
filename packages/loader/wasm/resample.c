/*
 * The ImageFolderDataset's resize + normalise kernel, compiled to WebAssembly (build.mjs beside this file
 * writes src/resample-wasm.ts from it). It reproduces libvips' uchar reducev then reduceh exactly — the
 * same int16 weights (computed in TypeScript from libvips' lanczos3 masks), the same 32-bit sums, the same
 * round-and-clip to uchar after each pass — so its pixels equal sharp's resize(w, h, { fit: 'fill' }); it
 * then maps them to normalised float32 through a 256-entry table per channel (so normalisation is exactly
 * the float64 formula of the TypeScript code, rounded once to float32) and writes CHW planes directly.
 *
 * Both passes run along contiguous memory with one weight per step, 16 pixels per SIMD step with the sums
 * held in registers: the vertical pass along input rows, the horizontal pass along columns of the
 * transposed intermediate the vertical pass writes. The caller (resample.ts) validates every size and
 * index before calling, and keeps the whole memory below 2 GiB so that every offset here fits in an int32:
 * this code trusts its tables.
 */
#include <stdint.h>
#include <wasm_simd128.h>

#define SHIFT 12
#define ROUND (1 << (SHIFT - 1))

/* libvips' unsigned_fixed_round then VIPS_CLIP(0, v, 255): an arithmetic shift (floor), then a clip. */
static inline uint8_t clip_uchar(int32_t v) {
  v >>= SHIFT;
  return v < 0 ? 0 : v > 255 ? 255 : (uint8_t) v;
}

/*
 * Sums n weighted 16-byte vectors (the one at base + offsets[t] with weights[t], t = 0..n-1) and returns
 * the 16 sums rounded and clipped to uchar, as clip_uchar does for each. Taps go in pairs: the two
 * vectors' bytes interleaved and widened to int16, multiplied by (w[t], w[t + 1]) and added pairwise
 * (i32x4.dot_i16x8_s). Integer sums do not depend on their order, so this is libvips' sum exactly.
 */
static inline v128_t weighted16(const uint8_t *base, const int32_t *offsets, const int16_t *weights,
                                int32_t n) {
  v128_t a0 = wasm_i32x4_splat(ROUND), a1 = a0, a2 = a0, a3 = a0;
  int32_t t = 0;
  for (; t + 2 <= n; t += 2) {
    const v128_t w = wasm_i32x4_splat((int32_t) (uint16_t) weights[t] | ((int32_t) weights[t + 1] << 16));
    const v128_t p = wasm_v128_load(base + offsets[t]);
    const v128_t q = wasm_v128_load(base + offsets[t + 1]);
    const v128_t lo = wasm_i8x16_shuffle(p, q, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
    const v128_t hi = wasm_i8x16_shuffle(p, q, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
    a0 = wasm_i32x4_add(a0, wasm_i32x4_dot_i16x8(wasm_u16x8_extend_low_u8x16(lo), w));
    a1 = wasm_i32x4_add(a1, wasm_i32x4_dot_i16x8(wasm_u16x8_extend_high_u8x16(lo), w));
    a2 = wasm_i32x4_add(a2, wasm_i32x4_dot_i16x8(wasm_u16x8_extend_low_u8x16(hi), w));
    a3 = wasm_i32x4_add(a3, wasm_i32x4_dot_i16x8(wasm_u16x8_extend_high_u8x16(hi), w));
  }
  if (t < n) {
    const v128_t w = wasm_i16x8_splat(weights[t]);
    const v128_t p = wasm_v128_load(base + offsets[t]);
    const v128_t lo = wasm_u16x8_extend_low_u8x16(p);
    const v128_t hi = wasm_u16x8_extend_high_u8x16(p);
    a0 = wasm_i32x4_add(a0, wasm_i32x4_extmul_low_i16x8(lo, w));
    a1 = wasm_i32x4_add(a1, wasm_i32x4_extmul_high_i16x8(lo, w));
    a2 = wasm_i32x4_add(a2, wasm_i32x4_extmul_low_i16x8(hi, w));
    a3 = wasm_i32x4_add(a3, wasm_i32x4_extmul_high_i16x8(hi, w));
  }
  a0 = wasm_i32x4_shr(a0, SHIFT);
  a1 = wasm_i32x4_shr(a1, SHIFT);
  a2 = wasm_i32x4_shr(a2, SHIFT);
  a3 = wasm_i32x4_shr(a3, SHIFT);
  /* Saturating narrows: int32 -> int16 -> uint8 clips to [0, 255] exactly. */
  return wasm_u8x16_narrow_i16x8(wasm_i16x8_narrow_i32x4(a0, a1), wasm_i16x8_narrow_i32x4(a2, a3));
}

static inline uint8_t weighted1(const uint8_t *base, const int32_t *offsets, const int16_t *weights,
                                int32_t n) {
  int32_t sum = ROUND;
  for (int32_t t = 0; t < n; t++) sum += weights[t] * (int32_t) base[offsets[t]];
  return clip_uchar(sum);
}

/*
 * src: H x W x C uchar (C = 1 or 3). vrow/vw: out_h x nv byte offsets of the input rows (already
 * clamped, row * W * C) and their weights. hcol/hw: out_w x nh byte offsets of the input columns in the
 * transposed intermediate (column * out_h) and their weights. row: out_h uchar scratch; dest: W * C
 * int32 scratch.
 * tmp: C x W x out_h uchar (the vertical pass's output, transposed). lut: 3 x 256 float.
 * out: 3 x out_h x out_w float (a grey source fills all three planes, each through its own table).
 */
__attribute__((export_name("resample_normalise"))) void resample_normalise(
    const uint8_t *restrict src, int32_t width, int32_t channels, const int32_t *restrict vrow,
    const int16_t *restrict vw, int32_t nv, int32_t out_h, const int32_t *restrict hcol,
    const int16_t *restrict hw, int32_t nh, int32_t out_w, uint8_t *restrict row, int32_t *restrict dest,
    uint8_t *restrict tmp,
    const float *restrict lut, float *restrict out) {
  const int32_t row_len = width * channels;

  /* Where each byte of an input row goes in the transposed intermediate: (c, x, y = 0). */
  for (int32_t x = 0; x < width; x++)
    for (int32_t c = 0; c < channels; c++) dest[x * channels + c] = (c * width + x) * out_h;

  /*
   * Vertical: four output rows at a time, each from nv input rows, 16 bytes per step; the four rows'
   * bytes are then interleaved so that each position's four values (y .. y + 3) go out in one store to
   * the transposed intermediate.
   */
  int32_t y = 0;
  for (; y + 4 <= out_h; y += 4) {
    const int32_t *o0 = vrow + y * nv, *o1 = o0 + nv, *o2 = o1 + nv, *o3 = o2 + nv;
    const int16_t *w0 = vw + y * nv, *w1 = w0 + nv, *w2 = w1 + nv, *w3 = w2 + nv;
    int32_t i = 0;
    for (; i + 16 <= row_len; i += 16) {
      const v128_t r0 = weighted16(src + i, o0, w0, nv), r1 = weighted16(src + i, o1, w1, nv);
      const v128_t r2 = weighted16(src + i, o2, w2, nv), r3 = weighted16(src + i, o3, w3, nv);
      const v128_t t0 = wasm_i8x16_shuffle(r0, r1, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
      const v128_t t1 = wasm_i8x16_shuffle(r0, r1, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
      const v128_t u0 = wasm_i8x16_shuffle(r2, r3, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
      const v128_t u1 = wasm_i8x16_shuffle(r2, r3, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
      const v128_t q[4] = {
          wasm_i8x16_shuffle(t0, u0, 0, 1, 16, 17, 2, 3, 18, 19, 4, 5, 20, 21, 6, 7, 22, 23),
          wasm_i8x16_shuffle(t0, u0, 8, 9, 24, 25, 10, 11, 26, 27, 12, 13, 28, 29, 14, 15, 30, 31),
          wasm_i8x16_shuffle(t1, u1, 0, 1, 16, 17, 2, 3, 18, 19, 4, 5, 20, 21, 6, 7, 22, 23),
          wasm_i8x16_shuffle(t1, u1, 8, 9, 24, 25, 10, 11, 26, 27, 12, 13, 28, 29, 14, 15, 30, 31),
      };
      const int32_t *d = dest + i;
      for (int32_t k = 0; k < 4; k++) {
        wasm_v128_store32_lane(tmp + d[4 * k] + y, q[k], 0);
        wasm_v128_store32_lane(tmp + d[4 * k + 1] + y, q[k], 1);
        wasm_v128_store32_lane(tmp + d[4 * k + 2] + y, q[k], 2);
        wasm_v128_store32_lane(tmp + d[4 * k + 3] + y, q[k], 3);
      }
    }
    for (; i < row_len; i++) {
      tmp[dest[i] + y] = weighted1(src + i, o0, w0, nv);
      tmp[dest[i] + y + 1] = weighted1(src + i, o1, w1, nv);
      tmp[dest[i] + y + 2] = weighted1(src + i, o2, w2, nv);
      tmp[dest[i] + y + 3] = weighted1(src + i, o3, w3, nv);
    }
  }
  for (; y < out_h; y++) {
    const int32_t *offsets = vrow + y * nv;
    const int16_t *weights = vw + y * nv;
    for (int32_t i = 0; i < row_len; i++) tmp[dest[i] + y] = weighted1(src + i, offsets, weights, nv);
  }

  /* Horizontal: one output column at a time from nh columns of the transposed intermediate. */
  for (int32_t c = 0; c < channels; c++) {
    const uint8_t *plane = tmp + c * width * out_h;
    const int32_t first = channels == 1 ? 0 : c, last = channels == 1 ? 2 : c;
    for (int32_t x = 0; x < out_w; x++) {
      const int32_t *offsets = hcol + x * nh;
      const int16_t *weights = hw + x * nh;
      y = 0;
      for (; y + 16 <= out_h; y += 16) wasm_v128_store(row + y, weighted16(plane + y, offsets, weights, nh));
      for (; y < out_h; y++) row[y] = weighted1(plane + y, offsets, weights, nh);
      for (int32_t oc = first; oc <= last; oc++) {
        const float *table = lut + oc * 256;
        float *dst = out + oc * out_h * out_w + x;
        for (y = 0; y < out_h; y++) dst[y * out_w] = table[row[y]];
      }
    }
  }
}
