import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli-main.js';
import { detect } from '../src/detect.js';
import { formatDoctor } from '../src/doctor.js';
import { planEnvironment } from '../src/plan.js';
import { amdGpu, cpuNode, GIB, homeEnv, makeTree, rocm } from './helpers/tree.js';

const CLI = join(import.meta.dirname, '..', 'dist', 'cli.mjs');
const GFX1010_TREE = {
  ...cpuNode(0),
  ...amdGpu({ node: 1, renderMinor: 128, gfx: 100100, deviceId: 0x731f, vram: 8 * GIB }),
  ...rocm('5.2.0-65', ['gfx900', 'gfx906', 'gfx1030']),
};

function capture() {
  const out = { stdout: '', stderr: '' };
  return {
    out,
    io: {
      stdout: { write: (t: string) => (out.stdout += t) },
      stderr: { write: (t: string) => (out.stderr += t) },
      env: homeEnv(),
    },
  };
}

describe('main (in process)', () => {
  it('doctor --json prints exactly one JSON object with the documented keys', async () => {
    const root = makeTree(GFX1010_TREE);
    const { out, io } = capture();
    expect(await main(['doctor', '--json', '--root', root, '--no-commands'], io)).toBe(0);
    const json = JSON.parse(out.stdout);
    expect(Object.keys(json)).toEqual(['gpus', 'rocm', 'nvidia', 'env', 'findings', 'plan']);
    expect(json.gpus).toEqual([
      {
        index: 0,
        vendor: 'amd',
        name: 'AMD gfx1010 GPU (Radeon RX 5600 XT or similar)',
        arch: 'gfx1010',
        family: 'RDNA1',
        integrated: false,
        vramBytes: 8 * GIB,
        computeUnits: 36,
        waveSize: 32,
        pciDeviceId: '0x731f',
      },
    ]);
    expect(json.rocm).toEqual({
      path: '/opt/rocm',
      version: '5.2.0',
      supportedArchs: ['gfx1030', 'gfx900', 'gfx906'],
      foundBy: '/opt/rocm',
    });
    expect(json.nvidia).toBeNull();
    expect(
      json.findings.every(
        (f: Record<string, unknown>) => Object.keys(f).join() === 'id,severity,message,fix',
      ),
    ).toBe(true);
    expect(json.plan.find((e: { name: string }) => e.name === 'HSA_OVERRIDE_GFX_VERSION')).toMatchObject({
      value: '10.3.0',
      action: 'set',
    });
    expect(out.stderr).toBe('');
  });

  it('doctor prints a readable report', async () => {
    const root = makeTree(GFX1010_TREE);
    const { out, io } = capture();
    expect(await main(['doctor', `--root=${root}`, '--no-commands'], io)).toBe(0);
    expect(out.stdout).toMatch(
      /\[amd 0\] AMD gfx1010 GPU .*: gfx1010 \(RDNA1\), discrete, 8\.0 GiB VRAM, 36 CUs, wave32, PCI 0x731f/,
    );
    expect(out.stdout).toMatch(/ROCm: \/opt\/rocm \(5\.2\.0\); rocBLAS kernels for: gfx1030 gfx900 gfx906/);
    expect(out.stdout).toMatch(/warning no-native-kernels: .*\n\s+fix: /);
    expect(out.stdout).toMatch(/set {6}HSA_OVERRIDE_GFX_VERSION=10\.3\.0\n\s+why: .*\n\s+source: /);
  });

  it('doctor speaks with the name of the CLI that prints it', async () => {
    const root = makeTree(GFX1010_TREE);
    const { out, io } = capture();
    expect(await main(['doctor', `--root=${root}`, '--no-commands'], io)).toBe(0);
    expect(out.stdout.split('\n')[0]).toBe('rocm-patch-env doctor');
    expect(out.stdout).toContain(
      'Apply it: eval "$(rocm-patch-env env)", or run a program with rocm-patch-env exec',
    );
    const report = detect({ root, commands: false, env: homeEnv() });
    const text = formatDoctor(report, planEnvironment(report, { env: homeEnv() }), 'rocm-patch');
    expect(text.split('\n')[0]).toBe('rocm-patch doctor');
    expect(text).toContain('Apply it: eval "$(rocm-patch env)", or run a program with rocm-patch exec');
  });

  it('--version (and -v) prints the version of @rocm-patch/env', async () => {
    const { version } = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'package.json'), 'utf8'));
    for (const flag of ['--version', '-v']) {
      const { out, io } = capture();
      expect(await main([flag], io)).toBe(0);
      expect(out.stdout).toBe(`rocm-patch-env ${version}\n`);
    }
  });

  it("doctor names a distribution's ROCm and what found it", async () => {
    const root = makeTree({
      '/usr/bin/hipcc': '#!/usr/bin/perl\n',
      '/usr/lib/x86_64-linux-gnu/libamdhip64.so.5.2.21153': 'ELF',
    });
    const { out, io } = capture();
    expect(await main(['doctor', '--root', root, '--no-commands'], io)).toBe(0);
    expect(out.stdout).toContain(
      '  ROCm: /usr (5.2, found through /usr/bin/hipcc); rocBLAS kernels for: unknown (no rocBLAS kernel directory)\n',
    );
  });

  it('doctor on a machine without GPUs exits 0', async () => {
    const { out, io } = capture();
    expect(await main(['doctor', '--root', makeTree({ '/x': '' }), '--no-commands'], io)).toBe(0);
    expect(out.stdout).toMatch(/info {4}no-gpu: /);
  });

  it('env --shell prints the plan; an unknown shell is a clear error', async () => {
    const root = makeTree(GFX1010_TREE);
    let c = capture();
    expect(await main(['env', '--shell', 'fish', '--root', root, '--no-commands'], c.io)).toBe(0);
    expect(c.out.stdout).toContain("set -gx HSA_OVERRIDE_GFX_VERSION '10.3.0'");
    c = capture();
    expect(await main(['env', '--shell', 'tcsh', '--root', root], c.io)).toBe(2);
    expect(c.out.stderr).toBe(
      'rocm-patch-env: --shell must be one of sh, fish, powershell, dotenv, json (or bash, zsh, pwsh); got "tcsh"\n',
    );
  });

  it('bad arguments: one line and the usage, exit 2, no stack trace', async () => {
    for (const argv of [
      [],
      ['frobnicate'],
      ['doctor', '--bogus'],
      ['doctor', '--root'],
      ['exec'],
      ['env', '--json'],
      ['doctor', '--root', '/no/such/dir'],
    ]) {
      const { out, io } = capture();
      expect(await main(argv, io), argv.join(' ')).toBe(2);
      expect(out.stderr, argv.join(' ')).toMatch(/^(rocm-patch-env: |Usage)/);
      expect(out.stderr).not.toMatch(/\n\s+at /);
    }
    const { out, io } = capture();
    expect(await main(['--help'], io)).toBe(0);
    expect(out.stdout).toMatch(/exec -- CMD/);
  });
});

