import { move } from 'piscina';

export function empty() {
  return null;
}

export function array(length) {
  return move(new Float32Array(length));
}

export function bounce(array) {
  return move(array);
}
