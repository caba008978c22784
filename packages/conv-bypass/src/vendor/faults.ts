/**
 * Fault injection for the vendor path, for tests of the hang/crash safety:
 *   ROCM_PATCH_FAULT=<kind>[:<pattern>][,<kind>[:<pattern>]…]
 * kind is hang (the thread blocks forever, like MIOpen on gfx1010), crash (the process dies of SIGSEGV) or
 * throw (the call throws); pattern is a substring of the decision key (e.g. `forward|x1x3x64x64`), and no
 * pattern means every key. Unset, it costs one environment read per vendor call.
 */
export type FaultKind = 'hang' | 'crash' | 'throw';

export interface FaultRule {
  kind: FaultKind;
  pattern: string;
}

export const FAULT_ENV = 'ROCM_PATCH_FAULT';

export function parseFaultRules(spec: string | undefined): FaultRule[] {
  if (!spec) return [];
  return spec.split(',').map((part) => {
    const separator = part.indexOf(':');
    const kind = (separator < 0 ? part : part.slice(0, separator)).trim();
    const pattern = separator < 0 ? '' : part.slice(separator + 1);
    if (kind !== 'hang' && kind !== 'crash' && kind !== 'throw') {
      throw new RangeError(
        `${FAULT_ENV}: fault kind must be hang, crash or throw, got "${kind}" in "${spec}"`,
      );
    }
    return { kind, pattern };
  });
}

/** The fault configured for `key`, if any. */
export function faultFor(key: string, env: NodeJS.ProcessEnv = process.env): FaultKind | undefined {
  return parseFaultRules(env[FAULT_ENV]).find((rule) => key.includes(rule.pattern))?.kind;
}

/** Error thrown by an injected 'throw' fault. */
export class InjectedFaultError extends Error {
  override name = 'InjectedFaultError';
}

/** Performs the fault configured for `key` (returns normally when there is none). */
export function injectFault(key: string): void {
  const kind = faultFor(key);
  if (kind === undefined) return;
  if (kind === 'throw') throw new InjectedFaultError(`injected vendor failure (${FAULT_ENV}) for ${key}`);
  if (kind === 'crash') {
    process.kill(process.pid, 'SIGSEGV');
    // The signal is delivered asynchronously; never return into the vendor call meanwhile.
    blockForever();
  }
  blockForever();
}

function blockForever(): never {
  const cell = new Int32Array(new SharedArrayBuffer(4));
  for (;;) Atomics.wait(cell, 0, 0);
}
