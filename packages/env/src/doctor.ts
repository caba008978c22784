import type { DetectionReport, EnvPlan, Finding, PlanEntry } from './types.js';

/** The `doctor --json` object (schema documented in the package README). */
export interface DoctorJson {
  gpus: {
    index: number;
    vendor: 'amd' | 'nvidia';
    name: string;
    arch: string | null;
    family: string | null;
    integrated: boolean;
    vramBytes: number | null;
    computeUnits: number | null;
    waveSize: number | null;
    pciDeviceId: string | null;
  }[];
  rocm: { path: string; version: string | null; supportedArchs: string[] | null; foundBy: string } | null;
  nvidia: { driverVersion: string | null } | null;
  env: Record<string, string>;
  findings: Finding[];
  plan: PlanEntry[];
}

const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 } as const;

/** Detection findings then planning findings, errors first. */
export function doctorFindings(report: DetectionReport, plan: EnvPlan): Finding[] {
  return [...report.findings, ...plan.findings].sort(
    (a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity],
  );
}

export function doctorJson(report: DetectionReport, plan: EnvPlan): DoctorJson {
  return {
    gpus: report.gpus.map((g) => ({
      index: g.index,
      vendor: g.vendor,
      name: g.name,
      arch: g.arch,
      family: g.family,
      integrated: g.integrated,
      vramBytes: g.vramBytes,
      computeUnits: g.computeUnits,
      waveSize: g.waveSize,
      pciDeviceId: g.pciDeviceId,
    })),
    rocm: report.rocm
      ? {
          path: report.rocm.path,
          version: report.rocm.version,
          supportedArchs: report.rocm.supportedArchs,
          foundBy: report.rocm.foundBy,
        }
      : null,
    nvidia: report.nvidia ? { driverVersion: report.nvidia.driverVersion } : null,
    env: report.env,
    findings: doctorFindings(report, plan),
    plan: plan.entries,
  };
}

function gib(bytes: number | null): string {
  return bytes === null ? '? GiB' : `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
}

/**
 * The readable doctor report: GPUs, ROCm, NVIDIA, findings with fixes, and the plan. `program` is the CLI
 * that prints it (its header and the commands it suggests): rocm-patch-env, or rocm-patch.
 */
export function formatDoctor(report: DetectionReport, plan: EnvPlan, program = 'rocm-patch-env'): string {
  const out: string[] = [`${program} doctor`, ''];
  out.push('GPUs');
  if (report.gpus.length === 0) out.push('  none found');
  for (const g of report.gpus) {
    const parts = [
      g.arch ? `${g.arch}${g.family ? ` (${g.family})` : ''}` : 'arch unknown',
      g.integrated ? 'integrated' : 'discrete',
      `${gib(g.vramBytes)} VRAM`,
    ];
    if (g.computeUnits !== null) parts.push(`${g.computeUnits} CUs`);
    if (g.waveSize !== null) parts.push(`wave${g.waveSize}`);
    if (g.pciDeviceId) parts.push(`PCI ${g.pciDeviceId}`);
    if (g.kfdNode !== null) parts.push(`KFD node ${g.kfdNode}`);
    out.push(`  [${g.vendor} ${g.index}] ${g.name}: ${parts.join(', ')}`);
  }
  out.push('', 'Drivers and stacks');
  out.push(
    `  amdgpu driver: ${report.amdgpu.loaded ? `loaded${report.amdgpu.version ? ` (${report.amdgpu.version})` : ''}` : 'not loaded'}`,
  );
  out.push(
    `  /dev/kfd: ${report.kfd.present ? (report.kfd.writable ? 'read/write' : report.kfd.readable ? 'read only' : 'no access') : 'absent'}`,
  );
  if (report.rocm) {
    const archs = report.rocm.supportedArchs;
    out.push(
      `  ROCm: ${report.rocm.path} (${report.rocm.version ?? 'version unknown'}${
        report.rocm.foundBy === report.rocm.path ? '' : `, found through ${report.rocm.foundBy}`
      }); rocBLAS kernels for: ${
        archs === null ? 'unknown (no rocBLAS kernel directory)' : archs.length > 0 ? archs.join(' ') : 'none'
      }`,
    );
  } else out.push('  ROCm: not found');
  out.push(
    `  NVIDIA driver: ${report.nvidia ? (report.nvidia.driverVersion ?? 'present, version unknown') : 'not found'}`,
  );
  const tools = Object.entries(report.tools).map(([t, s]) => `${t} ${s}`);
  if (tools.length > 0) out.push(`  tools: ${tools.join(', ')}`);

  out.push('', 'Variables set now');
  const env = Object.entries(report.env);
  if (env.length === 0) out.push('  none of the GPU-related variables');
  for (const [k, v] of env) out.push(`  ${k}=${v}`);

  out.push('', 'Findings');
  const findings = doctorFindings(report, plan);
  if (findings.length === 0) out.push('  none');
  for (const f of findings) {
    out.push(`  ${f.severity.padEnd(7)} ${f.id}: ${f.message}`);
    if (f.fix) out.push(`          fix: ${f.fix}`);
  }

  out.push('', 'Environment plan');
  if (plan.entries.length === 0) out.push('  nothing to set');
  for (const e of plan.entries) {
    out.push(
      `  ${e.action.padEnd(8)} ${e.name}=${e.value}${e.action === 'conflict' ? ` (yours: ${e.current})` : ''}`,
    );
    out.push(`           why: ${e.reason}`);
    out.push(`           source: ${e.source}`);
  }
  if (plan.entries.some((e) => e.action === 'set')) {
    out.push('', `Apply it: eval "$(${program} env)", or run a program with ${program} exec -- CMD ARGS...`);
  }
  return `${out.join('\n')}\n`;
}
