import { accessSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type { Finding } from './types.js';

/** Files larger than this are not what sysfs or ROCm's small text files hold: read only their start. */
const MAX_TEXT_BYTES = 1 << 20;

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
      const buffer = readFileSync(file);
      return buffer.subarray(0, MAX_TEXT_BYTES).toString('utf8');
    } catch (error) {
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
