/**
 * Every `{placeholder}` of every registry template is filled at every place that reports it: a static audit of the
 * sources (TypeScript AST), plus a check of every recorded baseline, so no user ever reads a literal `{found}`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { allDefinitions, Diagnostics } from '../../lib/diagnostics/registry';
import { EXPLANATIONS, explain } from '../../lib/diagnostics/explanations';
import { INVALID, ROOT } from '../helpers/paths';

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true }).map(String).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')).map((f) => path.join(dir, f));
}

const placeholders = (template: string) => [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);

interface Site {
  readonly file: string;
  readonly line: number;
  readonly name: string;
  /** Placeholder names the call fills, or undefined when the arguments are not literal. */
  readonly filled: Set<string> | undefined;
  readonly via: 'bag' | 'context' | 'file';
}

function literalKeys(node: ts.Expression | undefined): Set<string> | undefined {
  if (!node) return new Set();
  if (!ts.isObjectLiteralExpression(node)) return undefined;
  const keys = new Set<string>();
  for (const p of node.properties) {
    if (ts.isSpreadAssignment(p)) {
      const inner = ts.isParenthesizedExpression(p.expression) ? p.expression.expression : p.expression;
      if (ts.isConditionalExpression(inner)) {
        for (const k of literalKeys(inner.whenTrue) ?? []) keys.add(k);
        continue;
      }
      return undefined;
    }
    if (p.name && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name))) keys.add(p.name.text);
  }
  return keys;
}

function sites(): Site[] {
  const out: Site[] = [];
  for (const file of [...sourceFiles(path.join(ROOT, 'lib')), ...sourceFiles(path.join(ROOT, 'providers'))]) {
    const text = fs.readFileSync(file, 'utf8');
    if (!text.includes('Diagnostics.')) continue;
    const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
    const visit = (node: ts.Node) => {
      if (ts.isCallExpression(node)) {
        const index = node.arguments.findIndex((a) => ts.isPropertyAccessExpression(a) && ts.isIdentifier(a.expression) && a.expression.text === 'Diagnostics');
        if (index !== -1) {
          const name = (node.arguments[index] as ts.PropertyAccessExpression).name.text;
          const callee = node.expression.getText(sf);
          const line = sf.getLineAndCharacterOfPosition(node.getStart()).line + 1;
          const rel = path.relative(ROOT, file);
          if (/fileDiagnostic|runDiagnostic|cliDiagnostic/.test(callee)) {
            out.push({ file: rel, line, name, filled: literalKeys(node.arguments[index + 1]), via: 'file' });
          } else if (/\.(add|report)$/.test(callee)) {
            const details = node.arguments[index + 2];
            const keys = literalKeys(details);
            let filled: Set<string> | undefined = keys === undefined ? undefined : new Set(['path', ...(callee.endsWith('.report') ? ['target', 'deployment'] : [])]);
            if (keys && filled && details && ts.isObjectLiteralExpression(details)) {
              if (keys.has('found')) filled.add('found');
              if (keys.has('target')) filled.add('target');
              const args = details.properties.find((p) => p.name && p.name.getText(sf) === 'args');
              if (args && ts.isPropertyAssignment(args)) {
                const argKeys = literalKeys(args.initializer);
                if (argKeys === undefined) filled = undefined;
                else for (const k of argKeys) filled.add(k);
              }
            }
            out.push({ file: rel, line, name, filled, via: callee.endsWith('.report') ? 'context' : 'bag' });
          }
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return out;
}

describe('diagnostic templates', () => {
  const all = sites();

  it('finds the reporting sites (the audit is not vacuous)', () => {
    expect(all.length).toBeGreaterThan(100);
    expect(all.filter((s) => s.filled !== undefined).length / all.length).toBeGreaterThan(0.9);
  });

  it('every placeholder of a reported template is filled at its site', () => {
    const definitions = Diagnostics as Record<string, { template: string }>;
    const unfilled = all
      .filter((s) => s.filled !== undefined && definitions[s.name])
      .flatMap((s) => placeholders(definitions[s.name]!.template).filter((p) => !s.filled!.has(p)).map((p) => `${s.file}:${s.line} ${s.name} {${p}}`));
    expect(unfilled).toEqual([]);
  });

  it('no recorded baseline message holds an unfilled placeholder', () => {
    const baselines = fs.readdirSync(INVALID).filter((f) => f.endsWith('.diagnostics.txt'));
    const leaks = baselines.flatMap((f) => fs.readFileSync(path.join(INVALID, f), 'utf8').split('\n').filter((l) => /\{\w+\}/.test(l)).map((l) => `${f}: ${l}`));
    expect(leaks).toEqual([]);
  });

  it('every code is unique and explainable', () => {
    const codes = allDefinitions().map((d) => d.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const c of codes) expect(explain(c)?.fix, c).toBeTruthy();
    expect(Object.keys(EXPLANATIONS).filter((c) => !codes.includes(c))).toEqual([]);
  });
});
