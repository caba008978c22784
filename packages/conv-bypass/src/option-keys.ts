// Unknown option keys are errors: a misspelt option (TF.js's `strides` for our `stride`) would otherwise
// be ignored and the call would run with the default, silently.

/** Throws a TypeError naming `where`, the unknown key and the nearest valid one, for any own key of `options` not in `allowed`. */
export function checkOptionKeys(options: object, allowed: readonly string[], where: string): void {
  for (const key of Object.keys(options)) {
    if (allowed.includes(key)) continue;
    const near = nearestName(key, allowed);
    throw new TypeError(
      `${where}: unknown option '${key}'${near === undefined ? '' : ` (did you mean '${near}'?)`}; ` +
        `the options are ${allowed.map((k) => `'${k}'`).join(', ')}`,
    );
  }
}

/**
 * The valid name closest to `name` (case-insensitive edit distance with transpositions), if close enough
 * to be a likely typo: at most a third of its length in edits (at least 1), or a prefix of at least 3.
 */
export function nearestName(name: string, candidates: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const c = candidate.toLowerCase();
    const prefix = Math.min(c.length, lower.length) >= 3 && (c.startsWith(lower) || lower.startsWith(c));
    const d = prefix ? 0.5 : editDistance(lower, c);
    if (d < bestDistance) {
      bestDistance = d;
      best = candidate;
    }
  }
  return bestDistance <= Math.max(1, Math.floor(name.length / 3)) ? best : undefined;
}

/** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps. */
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
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, d[(i - 2) * cols + j - 2]! + 1);
      d[i * cols + j] = v;
    }
  }
  return d[rows * cols - 1]!;
}
