import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { checkOptionKeys, formatValue } from './options.js';
import type { EnvPlan } from './types.js';

export interface ExecOptions {
  /** The environment the plan is applied to (default process.env; not modified). */
  env?: NodeJS.ProcessEnv;
  /** Where the "command not found" message goes (default process.stderr). */
  stderr?: { write(text: string): unknown };
  /** The program named in front of those messages (default 'rocm-patch-env'). */
  program?: string;
}

/** Signals relayed to the child (SIGUSR1 stays Node's: it starts the inspector). */
const FORWARDED: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGHUP', 'SIGUSR2'];
/**
 * Terminal signals: the child is in our foreground process group and gets them from the terminal
 * itself; relaying them would deliver them twice (a second KeyboardInterrupt in Python). We only stay
 * alive so the child's exit code can be passed on.
 */
const TERMINAL: readonly NodeJS.Signals[] = ['SIGINT', 'SIGQUIT'];

/** The environment a child gets: `env` with the plan's set/keep entries (conflicts keep the user's value). */
export function envWithPlan(plan: EnvPlan, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const out = { ...env };
  for (const e of plan.entries) if (e.action !== 'conflict') out[e.name] = e.value;
  return out;
}

/**
 * Runs `command` with the planned environment, inheriting stdio and forwarding signals. Resolves to
 * the exit code to use: the child's code, 128 + signal number when a signal ended it, 127 when the
 * command does not exist and 126 when it cannot be executed.
 */
export function execWithPlan(
  plan: EnvPlan,
  command: string,
  args: readonly string[] = [],
  options: ExecOptions = {},
): Promise<number> {
  if (typeof command !== 'string' || command === '')
    throw new TypeError('command must be a non-empty string');
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`execWithPlan: options must be an object, got ${formatValue(options)}`);
  }
  checkOptionKeys('execWithPlan', 'options', options, ['env', 'stderr', 'program']);
  const stderr = options.stderr ?? process.stderr;
  const program = options.program ?? 'rocm-patch-env';
  return new Promise((resolvePromise) => {
    const child = spawn(command, [...args], { stdio: 'inherit', env: envWithPlan(plan, options.env) });
    const forward = (signal: NodeJS.Signals) => {
      child.kill(signal);
    };
    const ignore = () => {};
    for (const s of FORWARDED) process.on(s, forward);
    for (const s of TERMINAL) process.on(s, ignore);
    const done = (code: number) => {
      for (const s of FORWARDED) process.off(s, forward);
      for (const s of TERMINAL) process.off(s, ignore);
      resolvePromise(code);
    };
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') {
        stderr.write(`${program}: command not found: ${command}\n`);
        done(127);
      } else if (error.code === 'EACCES') {
        stderr.write(`${program}: permission denied: ${command}\n`);
        done(126);
      } else {
        stderr.write(`${program}: cannot run ${command}: ${error.message}\n`);
        done(126);
      }
    });
    child.on('exit', (code, signal) => {
      if (signal) done(128 + (constants.signals[signal] ?? 0));
      else done(code ?? 1);
    });
  });
}
