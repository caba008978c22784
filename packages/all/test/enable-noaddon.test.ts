// enableAllPatches where the native conv addon was never built (`npm install --ignore-scripts`, or npm 11
// holding back the install script): the report says so (convDevice "none: …") and warns with the fix,
// instead of reporting "cpu" and leaving the first convolution to throw. Run for real, in a child process,
// on an install tree whose @rocm-patch/conv-bypass has its dist/ but no build/.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';

const repo = join(import.meta.dirname, '..', '..', '..');
const app = mkdtempSync(join(tmpdir(), 'rocm-patch-noaddon-'));
afterAll(() => rmSync(app, { recursive: true, force: true }));

const scope = join(app, 'node_modules', '@rocm-patch');
mkdirSync(scope, { recursive: true });
// Copied: the packages that resolve @rocm-patch/conv-bypass, so they all find the unbuilt copy.
for (const name of ['all', 'conv-bypass', 'tfjs-backend']) {
  const from = join(repo, 'packages', name);
  cpSync(join(from, 'package.json'), join(scope, name, 'package.json'));
  cpSync(join(from, 'dist'), join(scope, name, 'dist'), { recursive: true });
}
// Linked: the packages without native code, and every third-party package the copies import (TF.js,
// cli-progress, …), as an install would have them beside.
for (const name of ['env', 'mp', 'loader'])
  symlinkSync(join(repo, 'packages', name), join(scope, name), 'dir');
for (const name of readdirSync(join(repo, 'node_modules'))) {
  if (name.startsWith('.') || name === '@rocm-patch') continue;
  symlinkSync(join(repo, 'node_modules', name), join(app, 'node_modules', name));
}

writeFileSync(
  join(app, 'main.mjs'),
  `import * as tf from '@tensorflow/tfjs';
import { enableAllPatches } from '@rocm-patch/all';
tf.enableProdMode();
const warnings = [];
const report = await enableAllPatches({ tf, environment: false, onWarning: (m) => warnings.push(m) });
let conv;
try {
  tf.conv2d(tf.ones([1, 4, 4, 1]), tf.ones([3, 3, 1, 1]), 1, 'same').dataSync();
  conv = 'ran';
} catch (error) {
  conv = error.name + ': ' + error.message;
}
console.log(JSON.stringify({ convDevice: report.convDevice, convBypass: report.steps.convBypass, warnings, conv }));
`,
);

it('reports convDevice "none" with the fix, and the first convolution says what to run', () => {
  const r = spawnSync(process.execPath, [join(app, 'main.mjs')], {
    cwd: app,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, ROCM_PATCH_CONV_ADDON: '' },
  });
  expect(r.status, r.stderr).toBe(0);
  const out = JSON.parse(r.stdout) as { convDevice: string; warnings: string[]; conv: string };
  expect(out.convDevice).toBe(
    'none: @rocm-patch/conv-bypass: could not load its native addon (rocm_patch_conv.node).',
  );
  expect(out.warnings).toEqual([
    'the conv addon does not load: @rocm-patch/conv-bypass: could not load its native addon (rocm_patch_conv.node). (fix: npm install-scripts approve @rocm-patch/conv-bypass, then npm rebuild @rocm-patch/conv-bypass; see the error of any conv call for the paths tried)',
  ]);
  expect(out.conv).toMatch(/^NativeAddonError: @rocm-patch\/conv-bypass: could not load its native addon/);
  expect(out.conv).toContain(
    `${join(scope, 'conv-bypass', 'build', 'Release', 'rocm_patch_conv.node')}: not found`,
  );
  expect(out.conv).toContain(
    '\n  npm install-scripts approve @rocm-patch/conv-bypass\n  npm rebuild @rocm-patch/conv-bypass\n',
  );
});
