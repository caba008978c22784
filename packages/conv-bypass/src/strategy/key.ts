import type { Capabilities, ConvDirection, ConvGeometry, ConvProblem, Shape4 } from './types.js';

/** The output size of a convolution along one axis, for explicit per-side padding. */
export function outputSize(
  input: number,
  filter: number,
  stride: number,
  dilation: number,
  padSum: number,
): number {
  return Math.floor((input + padSum - (filter - 1) * dilation - 1) / stride) + 1;
}

/** The problem a call solves, from the shapes of its tensors. */
export function makeProblem(
  direction: ConvDirection,
  x: Shape4,
  w: Shape4,
  geometry: ConvGeometry,
): ConvProblem {
  const [n, , h, wd] = x;
  const [k, , r, s] = w;
  const [pt, pb, pl, pr] = geometry.padding;
  const p = outputSize(h, r, geometry.stride[0], geometry.dilation[0], pt + pb);
  const q = outputSize(wd, s, geometry.stride[1], geometry.dilation[1], pl + pr);
  return {
    direction,
    x: [...x],
    w: [...w],
    y: [n, k, p, q],
    stride: [...geometry.stride],
    padding: [...geometry.padding],
    dilation: [...geometry.dilation],
    groups: geometry.groups,
  };
}

/**
 * The decision key of a problem on this machine: device arch, direction, shapes, stride, padding,
 * dilation, groups and the vendor library's version. A decision about one key says nothing about any
 * other, and a library upgrade invalidates every old decision (new key).
 */
export function decisionKey(
  problem: ConvProblem,
  capabilities: Pick<Capabilities, 'gpu' | 'vendor'>,
): string {
  const arch = capabilities.gpu ? `${capabilities.gpu.backend}:${capabilities.gpu.arch}` : 'cpu';
  const library = capabilities.vendor
    ? `${capabilities.vendor.library}@${capabilities.vendor.version}`
    : 'none';
  return [
    arch,
    problem.direction,
    `x${problem.x.join('x')}`,
    `w${problem.w.join('x')}`,
    `s${problem.stride.join('x')}`,
    `p${problem.padding.join('x')}`,
    `d${problem.dilation.join('x')}`,
    `g${problem.groups}`,
    library,
  ].join('|');
}
