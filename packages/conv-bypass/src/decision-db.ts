import {
  closeSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { AlgorithmName } from './strategy/types.js';

/** How a probe of the vendor path for one key ended. Only 'ok' lets the vendor path run that key. */
export type ProbeOutcome = 'ok' | 'error' | 'crash' | 'hang';

export interface DecisionEntry {
  probe?: { outcome: ProbeOutcome; detail?: string; ms?: number; at: string };
  /** Set when a vendor call failed in process: the key never uses the vendor path again. */
  unsafe?: { reason: string; at: string };
  /** AUTO's choice: the fastest of the candidates, each timed once. */
  choice?: {
    algorithm: AlgorithmName;
    candidates: AlgorithmName[];
    timingsMs: Record<string, number>;
    at: string;
  };
}

interface DatabaseFile {
  format: typeof FORMAT;
  version: 1;
  entries: Record<string, DecisionEntry>;
}

const FORMAT = 'rocm-patch-conv-decisions';
const FILE_NAME = 'conv-decisions.json';
const LOCK_WAIT_MS = 10_000;
/** A lock file older than this belongs to a writer that died (a write holds it for milliseconds). */
const STALE_LOCK_MS = 30_000;

/**
 * Where decisions persist: the explicit path, else $ROCM_PATCH_DECISION_DB, else
 * $XDG_CACHE_HOME/rocm-patch/conv-decisions.json, else ~/.cache/rocm-patch/conv-decisions.json.
 */
export function defaultDecisionDbPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.ROCM_PATCH_DECISION_DB) return env.ROCM_PATCH_DECISION_DB;
  const cacheHome = env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(cacheHome, 'rocm-patch', FILE_NAME);
}

const sleepCell = new Int32Array(new SharedArrayBuffer(4));
function sleepSync(ms: number): void {
  Atomics.wait(sleepCell, 0, 0, ms);
}

function isEntryObject(value: unknown): value is Record<string, DecisionEntry> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The persistent decision database: probe outcomes, unsafe marks and AUTO's choices per key, in one
 * JSON file. Synchronous (TF.js kernels are). Every write re-reads the file under a lock file, merges its
 * own change into what other processes wrote, writes a temporary file and renames it over the database,
 * so readers never see a half-written file and concurrent writers never lose each other's entries.
 * A corrupt file is rebuilt (the bad copy is kept beside it as .corrupt) with a warning. When the file
 * cannot be written (read-only cache, lock held too long) decisions stay in memory, with one warning.
 */
export class DecisionDb {
  readonly path: string;
  private entries = new Map<string, DecisionEntry>();
  private warned = new Set<string>();

  constructor(path: string = defaultDecisionDbPath()) {
    if (typeof path !== 'string' || path === '')
      throw new TypeError('decision database path must be a non-empty string');
    this.path = path;
    this.reload();
  }

  /** Reads the file again (decisions other processes made since). */
  reload(): void {
    this.entries = new Map(Object.entries(this.readFile()));
  }

  get(key: string): DecisionEntry | undefined {
    return this.entries.get(key);
  }

  keys(): string[] {
    return [...this.entries.keys()];
  }

  /** Merges `patch` into the entry of `key`, in memory and on disk. */
  update(key: string, patch: DecisionEntry): void {
    const merged = { ...this.entries.get(key), ...patch };
    this.entries.set(key, merged);
    this.persist(key, patch);
  }

  /** Forgets every decision (memory and file). */
  clear(): void {
    this.entries.clear();
    this.withLock(() => this.writeFile({}));
  }

  private persist(key: string, patch: DecisionEntry): void {
    this.withLock(() => {
      const onDisk = this.readFile();
      onDisk[key] = { ...onDisk[key], ...patch };
      this.writeFile(onDisk);
      // Adopt what other writers added meanwhile, keeping this process's newer entry for `key`.
      for (const [otherKey, entry] of Object.entries(onDisk)) this.entries.set(otherKey, entry);
    });
  }

  private readFile(): Record<string, DecisionEntry> {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return {};
      this.warnOnce(
        'read',
        `cannot read the conv decision database ${this.path}: ${(error as Error).message}`,
      );
      return {};
    }
    try {
      const parsed = JSON.parse(text) as Partial<DatabaseFile>;
      if (parsed.format !== FORMAT || parsed.version !== 1 || !isEntryObject(parsed.entries)) {
        throw new Error('not a conv decision database (wrong format, version or entries)');
      }
      return parsed.entries;
    } catch (error) {
      const backup = `${this.path}.corrupt`;
      try {
        renameSync(this.path, backup);
      } catch {
        // Another process rebuilt it first; nothing left to move.
      }
      process.emitWarning(
        `the conv decision database ${this.path} was corrupt (${(error as Error).message}); rebuilding it (bad copy kept as ${backup})`,
        { code: 'ROCM_PATCH_DECISION_DB_CORRUPT' },
      );
      return {};
    }
  }

  private writeFile(entries: Record<string, DecisionEntry>): void {
    const file: DatabaseFile = { format: FORMAT, version: 1, entries };
    const temporary = `${this.path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    try {
      writeFileSync(temporary, `${JSON.stringify(file, null, 1)}\n`);
      renameSync(temporary, this.path);
    } catch (error) {
      rmSync(temporary, { force: true });
      this.warnOnce(
        'write',
        `cannot write the conv decision database ${this.path}: ${(error as Error).message}; decisions stay in memory`,
      );
    }
  }

  private withLock(action: () => void): void {
    const lock = `${this.path}.lock`;
    try {
      mkdirSync(dirname(this.path), { recursive: true });
    } catch (error) {
      this.warnOnce(
        'write',
        `cannot create ${dirname(this.path)}: ${(error as Error).message}; decisions stay in memory`,
      );
      return;
    }
    const deadline = Date.now() + LOCK_WAIT_MS;
    let fd: number | undefined;
    while (fd === undefined) {
      try {
        fd = openSync(lock, 'wx');
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code !== 'EEXIST') {
          this.warnOnce(
            'write',
            `cannot lock the conv decision database (${lock}): ${(error as Error).message}; decisions stay in memory`,
          );
          return;
        }
        if (this.lockIsStale(lock)) {
          rmSync(lock, { force: true });
          continue;
        }
        if (Date.now() > deadline) {
          this.warnOnce(
            'lock',
            `the conv decision database lock ${lock} stayed held for ${LOCK_WAIT_MS} ms; this decision stays in memory`,
          );
          return;
        }
        sleepSync(2 + Math.random() * 8);
      }
    }
    try {
      writeSync(fd, `${process.pid}\n`);
      action();
    } finally {
      closeSync(fd);
      rmSync(lock, { force: true });
    }
  }

  private lockIsStale(lock: string): boolean {
    try {
      const pid = Number.parseInt(readFileSync(lock, 'utf8'), 10);
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid) {
        try {
          process.kill(pid, 0);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'ESRCH') return true;
        }
      }
      return Date.now() - statSync(lock).mtimeMs > STALE_LOCK_MS;
    } catch {
      return false;
    }
  }

  private warnOnce(kind: string, message: string): void {
    if (this.warned.has(kind)) return;
    this.warned.add(kind);
    process.emitWarning(message, { code: 'ROCM_PATCH_DECISION_DB' });
  }
}
