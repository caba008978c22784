/**
 * The URL of one of this package's built entry files (dist/<entry>.mjs), computed from the calling
 * module's URL so it works both from the bundles in dist/ and from the TypeScript sources in src/ that
 * the tests import (workers cannot load .ts files, so sources point at the build beside them).
 */
export function builtFileUrl(entry: string, from: string): string {
  const fromSource = /\.[cm]?tsx?$/.test(new URL(from).pathname);
  return new URL(fromSource ? `../dist/${entry}.mjs` : `./${entry}.mjs`, from).href;
}
