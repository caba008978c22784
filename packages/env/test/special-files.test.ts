import { spawn, spawnSync } from 'node:child_process';
import { rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRegularFile } from '../src/root-fs.js';
import { loadedGpuRuntimes } from '../src/setup.js';
import { amdGpu, cpuNode, GIB, homeEnv, makeTree, rocm } from './helpers/tree.js';

const CLI = join(import.meta.dirname, '..', 'dist', 'cli.mjs');
const PROPERTIES = '/sys/class/kfd/kfd/topology/nodes/1/properties';
const PRODUCT_NAME = '/sys/class/drm/renderD128/device/product_name';

function gfx1010Tree(): string {
  return makeTree({
    ...cpuNode(0),
    ...amdGpu({ node: 1, renderMinor: 128, gfx: 100100, deviceId: 0x731f, vram: 8 * GIB }),
    ...rocm('5.2.0-65', ['gfx1030']),
    [PRODUCT_NAME]: 'x',
    '/proc/driver/nvidia/version': 'x',
    '/proc/self/maps': '',
  });
}

/** Replaces a file of the tree by a FIFO nobody writes to (opening it for reading blocks by default). */
function fifo(root: string, systemPath: string): void {
  const file = join(root, systemPath);
  rmSync(file, { force: true });
  const made = spawnSync('mkfifo', [file]);
  if (made.status !== 0) throw new Error(`mkfifo failed: ${made.stderr}`);
}

function link(root: string, systemPath: string, target: string): void {
  const file = join(root, systemPath);
  rmSync(file, { force: true });
  symlinkSync(target, file);
}

interface Run {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/**
 * Runs the CLI in a child process, killed (and reported as timed out) after `ms`, with its address space
 * limited to 1.5 GB, so that an unbounded read of /dev/zero fails at once instead of filling the machine.
 */
function runCli(args: string[], ms = 15_000): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(
      'sh',
      ['-c', 'ulimit -v 1500000 && exec "$@"', 'sh', process.execPath, CLI, ...args],
      {
        env: homeEnv(),
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, ms);
    child.on('exit', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout, stderr, timedOut });
    });
  });
}

describe('special files in the system tree (FIFOs, links to endless devices)', () => {
  it.each([
    [[PROPERTIES, '/opt/rocm/.info/version', '/proc/driver/nvidia/version']],
    [[PRODUCT_NAME]], // read only for a GPU whose properties were read
  ])(
    'doctor, env and exec finish when %j are FIFOs',
    async (paths) => {
      const root = gfx1010Tree();
      for (const path of paths) fifo(root, path);
      const doctor = await runCli(['doctor', '--json', '--root', root, '--no-commands']);
      expect(doctor).toMatchObject({ status: 0, timedOut: false });
      const messages = (JSON.parse(doctor.stdout).findings as { id: string; message: string }[])
        .filter((f) => f.id === 'unreadable-file')
        .map((f) => f.message);
      expect(messages).toEqual(
        paths.map((path) => `${join(root, path)}: skipped, it is a FIFO (only regular files are read)`),
      );
      const env = await runCli(['env', '--root', root]);
      expect(env).toMatchObject({ status: 0, timedOut: false });
      const exec = await runCli(['exec', '--root', root, '--', process.execPath, '-e', 'process.exit(7)']);
      expect(exec).toMatchObject({ status: 7, timedOut: false });
    },
    60_000,
  );

  it.each(['/dev/zero', '/dev/urandom'])(
    'doctor finishes in bounded memory when properties links to %s',
    async (device) => {
      const root = gfx1010Tree();
      link(root, PROPERTIES, device);
      link(root, PRODUCT_NAME, device);
      const doctor = await runCli(['doctor', '--json', '--root', root, '--no-commands']);
      expect(doctor).toMatchObject({ status: 0, timedOut: false });
      const findings = JSON.parse(doctor.stdout).findings as { message: string }[];
      expect(findings.map((f) => f.message)).toContain(
        `${join(root, PROPERTIES)}: skipped, it is a character device (only regular files are read)`,
      );
    },
    30_000,
  );

  it('readRegularFile reads at most the cap of a large file, and refuses a FIFO without blocking', () => {
    const root = makeTree({ '/big': Buffer.alloc(3 << 20, 0x61), '/small': 'hello\n' });
    expect(readRegularFile(join(root, 'big'), 1 << 20).length).toBe(1 << 20);
    expect(readRegularFile(join(root, 'small'), 1 << 20).toString()).toBe('hello\n');
    fifo(root, '/pipe');
    expect(() => readRegularFile(join(root, 'pipe'), 1 << 20)).toThrow(/is a FIFO, not a regular file/);
    expect(() => readRegularFile(join(root, 'missing'), 1)).toThrow(
      expect.objectContaining({ code: 'ENOENT' }),
    );
  });

  it('loadedGpuRuntimes does not block on a FIFO as /proc/self/maps', async () => {
    const root = gfx1010Tree();
    fifo(root, '/proc/self/maps');
    // In a child: were it to block, it would block this test's own event loop.
    const child = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const { loadedGpuRuntimes } = await import(${JSON.stringify(join(import.meta.dirname, '..', 'dist', 'index.mjs'))}); console.log(JSON.stringify(loadedGpuRuntimes(${JSON.stringify(root)})));`,
      ],
      { timeout: 15_000, encoding: 'utf8' },
    );
    expect(child.error).toBeUndefined();
    expect(child.status).toBe(0);
    expect(child.stdout.trim()).toBe('[]');
    expect(loadedGpuRuntimes).toBeTypeOf('function');
  });
});
