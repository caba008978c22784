import Tinypool from 'tinypool';

export function empty() {
  return null;
}

export function array(length) {
  return Tinypool.move(new Float32Array(length));
}

export function bounce(array) {
  return Tinypool.move(array);
}
