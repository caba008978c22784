/**
 * Loaders' batch directories in /dev/shm outlive the process that made them, so they are removed however
 * the process ends: on exit, on SIGINT, SIGTERM and SIGHUP, and — for a process nothing could clean up
 * after (SIGKILL, a crash) — by the next loader that starts, which sweeps the directories of dead processes.
 *
 * The state is kept on a global symbol, so that the ESM and CJS builds loaded side by side install one
 * set of listeners: two would each see the other and leave the signal alone.
 */
import { readdirSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const SHM_ROOT = '/dev/shm';
const PREFIX = 'rocm-patch-loader-';
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

interface CleanupState {
  dirs: Set<string>;
  exitHook: boolean;
  listeners: Map<NodeJS.Signals, () => void> | null;
}

const STATE_SYMBOL = Symbol.for('@rocm-patch/loader.shmCleanup');

function state(): CleanupState {
  const g = globalThis as Record<symbol, CleanupState | undefined>;
  g[STATE_SYMBOL] ??= { dirs: new Set(), exitHook: false, listeners: null };
  return g[STATE_SYMBOL];
}

/**
 * This process's pid namespace (the inode of /proc/self/ns/pid), or null. It is part of each directory's
 * name: a pid means something only in its own namespace, and containers that share /dev/shm (docker
 * --ipc=host) each have their own, so a sweep must not take another container's live loader for dead.
 */
function pidNamespace(): string | null {
  try {
    return /\[(\d+)\]/.exec(readlinkSync('/proc/self/ns/pid'))?.[1] ?? null;
  } catch {
    return null;
  }
}

/** The prefix of this process's directory names (mkdtemp adds six random characters). */
export function shmDirPrefix(): string {
  return join(SHM_ROOT, `${PREFIX}${process.pid}-${pidNamespace() ?? 'nons'}-`);
}

/**
 * Removes every tracked directory; never throws, since it runs on the way out (exit, a signal), where an
 * exception would replace the program's own exit. Workers may still be writing a batch file while the
 * directory is emptied (ENOTEMPTY): the removal is retried, and once the directory is gone a worker's
 * next file cannot be created, so it does not come back.
 */
function removeAll(): void {
  const s = state();
  for (const dir of s.dirs) {
    try {
      rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 10 });
    } catch {
      // left behind: the next loader's sweep removes it once this process is gone
    }
  }
  s.dirs.clear();
}

/**
 * Node ends the process on SIGINT, SIGTERM and SIGHUP only while nobody listens to them, so a listener
 * must not change that: when it is the only one, it removes the directories, removes itself and sends the
 * signal again, and the process dies of it as it would have (exit status 128 + n, seen as a signal by
 * the shell). When the program listens too, the program has decided what the signal does: the listener
 * does nothing, and the exit hook cleans up if the program then exits.
 */
function listenForSignals(s: CleanupState): void {
  if (s.listeners) return;
  s.listeners = new Map();
  for (const signal of SIGNALS) {
    const listener = () => {
      if (process.listenerCount(signal) > 1) return;
      removeAll();
      stopListening(s);
      process.kill(process.pid, signal);
    };
    s.listeners.set(signal, listener);
    process.on(signal, listener);
  }
}

function stopListening(s: CleanupState): void {
  if (!s.listeners) return;
  for (const [signal, listener] of s.listeners) process.removeListener(signal, listener);
  s.listeners = null;
}

/** Removes `dir` when the process ends (exit or a terminating signal) unless untrackShmDir comes first. */
export function trackShmDir(dir: string): void {
  const s = state();
  s.dirs.add(dir);
  if (!s.exitHook) {
    s.exitHook = true;
    process.on('exit', removeAll);
  }
  listenForSignals(s);
}

/** `dir` was removed; with no directory left, the signal listeners go too (the exit hook is harmless). */
export function untrackShmDir(dir: string): void {
  const s = state();
  s.dirs.delete(dir);
  if (s.dirs.size === 0) stopListening(s);
}

/**
 * Removes the batch directories whose process is gone: same pid namespace as this process, owned by this
 * user, and no process with that pid. A pid taken by another process since is left alone (it cannot be
 * told apart from the owner), as are directories of other namespaces and of older versions.
 */
export function sweepDeadShmDirs(root = SHM_ROOT): string[] {
  const ns = pidNamespace();
  if (ns === null) return [];
  const pattern = new RegExp(`^${PREFIX}(\\d+)-${ns}-[A-Za-z0-9]{6}$`);
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return removed;
  }
  for (const name of names) {
    const pid = Number(pattern.exec(name)?.[1]);
    if (!pid || pid === process.pid || isRunning(pid)) continue;
    const dir = join(root, name);
    try {
      if (statSync(dir).uid !== process.getuid?.()) continue;
      rmSync(dir, { recursive: true, force: true });
      removed.push(dir);
    } catch {
      // gone already, or not ours to remove: nothing to do
    }
  }
  return removed;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // it exists, under another user
  }
}
