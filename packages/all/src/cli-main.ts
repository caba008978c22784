import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { constants } from 'node:os';
import { dirname, join } from 'node:path';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { loadAddon } from '@rocm-patch/conv-bypass';
import { detect, doctorJson, formatDoctor, planEnvironment, runEnv, runExec } from '@rocm-patch/env';
import { type BackendCheck, type BackendSelfTestResult, runBackendSelfTest } from './backend-self-test.js';
import { Progress, type ProgressStream } from './progress.js';
import { type AlgorithmCheck, runConvSelfTest, type SelfTestReport } from './self-test.js';
import { importTf } from './tf-import.js';

export interface CliIo {
  stdout: ProgressStream;
  stderr: ProgressStream;
  env?: NodeJS.ProcessEnv;
  /** Finds the conv benchmark (default convBenchScript; tests stand in for an installed copy without it). */
  benchScript?: () => string | null;
}

export const EXIT = {
  OK: 0,
  /** A check failed (doctor's conv self-test), or an internal error. */
  FAILED: 1,
  /** Bad usage: unknown command or option, missing argument. */
  USAGE: 2,
} as const;

/**
 * The usage text. `bench` is listed only where the conv benchmark is there to run: it ships with the source
 * checkout, not with an installed @rocm-patch/conv-bypass (its peers are that package's dev dependencies).
 */
export function usage(withBench: boolean): string {
  return `Usage: rocm-patch <command> [options]

Commands:
  doctor [--json]          GPUs, ROCm, findings with fixes, the environment plan, a conv self-test and
                           a self-test of the 'rocm' TF.js backend
  env [--shell SHELL]      the environment plan to eval or save (sh, fish, powershell, dotenv, json)
  exec -- CMD [ARGS...]    run CMD with the planned environment (exit code, stdio and signals passed on)
${withBench ? '  bench [--device cpu|gpu] the conv benchmark suite of @rocm-patch/conv-bypass (source checkout)\n' : ''}
Run \`rocm-patch <command> --help\` for a command's options; \`rocm-patch --version\` for the version.
Exit codes: 0 success; 1 a check failed (doctor) or an internal error; 2 bad usage;
exec${withBench ? ' and bench exit' : ' exits'} with ${withBench ? 'their' : 'its'} command's code (exec: 127 when CMD does not exist).
`;
}

/** This package's version, from its package.json (one directory above src/ and dist/). */
export function packageVersion(): string {
  const require = createRequire(import.meta.url);
  return (require('../package.json') as { version: string }).version;
}

const HELP: Record<string, string> = {
  doctor: `Usage: rocm-patch doctor [--json] [--root DIR] [--no-commands] [--no-self-test]

Reports the GPUs, the ROCm install, findings with their fixes and the environment plan (as
rocm-patch-env doctor), then runs a small convolution forward and both gradients with every conv
algorithm this machine has, checks each against the CPU result (the CPU against a plain JavaScript
reference) and times them. On a machine without a GPU it says so and checks the CPU path.
Then, where the 'rocm' TF.js backend can start (a usable GPU, or ROCM_PATCH_TFJS_DEVICE=host), a few
ops on it (add with broadcasting, matMul, conv2d, sum, softmax, maxPool) checked against
tfjs-backend-cpu, with the kernels that took the host path; elsewhere it says why it is skipped.

  --json           print one JSON object: the rocm-patch-env doctor object plus "selfTest" and
                   "backendSelfTest"
  --root DIR       read /sys, /proc, /dev and /opt under DIR (the self-tests still use this machine)
  --no-commands    do not run rocminfo, rocm-smi or nvidia-smi
  --no-self-test   skip both self-tests
Exit code: 0 when it could report and every check passed, 1 when a check failed or the native
addon (or the 'rocm' backend, where TF.js is installed) does not load, 2 on bad usage.
`,
  env: `Usage: rocm-patch env [--shell sh|fish|powershell|dotenv|json] [--json] [--root DIR] [--force]

Prints the environment plan for this machine, to eval (sh: eval "$(rocm-patch env)") or save.
  --json    the same as --shell json
  --force   replace variables you set when the plan wants other values
`,
  exec: `Usage: rocm-patch exec [--root DIR] [--force] -- CMD [ARGS...]

Runs CMD with the planned environment (e.g. rocm-patch exec -- python train.py; the command goes after
--, so that its own options are not taken for rocm-patch's). Stdio and signals
are passed on; the exit code is CMD's (128 + signal number when a signal ended it, 127 when CMD does
not exist, 126 when it cannot be executed).
`,
  bench: `Usage: rocm-patch bench [--device cpu|gpu] [--json] [-- EXTRA...]

Runs the conv benchmark suite of @rocm-patch/conv-bypass (ours against the peers named in its
README, in one run). EXTRA arguments go to the benchmark (e.g. -- --repeats 3 --skip-tfjs-cpu).
The benchmark ships with the source checkout; the exit code is the benchmark's.
`,
};