/** The built bin, as users run it (turbo builds before it tests). */
function cli(args: string[], env: NodeJS.ProcessEnv = homeEnv()) {
  return spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    env: { ...env, PATH: process.env.PATH },
  });
}

describe('the rocm-patch-env bin (dist/cli.mjs)', () => {
  it('is built, executable, with a shebang', () => {
    expect(existsSync(CLI), 'run `npm run build` in packages/env first').toBe(true);
    expect(statSync(CLI).mode & 0o111).not.toBe(0);
  });

  it('exec runs the command with the planned environment and passes its exit code on', () => {
    const root = makeTree(GFX1010_TREE);
    const r = cli([
      'exec',
      '--root',
      root,
      '--no-commands',
      '--',
      process.execPath,
      '-e',
      'console.log(process.env.HSA_OVERRIDE_GFX_VERSION); process.exit(7)',
    ]);
    expect(r.stdout).toBe('10.3.0\n');
    expect(r.status).toBe(7);
  });

  it('exec: 127 and a clear message when the command does not exist', () => {
    const r = cli(['exec', '--root', makeTree({ '/x': '' }), '--', 'no-such-command-rocm-patch']);
    expect(r.status).toBe(127);
    expect(r.stderr).toBe('rocm-patch-env: command not found: no-such-command-rocm-patch\n');
  });

  it('exec: 126 when the command cannot be executed', () => {
    const root = makeTree({ '/bin/not-executable': '#!/bin/sh\necho hi\n' });
    const file = join(root, 'bin', 'not-executable');
    const r = cli(['exec', '--root', root, '--', file]);
    expect(r.status).toBe(126);
    expect(r.stderr).toBe(`rocm-patch-env: permission denied: ${file}\n`);
  });

  it('exec: a child killed by a signal gives 128 + its number', () => {
    const r = cli([
      'exec',
      '--root',
      makeTree({ '/x': '' }),
      '--',
      process.execPath,
      '-e',
      "process.kill(process.pid, 'SIGKILL')",
    ]);
    expect(r.status).toBe(137);
  });

  it('exec forwards SIGTERM to the command', async () => {
    const child: ChildProcess = spawn(
      process.execPath,
      [
        CLI,
        'exec',
        '--root',
        makeTree({ '/x': '' }),
        '--',
        process.execPath,
        '-e',
        "process.on('SIGTERM', () => { console.log('got SIGTERM'); process.exit(5); }); console.log('ready'); setInterval(() => {}, 1000);",
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    const code = await new Promise<number | null>((resolve) => {
      child.stdout!.on('data', (d: Buffer) => {
        stdout += d.toString();
        if (stdout.includes('ready')) child.kill('SIGTERM');
      });
      child.on('exit', (c) => resolve(c));
    });
    expect(stdout).toBe('ready\ngot SIGTERM\n');
    expect(code).toBe(5);
  });

  it('doctor --json on a garbage tree still prints one JSON object and exits 0', () => {
    const root = makeTree({
      '/sys/class/kfd/kfd/topology/nodes/1/properties': 'gfx_target_version banana\n',
      '/opt/rocm/.info/version': '\u0000\u0000',
      '/proc/driver/nvidia/version': 'garbage',
    });
    const r = cli(['doctor', '--json', '--root', root]);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    const json = JSON.parse(r.stdout);
    expect(json.findings.map((f: { id: string }) => f.id)).toEqual(
      expect.arrayContaining(['malformed-file']),
    );
    expect(json.nvidia).toEqual({ driverVersion: null });
  });
});
