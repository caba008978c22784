import { normalizeArch } from './arch.js';

export interface RocmSmiCard {
  /** rocm-smi's card index (GPU[n] / cardN / the GPU column). */
  card: number;
  series: string | null;
  model: string | null;
  vendor: string | null;
  sku: string | null;
  /** gfx name normalized from "GFX Version"/"GFX VER" (rocm-smi prints gfx90a as gfx9010). */
  arch: string | null;
  /** PCI device id (lowercase hex) from the DID column or a hex card model. */
  deviceId: string | null;
  node: number | null;
  bus: string | null;
}

export interface RocmSmiResult {
  format: 'json' | 'csv' | 'table' | 'text' | 'unknown';
  cards: RocmSmiCard[];
  driverVersion: string | null;
  /** WARNING/ERROR lines rocm-smi printed. */
  warnings: string[];
}

type Fields = Map<string, string>;

/** Key spelling changed between releases ("Card series" / "Card Series"): compare lowercase, single spaces. */
function normKey(key: string): string {
  return key.trim().toLowerCase().replace(/\s+/g, ' ');
}

/** rocm-smi prints raw ids where it has no name (series "0x738c"): those are not names. */
function nameOrNull(value: string | undefined): string | null {
  if (value === undefined) return null;
  const v = value.trim();
  return v === '' || /^0x[0-9a-f]+$/i.test(v) || /^n\/a$/i.test(v) ? null : v;
}

function hexOrNull(value: string | undefined): string | null {
  const v = value?.trim() ?? '';
  return /^0x[0-9a-f]+$/i.test(v) ? `0x${Number.parseInt(v, 16).toString(16)}` : null;
}

/**
 * Where rocm-smi has no name it prints raw ids: old releases ("Card series", lowercase) put the device
 * id in the series and the subsystem id in the model; newer ones ("Card Model") print the device id as
 * the model. `newCasing` tells which.
 */
function cardFrom(card: number, f: Fields, newCasing: boolean): RocmSmiCard {
  const gfx = f.get('gfx version') ?? f.get('gfx ver');
  const node = f.get('node id') ?? f.get('node');
  return {
    card,
    series: nameOrNull(f.get('card series')),
    model: nameOrNull(f.get('card model')),
    vendor: nameOrNull(f.get('card vendor')),
    sku: nameOrNull(f.get('card sku')),
    arch: gfx ? normalizeArch(gfx) : null,
    deviceId:
      hexOrNull(f.get('did')) ??
      hexOrNull(f.get('card series')) ??
      (newCasing ? hexOrNull(f.get('card model')) : null),
    node: node !== undefined && /^\d+$/.test(node.trim()) ? Number(node.trim()) : null,
    bus: f.get('bus')?.trim() || null,
  };
}

function cardIndex(name: string): number | null {
  const match = /(?:card|GPU\[?)\s*(\d+)/i.exec(name);
  return match ? Number(match[1]) : null;
}

function parseJson(text: string, result: RocmSmiResult): void {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return;
  }
  if (typeof data !== 'object' || data === null) return;
  result.format = 'json';
  for (const [name, value] of Object.entries(data)) {
    if (typeof value !== 'object' || value === null) continue;
    const fields: Fields = new Map();
    for (const [k, v] of Object.entries(value)) if (typeof v === 'string') fields.set(normKey(k), v);
    const index = cardIndex(name);
    if (index !== null) result.cards.push(cardFrom(index, fields, isNewCasing(Object.keys(value))));
    else if (/^system$/i.test(name)) result.driverVersion ??= fields.get('driver version') ?? null;
  }
}

function parseCsv(lines: string[], result: RocmSmiResult): void {
  result.format = 'csv';
  const rawHeader = lines[0]!.split(',');
  const header = rawHeader.map(normKey);
  for (const line of lines.slice(1)) {
    const values = line.split(',');
    if (values.length < header.length) continue;
    // rocm-smi does not quote: a vendor such as "Advanced Micro Devices, Inc." splits in two. Glue a
    // piece that starts with a space back onto the one before it until the column count fits.
    while (values.length > header.length) {
      const i = values.findIndex((piece, j) => j > 0 && piece.startsWith(' '));
      if (i < 0) break;
      values.splice(i - 1, 2, `${values[i - 1]},${values[i]}`);
    }
    const fields: Fields = new Map(header.map((h, i) => [h, values[i] ?? '']));
    const device = fields.get('device') ?? '';
    if (/^cardsystem$|^system$/i.test(device)) {
      result.driverVersion ??= fields.get('driver version')?.trim() || null;
      continue;
    }
    const index = cardIndex(device);
    if (index !== null) result.cards.push(cardFrom(index, fields, isNewCasing(rawHeader)));
  }
}

function parseTable(lines: string[], headerAt: number, result: RocmSmiResult): void {
  result.format = 'table';
  const header = lines[headerAt]!.trim()
    .split(/\s{2,}/)
    .map(normKey);
  for (const line of lines.slice(headerAt + 1)) {
    if (/^=+/.test(line.trim()) || line.trim() === '') continue;
    // Every value of the concise tables is a single token, so spacing does not matter.
    const values = line.trim().split(/\s+/);
    if (values.length !== header.length || !/^\d+$/.test(values[0]!)) continue;
    const fields: Fields = new Map(header.map((h, i) => [h, values[i]!]));
    result.cards.push(cardFrom(Number(values[0]), fields, true));
  }
}

function parseText(lines: string[], result: RocmSmiResult): void {
  const byCard = new Map<number, Fields>();
  const rawKeys: string[] = [];
  for (const line of lines) {
    const match = /^GPU\[(\d+)\]\s*:\s*([^:]+?)\s*:\s*(.*)$/.exec(line);
    if (!match) continue;
    const index = Number(match[1]);
    const fields = byCard.get(index) ?? new Map<string, string>();
    fields.set(normKey(match[2]!), match[3]!.trim());
    rawKeys.push(match[2]!.trim());
    byCard.set(index, fields);
  }
  if (byCard.size === 0) return;
  result.format = 'text';
  for (const [index, fields] of [...byCard].sort((a, b) => a[0] - b[0])) {
    const driver = fields.get('driver version');
    if (driver) result.driverVersion ??= driver;
    result.cards.push(cardFrom(index, fields, isNewCasing(rawKeys)));
  }
}

function isNewCasing(keys: readonly string[]): boolean {
  return keys.some((k) => /^Card (Series|Model)$/.test(k.trim()));
}

/**
 * Parses rocm-smi output in any of its forms: `--json`, `--csv`, the concise `--showhw` table and the
 * `GPU[n] : key : value` text (old and new key casing), skipping banners and WARNING lines.
 */
export function parseRocmSmi(text: string): RocmSmiResult {
  const result: RocmSmiResult = { format: 'unknown', cards: [], driverVersion: null, warnings: [] };
  const lines = text.split(/\r?\n/);
  for (const line of lines) if (/^\s*(WARNING|ERROR)\b/i.test(line)) result.warnings.push(line.trim());
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    parseJson(trimmed, result);
    return result;
  }
  const content = lines.filter((l) => l.trim() !== '');
  if (content[0] && /^device,/i.test(content[0].trim())) {
    parseCsv(content, result);
    return result;
  }
  const headerAt = lines.findIndex((l) => /^\s*GPU\s{2,}/.test(l) && /\bDID\b|GFX VER|\bNODE\b/i.test(l));
  if (headerAt >= 0) {
    parseTable(lines, headerAt, result);
    return result;
  }
  parseText(lines, result);
  return result;
}
