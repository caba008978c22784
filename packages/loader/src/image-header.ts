/**
 * The stored size of a JPEG or an 8-bit RGB/grey PNG, read from the first bytes of the file, so that the
 * ImageFolderDataset can choose before decoding between a plain decode (resized by its own kernel) and
 * sharp's resize (which, for large reductions, decodes a JPEG at 1/2, 1/4 or 1/8 of its size).
 */
export interface ImageHeader {
  format: 'jpeg' | 'png';
  width: number;
  height: number;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** The header of `bytes`, or null for any other format, a PNG with alpha, a palette or 16 bits, or a malformed file. */
export function readImageHeader(bytes: Uint8Array): ImageHeader | null {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xd8) return jpegHeader(bytes);
  if (PNG_SIGNATURE.every((b, i) => bytes[i] === b)) return pngHeader(bytes);
  return null;
}

function pngHeader(bytes: Uint8Array): ImageHeader | null {
  // Signature, then the IHDR chunk: length (4), 'IHDR', width (4), height (4), bit depth, colour type.
  if (bytes.length < 26 || String.fromCharCode(...bytes.subarray(12, 16)) !== 'IHDR') return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  const depth = bytes[24];
  const colourType = bytes[25];
  // 0: grey, 2: RGB. Palettes and alpha (and transparency chunks, which the caller sees as extra channels) decode otherwise.
  if (depth !== 8 || (colourType !== 0 && colourType !== 2) || width === 0 || height === 0) return null;
  return { format: 'png', width, height };
}

function jpegHeader(bytes: Uint8Array): ImageHeader | null {
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) return null;
    const marker = bytes[at + 1]!;
    if (marker === 0xff) {
      at += 1; // fill byte
      continue;
    }
    // Markers without a length: TEM, RST0-7, SOI.
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) {
      at += 2;
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) return null; // EOI or SOS before any frame header
    const length = (bytes[at + 2]! << 8) | bytes[at + 3]!;
    if (length < 2) return null;
    // SOF0-15 except DHT (C4), JPG (C8) and DAC (CC): precision (1), height (2), width (2).
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (at + 9 > bytes.length) return null;
      const height = (bytes[at + 5]! << 8) | bytes[at + 6]!;
      const width = (bytes[at + 7]! << 8) | bytes[at + 8]!;
      return width > 0 && height > 0 ? { format: 'jpeg', width, height } : null;
    }
    at += 2 + length;
  }
  return null;
}
