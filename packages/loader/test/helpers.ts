import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const fixture = (name: string): string => new URL(`./fixtures/${name}`, import.meta.url).href;

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'rocm-patch-loader-'));
}

export function removeDir(path: string): void {
  rmSync(path, { recursive: true, force: true });
}

/** OS threads of this process (worker threads are OS threads). */
export function threadCount(): number {
  return readdirSync('/proc/self/task').length;
}

export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z/.test(stat); // a zombie has exited
  } catch {
    return false;
  }
}

export async function eventually(check: () => boolean, timeoutMs = 5000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return check();
}

export async function collect<B>(loader: AsyncIterable<B>): Promise<B[]> {
  const out: B[] = [];
  for await (const batch of loader) out.push(batch);
  return out;
}
