import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DecisionDb, defaultDecisionDbPath } from '../src/index.js';

const writerScript = fileURLToPath(new URL('./fixtures/db-writer.mjs', import.meta.url));

function tempPath(): string {
  return join(mkdtempSync(join(tmpdir(), 'rp-db-')), 'sub', 'decisions.json');
}

afterEach(() => vi.restoreAllMocks());

describe('DecisionDb', () => {
  it('lives under $XDG_CACHE_HOME/rocm-patch, else ~/.cache/rocm-patch; $ROCM_PATCH_DECISION_DB overrides', () => {
    expect(defaultDecisionDbPath({ XDG_CACHE_HOME: '/c' })).toBe('/c/rocm-patch/conv-decisions.json');
    expect(defaultDecisionDbPath({})).toMatch(/\.cache\/rocm-patch\/conv-decisions\.json$/);
    expect(defaultDecisionDbPath({ XDG_CACHE_HOME: '/c', ROCM_PATCH_DECISION_DB: '/x/db.json' })).toBe(
      '/x/db.json',
    );
  });

  it('persists entries across instances and merges patches', () => {
    const path = tempPath();
    const db = new DecisionDb(path);
    db.update('k1', { probe: { outcome: 'ok', ms: 3, at: 't' } });
    db.update('k1', {
      choice: { algorithm: 'implicit_gemm', candidates: ['implicit_gemm'], timingsMs: {}, at: 't' },
    });
    db.update('k2', { unsafe: { reason: 'threw', at: 't' } });
    const again = new DecisionDb(path);
    expect(again.get('k1')).toEqual({
      probe: { outcome: 'ok', ms: 3, at: 't' },
      choice: { algorithm: 'implicit_gemm', candidates: ['implicit_gemm'], timingsMs: {}, at: 't' },
    });
    expect(again.get('k2')?.unsafe?.reason).toBe('threw');
    expect(JSON.parse(readFileSync(path, 'utf8')).format).toBe('rocm-patch-conv-decisions');
    // No temporary or lock file left behind.
    expect(readdirSync(join(path, '..'))).toEqual(['decisions.json']);
  });

  for (const [what, content] of [
    ['truncated JSON', '{"format":"rocm-patch-conv-decisions","version":1,"entr'],
    ['another JSON document', '[1, 2, 3]'],
    ['binary garbage', '\u0000\u0001\u0002'],
  ] as const) {
    it(`a corrupt file (${what}) is rebuilt with a warning and the bad copy kept`, () => {
      const path = tempPath();
      new DecisionDb(path).update('old', { probe: { outcome: 'ok', at: 't' } });
      writeFileSync(path, content);
      const warning = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
      const db = new DecisionDb(path);
      expect(db.keys()).toEqual([]);
      expect(warning).toHaveBeenCalledWith(
        expect.stringMatching(/was corrupt.*rebuilding/),
        expect.anything(),
      );
      expect(readFileSync(`${path}.corrupt`, 'utf8')).toBe(content);
      db.update('new', { probe: { outcome: 'crash', at: 't' } });
      expect(new DecisionDb(path).get('new')?.probe?.outcome).toBe('crash');
    });
  }

  it('an unwritable location keeps decisions in memory with one warning', () => {
    // The parent "directory" is a regular file: unwritable even for root.
    const notADirectory = join(mkdtempSync(join(tmpdir(), 'rp-db-ro-')), 'file');
    writeFileSync(notADirectory, '');
    const warning = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    const db = new DecisionDb(join(notADirectory, 'decisions.json'));
    db.update('a', { probe: { outcome: 'ok', at: 't' } });
    db.update('b', { probe: { outcome: 'ok', at: 't' } });
    expect(db.get('a')?.probe?.outcome).toBe('ok');
    expect(db.get('b')?.probe?.outcome).toBe('ok');
    expect(warning).toHaveBeenCalledTimes(1);
    expect(warning).toHaveBeenCalledWith(
      expect.stringMatching(/decisions stay in memory/),
      expect.anything(),
    );
  });

  it('a stale lock file of a dead writer is taken over', () => {
    const path = tempPath();
    const db = new DecisionDb(path);
    db.update('first', { probe: { outcome: 'ok', at: 't' } });
    writeFileSync(`${path}.lock`, '999999999\n'); // no such process
    db.update('second', { probe: { outcome: 'ok', at: 't' } });
    expect(new DecisionDb(path).keys().sort()).toEqual(['first', 'second']);
    expect(existsSync(`${path}.lock`)).toBe(false);
  });

  it('concurrent writers in separate processes lose no entry', async () => {
    const path = tempPath();
    const writers = 4;
    const perWriter = 30;
    await Promise.all(
      Array.from(
        { length: writers },
        (_, writer) =>
          new Promise<void>((resolve, reject) => {
            const child = spawn(process.execPath, [writerScript, path, String(writer), String(perWriter)], {
              stdio: 'inherit',
            });
            child.on('error', reject);
            child.on('exit', (code) =>
              code === 0 ? resolve() : reject(new Error(`writer ${writer} exited with ${code}`)),
            );
          }),
      ),
    );
    const keys = new DecisionDb(path).keys();
    expect(keys).toHaveLength(writers * perWriter);
    expect(readdirSync(join(path, '..'))).toEqual(['decisions.json']);
  }, 60_000);
});
