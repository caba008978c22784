import { normalizeArch } from './arch.js';

export interface RocminfoAgent {
  name: string;
  uuid: string | null;
  marketingName: string | null;
  vendorName: string | null;
  deviceType: string | null;
  /** KFD topology node id. */
  node: number | null;
  chipId: number | null;
  computeUnits: number | null;
  waveSize: number | null;
  /** ISA names as printed (amdgcn-amd-amdhsa--gfx1010:xnack-). */
  isas: string[];
  /** gfx name from the agent name or its first ISA; null for CPUs. */
  arch: string | null;
  /** Size of the first GLOBAL COARSE GRAINED pool (device memory of a GPU), in bytes. */
  coarsePoolBytes: number | null;
}

export interface RocminfoResult {
  kfdLoaded: boolean;
  agents: RocminfoAgent[];
}

/** "29471(0x731f)" → 29471; "36" → 36; anything else → null. */
function leadingInt(text: string | undefined): number | null {
  if (text === undefined) return null;
  const match = /^(\d+)/.exec(text.trim());
  return match ? Number(match[1]) : null;
}

/** "16302516(0xf8c1b4) KB" → bytes. */
function sizeKb(text: string | undefined): number | null {
  const kb = leadingInt(text);
  return kb === null || !/KB/i.test(text ?? '') ? null : kb * 1024;
}

/**
 * Parses `rocminfo` output. Keys are matched case-insensitively (ROCm releases changed their casing),
 * blank values (old releases print an empty Uuid) become null, and lines that are not `Key: value`
 * (warnings, banners) are skipped.
 */
export function parseRocminfo(text: string): RocminfoResult {
  const agents: RocminfoAgent[] = [];
  let current: {
    fields: Map<string, string>;
    isas: string[];
    pools: { segment: string; size?: string }[];
  } | null = null;
  let section: 'agent' | 'isa' | 'pool' = 'agent';
  const finish = () => {
    if (!current) return;
    const f = current.fields;
    const name = f.get('name') ?? '';
    const coarse = current.pools.find((p) => /GLOBAL/i.test(p.segment) && /COARSE/i.test(p.segment));
    agents.push({
      name,
      uuid: f.get('uuid') || null,
      marketingName: f.get('marketing name') || null,
      vendorName: f.get('vendor name') || null,
      deviceType: f.get('device type') || null,
      node: leadingInt(f.get('node')),
      chipId: leadingInt(f.get('chip id')),
      computeUnits: leadingInt(f.get('compute unit')),
      waveSize: leadingInt(f.get('wavefront size')),
      isas: current.isas,
      arch: /^gpu$/i.test(f.get('device type') ?? '')
        ? (normalizeArch(name) ?? (current.isas[0] ? normalizeArch(current.isas[0]) : null))
        : null,
      coarsePoolBytes: coarse ? sizeKb(coarse.size) : null,
    });
    current = null;
  };
  let kfdLoaded = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trimEnd();
    if (/ROCk module (version .* )?is loaded/i.test(line)) kfdLoaded = true;
    if (/^\s*Agent\s+\d+\s*$/i.test(line)) {
      finish();
      current = { fields: new Map(), isas: [], pools: [] };
      section = 'agent';
      continue;
    }
    if (!current) continue;
    if (/^\*\*\* Done \*\*\*/.test(line.trim())) {
      finish();
      continue;
    }
    const kv = /^(\s*)([A-Za-z][A-Za-z0-9 .()/_-]*?):\s*(.*)$/.exec(line);
    if (!kv) continue;
    const indent = kv[1]!.length;
    const key = kv[2]!.trim().toLowerCase();
    const value = kv[3]!.trim();
    if (indent <= 2) {
      if (key === 'pool info') section = 'pool';
      else if (key === 'isa info') section = 'isa';
      else {
        section = 'agent';
        if (!current.fields.has(key)) current.fields.set(key, value);
      }
      continue;
    }
    if (section === 'isa' && key === 'name' && value) current.isas.push(value);
    if (section === 'pool') {
      if (key === 'segment') current.pools.push({ segment: value });
      else if (key === 'size' && current.pools.length > 0) {
        const pool = current.pools[current.pools.length - 1]!;
        pool.size ??= value;
      }
    }
  }
  finish();
  return { kfdLoaded, agents };
}
