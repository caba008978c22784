// The conformance figure of two result files (scripts/tfjs-conformance/run.cjs), as JSON:
//   node scripts/tfjs-conformance/report.mjs CPU.json ROCM.json [KNOWN_FAILURES.json]
import { readFileSync } from 'node:fs';
import { compareConformance } from './suite.mjs';

const [cpuFile, rocmFile, knownFile] = process.argv.slice(2);
if (!cpuFile || !rocmFile) {
  console.error('usage: node scripts/tfjs-conformance/report.mjs CPU.json ROCM.json [KNOWN_FAILURES.json]');
  process.exit(2);
}
const read = (f) => JSON.parse(readFileSync(f, 'utf8'));
const known = knownFile ? read(knownFile) : {};
const r = compareConformance(read(cpuFile), read(rocmFile), known);
console.log(JSON.stringify({ ...r, ratio: Number(r.ratio.toFixed(5)) }, null, 1));
