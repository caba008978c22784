import { spawnSync } from 'node:child_process';

/** Output of an external command; null from a runner means the command is not installed. */
export interface CommandOutput {
  status: number | null;
  stdout: string;
  stderr: string;
}

export type CommandRunner = (command: string, args: readonly string[]) => CommandOutput | null;

/** rocminfo can block when the driver is wedged: never wait longer than this for a diagnostic tool. */
const COMMAND_TIMEOUT_MS = 15_000;

/** Runs a command found on the PATH of `env`, with a timeout; null when it is not installed. */
export function systemCommandRunner(env: NodeJS.ProcessEnv = process.env): CommandRunner {
  return (command, args) => {
    const result = spawnSync(command, [...args], {
      encoding: 'utf8',
      env,
      timeout: COMMAND_TIMEOUT_MS,
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 16 << 20,
    });
    if (result.error) {
      const code = (result.error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'EACCES') return null;
      return { status: null, stdout: result.stdout ?? '', stderr: String(result.error.message) };
    }
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  };
}
