/**
 * `npm start` / `npm run build` rebuild only what changed (issue 17): the compiler runs in build mode (an up-to-date
 * check without parsing), the schema validator is regenerated only when the schema changes, and the deploy-eas
 * bundle is its own file so an incremental compile never leaves a stale bundle in place of a module.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/paths';

describe('incremental build', () => {
  it('the build compiles in build mode with incremental state', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.build).toMatch(/^tsc -b tsconfig\.build\.json /);
    expect(pkg.scripts.start).toMatch(/^npm run build/);
    const config = JSON.parse(fs.readFileSync(path.join(ROOT, 'tsconfig.build.json'), 'utf8')) as { compilerOptions: Record<string, unknown> };
    expect(config.compilerOptions.incremental).toBe(true);
  });

  it('the validator is not regenerated when the schema did not change', () => {
    const generated = path.join(ROOT, 'dist', 'lib', 'spec', 'spec-validator.generated.js');
    const first = spawnSync(process.execPath, [path.join(ROOT, 'dist', 'scripts', 'gen-validator.js')], { cwd: ROOT, encoding: 'utf8' });
    expect(first.status).toBe(0);
    const before = fs.statSync(generated).mtimeMs;
    const second = spawnSync(process.execPath, [path.join(ROOT, 'dist', 'scripts', 'gen-validator.js')], { cwd: ROOT, encoding: 'utf8' });
    expect(second.stdout).toContain('is up to date');
    expect(fs.statSync(generated).mtimeMs).toBe(before);
  });

  it('deploy-eas runs from its own bundle file, next to the compiled module', () => {
    const dir = path.join(ROOT, 'dist', 'providers', 'alibaba');
    expect(fs.existsSync(path.join(dir, 'deploy-command.bundle.js'))).toBe(true);
    expect(fs.readFileSync(path.join(dir, 'deploy-command.js'), 'utf8')).toMatch(/require\("\.\/deploy-usage"\)|require\('\.\/deploy-usage'\)/);
  });

  it('compiled files whose source is gone are removed (they would shadow a module moved into a folder); generated ones stay', () => {
    const stale = path.join(ROOT, 'dist', 'lib', 'zz-removed-module.js');
    fs.writeFileSync(stale, 'module.exports = {};');
    const r = spawnSync(process.execPath, [path.join(ROOT, 'dist', 'scripts', 'prune-stale.js')], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(fs.existsSync(stale)).toBe(false);
    expect(fs.existsSync(path.join(ROOT, 'dist', 'lib', 'spec', 'spec-validator.generated.js'))).toBe(true);
    expect(fs.existsSync(path.join(ROOT, 'dist', 'providers', 'alibaba', 'deploy-command.bundle.js'))).toBe(true);
    expect(fs.existsSync(path.join(ROOT, 'dist', 'bin', 'inferstack.js'))).toBe(true);
  });
});
