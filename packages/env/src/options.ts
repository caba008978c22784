/**
 * Unknown option keys. A misspelt option (`numWorker`, TF.js's `strides`, `conVBypass`) would otherwise
 * be ignored without a word and the call would run with the default, so every public options object of
 * the rocm-patch packages goes through checkOptionKeys. It lives here because every package depends on
 * @rocm-patch/env.
 */

/**
 * Throws a TypeError when `options` has an own enumerable string key that is not in `known`, naming the
 * function, the argument and the key, with the nearest known name as a suggestion and the list of known
 * names. Symbol keys are ignored; a known key whose value is `undefined` is fine (it means "default").
 *
 * `fn` is how the caller is written in the message (`'new DataLoader'`, `'createPool'`), `argument` the
 * path of the options object (`'options'`, `'options.convBypass'`).
 */
export function checkOptionKeys(
  fn: string,
  argument: string,
  options: object,
  known: readonly string[],
): void {
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const nearest = nearestName(key, known);
    throw new TypeError(
      `${fn}: ${argument}.${key} is not an option${nearest ? ` — did you mean ${argument}.${nearest}?` : ''} (${argument} takes ${known.join(', ')})`,
    );
  }
}

/**
 * The candidate closest to `name`: the same name in another case first, then the smallest edit distance
 * (insertions, deletions, substitutions and swaps of neighbours, ignoring case) within about a third of
 * the name's length, then a candidate that contains the name or is contained in it, three letters or more
 * (`timeout` → `timeoutMs`, `pad` → `padding`). Undefined when nothing is close enough to be a likely typo.
 */
export function nearestName(name: string, candidates: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  if (best !== undefined && bestDistance <= Math.max(1, Math.floor(name.length / 3))) return best;
  if (lower.length >= 3) {
    return candidates.find((c) => {
      const other = c.toLowerCase();
      return other.length >= 3 && (other.includes(lower) || lower.includes(other));
    });
  }
  return undefined;
}

/** Optimal string alignment distance: Levenshtein plus the swap of two neighbouring characters. */
function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array(rows * cols).fill(0);
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(
        d[(i - 1) * cols + j]! + 1,
        d[i * cols + j - 1]! + 1,
        d[(i - 1) * cols + j - 1]! + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        v = Math.min(v, d[(i - 2) * cols + j - 2]! + 1);
      }
      d[i * cols + j] = v;
    }
  }
  return d[rows * cols - 1]!;
}

/**
 * A value as an error message shows it after "got": strings quoted (so `'1'` is not mistaken for `1`),
 * numbers, booleans, bigints, null and undefined as written, arrays and plain objects as short JSON,
 * anything else by its kind (`a function`, `a Date`).
 */
export function formatValue(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
    case 'bigint':
      return `${value}n`;
    case 'symbol':
      return value.toString();
    case 'function':
      return 'a function';
    case 'object': {
      if (value === null) return 'null';
      const proto = Object.getPrototypeOf(value);
      if (Array.isArray(value) || proto === Object.prototype || proto === null) {
        try {
          const json = JSON.stringify(value);
          if (json !== undefined && json.length <= 80) return json;
        } catch {
          // cyclic or holding bigints: described below
        }
        return Array.isArray(value) ? `an array of ${value.length}` : 'an object';
      }
      const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
      return typeof name === 'string' && name !== ''
        ? `${/^[AEIOU]/.test(name) ? 'an' : 'a'} ${name}`
        : 'an object';
    }
    default:
      return String(value);
  }
}
