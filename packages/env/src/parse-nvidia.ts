/** Parsers for the NVIDIA driver's /proc files and nvidia-smi's CSV query output. */

/** "NVRM version: NVIDIA UNIX x86_64 Kernel Module  535.104.05  Sat Aug ..." → "535.104.05". */
export function parseNvidiaVersion(text: string): string | null {
  const match = /NVRM version:.*?Kernel Module(?: for \S+)?\s+(\d+\.\d+(?:\.\d+)?)/.exec(text);
  return match ? match[1]! : null;
}

export interface NvidiaProcGpu {
  model: string | null;
  busLocation: string | null;
  deviceMinor: number | null;
  uuid: string | null;
}

/** /proc/driver/nvidia/gpus/<bus>/information: "Model: \t\t NVIDIA GeForce RTX 3090" lines. */
export function parseNvidiaInformation(text: string): NvidiaProcGpu {
  const fields = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const match = /^([A-Za-z][A-Za-z ]*?):\s*(.*)$/.exec(line.trim());
    if (match) fields.set(match[1]!.toLowerCase(), match[2]!.trim());
  }
  const minor = fields.get('device minor');
  return {
    model: fields.get('model') || null,
    busLocation: fields.get('bus location') || null,
    deviceMinor: minor && /^\d+$/.test(minor) ? Number(minor) : null,
    uuid: fields.get('gpu uuid') || null,
  };
}

export interface NvidiaSmiGpu {
  index: number;
  name: string;
  memoryMiB: number | null;
  busId: string | null;
  computeCap: string | null;
}

/**
 * `nvidia-smi --query-gpu=index,name,memory.total,pci.bus_id[,compute_cap] --format=csv,noheader,nounits`.
 * Lines that do not have the expected columns are skipped.
 */
export function parseNvidiaSmiCsv(text: string): NvidiaSmiGpu[] {
  const gpus: NvidiaSmiGpu[] = [];
  for (const line of text.split(/\r?\n/)) {
    const cols = line.split(',').map((c) => c.trim());
    if (cols.length < 4 || !/^\d+$/.test(cols[0]!)) continue;
    const memory = Number(cols[2]);
    gpus.push({
      index: Number(cols[0]),
      name: cols[1]!,
      memoryMiB: Number.isFinite(memory) && cols[2] !== '' ? memory : null,
      busId: cols[3] || null,
      computeCap: cols[4] && /^\d+\.\d+$/.test(cols[4]) ? cols[4] : null,
    });
  }
  return gpus;
}
