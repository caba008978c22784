/**
 * Converts KFD's `gfx_target_version` (major*10000 + minor*100 + stepping) into the gfx name that
 * compilers and ROCm libraries use: minor and stepping are written in hex (90012 → gfx90c).
 * Returns null for 0, which KFD uses for CPU nodes.
 */
import { formatValue } from './options.js';
export function archFromGfxTargetVersion(version: number): string | null {
  if (!Number.isInteger(version) || version < 0) {
    throw new RangeError(`gfx_target_version must be a non-negative integer, got ${formatValue(version)}`);
  }
  if (version === 0) return null;
  const major = Math.floor(version / 10000);
  const minor = Math.floor(version / 100) % 100;
  const stepping = version % 100;
  return `gfx${major}${minor.toString(16)}${stepping.toString(16)}`;
}

const ISA_NAME = /^gfx(\d{1,2})([0-9a-f])([0-9a-f])$/;

/**
 * Normalizes the ways tools print a GPU architecture to the plain gfx name:
 * - ISA names with a triple and target features: `amdgcn-amd-amdhsa--gfx1010:xnack-` → gfx1010;
 * - rocm-smi's decimal form, which pads the stepping to two decimal digits: `gfx9010` → gfx90a,
 *   `gfx11002` → gfx1102 (ISA names have a one-digit major and three characters, or a two-digit
 *   major starting with 1 and four, so the forms cannot be confused).
 * Returns null when the text holds no gfx name.
 */
export function normalizeArch(text: string): string | null {
  const match = /gfx([0-9a-f]+)/i.exec(text);
  if (!match) return null;
  const body = match[1]!.toLowerCase();
  if (/^\d+$/.test(body)) {
    const decimal =
      body.length === 5
        ? /^(\d\d)(\d)(\d\d)$/.exec(body)
        : body.length === 4 && body[0] !== '1'
          ? /^(\d)(\d)(\d\d)$/.exec(body)
          : null;
    if (decimal) {
      return archFromGfxTargetVersion(
        Number(decimal[1]) * 10000 + Number(decimal[2]) * 100 + Number(decimal[3]),
      );
    }
  }
  const name = `gfx${body}`;
  return ISA_NAME.test(name) ? name : null;
}

/** The HSA_OVERRIDE_GFX_VERSION spelling (major.minor.stepping, decimal) of a gfx name: gfx1030 → 10.3.0. */
export function gfxVersionOfArch(arch: string): string {
  const match = ISA_NAME.exec(arch);
  if (!match) throw new RangeError(`arch must be a gfx name like gfx1030, got ${JSON.stringify(arch)}`);
  return `${Number(match[1])}.${Number.parseInt(match[2]!, 16)}.${Number.parseInt(match[3]!, 16)}`;
}

/**
 * The gfx name an HSA_OVERRIDE_GFX_VERSION value selects (10.3.0 → gfx1030), or null when the value is
 * not the major.minor.stepping form libhsakmt accepts (it then refuses to start).
 */
export function archOfGfxVersion(value: string): string | null {
  const match = /^(\d+)\.(\d+)\.(\d+)$/.exec(value.trim());
  if (!match) return null;
  const [major, minor, stepping] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (major > 63 || minor > 255 || stepping > 255 || major === 0) return null;
  if (minor > 15 || stepping > 15) return null;
  return archFromGfxTargetVersion(major * 10000 + minor * 100 + stepping);
}
