import type { EnvPlan } from './types.js';

export const SHELLS = ['sh', 'fish', 'powershell', 'dotenv', 'json'] as const;
export type Shell = (typeof SHELLS)[number];

const ALIASES: Record<string, Shell> = { bash: 'sh', zsh: 'sh', pwsh: 'powershell' };

/** The shell name for a user-given one (aliases bash/zsh → sh, pwsh → powershell), or a RangeError. */
export function parseShell(name: string): Shell {
  const shell = (SHELLS as readonly string[]).includes(name) ? (name as Shell) : ALIASES[name];
  if (!shell) {
    throw new RangeError(
      `--shell must be one of ${SHELLS.join(', ')} (or bash, zsh, pwsh); got ${JSON.stringify(name)}`,
    );
  }
  return shell;
}

const sh = (v: string) => `'${v.replace(/'/g, `'\\''`)}'`;
const fish = (v: string) => `'${v.replace(/[\\']/g, '\\$&')}'`;
const pwsh = (v: string) => `'${v.replace(/'/g, "''")}'`;
const dotenv = (v: string) => (/^[\w./:,=+@-]*$/.test(v) ? v : JSON.stringify(v));
const comment = (text: string) => `# ${text.replace(/\r?\n/g, ' ')}`;

/**
 * The plan as text to eval or save: assignments for `set` and `keep` entries, comments for conflicts
 * (the user's value stays). `json` gives one object of the variables to have.
 */
export function formatEnv(plan: EnvPlan, shell: Shell | string = 'sh'): string {
  const kind = parseShell(shell);
  const active = plan.entries.filter((e) => e.action !== 'conflict');
  if (kind === 'json') {
    return `${JSON.stringify(Object.fromEntries(active.map((e) => [e.name, e.value])), null, 2)}\n`;
  }
  const lines: string[] = [];
  for (const e of plan.entries) {
    lines.push(comment(`${e.reason}`));
    if (e.action === 'conflict') {
      lines.push(
        comment(
          `${e.name}: kept your value ${JSON.stringify(e.current)}; the plan wants ${JSON.stringify(e.value)} (use --force to replace it)`,
        ),
      );
      continue;
    }
    if (kind === 'sh') lines.push(`export ${e.name}=${sh(e.value)}`);
    else if (kind === 'fish') lines.push(`set -gx ${e.name} ${fish(e.value)}`);
    else if (kind === 'powershell') lines.push(`$env:${e.name} = ${pwsh(e.value)}`);
    else lines.push(`${e.name}=${dotenv(e.value)}`);
  }
  if (plan.entries.length === 0) lines.push(comment('nothing to set for this machine'));
  return `${lines.join('\n')}\n`;
}