class UsageError extends Error {}

function parse(command: string, argv: string[], options: NonNullable<ParseArgsConfig['options']>) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: false, strict: true });
  } catch (error) {
    throw new UsageError(`${command}: ${(error as Error).message}`);
  }
}

/** argv split at the first `--`: options before it, the command (exec) or extra arguments (bench) after. */
function splitAtDashes(argv: readonly string[]): [string[], string[]] {
  const at = argv.indexOf('--');
  return at < 0 ? [[...argv], []] : [argv.slice(0, at), argv.slice(at + 1)];
}

/**
 * The CLI: parses argv (without node and the script), runs the command and resolves to the exit code.
 * Usage errors print one line and the usage and give 2; nothing throws.
 */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  const usageText = usage((io.benchScript ?? convBenchScript)() !== null);
  try {
    if (command === undefined || command === '') {
      io.stderr.write(usageText);
      return EXIT.USAGE;
    }
    if (command === '-h' || command === '--help' || command === 'help') {
      io.stdout.write(usageText);
      return EXIT.OK;
    }
    if (command === '-v' || command === '--version') {
      io.stdout.write(`rocm-patch ${packageVersion()}\n`);
      return EXIT.OK;
    }
    const help = HELP[command];
    if (help === undefined) throw new UsageError(`unknown command ${command}`);
    const [before, after] = splitAtDashes(rest);
    if (command === 'exec') checkExecForm(before, after);
    if (before.includes('-h') || before.includes('--help')) {
      io.stdout.write(help);
      return EXIT.OK;
    }
    switch (command) {
      case 'doctor':
        return await doctor(before, after, io);
      case 'env':
        return env(before, after, io);
      case 'exec':
        return await exec(before, after, io);
      default:
        return await bench(before, after, io);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      const help = command ? HELP[command] : undefined;
      io.stderr.write(`rocm-patch: ${error.message}\n\n${help ?? usageText}`);
      return EXIT.USAGE;
    }
    if (error instanceof RangeError || error instanceof TypeError) {
      io.stderr.write(`rocm-patch: ${error.message}\n`);
      return EXIT.USAGE;
    }
    io.stderr.write(`rocm-patch: internal error: ${String((error as Error)?.message ?? error)}\n`);
    return EXIT.FAILED;
  }
}

function noExtra(command: string, after: string[]): void {
  if (after.length > 0) throw new UsageError(`${command} takes no arguments after --`);
}

async function doctor(before: string[], after: string[], io: CliIo): Promise<number> {
  noExtra('doctor', after);
  const { values } = parse('doctor', before, {
    json: { type: 'boolean', default: false },
    root: { type: 'string' },
    'no-commands': { type: 'boolean', default: false },
    'no-self-test': { type: 'boolean', default: false },
  });
  const env = io.env ?? process.env;
  const root = values.root as string | undefined;
  const report = detect({
    ...(root === undefined ? {} : { root }),
    env,
    ...(values['no-commands'] ? { commands: false } : {}),
  });
  const plan = planEnvironment(report, { env });
  let selfTest: SelfTestReport | { skipped: string } | { error: string };
  if (values['no-self-test']) selfTest = { skipped: '--no-self-test' };
  else {
    try {
      loadAddon();
      let bar: Progress | undefined;
      selfTest = await runConvSelfTest({
        onCheck: (check, index, total) => {
          bar ??= new Progress({ total, label: 'conv self-test', stream: io.stderr, lineEvery: 0.5 });
          bar.update(index, `${check.algorithm} ${check.direction}`);
          if (index === total) bar.finish('done');
        },
      });
    } catch (error) {
      selfTest = { error: (error as Error).message };
    }
  }
  const backendSelfTest: BackendSelfTestResult = values['no-self-test']
    ? { skipped: '--no-self-test' }
    : await doctorBackendSelfTest(io);
  if (values.json) {
    io.stdout.write(
      `${JSON.stringify({ ...doctorJson(report, plan), selfTest, backendSelfTest }, null, 2)}\n`,
    );
  } else {
    io.stdout.write(formatDoctor(report, plan, 'rocm-patch'));
    io.stdout.write(`\n${formatSelfTest(selfTest)}`);
    io.stdout.write(`\n${formatBackendSelfTest(backendSelfTest)}`);
  }
  for (const result of [selfTest, backendSelfTest]) {
    if ('error' in result) return EXIT.FAILED;
    if ('checks' in result && !result.ok) return EXIT.FAILED;
  }
  return EXIT.OK;
}

