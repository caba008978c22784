import { createRequire } from 'node:module';
import { detect } from './detect.js';
import { doctorJson, formatDoctor } from './doctor.js';
import { execWithPlan } from './exec.js';
import { formatEnv, parseShell } from './format-env.js';
import { planEnvironment } from './plan.js';
import type { DetectionReport, EnvPlan } from './types.js';

export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  env?: NodeJS.ProcessEnv;
}

export interface CommonCliOptions {
  /** The CLI speaking (its name heads the report and its messages; default 'rocm-patch-env'). */
  program?: string;
  root?: string;
  force?: boolean;
  /** Run rocminfo/rocm-smi/nvidia-smi (default: doctor when root is "/"; env and exec never). */
  commands?: boolean;
  env?: NodeJS.ProcessEnv;
}

export const USAGE = `Usage: rocm-patch-env <command> [options]

Commands:
  doctor [--json]          report GPUs, ROCm, findings with fixes, and the environment plan
  env [--shell SHELL]      print the plan to eval or save (sh, fish, powershell, dotenv, json)
  exec -- CMD [ARGS...]    run CMD with the planned environment (stdio, signals, exit code passed on)

Options:
  --root DIR       read /sys, /proc, /dev and /opt under DIR (default /)
  --force          replace variables you set when the plan wants other values
  --no-commands    do not run rocminfo, rocm-smi or nvidia-smi (doctor runs them when on PATH)
  --commands       run them for env and exec too (by default those read sysfs only)
  -h, --help       this text
  -v, --version    the version of @rocm-patch/env
`;

/** This package's version, from its package.json (one directory above src/ and dist/). */
export function packageVersion(): string {
  const require = createRequire(import.meta.url);
  return (require('../package.json') as { version: string }).version;
}

/** `runTools`: whether rocminfo & co. run when the user did not say (doctor: yes; env and exec need only sysfs). */
function analyse(options: CommonCliOptions, runTools: boolean): { report: DetectionReport; plan: EnvPlan } {
  const env = options.env ?? process.env;
  const commands = options.commands ?? (runTools ? undefined : false);
  const report = detect({ root: options.root, env, ...(commands === undefined ? {} : { commands }) });
  return { report, plan: planEnvironment(report, { env, force: options.force ?? false }) };
}

/** `doctor`: prints the report (text or one JSON object). Returns the exit code: 0 whenever it could report. */
export function runDoctor(options: CommonCliOptions & { json?: boolean; stdout: CliIo['stdout'] }): number {
  const { report, plan } = analyse(options, true);
  options.stdout.write(
    options.json
      ? `${JSON.stringify(doctorJson(report, plan), null, 2)}\n`
      : formatDoctor(report, plan, options.program),
  );
  return 0;
}

/** `env`: prints the plan for a shell. */
export function runEnv(options: CommonCliOptions & { shell?: string; stdout: CliIo['stdout'] }): number {
  const shell = parseShell(options.shell ?? 'sh');
  const { plan } = analyse(options, false);
  options.stdout.write(formatEnv(plan, shell));
  return 0;
}

/** `exec`: runs the command with the planned environment; resolves to the exit code to use. */
export function runExec(
  options: CommonCliOptions & { command: string; args: readonly string[]; stderr?: CliIo['stderr'] },
): Promise<number> {
  const { plan } = analyse(options, false);
  return execWithPlan(plan, options.command, options.args, {
    env: options.env ?? process.env,
    ...(options.stderr ? { stderr: options.stderr } : {}),
    ...(options.program ? { program: options.program } : {}),
  });
}

class UsageError extends Error {}

interface Parsed {
  command: string;
  json: boolean;
  shell?: string;
  root?: string;
  force: boolean;
  commands?: boolean;
  rest: string[];
  help: boolean;
  version: boolean;
}

function parseArgv(argv: readonly string[]): Parsed {
  const parsed: Parsed = { command: '', json: false, force: false, rest: [], help: false, version: false };
  const value = (i: number, name: string): string => {
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) throw new UsageError(`${name} needs a value`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      parsed.rest = argv.slice(i + 1);
      break;
    }
    if (arg === '-h' || arg === '--help') parsed.help = true;
    else if (arg === '-v' || arg === '--version') parsed.version = true;
    else if (arg === '--json') parsed.json = true;
    else if (arg === '--force') parsed.force = true;
    else if (arg === '--no-commands') parsed.commands = false;
    else if (arg === '--commands') parsed.commands = true;
    else if (arg === '--root' || arg === '--shell') {
      const v = value(i, arg);
      if (arg === '--root') parsed.root = v;
      else parsed.shell = v;
      i++;
    } else if (arg.startsWith('--root=')) parsed.root = arg.slice(7);
    else if (arg.startsWith('--shell=')) parsed.shell = arg.slice(8);
    else if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}`);
    else if (!parsed.command) parsed.command = arg;
    else if (parsed.command === 'exec') {
      // `exec CMD ARGS` without `--`: everything from CMD on belongs to the command.
      parsed.rest = argv.slice(i);
      break;
    } else throw new UsageError(`unexpected argument ${arg}`);
  }
  return parsed;
}

/**
 * The CLI: parses argv (without node and the script), runs the command, and resolves to the exit code.
 * Usage errors and bad options print one line and give 2; nothing throws.
 */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  let parsed: Parsed;
  try {
    parsed = parseArgv(argv);
  } catch (error) {
    io.stderr.write(`rocm-patch-env: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (parsed.version) {
    io.stdout.write(`rocm-patch-env ${packageVersion()}\n`);
    return 0;
  }
  if (parsed.help || !parsed.command) {
    (parsed.help ? io.stdout : io.stderr).write(USAGE);
    return parsed.help ? 0 : 2;
  }
  const common: CommonCliOptions = {
    force: parsed.force,
    ...(parsed.root === undefined ? {} : { root: parsed.root }),
    ...(parsed.commands === undefined ? {} : { commands: parsed.commands }),
    ...(io.env ? { env: io.env } : {}),
  };
  try {
    if (parsed.shell !== undefined && parsed.command !== 'env')
      throw new UsageError(`--shell applies to env, not ${parsed.command}`);
    if (parsed.json && parsed.command !== 'doctor')
      throw new UsageError(`--json applies to doctor, not ${parsed.command}`);
    switch (parsed.command) {
      case 'doctor':
        return runDoctor({ ...common, json: parsed.json, stdout: io.stdout });
      case 'env':
        return runEnv({
          ...common,
          ...(parsed.shell === undefined ? {} : { shell: parsed.shell }),
          stdout: io.stdout,
        });
      case 'exec': {
        const [command, ...args] = parsed.rest;
        if (!command) throw new UsageError('exec needs a command: rocm-patch-env exec -- CMD [ARGS...]');
        return await runExec({ ...common, command, args, stderr: io.stderr });
      }
      default:
        throw new UsageError(`unknown command ${parsed.command}`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`rocm-patch-env: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    if (error instanceof RangeError || error instanceof TypeError) {
      io.stderr.write(`rocm-patch-env: ${error.message}\n`);
      return 2;
    }
    // Anything else is a bug: say so in one line, without a stack trace.
    io.stderr.write(`rocm-patch-env: internal error: ${String((error as Error)?.message ?? error)}\n`);
    return 1;
  }
}
