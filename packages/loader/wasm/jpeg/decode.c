/*
 * The ImageFolderDataset's JPEG decoder: libjpeg-turbo's own decompressor (the C sources in
 * ../libjpeg-turbo, unchanged but for the 64-bit Huffman bit buffer noted there), compiled to
 * WebAssembly by ../build.mjs. sharp decodes with libjpeg-turbo too (mozjpeg, the same decoder), with the
 * settings used here (islow IDCT, fancy upsampling, block smoothing), so the pixels are the same; what
 * this avoids is libvips' fixed cost per image (pipeline set-up, regions, a thread hop), which for a
 * 256-pixel JPEG is more than the decode itself.
 *
 * It decodes only what sharp would hand back unchanged: 8-bit greyscale, YCbCr or RGB, without an ICC
 * profile (sharp converts those to sRGB through the profile), without a single warning (sharp fails on
 * warnings by default) and without coefficients beyond any encoder's (jsimd-wasm.c). Everything else
 * answers "not here" (0) and the caller uses sharp, which then decodes, converts or reports the error as
 * it always did.
 *
 * Memory: one arena from __heap_base, reset when each image begins, so nothing outlives an image and an
 * error cannot leak. Errors: libjpeg's error_exit must not return; it calls the imported `fail`, which
 * throws in JavaScript and unwinds this module's frames (the caller restores the stack pointer).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "jpeglib.h"
#include "jerror.h"
#include "jmemsys.h"

extern unsigned char __heap_base;

/* jsimd-wasm.c: whether any block's values went beyond any encoder's (a corrupt file) since the reset. */
void jsimd_wasm_idct_range_reset(void);
int32_t jsimd_wasm_idct_out_of_range(void);

/* Throws in JavaScript: error_exit and warnings end here (code: libjpeg's message code). */
__attribute__((import_module("env"), import_name("fail"))) void fail(int32_t code);

/* ---- arena ---------------------------------------------------------------------------------------- */

static uintptr_t arena_next;

/* 16-byte aligned bytes from the arena, growing the memory as needed; NULL when it cannot grow. */
static void *arena_alloc(size_t bytes) {
  const uintptr_t at = (arena_next + 15) & ~(uintptr_t) 15;
  if (bytes > 0x7fff0000u || at > 0x7fff0000u - bytes) return NULL; /* keep the memory below 2 GiB */
  const uintptr_t end = at + bytes;
  const uintptr_t have = __builtin_wasm_memory_size(0) * 65536u;
  if (end > have && __builtin_wasm_memory_grow(0, (end - have + 65535) / 65536) == (size_t) -1) return NULL;
  arena_next = end;
  return (void *) at;
}

/* libjpeg's system-dependent memory manager (jmemsys.h), on the arena: frees are no-ops. */
void *jpeg_get_small(j_common_ptr cinfo, size_t size) { return arena_alloc(size); }
void jpeg_free_small(j_common_ptr cinfo, void *object, size_t size) {}
void *jpeg_get_large(j_common_ptr cinfo, size_t size) { return arena_alloc(size); }
void jpeg_free_large(j_common_ptr cinfo, void *object, size_t size) {}
size_t jpeg_mem_available(j_common_ptr cinfo, size_t min_needed, size_t max_needed, size_t allocated) {
  return max_needed;
}
void jpeg_open_backing_store(j_common_ptr cinfo, backing_store_ptr info, long total_bytes_needed) {
  ERREXIT(cinfo, JERR_NO_BACKING_STORE);
}
long jpeg_mem_init(j_common_ptr cinfo) { return 0; }
void jpeg_mem_term(j_common_ptr cinfo) {}

/* ---- errors --------------------------------------------------------------------------------------- */

static void error_exit(j_common_ptr cinfo) { fail(cinfo->err->msg_code); }

/* Level -1 is a warning (corrupt data libjpeg worked around): sharp fails on it, so this does not decode.
 * Levels 0 and up are trace messages, off here (trace_level 0). */
static void emit_message(j_common_ptr cinfo, int level) {
  if (level < 0) fail(cinfo->err->msg_code);
}

static void output_message(j_common_ptr cinfo) {}
static void format_message(j_common_ptr cinfo, char *buffer) { buffer[0] = 0; }
static void reset_error_mgr(j_common_ptr cinfo) { cinfo->err->num_warnings = 0; }

