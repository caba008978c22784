// Runs a fixture script in a child Node.js process, for the cases that crash or hang a process: the
// test asserts the exit status and the output, and a hang ends at the timeout (killed with SIGKILL).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface ChildResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
}

export function runFixture(
  script: string,
  args: string[] = [],
  options: { nodeArgs?: string[]; timeoutMs?: number } = {},
): ChildResult {
  const path = fileURLToPath(new URL(`./fixtures/crash/${script}`, import.meta.url));
  const r = spawnSync(process.execPath, [...(options.nodeArgs ?? []), path, ...args], {
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 60_000,
    killSignal: 'SIGKILL',
  });
  return {
    status: r.status,
    signal: r.signal,
    timedOut: (r.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT',
    stdout: r.stdout ?? '',
    stderr: r.stderr ?? '',
  };
}
