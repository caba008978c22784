/**
 * Converts KFD's `gfx_target_version` (major*10000 + minor*100 + stepping) into the gfx name that
 * compilers and ROCm libraries use: minor and stepping are written in hex (90012 → gfx90c).
 * Returns null for 0, which KFD uses for CPU nodes.
 */
export function archFromGfxTargetVersion(version: number): string | null {
  if (!Number.isInteger(version) || version < 0) {
    throw new RangeError(`gfx_target_version must be a non-negative integer, got ${String(version)}`);
  }
  if (version === 0) return null;
  const major = Math.floor(version / 10000);
  const minor = Math.floor(version / 100) % 100;
  const stepping = version % 100;
  return `gfx${major}${minor.toString(16)}${stepping.toString(16)}`;
}
