/** Printed values are escaped (issue 17): control characters cannot start a log line or drive the terminal. */
import { describe, expect, it } from 'vitest';
import { escapeControl, fitTable, IoHost } from '../../lib/cli/io';
import { DiffResult, renderMarkdown, renderText } from '../../lib/commands/diff';

describe('escapeControl', () => {
  it('makes newlines, escapes, carriage returns and bidi overrides visible; leaves other text alone', () => {
    expect(escapeControl('a\nb\r\tc\u001b[2Jd\u202ee\u0000')).toBe('a\\nb\\r\\tc\\x1b[2Jd\\u202ee\\x00');
    expect(escapeControl('ml.g5.xlarge — 24 GiB, 北京')).toBe('ml.g5.xlarge — 24 GiB, 北京');
  });

  it('applies to every part of a printed diagnostic', () => {
    const io = new IoHost({ stdout: process.stdout, stderr: process.stderr, env: { NO_COLOR: '1' } });
    const text = io.formatDiagnostic({ code: 'IS1003', severity: 'error', message: 'unknown key "x\n::error::y"', file: 'a\nb.yaml', line: 1, column: 2, path: 'x', found: '"\u001b[31m"', allowed: 'a\rb', hint: 'c\nd', target: 'aws' });
    expect(text.split('\n')).toHaveLength(4);
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);
    expect(text).toContain('unknown key "x\\n::error::y"');
  });
});

describe('diff renderings', () => {
  const result: DiffResult = {
    file: 's.yaml',
    ok: true,
    diagnostics: [],
    destructive: [],
    changes: [{ target: 'alibaba', artifact: 'svc\n::error::x.eas.json', resource: 'svc\u001b[2J', type: 'PAI-EAS service', classification: 'rolling-update', fields: [{ path: 'containers[0].image', from: 'a', to: 'b\nc' }] }],
  };

  it('text and markdown keep one line per row and no control characters', () => {
    for (const out of [renderText(result), renderMarkdown(result)]) {
      for (const line of out.split('\n')) expect(line).not.toMatch(/^::error/);
      expect(out).not.toContain('\u001b');
    }
  });
});

describe('fitTable', () => {
  it('drops columns in the given order until every line fits, keeping the first column', () => {
    const headers = ['NAME', 'A', 'LONG-COLUMN', 'B'];
    const rows = [['x', '1', 'a value that is long', '2']];
    const full = fitTable(headers, rows, undefined, [2, 1]);
    expect(full.hidden).toEqual([]);
    const narrow = fitTable(headers, rows, 8, [2, 1, 0, 3]);
    expect(narrow.hidden).toEqual(['A', 'LONG-COLUMN']);
    for (const line of narrow.text.split('\n')) expect(line.length).toBeLessThanOrEqual(8);
  });
});

describe('status text', () => {
  it('cloud-reported states and messages cannot start a log line', async () => {
    const { renderStatusText } = await import('../../lib/commands/status');
    const text = renderStatusText([{ deployment: 'svc', target: 'alibaba', region: 'cn-hangzhou', resource: 'svc', serving: false, state: 'Failed\n::error::x', problems: ['container exited\n::error::boom\u001b[2J'], facts: {}, lines: ['event: a\r\nb'] }]);
    for (const line of text.split('\n')) expect(line).not.toMatch(/^::error/);
    expect(text).not.toContain('\u001b');
    expect(text).toContain('container exited\\n::error::boom\\x1b[2J');
  });
});
