// Spawns the built CLI (dist/cli.mjs; turbo builds the package before its tests), as a user runs it.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deviceAddon } from '@rocm-patch/conv-bypass/device';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convBenchScript, main } from '../src/cli-main.js';
import { gfx1010Tree, homeEnv } from './tree.js';

const gpuUsable = deviceAddon().available().gpu;

const cli = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'cli.mjs');
const scratch = mkdtempSync(join(tmpdir(), 'rocm-patch-cli-'));

function run(args: string[], env: NodeJS.ProcessEnv = homeEnv()) {
  return spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env, timeout: 120_000 });
}

beforeAll(() => {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: build the package first (npm run build)`);
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('usage', () => {
  it('prints the usage with --help (exit 0) and without a command (exit 2)', () => {
    const help = run(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/doctor[\s\S]*env[\s\S]*exec[\s\S]*bench/);
    const none = run([]);
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/Usage: rocm-patch/);
  });

  it.each(['doctor', 'env', 'exec', 'bench'])('%s --help describes the command', (command) => {
    const r = run([command, '--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`Usage: rocm-patch ${command}`));
  });

  it('--version (and -v) prints the version of @rocm-patch/all', () => {
    const { version } = JSON.parse(
      readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', 'package.json'), 'utf8'),
    );
    for (const flag of ['--version', '-v']) {
      const r = run([flag]);
      expect(r.status).toBe(0);
      expect(r.stdout).toBe(`rocm-patch ${version}\n`);
    }
  });

  it('lists bench only where the benchmark ships (a source checkout), and says why it is missing elsewhere', async () => {
    const out = { stdout: '', stderr: '' };
    const io = (benchScript: () => string | null) => ({
      stdout: { write: (t: string) => (out.stdout += t) },
      stderr: { write: (t: string) => (out.stderr += t) },
      benchScript,
    });
    expect(
      await main(
        ['--help'],
        io(() => '/checkout/bench/run.mjs'),
      ),
    ).toBe(0);
    expect(out.stdout).toMatch(/^ {2}bench \[--device cpu\|gpu\]/m);
    out.stdout = '';
    expect(
      await main(
        ['--help'],
        io(() => null),
      ),
    ).toBe(0);
    expect(out.stdout).toMatch(/doctor[\s\S]*env[\s\S]*exec/);
    expect(out.stdout).not.toMatch(/bench/);
    expect(
      await main(
        ['bench'],
        io(() => null),
      ),
    ).toBe(2);
    expect(out.stderr).toMatch(/not in this install[\s\S]*source checkout/);
  });

  it('rejects unknown commands and options with exit 2, naming them', () => {
    const cmd = run(['frobnicate']);
    expect(cmd.status).toBe(2);
    expect(cmd.stderr).toMatch(/unknown command frobnicate/);
    const opt = run(['doctor', '--bogus']);
    expect(opt.status).toBe(2);
    expect(opt.stderr).toMatch(/--bogus/);
    const shell = run(['env', '--shell', 'tcsh']);
    expect(shell.status).toBe(2);
    expect(shell.stderr).toMatch(/tcsh/);
    const device = run(['bench', '--device', 'tpu']);
    expect(device.status).toBe(2);
    expect(device.stderr).toMatch(/--device must be cpu or gpu/);
  });
});

describe('doctor', () => {
  it('reports the GPU of the tree and passes the conv self-test on this machine', () => {
    const r = run(['doctor', '--root', gfx1010Tree(), '--no-commands']);
    expect(r.status, r.stderr).toBe(0);
    // Its own name, in the header and in the commands it suggests.
    expect(r.stdout.split('\n')[0]).toBe('rocm-patch doctor');
    expect(r.stdout).toMatch(
      /Apply it: eval "\$\(rocm-patch env\)", or run a program with rocm-patch exec -- /,
    );
    expect(r.stdout).toMatch(/gfx1010/);
    expect(r.stdout).toMatch(/HSA_OVERRIDE_GFX_VERSION/);
    expect(r.stdout).toMatch(/Conv self-test[\s\S]*cpu\s+ok[\s\S]*Conv self-test: passed/);
    // Progress goes to stderr (plain lines here: not a terminal), stdout stays the report.
    expect(r.stderr).toMatch(/conv self-test \d+\/\d+/);
    expect(r.stderr).not.toMatch(/\r/);
  });

  it('--json prints one object: the env doctor fields plus the self-test', () => {
    const r = run(['doctor', '--json', '--root', gfx1010Tree(), '--no-commands']);
    expect(r.status, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(Object.keys(json)).toEqual(
      expect.arrayContaining([
        'gpus',
        'rocm',
        'nvidia',
        'env',
        'findings',
        'plan',
        'selfTest',
        'backendSelfTest',
      ]),
    );
    expect(json.gpus[0].arch).toBe('gfx1010');
    expect(json.selfTest.ok).toBe(true);
    expect(json.selfTest.algorithms).toContain('cpu');
    const cpu = json.selfTest.checks.filter((c: { algorithm: string }) => c.algorithm === 'cpu');
    expect(cpu).toHaveLength(6); // 2 shapes × forward, backward-data, backward-filter
    for (const c of cpu) {
      expect(c.status).toBe('ok');
      expect(c.against).toBe('reference');
      expect(c.relError).toBeLessThan(1e-4);
      expect(c.ms).toBeGreaterThanOrEqual(0);
    }
  });

  it('--no-self-test skips both self-tests', () => {
    const r = run(['doctor', '--no-commands', '--no-self-test']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Conv self-test: skipped/);
    expect(r.stdout).toMatch(/Backend self-test \('rocm' TF\.js backend\): skipped \(--no-self-test\)/);
  });

  it.skipIf(gpuUsable)('says why the rocm backend self-test is skipped on a machine without a GPU', () => {
    const r = run(['doctor', '--no-commands']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /Backend self-test \('rocm' TF\.js backend\): skipped \(the 'rocm' backend cannot start here: [^\n]+\)\n/,
    );
    expect(r.stdout).toMatch(
      /\n {2}To run the same kernels on the CPU \(tests, CI\), set ROCM_PATCH_TFJS_DEVICE=host\.\n/,
    );
    const json = JSON.parse(run(['doctor', '--no-commands', '--json']).stdout);
    expect(json.backendSelfTest).toEqual({
      skipped: expect.stringMatching(/cannot start here/),
      fix: expect.stringMatching(/ROCM_PATCH_TFJS_DEVICE=host/),
    });
  });

  it('runs the rocm backend self-test on the host device with ROCM_PATCH_TFJS_DEVICE=host', () => {
    const env = { ...homeEnv(), ROCM_PATCH_TFJS_DEVICE: 'host' };
    const r = run(['doctor', '--no-commands'], env);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /Backend self-test \('rocm' TF\.js backend on host \(.*; against tfjs-backend-cpu/,
    );
    for (const op of ['add, broadcast', 'matMul', 'conv2d', 'sum', 'softmax', 'maxPool']) {
      expect(r.stdout).toMatch(new RegExp(`\\n  ${op}[^\\n]*\\s+ok\\s`));
    }
    expect(r.stdout).toMatch(/conv2d[^\n]*device: Conv2D/);
    expect(r.stdout).toMatch(/Backend self-test: passed; /);
    expect(r.stderr).toMatch(/backend self-test 6\/6 done/);
    expect(r.stderr).not.toMatch(/Hi, looks like you are running TensorFlow\.js/);
    const json = JSON.parse(run(['doctor', '--no-commands', '--json'], env).stdout);
    expect(json.backendSelfTest.ok).toBe(true);
    expect(json.backendSelfTest.device).toMatch(/^host/);
    expect(json.backendSelfTest.checks).toHaveLength(6);
    expect(typeof json.backendSelfTest.hostPathCalls).toBe('number');
  });

  it('fails (exit 1) with an invalid ROCM_PATCH_TFJS_DEVICE, naming it', () => {
    const r = run(['doctor', '--no-commands'], { ...homeEnv(), ROCM_PATCH_TFJS_DEVICE: 'bogus' });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(
      /Backend self-test \('rocm' TF\.js backend\): FAILED, ROCM_PATCH_TFJS_DEVICE must be/,
    );
  });
});

describe('env and exec', () => {
  it('env prints the plan for a shell, and --json as JSON', () => {
    const root = gfx1010Tree();
    const sh = run(['env', '--root', root]);
    expect(sh.status).toBe(0);
    expect(sh.stdout).toMatch(/export HSA_OVERRIDE_GFX_VERSION=['"]?10\.3\.0/);
    const json = run(['env', '--root', root, '--json']);
    expect(json.status).toBe(0);
    expect(JSON.stringify(JSON.parse(json.stdout))).toMatch(/HSA_OVERRIDE_GFX_VERSION/);
    expect(run(['env', '--json', '--shell', 'fish']).status).toBe(2);
  });

  it('exec runs the command with the planned environment and passes its exit code on', () => {
    const root = gfx1010Tree();
    const r = run([
      'exec',
      '--root',
      root,
      '--',
      process.execPath,
      '-e',
      'console.log(process.env.HSA_OVERRIDE_GFX_VERSION); process.exit(7)',
    ]);
    expect(r.stdout.trim()).toBe('10.3.0');
    expect(r.status).toBe(7);
  });

  it('exec gives 127 for a command that does not exist (in its own name), and 2 without a command', () => {
    const missing = run(['exec', '--', 'rocm-patch-no-such-command']);
    expect(missing.status).toBe(127);
    expect(missing.stderr).toBe('rocm-patch: command not found: rocm-patch-no-such-command\n');
    expect(run(['exec']).status).toBe(2);
  });

  it('exec without -- says to put the command after --, with the corrected command line', () => {
    for (const args of [
      ['exec', 'node', '-v'],
      ['exec', '--force', 'node', '-v'],
      ['exec', 'node', '--help'],
    ]) {
      const r = run(args);
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      const fixed = ['rocm-patch', 'exec', ...args.slice(1, -2), '--', ...args.slice(-2)].join(' ');
      expect(r.stderr.split('\n')[0]).toBe(`rocm-patch: exec: put the command after --: ${fixed}`);
    }
    const rooted = run(['exec', '--root', '/', 'node', '-v']);
    expect(rooted.stderr.split('\n')[0]).toBe(
      'rocm-patch: exec: put the command after --: rocm-patch exec --root / -- node -v',
    );
  });
});

it('stops quietly when its reader goes away (doctor | head)', async () => {
  const child = spawn(process.execPath, [cli, 'doctor', '--no-self-test', '--no-commands'], {
    env: homeEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  // The reader is gone before the CLI writes a byte: its first write fails with EPIPE.
  child.stdout.destroy();
  const code = await new Promise((resolve) => child.on('close', resolve));
  expect(stderr).not.toMatch(/EPIPE|Error/);
  expect(code).toBe(0);
});

describe('bench', () => {
  it('finds the benchmark of the installed conv-bypass', () => {
    const script = convBenchScript();
    expect(script).toMatch(/conv-bypass[\\/]bench[\\/]run\.mjs$/);
  });
});
