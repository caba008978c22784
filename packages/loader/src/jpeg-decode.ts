/**
 * JPEG decoding in WebAssembly: libjpeg-turbo's decompressor (C source in wasm/jpeg, compiled by
 * wasm/build.mjs into jpeg-wasm.ts), the decoder sharp itself uses, with the same settings, so the pixels
 * are sharp's. What it saves is libvips' fixed cost per image — pipeline set-up, regions, a hop to the
 * libuv thread pool — which for the 256-pixel JPEGs of a typical dataset is more than the decode: about
 * 1.0 ms here against 2.1–2.5 ms through sharp on one core. It also runs on the calling thread, so thread
 * workers decode in parallel instead of meeting in libvips.
 *
 * It answers null for what sharp would change on the way (CMYK and YCCK, an embedded ICC profile), for
 * anything libjpeg-turbo reports as an error or a warning (sharp fails on warnings by default), for
 * coefficients no encoder writes (a corrupt file, where libjpeg-turbo's C and x86 SIMD IDCTs — this
 * decoder's and sharp's — give different pixels), and for images over `maxPixels`: the caller then
 * decodes with sharp, which converts or reports as before.
 */
import { jpegWasmBase64 } from './jpeg-wasm.js';
import { type WasmGlobal, type WasmMemory, wasmApi } from './wasm-api.js';

export interface DecodedPixels {
  /** height × width × channels bytes, interleaved; a view of the decoder's memory, valid until its next call. */
  pixels: Uint8Array;
  width: number;
  height: number;
  /** 1 (grey) or 3 (RGB). */
  channels: 1 | 3;
}

interface Decoder {
  memory: WasmMemory;
  stackTop: number;
  stackPointer: WasmGlobal;
  begin: (length: number) => number;
  decode: (input: number, length: number, maxPixels: number) => number;
  info: () => number;
  idctSelfCheck: (seed: number, blocks: number) => number;
}

/** Thrown by the module's `fail` import (libjpeg's error_exit and warnings): the file goes to sharp. */
class JpegRefused extends Error {}

let decoder: Decoder | null = null;

/** The module, compiled and instantiated once per thread (about a millisecond; it is 146 KB). */
function getDecoder(): Decoder {
  if (decoder) return decoder;
  const module = new wasmApi.Module(Buffer.from(jpegWasmBase64, 'base64'));
  const memory = new wasmApi.Memory({ initial: 64 });
  const fail = (code: number): never => {
    throw new JpegRefused(`libjpeg-turbo message ${code}`);
  };
  const exports = new wasmApi.Instance(module, { env: { memory, fail } }).exports as {
    begin: Decoder['begin'];
    decode: Decoder['decode'];
    info: Decoder['info'];
    idct_self_check: Decoder['idctSelfCheck'];
    __stack_pointer: WasmGlobal;
  };
  decoder = {
    memory,
    stackTop: exports.__stack_pointer.value,
    stackPointer: exports.__stack_pointer,
    begin: exports.begin,
    decode: exports.decode,
    info: exports.info,
    idctSelfCheck: exports.idct_self_check,
  };
  return decoder;
}

/**
 * Largest image decoded here: 2^26 pixels (8192 × 8192) keeps the decoder's memory (output plus, for a
 * progressive file, every coefficient) well under WebAssembly's 2 GiB of 32-bit offsets.
 */
export const MAX_JPEG_PIXELS = 2 ** 26;

/**
 * Decodes a JPEG to interleaved 8-bit grey or RGB exactly as sharp's `raw()` would, or returns null when
 * sharp must decode it (see the module comment). The pixels are a view of the decoder's memory: use or
 * copy them before the next call on this thread.
 */
export function decodeJpeg(bytes: Uint8Array, maxPixels: number = MAX_JPEG_PIXELS): DecodedPixels | null {
  if (!(bytes instanceof Uint8Array)) {
    throw new TypeError(`decodeJpeg: bytes must be a Uint8Array, got ${typeof bytes}`);
  }
  if (!Number.isInteger(maxPixels) || maxPixels < 1 || maxPixels > MAX_JPEG_PIXELS) {
    throw new RangeError(
      `decodeJpeg: maxPixels must be an integer in [1, ${MAX_JPEG_PIXELS}], got ${String(maxPixels)}`,
    );
  }
  // A file beyond 1 GiB cannot be a JPEG this decoder accepts (and would not fit beside its output).
  if (bytes.length === 0 || bytes.length > 2 ** 30) return null;
  const d = getDecoder();
  const input = d.begin(bytes.length);
  if (input === 0) return null;
  new Uint8Array(d.memory.buffer, input, bytes.length).set(bytes);
  let decoded: number;
  try {
    decoded = d.decode(input, bytes.length, maxPixels);
  } catch (error) {
    // The throw skipped the epilogues that restore the module's stack pointer.
    d.stackPointer.value = d.stackTop;
    if (error instanceof JpegRefused) return null;
    throw error;
  }
  if (decoded !== 1) return null;
  // Read after the decode: growing the memory replaced its buffer.
  const [width, height, channels, at] = new Int32Array(d.memory.buffer, d.info(), 4) as unknown as [
    number,
    number,
    1 | 3,
    number,
  ];
  return { pixels: new Uint8Array(d.memory.buffer, at, width * height * channels), width, height, channels };
}

/**
 * For the tests: runs libjpeg-turbo's C IDCT and the module's SIMD one on `blocks` pseudo-random 8×8
 * blocks and returns how many output bytes differ (0 when they agree).
 */
export function idctSelfCheck(seed: number, blocks: number): number {
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff)
    throw new RangeError(`idctSelfCheck: seed must be a uint32, got ${String(seed)}`);
  if (!Number.isInteger(blocks) || blocks < 0 || blocks > 2 ** 31 - 1)
    throw new RangeError(`idctSelfCheck: blocks must be a non-negative int32, got ${String(blocks)}`);
  return getDecoder().idctSelfCheck(seed >>> 0, blocks);
}
