#!/usr/bin/env node
// The AMD code-generation check of CI (issue 18). Compiles every .hip file of the repository with hipcc
// for the AMD targets below — this is CI's hipcc compile check, run once — and reads what the compiler
// generated for each kernel: -save-temps keeps one assembly file per target, with a "Kernel info" block
// per kernel (VGPRs, scratch, LDS, LLVM's occupancy) and the code-object metadata (block size, wave
// size). Fails when a kernel uses scratch memory (register spills, or private arrays the compiler could
// not keep in registers) or when its occupancy is under the target's floor.
//
// Occupancy, in waves per SIMD, is the lower of LLVM's figure and the LDS limit computed here: LLVM's
// estimate (LLVM 15, Debian's ROCm 5.2) counts the blocks that fit a CU's LDS as waves of one SIMD, as
// if the CU had one SIMD instead of four, so it misses the kernels that LDS, not registers, limits.
// Here: blocks per LDS pool = pool / LDS per block, times the block's waves, over the pool's SIMDs (a
// GCN CU: 64 KB over 4 SIMDs; an RDNA WGP in HIP's default WGP mode: 128 KB over 4 SIMD32s); blocks
// are also whole (a block's waves all resident).
//
// Usage (from anywhere in the repository):
//   node scripts/amd-resources.mjs [--targets gfx1010,gfx1030,gfx90c,gfx900] [--jobs N] [--all]
//                                  [--markdown] [--asm DIR]
//   --all       list every kernel, not only those that fail
//   --markdown  print the per-target table of the conv-bypass README (GPU section)
//   --asm DIR   read the assembly files (<name>-hip-amdgcn-amd-amdhsa-<target>.s) in DIR instead of
//               compiling (the tests use it)
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const nativeSrc = join(root, 'packages', 'conv-bypass', 'native', 'src');

/**
 * The targets CI checks, with the floors of issue 18 and what the LDS limit needs. gfx900 is the code
 * object a gfx90c runs under HSA_OVERRIDE_GFX_VERSION=9.0.0 (the env package's plan), so it gets the
 * gfx90c floor.
 */
export const TARGETS = {
  gfx1010: { name: 'RDNA1', wave: 32, floor: 6, ldsPool: 131072, simds: 4 },
  gfx1030: { name: 'RDNA2', wave: 32, floor: 6, ldsPool: 131072, simds: 4 },
  gfx90c: { name: 'GCN5 APU', wave: 64, floor: 2, ldsPool: 65536, simds: 4 },
  gfx900: { name: 'GCN5', wave: 64, floor: 2, ldsPool: 65536, simds: 4 },
};

const HIPCC_FLAGS = ['-std=c++17', '-O3', '-fPIC', '-fvisibility=hidden'];
const OPTIONS = ['--targets', '--jobs', '--all', '--markdown', '--asm', '--help'];
const VALUED = new Set(['--targets', '--jobs', '--asm']);

function fail(message) {
  console.error(`amd-resources: ${message}`);
  process.exit(2);
}

function editDistance(a, b) {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++)
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
  return d[a.length][b.length];
}

function parseArgs(argv) {
  const opts = { targets: Object.keys(TARGETS), jobs: Math.max(1, availableParallelism()), all: false };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    if (!OPTIONS.includes(flag)) {
      const near = OPTIONS.map((o) => [o, editDistance(flag, o)]).sort((x, y) => x[1] - y[1])[0][0];
      fail(`unknown option ${flag} (did you mean ${near}?)`);
    }
    let value = inline;
    if (VALUED.has(flag) && value === undefined) {
      value = argv[++i];
      if (value === undefined) fail(`${flag} needs a value`);
    }
    if (flag === '--help') {
      const usage = readFileSync(fileURLToPath(import.meta.url), 'utf8').match(
        /\/\/ Usage[\s\S]*?\n(?!\/\/)/,
      )[0];
      console.log(usage.replace(/^\/\/ ?/gm, ''));
      process.exit(0);
    } else if (flag === '--targets') {
      opts.targets = value.split(',').filter(Boolean);
      for (const t of opts.targets)
        if (!TARGETS[t]) fail(`--targets: ${t} is not one of ${Object.keys(TARGETS).join(', ')}`);
      if (opts.targets.length === 0) fail('--targets: name at least one target');
    } else if (flag === '--jobs') {
      opts.jobs = Number(value);
      if (!Number.isInteger(opts.jobs) || opts.jobs < 1)
        fail(`--jobs must be a positive integer, got ${value}`);
    } else if (flag === '--asm') opts.asm = resolve(value);
    else opts[flag.slice(2)] = true;
  }
  return opts;
}

