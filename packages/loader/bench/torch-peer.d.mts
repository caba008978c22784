// Types of torch-peer.mjs, for the tests that import it.
export declare const defaultTorchScript: string;
export interface TorchResult {
  numWorkers: number;
  samplesPerSecond: number;
}
export interface TorchComparison {
  numWorkers: number;
  ours: number | null;
  torch: number;
  ratio: number | null;
}
export declare function torchMissingReason(python: string, timeoutMs?: number): string | null;
export declare function runTorchPeer(options: {
  python: string;
  script?: string;
  root: string;
  workerCounts: number[];
  onStderr?: (chunk: string) => void;
}): Promise<TorchResult[]>;
export declare function parseTorchOutput(stdout: string, workerCounts: number[]): TorchResult[];
export declare function compareWithTorch(
  torchResults: TorchResult[],
  ours: (numWorkers: number) => number | null,
): TorchComparison[];
