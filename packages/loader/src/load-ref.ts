import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ModuleRef } from './dataset.js';

export type NormalisedRef = Required<ModuleRef> & { module: string };

/** The export a module reference names. */
export async function loadExport(ref: NormalisedRef, name: string): Promise<unknown> {
  const specifier = isAbsolute(ref.module) ? pathToFileURL(ref.module).href : ref.module;
  let mod: Record<string, unknown>;
  try {
    mod = (await import(specifier)) as Record<string, unknown>;
  } catch (error) {
    throw new Error(`${name}: cannot import ${ref.module}: ${(error as Error)?.message ?? String(error)}`, {
      cause: error,
    });
  }
  if (!(ref.export in mod) || mod[ref.export] === undefined) {
    throw new TypeError(`${name}: ${ref.module} has no export named '${ref.export}'`);
  }
  return mod[ref.export];
}

/** A value built from a module reference: `new Export(...args)` for a class, `await Export(...args)` for a factory. */
export async function constructFromRef(ref: NormalisedRef, name: string): Promise<unknown> {
  const value = await loadExport(ref, name);
  if (typeof value === 'function') {
    const fn = value as (...args: unknown[]) => unknown;
    if (/^class[\s{]/.test(Function.prototype.toString.call(fn))) {
      return new (fn as unknown as new (...args: unknown[]) => unknown)(...ref.args);
    }
    return await fn(...ref.args);
  }
  if (ref.args.length > 0) {
    throw new TypeError(
      `${name}: export '${ref.export}' of ${ref.module} is not a class or function, so args must be empty`,
    );
  }
  return value;
}

/** A function export (a collate function or worker initialiser). */
export async function functionFromRef<F>(ref: NormalisedRef, name: string): Promise<F> {
  const value = await loadExport(ref, name);
  if (typeof value !== 'function') {
    throw new TypeError(
      `${name}: export '${ref.export}' of ${ref.module} must be a function, got ${typeof value}`,
    );
  }
  return value as F;
}