/* ---- the decoder ---------------------------------------------------------------------------------- */

/* What decode() wrote: width, height, channels (1 or 3), and the byte offset of the pixels. */
static int32_t info[4];

__attribute__((export_name("info"))) int32_t *get_info(void) { return info; }

/* Starts an image: empties the arena and returns room for its `length` bytes (0 if it does not fit). */
__attribute__((export_name("begin"))) uint8_t *begin(uint32_t length) {
  arena_next = (uintptr_t) &__heap_base;
  return length == 0 ? NULL : arena_alloc(length);
}

static int has_icc_profile(j_decompress_ptr cinfo) {
  for (jpeg_saved_marker_ptr m = cinfo->marker_list; m != NULL; m = m->next) {
    if (m->marker == JPEG_APP0 + 2 && m->data_length >= 12 && memcmp(m->data, "ICC_PROFILE", 12) == 0)
      return 1;
  }
  return 0;
}

/*
 * Decodes the `length` bytes at `input` (from begin()) to interleaved 8-bit pixels: grey (1 channel) or
 * RGB (3). Returns 1 and fills info, or 0 when sharp must decode this file instead: a colour space or
 * profile sharp would convert, or more than max_pixels pixels. Corrupt data calls fail() (it throws).
 */
__attribute__((export_name("decode"))) int32_t decode(const uint8_t *input, uint32_t length,
                                                      uint32_t max_pixels) {
  struct jpeg_error_mgr *err = arena_alloc(sizeof *err);
  struct jpeg_decompress_struct *cinfo = arena_alloc(sizeof *cinfo);
  if (err == NULL || cinfo == NULL) return 0;
  memset(err, 0, sizeof *err);
  err->error_exit = error_exit;
  err->emit_message = emit_message;
  err->output_message = output_message;
  err->format_message = format_message;
  err->reset_error_mgr = reset_error_mgr;
  memset(cinfo, 0, sizeof *cinfo);
  cinfo->err = err;
  jpeg_create_decompress(cinfo);
  jpeg_mem_src(cinfo, input, length);
  jpeg_save_markers(cinfo, JPEG_APP0 + 2, 0xffff);
  jpeg_read_header(cinfo, TRUE);

  int32_t channels;
  if (cinfo->num_components == 1 && cinfo->jpeg_color_space == JCS_GRAYSCALE) {
    cinfo->out_color_space = JCS_GRAYSCALE;
    channels = 1;
  } else if (cinfo->num_components == 3 &&
             (cinfo->jpeg_color_space == JCS_YCbCr || cinfo->jpeg_color_space == JCS_RGB)) {
    cinfo->out_color_space = JCS_RGB;
    channels = 3;
  } else {
    return 0; /* CMYK, YCCK, odd component counts: sharp converts them */
  }
  if (has_icc_profile(cinfo)) return 0;
  if ((uint64_t) cinfo->image_width * cinfo->image_height > max_pixels) return 0;
  /* The settings libvips decodes with (and libjpeg's defaults): exact integer IDCT, fancy upsampling. */
  cinfo->dct_method = JDCT_ISLOW;
  cinfo->do_fancy_upsampling = TRUE;

  jsimd_wasm_idct_range_reset();
  jpeg_start_decompress(cinfo);
  const uint32_t width = cinfo->output_width, height = cinfo->output_height;
  if (cinfo->output_components != channels) return 0;
  const size_t stride = (size_t) width * channels;
  uint8_t *pixels = arena_alloc(stride * height);
  if (pixels == NULL) return 0;
  while (cinfo->output_scanline < height) {
    JSAMPROW rows[4];
    const uint32_t first = cinfo->output_scanline;
    int n = 0;
    for (; n < 4 && first + n < height; n++) rows[n] = pixels + (size_t) (first + n) * stride;
    jpeg_read_scanlines(cinfo, rows, n);
  }
  jpeg_finish_decompress(cinfo);
  /* Coefficients no encoder writes: sharp's decoder may give other pixels for them (jsimd-wasm.c). */
  if (jsimd_wasm_idct_out_of_range()) return 0;
  info[0] = (int32_t) width;
  info[1] = (int32_t) height;
  info[2] = channels;
  info[3] = (int32_t) (uintptr_t) pixels;
  return 1;
}
