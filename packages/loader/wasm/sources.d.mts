// Types of sources.mjs, for the tests that import it.
export interface WasmModuleSpec {
  name: string;
  output: string;
  sources: string[];
  inputs: string[];
  cflags: string[];
  libc: boolean;
  ldflags: string[];
}
export declare const wasmModules: WasmModuleSpec[];
export declare function sourceSha256(module: WasmModuleSpec): string;
