import { withTransfer } from '@rocm-patch/mp';

export function empty() {
  return null;
}

export function array(length) {
  return withTransfer(new Float32Array(length));
}

export function arrayCopied(length) {
  return new Float32Array(length);
}

export function bounce(array) {
  return withTransfer(array);
}
