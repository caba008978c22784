import {
  accessSync,
  closeSync,
  constants,
  fstatSync,
  openSync,
  readdirSync,
  readSync,
  type Stats,
  statSync,
} from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type { Finding } from './types.js';

/** Files larger than this are not what sysfs or ROCm's small text files hold: read only their start. */
const MAX_TEXT_BYTES = 1 << 20;
const READ_CHUNK_BYTES = 64 * 1024;

/** What a path is when it is not a regular file, for the finding that says why it was skipped. */
function kindOf(stats: Stats): string {
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** A path that exists but is no regular file nor a directory (a FIFO, /dev/zero through a link). */
export class NotRegularFileError extends Error {
  readonly code = 'ENOTREG';
  constructor(
    readonly file: string,
    readonly kind: string,
  ) {
    super(`${file} is ${kind}, not a regular file`);
  }
}

/**
 * Reads at most `maxBytes` of a regular file. The file is opened non-blocking (opening a FIFO for
 * reading would otherwise wait for a writer forever) and checked with fstat on the open descriptor (so a
 * path swapped between a check and the open cannot slip through); anything but a regular file — a FIFO,
 * a link to /dev/zero or /dev/urandom, which never end — throws NotRegularFileError without a byte read.
 * sysfs and procfs attributes are regular files (procfs ones report size 0), so the read loops until end
 * of file or the cap, whichever comes first. Errors of open and read (ENOENT, EACCES…) are thrown as is.
 */
export function readRegularFile(file: string, maxBytes: number): Buffer {
  const fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  try {
    const stats = fstatSync(fd);
    if (stats.isDirectory()) {
      // What reading a directory has always given (readFileSync's error), so it stays an unreadable file.
      throw Object.assign(new Error(`EISDIR: illegal operation on a directory, read '${file}'`), {
        code: 'EISDIR',
      });
    }
    if (!stats.isFile()) throw new NotRegularFileError(file, kindOf(stats));
    // In chunks: most files are a few bytes, and procfs reports size 0 whatever it holds.
    const chunks: Buffer[] = [];
    let length = 0;
    while (length < maxBytes) {
      const chunk = Buffer.allocUnsafe(Math.min(READ_CHUNK_BYTES, maxBytes - length));
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
      length += n;
    }
    return Buffer.concat(chunks, length);
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads system paths under a root directory (so tests use directory trees). Missing files are normal
 * (the caller decides what absence means); any other read error becomes a finding naming the file,
 * never an exception.
 */
export class RootFs {
  readonly root: string;
  readonly findings: Finding[] = [];

  constructor(root: string) {
    this.root = resolve(root);
  }

  /** The real path of a system path, e.g. /sys/class/kfd → <root>/sys/class/kfd. */
  path(systemPath: string): string {
    if (!isAbsolute(systemPath)) throw new TypeError(`system path must be absolute, got ${systemPath}`);
    return this.root === '/' ? systemPath : join(this.root, systemPath);
  }

  exists(systemPath: string): boolean {
    try {
      statSync(this.path(systemPath));
      return true;
    } catch {
      return false;
    }
  }

  isDirectory(systemPath: string): boolean {
    try {
      return statSync(this.path(systemPath)).isDirectory();
    } catch {
      return false;
    }
  }

  /** Text of a file; null when it does not exist or cannot be read (the latter recorded as a finding). */
  readText(systemPath: string): string | null {
    const file = this.path(systemPath);
    try {
      return readRegularFile(file, MAX_TEXT_BYTES).toString('utf8');
    } catch (error) {
      if (error instanceof NotRegularFileError) {
        this.findings.push({
          id: 'unreadable-file',
          severity: 'warning',
          message: `${file}: skipped, it is ${error.kind} (only regular files are read)`,
          fix: 'A system file was replaced by a special file; remove it or reinstall the package that owns it.',
        });
        return null;
      }
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return null;
      this.unreadable(file, error);
      return null;
    }
  }

  /** Names in a directory, sorted; empty when it does not exist or cannot be read (recorded). */
  list(systemPath: string): string[] {
    const dir = this.path(systemPath);
    try {
      return readdirSync(dir).sort();
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') this.unreadable(dir, error);
      return [];
    }
  }

  /** Whether this process may open the path with the given access (R_OK | W_OK ...). */
  canAccess(systemPath: string, mode: number): boolean {
    try {
      accessSync(this.path(systemPath), mode);
      return true;
    } catch {
      return false;
    }
  }

  /** Records a file whose content makes no sense. */
  malformed(systemPath: string, what: string): void {
    this.findings.push({
      id: 'malformed-file',
      severity: 'warning',
      message: `${this.path(systemPath)}: ${what}`,
      fix: 'The file was ignored. If it is a sysfs file, the kernel driver may be too old or broken; otherwise reinstall the package that owns it.',
    });
  }

  private unreadable(file: string, error: unknown): void {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    this.findings.push({
      id: 'unreadable-file',
      severity: 'warning',
      message: `${file}: cannot be read (${code})`,
      fix: 'Check the permissions of the file; it was ignored.',
    });
  }
}
