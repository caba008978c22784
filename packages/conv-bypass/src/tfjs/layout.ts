// Layout conversions between TF.js (NHWC activations, R×S×C×K filters, R×S×C×M depthwise filters) and
// the conv API (NCHW activations, K×(C/groups)×R×S filters).

/** [n, h, w, c] → [n, c, h, w] */
export function nhwcToNchw(src: Float32Array, n: number, h: number, w: number, c: number): Float32Array {
  const dst = new Float32Array(src.length);
  const plane = h * w;
  for (let b = 0; b < n; b++) {
    const base = b * plane * c;
    for (let i = 0; i < plane; i++) {
      const from = base + i * c;
      for (let ch = 0; ch < c; ch++) dst[base + ch * plane + i] = src[from + ch]!;
    }
  }
  return dst;
}

/** [n, c, h, w] → [n, h, w, c] */
export function nchwToNhwc(src: Float32Array, n: number, c: number, h: number, w: number): Float32Array {
  const dst = new Float32Array(src.length);
  const plane = h * w;
  for (let b = 0; b < n; b++) {
    const base = b * plane * c;
    for (let ch = 0; ch < c; ch++) {
      const from = base + ch * plane;
      for (let i = 0; i < plane; i++) dst[base + i * c + ch] = src[from + i]!;
    }
  }
  return dst;
}

/** TF.js filter [r, s, c, k] → [k, c, r, s]. */
export function rsckToKcrs(src: Float32Array, r: number, s: number, c: number, k: number): Float32Array {
  const dst = new Float32Array(src.length);
  const rs = r * s;
  for (let i = 0; i < rs; i++) {
    for (let ch = 0; ch < c; ch++) {
      const from = (i * c + ch) * k;
      for (let kk = 0; kk < k; kk++) dst[(kk * c + ch) * rs + i] = src[from + kk]!;
    }
  }
  return dst;
}

/** [k, c, r, s] → TF.js filter [r, s, c, k]. */
export function kcrsToRsck(src: Float32Array, k: number, c: number, r: number, s: number): Float32Array {
  const dst = new Float32Array(src.length);
  const rs = r * s;
  for (let kk = 0; kk < k; kk++) {
    for (let ch = 0; ch < c; ch++) {
      const from = (kk * c + ch) * rs;
      for (let i = 0; i < rs; i++) dst[(i * c + ch) * k + kk] = src[from + i]!;
    }
  }
  return dst;
}