/**
 * The kernels of one target's assembly file: the "Kernel info" comment block the AMDGPU backend
 * writes after each kernel, joined by name with the code-object metadata (amdhsa.kernels).
 */
export function parseAssembly(text) {
  const kernels = new Map();
  let last = null;
  let info = null;
  for (const line of text.split('\n')) {
    const size = /^\s*\.size\s+([^,\s]+),/.exec(line);
    if (size) last = size[1];
    if (/^; Kernel info:/.test(line)) {
      if (last === null) throw new Error('a Kernel info block without a preceding .size directive');
      info = { name: last };
      kernels.set(last, info);
      continue;
    }
    if (info && line.startsWith(';')) {
      const m = /^; (NumVgprs|NumSgprs|ScratchSize|LDSByteSize|Occupancy):\s*(\d+)/.exec(line);
      if (m) info[m[1]] = Number(m[2]);
    } else info = null;
  }
  const meta = text.indexOf('amdhsa.kernels:');
  if (meta >= 0) {
    let entry = {};
    const flush = () => {
      const k = kernels.get(entry.name);
      if (k) Object.assign(k, entry);
      entry = {};
    };
    for (const line of text.slice(meta).split('\n').slice(1)) {
      if (/^\S/.test(line)) break; // the next top-level key (amdhsa.target, amdhsa.version)
      if (/^ {2}- /.test(line)) flush();
      const m = /^ {2}[- ] \.([a-z_]+):\s+(\S+)\s*$/.exec(line);
      if (m) entry[m[1]] = /^\d+$/.test(m[2]) ? Number(m[2]) : m[2];
    }
    flush();
  }
  const out = [];
  for (const k of kernels.values()) {
    for (const field of ['NumVgprs', 'ScratchSize', 'LDSByteSize', 'Occupancy', 'max_flat_workgroup_size']) {
      if (typeof k[field] !== 'number') throw new Error(`kernel ${k.name}: no ${field} in the assembly`);
    }
    out.push({
      name: k.name,
      vgprs: k.NumVgprs,
      scratch: k.ScratchSize,
      lds: k.LDSByteSize,
      llvmOccupancy: k.Occupancy,
      blockThreads: k.max_flat_workgroup_size,
      vgprSpills: k.vgpr_spill_count ?? 0,
    });
  }
  return out;
}

/** Waves per SIMD of a kernel on a target, and what limits it: 'registers' (LLVM's figure) or 'LDS'. */
export function occupancy(kernel, target) {
  const t = TARGETS[target];
  const wavesPerBlock = Math.ceil(kernel.blockThreads / t.wave);
  const byRegisters = kernel.llvmOccupancy;
  // Whole blocks: as many as the register-limited wave slots of the pool's SIMDs hold.
  const blocksByRegisters = Math.floor((byRegisters * t.simds) / wavesPerBlock);
  const blocksByLds = kernel.lds > 0 ? Math.floor(t.ldsPool / kernel.lds) : Number.POSITIVE_INFINITY;
  const blocks = Math.min(blocksByRegisters, blocksByLds);
  const waves = Math.min(byRegisters, Math.floor((blocks * wavesPerBlock) / t.simds));
  const limit = waves < byRegisters ? (blocksByLds < blocksByRegisters ? 'LDS' : 'block size') : 'registers';
  return { waves, limit };
}

/** The verdict on every kernel of a target: failures name the rule each breaks. */
export function evaluate(kernels, target) {
  const t = TARGETS[target];
  return kernels.map((k) => {
    const occ = occupancy(k, target);
    const problems = [];
    if (k.scratch > 0)
      problems.push(
        `${k.scratch} bytes/lane of scratch${k.vgprSpills > 0 ? ` (${k.vgprSpills} VGPRs spilled)` : ''}`,
      );
    if (occ.waves < t.floor) problems.push(`occupancy ${occ.waves} < ${t.floor} waves/SIMD (${occ.limit})`);
    return { ...k, occupancy: occ.waves, limit: occ.limit, problems };
  });
}

/** A demangled signature without its parameter list and anonymous namespaces: "void ns::f<T>". */
export function withoutParameters(signature) {
  let s = signature.replace(/\(anonymous namespace\)::/g, '');
  if (s.endsWith(')')) {
    let depth = 0;
    for (let i = s.length - 1; i >= 0; i--) {
      if (s[i] === ')') depth++;
      else if (s[i] === '(' && --depth === 0) {
        s = s.slice(0, i);
        break;
      }
    }
  }
  return s;
}