async function doctorBackendSelfTest(io: CliIo): Promise<BackendSelfTestResult> {
  try {
    const tf = (await importTf()) as { enableProdMode?: () => void } | undefined;
    // No "install tfjs-node" banner from tfjs-backend-cpu in the middle of the report.
    tf?.enableProdMode?.();
    let bar: Progress | undefined;
    return await runBackendSelfTest({
      tf,
      onCheck: (check, index, total) => {
        bar ??= new Progress({ total, label: 'backend self-test', stream: io.stderr, lineEvery: 0.5 });
        bar.update(index, check.case);
        if (index === total) bar.finish('done');
      },
    });
  } catch (error) {
    return { error: (error as Error).message };
  }
}

function formatBackendCheck(c: BackendCheck): string {
  const err = c.relError === null ? '-' : c.relError.toExponential(1);
  const ms = c.ms === null ? '-' : c.ms.toFixed(2);
  const host = Object.keys(c.hostPath);
  const device = c.kernels.filter((k) => !(k in c.hostPath));
  const kernels = [
    ...(device.length > 0 ? [`device: ${device.join(', ')}`] : []),
    ...(host.length > 0 ? [`host path: ${host.join(', ')}`] : []),
  ];
  return `  ${c.case.padEnd(32)} ${c.status.padEnd(9)} ${err.padStart(8)} ${ms.padStart(9)}  ${
    kernels.join('; ') || '-'
  }${c.detail ? `  ${c.detail}` : ''}`;
}

export function formatBackendSelfTest(result: BackendSelfTestResult): string {
  if ('skipped' in result) {
    const fix = result.fix ? `\n${result.fix.replace(/^/gm, '  ')}` : '';
    return `Backend self-test ('rocm' TF.js backend): skipped (${result.skipped})${fix}\n`;
  }
  if ('error' in result) return `Backend self-test ('rocm' TF.js backend): FAILED, ${result.error}\n`;
  const hostChecks = result.checks.filter((c) => Object.keys(c.hostPath).length > 0);
  const kernels = [...new Set(hostChecks.flatMap((c) => Object.keys(c.hostPath)))].sort();
  const hostNote =
    hostChecks.length === 0
      ? 'every kernel ran on the device'
      : `${hostChecks.length} of ${result.checks.length} checks took the host path (${kernels.join(', ')}; ${result.hostPathCalls} calls): correct, but not on the device`;
  const lines = [
    `Backend self-test ('rocm' TF.js backend on ${result.device}; against tfjs-backend-cpu, tolerance 1e-4)`,
    `  ${'case'.padEnd(32)} ${'status'.padEnd(9)} ${'rel.err'.padStart(8)} ${'ms'.padStart(9)}  kernels`,
    ...result.checks.map(formatBackendCheck),
    result.ok
      ? `Backend self-test: passed; ${hostNote}`
      : `Backend self-test: FAILED (see the rows above); ${hostNote}`,
  ];
  return `${lines.join('\n')}\n`;
}

function formatCheck(c: AlgorithmCheck): string {
  const err = c.relError === null ? '-' : c.relError.toExponential(1);
  const ms = c.ms === null ? '-' : c.ms.toFixed(2);
  return `  ${c.case.padEnd(28)} ${c.direction.padEnd(15)} ${c.algorithm.padEnd(14)} ${c.status.padEnd(9)} ${err.padStart(8)} ${ms.padStart(9)}${
    c.detail ? `  ${c.detail}` : ''
  }`;
}

