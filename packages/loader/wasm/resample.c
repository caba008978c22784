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
 * Sums n weighted 16-byte vectors p[k * stride .. +16] (k = 0..n-1, at offsets off[k] when off is given)
 * and returns the 16 results rounded and clipped to uchar, as clip_uchar does for each.
 */
static inline v128_t weighted16(const uint8_t *base, const int32_t *offsets, const int16_t *weights,
                                int32_t n) {
  v128_t a0 = wasm_i32x4_splat(ROUND), a1 = a0, a2 = a0, a3 = a0;
  for (int32_t t = 0; t < n; t++) {
    const v128_t w = wasm_i16x8_splat(weights[t]);
    const v128_t px = wasm_v128_load(base + offsets[t]);
    const v128_t lo = wasm_u16x8_extend_low_u8x16(px);
    const v128_t hi = wasm_u16x8_extend_high_u8x16(px);
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
 * transposed intermediate (column * out_h) and their weights. row: W * C uchar scratch.
 * tmp: C x W x out_h uchar (the vertical pass's output, transposed). lut: 3 x 256 float.
 * out: 3 x out_h x out_w float (a grey source fills all three planes, each through its own table).
 */
__attribute__((export_name("resample_normalise"))) void resample_normalise(
    const uint8_t *restrict src, int32_t width, int32_t channels, const int32_t *restrict vrow,
    const int16_t *restrict vw, int32_t nv, int32_t out_h, const int32_t *restrict hcol,
    const int16_t *restrict hw, int32_t nh, int32_t out_w, uint8_t *restrict row, uint8_t *restrict tmp,
    const float *restrict lut, float *restrict out) {
  const int32_t row_len = width * channels;

  /* Vertical: one output row at a time from nv input rows, then stored transposed (c, x, y). */
  for (int32_t y = 0; y < out_h; y++) {
    const int32_t *offsets = vrow + y * nv;
    const int16_t *weights = vw + y * nv;
    int32_t i = 0;
    for (; i + 16 <= row_len; i += 16) wasm_v128_store(row + i, weighted16(src + i, offsets, weights, nv));
    for (; i < row_len; i++) row[i] = weighted1(src + i, offsets, weights, nv);
    for (int32_t x = 0; x < width; x++)
      for (int32_t c = 0; c < channels; c++) tmp[(c * width + x) * out_h + y] = row[x * channels + c];
  }

  /* Horizontal: one output column at a time from nh columns of the transposed intermediate. */
  for (int32_t c = 0; c < channels; c++) {
    const uint8_t *plane = tmp + c * width * out_h;
    const int32_t first = channels == 1 ? 0 : c, last = channels == 1 ? 2 : c;
    for (int32_t x = 0; x < out_w; x++) {
      const int32_t *offsets = hcol + x * nh;
      const int16_t *weights = hw + x * nh;
      int32_t y = 0;
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
