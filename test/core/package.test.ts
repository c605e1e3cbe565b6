/**
 * The package as users import it: `import { Counter } from 'atomic-exporter'` resolves through
 * package.json `exports` to dist/ (Node's self-reference from inside the package folder).
 * dist/ is built first when it is missing or older than src/.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ENTRY = join(ROOT, 'dist/src/index.js');

function newestSource(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (e.name.endsWith('.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

function runModule(code: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('the package entry point', () => {
  before(() => {
    if (existsSync(ENTRY) && statSync(ENTRY).mtimeMs >= newestSource(join(ROOT, 'src'))) return;
    // tsc exits non-zero on a type error anywhere, but still emits; what matters here is the entry.
    const r = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
    assert.ok(existsSync(ENTRY), `build failed: ${r.stdout}${r.stderr}`);
  });

  it("import { Counter, Registry, … } from 'atomic-exporter' works and renders", () => {
    const r = runModule(`
      import { Counter, Gauge, Histogram, Summary, Registry, register, SUMMARY_RELATIVE_ERROR } from 'atomic-exporter';
      const reg = new Registry();
      const c = new Counter({ name: 'pkg_requests_total', help: 'h', labelNames: ['code'], registers: [reg] });
      c.inc({ code: '200' }, 2);
      new Gauge({ name: 'pkg_level', help: 'h', registers: [reg] }).set(3);
      new Histogram({ name: 'pkg_latency', help: 'h', buckets: [1], registers: [reg] }).observe(0.5);
      new Summary({ name: 'pkg_size', help: 'h', percentiles: [0.5], registers: [reg] }).observe(4);
      process.stdout.write(JSON.stringify({ text: await reg.metrics(), globalType: register.contentType, err: SUMMARY_RELATIVE_ERROR }));
    `);
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { text: string; globalType: string; err: number };
    assert.match(out.text, /^pkg_requests_total\{code="200"\} 2$/m);
    assert.match(out.text, /^pkg_level 3$/m);
    assert.match(out.text, /^pkg_latency_bucket\{le="1"\} 1$/m);
    assert.match(out.text, /^pkg_size_count 1$/m);
    assert.equal(out.globalType, 'text/plain; version=0.0.4; charset=utf-8');
    assert.equal(out.err, 0.01);
  });

  it('dynamic import() and the type declarations are there too', () => {
    const r = runModule(`const m = await import('atomic-exporter'); process.stdout.write(Object.keys(m).sort().join(','));`);
    assert.equal(r.status, 0, r.stderr);
    const names = r.stdout.split(',');
    for (const n of ['Counter', 'Gauge', 'Histogram', 'Summary', 'Registry', 'register']) assert.ok(names.includes(n), n);
    assert.ok(existsSync(join(ROOT, 'dist/src/index.d.ts')));
  });
});
