// The PyTorch peer of the loader benchmark: torch's DataLoader on the same image folder, in the same run
// (torch_loader_ref.py beside this file: torchvision ImageFolder + PIL Resize((224, 224)) + ToTensor +
// Normalize, batch 32, persistent workers, best of epochs 2-3), and our samples/s as a ratio of its
// samples/s per worker count. Absent torch (or torchvision), the peer is skipped with a one-line reason.
import { spawn, spawnSync } from 'node:child_process';

export const defaultTorchScript = new URL('./torch_loader_ref.py', import.meta.url).pathname;

/** null when `python` can import torch and torchvision, otherwise the reason in one line. */
export function torchMissingReason(python, timeoutMs = 120_000) {
  const probe = spawnSync(python, ['-c', 'import torch, torchvision'], {
    encoding: 'utf8',
    timeout: timeoutMs,
  });
  if (probe.error) return `cannot run ${python}: ${probe.error.message}`;
  if (probe.status === 0) return null;
  const lines = `${probe.stderr ?? ''}`.trim().split('\n');
  const last = lines[lines.length - 1] || `exit status ${probe.status ?? probe.signal}`;
  return `${python} -c "import torch, torchvision" failed: ${last}`;
}

/**
 * Runs the reference script on `root` for `workerCounts` and returns its results, one per count:
 * { numWorkers, samplesPerSecond }. The script prints one JSON line per count; any other line is an error,
 * as is a count missing from its output or a non-zero exit (with the end of its stderr).
 */
export async function runTorchPeer({ python, script = defaultTorchScript, root, workerCounts, onStderr }) {
  const child = spawn(python, [script, root, workerCounts.join(',')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk) => {
    stderr += chunk;
    onStderr?.(chunk);
  });
  const [code, signal] = await new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (c, s) => resolve([c, s]));
  });
  if (code !== 0) {
    const tail = stderr.trim().split('\n').slice(-5).join('\n');
    throw new Error(`the PyTorch peer (${script}) exited with ${code ?? signal}:\n${tail}`);
  }
  return parseTorchOutput(stdout, workerCounts);
}

/** The reference script's JSON lines as [{ numWorkers, samplesPerSecond }], one per requested count, in order. */
export function parseTorchOutput(stdout, workerCounts) {
  const byCount = new Map();
  for (const line of stdout.split('\n')) {
    if (line.trim() === '') continue;
    let row;
    try {
      row = JSON.parse(line);
    } catch {
      throw new Error(`the PyTorch peer printed a line that is not JSON: ${line.slice(0, 200)}`);
    }
    const { numWorkers, samplesPerSecond } = row ?? {};
    if (!Number.isInteger(numWorkers) || numWorkers < 0)
      throw new Error(
        `the PyTorch peer printed a line without an integer numWorkers ≥ 0: ${line.slice(0, 200)}`,
      );
    if (typeof samplesPerSecond !== 'number' || !(samplesPerSecond > 0) || !Number.isFinite(samplesPerSecond))
      throw new Error(
        `the PyTorch peer printed a line without a positive samplesPerSecond: ${line.slice(0, 200)}`,
      );
    byCount.set(numWorkers, { numWorkers, samplesPerSecond });
  }
  const missing = workerCounts.filter((n) => !byCount.has(n));
  if (missing.length > 0)
    throw new Error(`the PyTorch peer gave no result for numWorkers ${missing.join(', ')}`);
  return workerCounts.map((n) => byCount.get(n));
}

/**
 * Ours against PyTorch's per worker count: our samples/s (`ours(n)`: the runtime compared, null where it
 * was not measured) over PyTorch's. Returns [{ numWorkers, ours, torch, ratio }].
 */
export function compareWithTorch(torchResults, ours) {
  return torchResults.map(({ numWorkers, samplesPerSecond }) => {
    const mine = ours(numWorkers);
    return {
      numWorkers,
      ours: mine,
      torch: samplesPerSecond,
      ratio: mine === null ? null : mine / samplesPerSecond,
    };
  });
}
