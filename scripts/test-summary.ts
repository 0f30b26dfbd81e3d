/** Prints the test run's plain closing line ("N passed, N failed") from Vitest's JSON report, for CI logs. */
import * as fs from 'node:fs';

const file = process.argv[2] ?? '.tmp/vitest-report.json';
const report = JSON.parse(fs.readFileSync(file, 'utf8')) as { numPassedTests: number; numFailedTests: number; numPendingTests?: number };
const skipped = report.numPendingTests ? `, ${report.numPendingTests} skipped` : '';
process.stdout.write(`tests: ${report.numPassedTests} passed, ${report.numFailedTests} failed${skipped}\n`);
