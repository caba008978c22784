/** Parsers for the small `key value` text files of sysfs (KFD topology properties). */

export interface KeyValues {
  values: Map<string, string>;
  /** Lines that are not `key value`. */
  badLines: number;
}

/** Parses `key value` lines (KFD node properties). Keys are lowercase words, values one token. */
export function parseKeyValues(text: string): KeyValues {
  const values = new Map<string, string>();
  let badLines = 0;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    const match = /^([a-z][a-z0-9_]*)\s+(\S+)$/.exec(line);
    if (match) values.set(match[1]!, match[2]!);
    else badLines++;
  }
  return { values, badLines };
}

/** A non-negative integer property, or null when absent or not an integer that fits a double exactly. */
export function intValue(values: Map<string, string>, key: string): number | null {
  const text = values.get(key);
  if (text === undefined || !/^\d+$/.test(text)) return null;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : null;
}

/** A sysfs number file ("0x731f\n" or "8573157376\n"); null when it is not a number. */
export function parseSysfsNumber(text: string): number | null {
  const t = text.trim();
  if (/^0x[0-9a-f]+$/i.test(t)) return Number.parseInt(t, 16);
  if (/^\d+$/.test(t)) {
    const n = Number(t);
    return Number.isSafeInteger(n) ? n : null;
  }
  return null;
}