export function formatSelfTest(result: SelfTestReport | { skipped: string } | { error: string }): string {
  if ('skipped' in result) return `Conv self-test: skipped (${result.skipped})\n`;
  if ('error' in result)
    return `Conv self-test: FAILED, the native conv addon does not load:\n${result.error}\n`;
  const lines = [
    `Conv self-test (${
      result.gpu
        ? `GPU ${result.gpu.name}, ${result.gpu.arch}, ${result.gpu.backend}`
        : 'no GPU in this process: checking the CPU path'
    }; algorithms: ${result.algorithms.join(', ')})`,
    `  ${'case'.padEnd(28)} ${'direction'.padEnd(15)} ${'algorithm'.padEnd(14)} ${'status'.padEnd(9)} ${'rel.err'.padStart(8)} ${'ms'.padStart(9)}`,
    ...result.checks.map(formatCheck),
    result.ok ? 'Conv self-test: passed' : 'Conv self-test: FAILED (see the rows above)',
  ];
  return `${lines.join('\n')}\n`;
}

function env(before: string[], after: string[], io: CliIo): number {
  noExtra('env', after);
  const { values } = parse('env', before, {
    shell: { type: 'string' },
    json: { type: 'boolean', default: false },
    root: { type: 'string' },
    force: { type: 'boolean', default: false },
  });
  if (values.json && values.shell !== undefined && values.shell !== 'json') {
    throw new UsageError(`env: --json and --shell ${String(values.shell)} contradict each other`);
  }
  const shell = values.json ? 'json' : (values.shell as string | undefined);
  return runEnv({
    ...(values.root === undefined ? {} : { root: values.root as string }),
    force: values.force as boolean,
    env: io.env ?? process.env,
    ...(shell === undefined ? {} : { shell }),
    stdout: io.stdout,
  });
}

/** Options of exec that take a value: the word after them is theirs, not the start of a command. */
const EXEC_VALUE_OPTIONS = ['--root'];

/**
 * `rocm-patch exec node -v`: the command's own options (-v, --help) would be taken for ours, so the
 * command goes after `--`; say so with the corrected command line.
 */
function checkExecForm(before: string[], after: string[]): void {
  const at = before.findIndex(
    (arg, i) => !arg.startsWith('-') && !EXEC_VALUE_OPTIONS.includes(before[i - 1] ?? ''),
  );
  if (at >= 0) {
    const fixed = ['rocm-patch', 'exec', ...before.slice(0, at), '--', ...before.slice(at), ...after];
    throw new UsageError(`exec: put the command after --: ${fixed.join(' ')}`);
  }
}

async function exec(before: string[], after: string[], io: CliIo): Promise<number> {
  const { values } = parse('exec', before, {
    root: { type: 'string' },
    force: { type: 'boolean', default: false },
  });
  const [cmd, ...args] = after;
  if (!cmd) throw new UsageError('exec needs a command: rocm-patch exec -- CMD [ARGS...]');
  return runExec({
    ...(values.root === undefined ? {} : { root: values.root as string }),
    force: values.force as boolean,
    env: io.env ?? process.env,
    command: cmd,
    args,
    stderr: io.stderr,
    program: 'rocm-patch',
  });
}

/** The benchmark script of the installed @rocm-patch/conv-bypass, or null when this install has none. */
export function convBenchScript(): string | null {
  const require = createRequire(import.meta.url);
  let manifest: string;
  try {
    manifest = require.resolve('@rocm-patch/conv-bypass/package.json');
  } catch {
    return null;
  }
  const script = join(dirname(manifest), 'bench', 'run.mjs');
  return existsSync(script) ? script : null;
}

async function bench(before: string[], after: string[], io: CliIo): Promise<number> {
  const { values } = parse('bench', before, {
    device: { type: 'string', default: 'cpu' },
    json: { type: 'boolean', default: false },
  });
  const device = values.device as string;
  if (device !== 'cpu' && device !== 'gpu') {
    throw new UsageError(`bench: --device must be cpu or gpu, got ${device}`);
  }
  const script = (io.benchScript ?? convBenchScript)();
  if (!script) {
    io.stderr.write(
      'rocm-patch: the conv benchmark is not in this install of @rocm-patch/conv-bypass (it ships with the source checkout: npm run bench -w @rocm-patch/conv-bypass)\n',
    );
    return EXIT.USAGE;
  }
  const args = [script, '--device', device, ...(values.json ? ['--json'] : []), ...after];
  io.stderr.write(`rocm-patch: running the conv benchmark (${device}); this takes minutes\n`);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { stdio: 'inherit', env: io.env ?? process.env });
    child.on('error', (error) => {
      io.stderr.write(`rocm-patch: cannot start the benchmark: ${error.message}\n`);
      resolve(EXIT.FAILED);
    });
    child.on('exit', (code, signal) =>
      resolve(code ?? (signal ? 128 + (constants.signals[signal] ?? 0) : EXIT.FAILED)),
    );
  });
}
