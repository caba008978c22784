// scripts/amd-resources.mjs, CI's AMD code-generation check: how it reads the compiler's assembly, its
// occupancy (LLVM's, capped by the LDS limit LLVM's estimate misses) and its verdicts, on assembly that
// Debian's hipcc 5.2 generated for test/fixtures/amd-resources/sample.hip.txt.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const pkg = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');
const script = join(pkg, '..', '..', 'scripts', 'amd-resources.mjs');
const fixtures = join(pkg, 'test', 'fixtures', 'amd-resources');
const asm = (target: string) =>
  readFileSync(join(fixtures, `sample-hip-amdgcn-amd-amdhsa-${target}.s`), 'utf8');

interface Kernel {
  name: string;
  vgprs: number;
  scratch: number;
  lds: number;
  llvmOccupancy: number;
  blockThreads: number;
}
interface Verdict extends Kernel {
  occupancy: number;
  limit: string;
  problems: string[];
}
interface Script {
  parseAssembly(text: string): Kernel[];
  occupancy(kernel: Kernel, target: string): { waves: number; limit: string };
  evaluate(kernels: Kernel[], target: string): Verdict[];
}
const load = async () => (await import(pathToFileURL(script).href)) as Script;

function cli(args: string[]) {
  return spawnSync(process.execPath, [script, ...args], { encoding: 'utf8', timeout: 60_000 });
}

describe('amd-resources', () => {
  it('reads every kernel of an assembly file: registers, scratch, LDS, block size, occupancy', async () => {
    const { parseAssembly } = await load();
    const kernels = parseAssembly(asm('gfx90c'));
    expect(kernels.map((k) => k.name)).toEqual(['_Z13private_arrayPfi', '_Z7big_ldsPf', '_Z5cleanPf']);
    expect(kernels[0]).toMatchObject({
      vgprs: 24,
      scratch: 272,
      lds: 0,
      blockThreads: 256,
      llvmOccupancy: 10,
    });
    expect(kernels[1]).toMatchObject({ scratch: 0, lds: 33792, blockThreads: 256, llvmOccupancy: 4 });
    expect(kernels[2]).toMatchObject({ scratch: 0, lds: 0, llvmOccupancy: 10 });
  });

  it('caps occupancy at the LDS limit: 33,792 bytes per 256-thread block are 1 wave per SIMD on gfx9, 6 on RDNA', async () => {
    const { parseAssembly, occupancy } = await load();
    // LLVM 15 says 4 on gfx90c: it counts the one block a CU's 64 KB holds as waves of a single SIMD.
    const gcn = parseAssembly(asm('gfx90c'))[1]!;
    expect(occupancy(gcn, 'gfx90c')).toEqual({ waves: 1, limit: 'LDS' });
    expect(occupancy(gcn, 'gfx900')).toEqual({ waves: 1, limit: 'LDS' });
    // An RDNA WGP: 128 KB hold 3 blocks of 8 wave32s over 4 SIMDs.
    const rdna = parseAssembly(asm('gfx1010'))[1]!;
    expect(rdna.llvmOccupancy).toBeGreaterThan(6);
    expect(occupancy(rdna, 'gfx1010')).toEqual({ waves: 6, limit: 'LDS' });
    // Register-limited kernels keep LLVM's figure.
    expect(occupancy(parseAssembly(asm('gfx90c'))[2]!, 'gfx90c')).toEqual({ waves: 10, limit: 'registers' });
  });

  it('fails a kernel with scratch or with occupancy under the floor, and names the rule', async () => {
    const { parseAssembly, evaluate } = await load();
    const v = evaluate(parseAssembly(asm('gfx90c')), 'gfx90c');
    expect(v[0]!.problems).toEqual(['272 bytes/lane of scratch']);
    expect(v[1]!.problems).toEqual(['occupancy 1 < 2 waves/SIMD (LDS)']);
    expect(v[2]!.problems).toEqual([]);
    expect(evaluate(parseAssembly(asm('gfx1010')), 'gfx1010')[1]!.problems).toEqual([]); // 6 ≥ 6
  });

  it('the CLI exits 1 on failing kernels and lists them', () => {
    const r = cli(['--asm', fixtures, '--targets', 'gfx1010,gfx90c']);
    expect(r.status, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/== gfx90c .*: 3 kernels, .* 2 FAILING/);
    expect(r.stdout).toMatch(/FAIL sample\.hip: \S*private_array\S*: VGPRs 24, scratch 272/);
    expect(r.stdout).toMatch(
      /FAIL sample\.hip: \S*big_lds\S*: .*occupancy 1 \(LDS\)\n\s+occupancy 1 < 2 waves\/SIMD \(LDS\)/,
    );
    expect(r.stdout).toMatch(/amd-resources: \d+ s, 3 failing kernel\(s\)/);
  });

  it('the CLI exits 0 when every kernel passes, and --markdown prints the README table', () => {
    const dir = mkdtempSync(join(tmpdir(), 'amd-resources-test-'));
    try {
      for (const t of ['gfx1010', 'gfx90c']) {
        const fixed = asm(t)
          .replace(/; ScratchSize: \d+/g, '; ScratchSize: 0')
          .replace(/; LDSByteSize: 33792/g, '; LDSByteSize: 32768');
        writeFileSync(join(dir, `sample-hip-amdgcn-amd-amdhsa-${t}.s`), fixed);
      }
      const r = cli(['--asm', dir, '--targets=gfx1010,gfx90c', '--markdown']);
      expect(r.status, r.stdout + r.stderr).toBe(0);
      expect(r.stdout).toMatch(/== gfx1010 .*: 3 kernels, .* — ok/);
      expect(r.stdout).toMatch(
        /\| gfx90c \(GCN5 APU, wave64\) \| 3 \| \d+ \| 0 \| 2 \(2\) \| big_lds \(LDS\) \|/,
      );
      expect(r.stdout).toMatch(
        /\| kernel \| gfx1010 \| gfx90c \|\n\|---\|---:\|---:\|\n\| big_lds \| – \| 2 \|/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses unknown options and targets, suggesting the nearest option', () => {
    const bad = cli(['--target', 'gfx90c']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/amd-resources: unknown option --target \(did you mean --targets\?\)/);
    const target = cli(['--targets', 'gfx1100']);
    expect(target.status).toBe(2);
    expect(target.stderr).toMatch(/--targets: gfx1100 is not one of gfx1010, gfx1030, gfx90c, gfx900/);
  });
});