function demangle(names) {
  const r = spawnSync('c++filt', { input: names.join('\n'), encoding: 'utf8' });
  if (r.status !== 0 || !r.stdout) return new Map(names.map((n) => [n, n]));
  const lines = r.stdout.split('\n');
  return new Map(names.map((n, i) => [n, (lines[i] ?? n).replace(/rocm_patch::(gpu::|tensor::)?/g, '')]));
}

function hipccVersion() {
  const r = spawnSync('hipcc', ['--version'], {
    encoding: 'utf8',
    env: { ...process.env, HIP_PLATFORM: 'amd' },
  });
  const hip = /HIP version:\s*(\S+)/.exec(r.stdout ?? '')?.[1] ?? 'unknown';
  const clang = /clang version\s*(\S+)/.exec(r.stdout ?? '')?.[1];
  return clang ? `hipcc ${hip} (clang ${clang})` : `hipcc ${hip}`;
}

function run(cmd, args, cwd, env) {
  return new Promise((done) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => {
      output += d;
    });
    child.stderr.on('data', (d) => {
      output += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 15 * 60_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      done({ status: -1, output: `${output}${e.message}\n` });
    });
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      done({ status: signal ? `killed by ${signal} (15 min limit)` : status, output });
    });
  });
}

/** Compiles one .hip file for every target; returns { target: assembly text }. */
async function compile(file, targets) {
  const dir = mkdtempSync(join(tmpdir(), 'amd-resources-'));
  try {
    const args = [
      ...HIPCC_FLAGS,
      `-I${nativeSrc}`,
      ...targets.map((t) => `--offload-arch=${t}`),
      '-save-temps',
      '-c',
      join(root, file),
      '-o',
      join(dir, 'out.o'),
    ];
    // hipcc picks its platform from HIP_PLATFORM (and would use nvcc when it is on PATH): pin AMD.
    const r = await run('hipcc', args, dir, { ...process.env, HIP_PLATFORM: 'amd' });
    if (r.status !== 0) throw new Error(`hipcc failed on ${file} (${r.status}):\n${r.output}`);
    return readAssembly(dir, basename(file, '.hip'), targets);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function readAssembly(dir, stem, targets) {
  const out = {};
  for (const t of targets) {
    const name = `${stem}-hip-amdgcn-amd-amdhsa-${t}.s`;
    const found = readdirSync(dir).find((f) => f === name);
    if (!found) throw new Error(`no ${name} in ${dir}`);
    out[t] = readFileSync(join(dir, found), 'utf8');
  }
  return out;
}

async function collect(opts) {
  const results = Object.fromEntries(opts.targets.map((t) => [t, []]));
  const add = (file, asm) => {
    for (const t of opts.targets) {
      for (const k of parseAssembly(asm[t])) results[t].push({ ...k, file });
    }
  };
  if (opts.asm) {
    const stems = [
      ...new Set(
        readdirSync(opts.asm)
          .map((f) => /^(.*)-hip-amdgcn-amd-amdhsa-[a-z0-9]+\.s$/.exec(f)?.[1])
          .filter(Boolean),
      ),
    ];
    if (stems.length === 0) fail(`--asm: no <name>-hip-amdgcn-amd-amdhsa-<target>.s files in ${opts.asm}`);
    for (const stem of stems) add(`${stem}.hip`, readAssembly(opts.asm, stem, opts.targets));
    return results;
  }
  const git = spawnSync('git', ['ls-files', '*.hip'], { cwd: root, encoding: 'utf8' });
  if (git.status !== 0) fail(`git ls-files failed: ${git.stderr}`);
  const files = git.stdout.split('\n').filter(Boolean);
  if (files.length === 0) fail('no .hip files');
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const file = files[next++];
      const started = Date.now();
      add(file, await compile(file, opts.targets));
      console.log(`hipcc ${file} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.jobs, files.length) }, worker));
  return results;
}

/** A short name for the README: "igemm 128×128×8 FwdProblem" for the GEMM tiles, else the function name. */
export function shortName(display) {
  const tile = /igemm_kernel<kern::Tile<(\d+), (\d+), (\d+)[^>]*>, (?:[\w:]*::)?(\w+)>/.exec(display);
  if (tile) return `igemm ${tile[1]}×${tile[2]}×${tile[3]} ${tile[4]}`;
  return display
    .replace(/^void /, '')
    .replace(/<.*$/, '')
    .replace(/^.*::/, '');
}

function markdown(report, compiler) {
  const date = new Date().toISOString().slice(0, 10);
  const lines = [
    `Measured ${date} with ${compiler} (\`node scripts/amd-resources.mjs --markdown\`):`,
    '',
    '| target | kernels | VGPRs (max) | scratch bytes/lane (max) | occupancy waves/SIMD: min (floor) | lowest, and what limits it |',
    '|---|---:|---:|---:|---:|---|',
  ];
  const lds = new Map();
  for (const [target, kernels] of Object.entries(report)) {
    const t = TARGETS[target];
    const min = Math.min(...kernels.map((k) => k.occupancy));
    const lowest = [
      ...new Set(
        kernels.filter((k) => k.occupancy === min).map((k) => `${shortName(k.display)} (${k.limit})`),
      ),
    ];
    const shown = lowest.slice(0, 4).join('; ') + (lowest.length > 4 ? `; ${lowest.length - 4} more` : '');
    lines.push(
      `| ${target} (${t.name}, wave${t.wave}) | ${kernels.length} | ${Math.max(...kernels.map((k) => k.vgprs))} | ` +
        `${Math.max(...kernels.map((k) => k.scratch))} | ${min} (${t.floor}) | ${shown} |`,
    );
    for (const k of kernels.filter((k) => k.limit === 'LDS')) {
      const name = shortName(k.display);
      if (!lds.has(name)) lds.set(name, {});
      lds.get(name)[target] = Math.min(lds.get(name)[target] ?? Number.POSITIVE_INFINITY, k.occupancy);
    }
  }
  if (lds.size > 0) {
    const targets = Object.keys(report);
    lines.push(
      '',
      'Kernels whose occupancy LDS, not registers, limits (waves/SIMD; – where registers do):',
      '',
      `| kernel | ${targets.join(' | ')} |`,
      `|---|${targets.map(() => '---:').join('|')}|`,
    );
    for (const [name, per] of [...lds].sort((a, b) => a[0].localeCompare(b[0])))
      lines.push(`| ${name} | ${targets.map((t) => per[t] ?? '–').join(' | ')} |`);
  }
  return lines.join('\n');
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const compiler = opts.asm ? 'the given assembly' : hipccVersion();
  const started = Date.now();
  const results = await collect(opts);
  const names = demangle([...new Set(Object.values(results).flatMap((ks) => ks.map((k) => k.name)))]);
  const report = {};
  let failures = 0;
  for (const target of opts.targets) {
    const kernels = evaluate(results[target], target).map((k) => ({
      ...k,
      display: withoutParameters(names.get(k.name) ?? k.name),
    }));
    if (kernels.length === 0) fail(`no kernels found for ${target}`);
    report[target] = kernels;
    const t = TARGETS[target];
    const bad = kernels.filter((k) => k.problems.length > 0);
    failures += bad.length;
    const minOcc = Math.min(...kernels.map((k) => k.occupancy));
    console.log(
      `== ${target} (${t.name}, wave${t.wave}; floor ${t.floor} waves/SIMD): ${kernels.length} kernels, ` +
        `VGPRs ≤ ${Math.max(...kernels.map((k) => k.vgprs))}, scratch ≤ ${Math.max(...kernels.map((k) => k.scratch))}, ` +
        `occupancy ≥ ${minOcc} — ${bad.length === 0 ? 'ok' : `${bad.length} FAILING`}`,
    );
    for (const k of opts.all ? kernels : bad) {
      const what = `VGPRs ${k.vgprs}, scratch ${k.scratch}, LDS ${k.lds}, ${k.blockThreads} threads, occupancy ${k.occupancy} (${k.limit})`;
      console.log(
        `  ${k.problems.length > 0 ? 'FAIL' : 'ok  '} ${k.file}: ${k.display.slice(0, 140)}: ${what}`,
      );
      for (const p of k.problems) console.log(`         ${p}`);
    }
  }
  if (opts.markdown) console.log(`\n${markdown(report, compiler)}`);
  console.log(
    `amd-resources: ${((Date.now() - started) / 1000).toFixed(0)} s, ${failures} failing kernel(s)`,
  );
  process.exit(failures > 0 ? 1 : 0);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e) => {
    console.error(`amd-resources: ${e.message}`);
    process.exit(2);
  });
}
