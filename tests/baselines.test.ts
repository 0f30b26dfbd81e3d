/**
 * Bad-spec baselines (TypeScript-compiler style): every fixture under tests/fixtures/invalid/ must produce
 * exactly the diagnostics recorded next to it. Regenerate deliberately with UPDATE_BASELINES=1 and review the diff.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileSpecFile } from '../lib/compile';
import type { Diagnostic } from '../lib/diagnostics/diagnostic';
import { INVALID, ROOT } from './helpers/paths';

export function renderBaseline(diagnostics: readonly Diagnostic[]): string {
  return (
    diagnostics
      .map((d) => {
        const lines = [`${d.file}:${d.line}:${d.column}: ${d.severity} ${d.code}: ${d.message}${d.target ? ` [${d.target}]` : ''}`];
        if (d.found !== undefined) lines.push(`    found:   ${d.found}`);
        if (d.allowed !== undefined) lines.push(`    allowed: ${d.allowed}`);
        if (d.hint !== undefined) lines.push(`    fix:     ${d.hint}`);
        return lines.join('\n');
      })
      .join('\n') + '\n'
  );
}

const fixtures = fs
  .readdirSync(INVALID)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

describe('invalid specs produce their recorded diagnostics', () => {
  it('has at least 60 invalid fixtures', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(60);
  });
  for (const fixture of fixtures) {
    it(fixture, () => {
      const rel = path.relative(ROOT, path.join(INVALID, fixture));
      const previous = process.cwd();
      process.chdir(ROOT);
      let result;
      try {
        result = compileSpecFile(rel);
      } finally {
        process.chdir(previous);
      }
      expect(result.ok).toBe(false);
      expect(result.diagnostics.some((d) => d.severity === 'error')).toBe(true);
      for (const d of result.diagnostics) {
        expect(d.code).toMatch(/^IS\d{4}$/);
        expect(d.line).toBeGreaterThanOrEqual(1);
        expect(d.column).toBeGreaterThanOrEqual(1);
        expect(d.hint ?? d.allowed).toBeTruthy();
      }
      const baselineFile = path.join(INVALID, fixture.replace(/\.yaml$/, '.diagnostics.txt'));
      const actual = renderBaseline(result.diagnostics);
      if (process.env.UPDATE_BASELINES === '1' || !fs.existsSync(baselineFile)) {
        if (process.env.CI && !fs.existsSync(baselineFile)) throw new Error(`missing baseline ${baselineFile}`);
        fs.writeFileSync(baselineFile, actual);
      }
      expect(actual).toBe(fs.readFileSync(baselineFile, 'utf8'));
    });
  }
});
