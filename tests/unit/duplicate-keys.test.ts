/**
 * lib/spec/load.ts parses without yaml's quadratic duplicate-key check and parses again with it only when its own
 * linear search finds a duplicate. Every duplicate yaml reports must still be reported, where yaml reports it;
 * no key yaml accepts may be refused, except keys of different types that become one property (`1` and "1").
 */
import { describe, expect, it } from 'vitest';
import { LineCounter, parseAllDocuments } from 'yaml';
import { loadSpecText } from '../../lib/spec/load';

/** yaml's own verdict: the line and column of each DUPLICATE_KEY error. */
function yamlDuplicates(source: string): Array<{ line: number; column: number }> {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(source, { lineCounter, uniqueKeys: true, prettyErrors: false, strict: true });
  return (Array.isArray(docs) ? docs : [docs]).flatMap((d) => d.errors.filter((e) => e.code === 'DUPLICATE_KEY').map((e) => ({ line: lineCounter.linePos(e.pos[0]).line, column: lineCounter.linePos(e.pos[0]).col })));
}

function ourDuplicates(source: string): Array<{ line: number; column: number }> {
  const r = loadSpecText('spec.yaml', source);
  return r.ok ? [] : r.diagnostics.filter((d) => d.code === 'IS1010').map((d) => ({ line: d.line!, column: d.column! }));
}

const many = (n: number, repeat?: number) => `version: 1\ndeployments:\n${Array.from({ length: n }, (_, i) => `  d${i}: { model: { uri: "s3://b/${i}/" } }\n`).join('')}${repeat === undefined ? '' : `  d${repeat}: { model: { uri: "s3://b/again/" } }\n`}`;

describe('duplicate keys', () => {
  const cases: Record<string, string> = {
    'the last of 300 deployments repeats the first': many(300, 0),
    'two deployments of 300 repeat one in the middle': `${many(300, 150)}  d150: {}\n`,
    'a key repeated inside a flow mapping': 'version: 1\ndeployments: { a: { model: { uri: x, uri: y } } }\n',
    'a key repeated in a mapping used as a key': 'version: 1\n? { a: 1, a: 2 }\n: x\n',
    'keys equal as numbers but written differently': 'version: 1\ndeployments: { 1: a, 0x1: b }\n',
    'a repeat in the second document': 'version: 1\n---\na: 1\na: 2\n',
  };
  for (const [name, source] of Object.entries(cases)) {
    it(`reports ${name} where yaml does`, () => {
      const expected = yamlDuplicates(source);
      expect(expected.length).toBeGreaterThan(0);
      expect(ourDuplicates(source)).toEqual(expected);
    });
  }

  it('accepts 300 distinct deployments and a quoted "<<" key', () => {
    for (const source of [many(300), 'version: 1\nx: { "<<": 1, a: 2 }\n']) {
      expect(yamlDuplicates(source)).toEqual([]);
      expect(ourDuplicates(source)).toEqual([]);
    }
  });

  it('refuses keys yaml lets through that become one property of the object (the last would silently win)', () => {
    const cases: Array<[string, { line: number; column: number }]> = [
      ['version: 1\ndeployments: { "1": c, 1: d }\n', { line: 2, column: 24 }],
      ['version: 1\nx:\n  true: "1"\n  "true": "2"\n', { line: 4, column: 3 }],
      ['version: 1\nx: { ~: a, "null": b }\n', { line: 2, column: 12 }],
    ];
    for (const [source, at] of cases) {
      expect(yamlDuplicates(source)).toEqual([]);
      expect(ourDuplicates(source)).toEqual([at]);
    }
  });
});
