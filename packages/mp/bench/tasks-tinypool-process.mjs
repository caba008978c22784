// tinypool's child_process runtime sends results as they are (Tinypool.move would send its wrapper).
export function empty() {
  return null;
}

export function array(length) {
  return new Float32Array(length);
}

export function bounce(array) {
  return array;
}
