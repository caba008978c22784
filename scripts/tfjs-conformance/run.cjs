// Runs a conformance bundle under jasmine and writes what passed and failed as JSON:
//   CONFORMANCE_BACKEND=rocm node run.cjs BUNDLE.cjs RESULTS.json
// Spec output (tfjs-core's specs print a few tables) goes to stdout; the summary is the last line.
'use strict';
const { writeFileSync } = require('node:fs');
const { resolve } = require('node:path');
const Jasmine = require('jasmine');

const [bundle, out] = process.argv.slice(2);
if (!bundle || !out) {
  console.error('usage: node run.cjs BUNDLE.cjs RESULTS.json');
  process.exit(2);
}
const runner = new Jasmine();
runner.exitOnCompletion = false;
runner.jasmine.DEFAULT_TIMEOUT_INTERVAL = 60_000;
const results = { backend: process.env.CONFORMANCE_BACKEND ?? 'rocm', passed: [], failed: [], excluded: 0 };
runner.env.clearReporters();
runner.env.configure({ random: false });
runner.env.addReporter({
  specDone(r) {
    if (r.status === 'passed') results.passed.push(r.fullName);
    else if (r.status === 'failed') {
      const msg = r.failedExpectations.map((f) => f.message).join(' | ');
      results.failed.push({ name: r.fullName, message: msg.slice(0, 500) });
    } else results.excluded++;
  },
});
require(resolve(bundle));
const t0 = Date.now();
runner.execute().then(() => {
  results.seconds = (Date.now() - t0) / 1000;
  writeFileSync(out, JSON.stringify(results, null, 1));
  console.log(
    JSON.stringify({
      backend: results.backend,
      passed: results.passed.length,
      failed: results.failed.length,
      seconds: results.seconds,
    }),
  );
});
