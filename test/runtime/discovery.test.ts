import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { builtinCollectorsDir, CollectorRuntimeError, discoverCollectors, listCollectorFiles } from '../../src/runtime/index.js';
import { describeFiles } from '../../src/runtime/discovery.js';
import { makeTempDir, type TempDir } from '../support/tempdir.js';
import { EXAMPLES, FIXTURES, fixtureCollectors } from './helpers.js';

const loadFails = (file: string, re: RegExp) => (e: unknown) =>
  e instanceof CollectorRuntimeError && e.code === 'ERR_COLLECTOR_LOAD' && e.message.includes(file) && re.test(e.message);

const good = (name: string, metric = `${name}_value`) =>
  `export default { name: ${JSON.stringify(name)}, metrics: { v: { type: 'gauge', name: ${JSON.stringify(metric)}, help: 'h' } }, collect() {} };\n`;

describe('discovery', () => {
  let tmp: TempDir;
  before(async () => {
    tmp = await makeTempDir('runtime-discovery');
  });
  after(() => tmp.remove());

  it('finds the built-in collectors in workers/ without a list', async () => {
    const files = await listCollectorFiles(builtinCollectorsDir());
    assert.ok(files.includes(path.join(builtinCollectorsDir(), 'loadavg.ts')), files.join(', '));
    const [d] = await describeFiles([path.join(builtinCollectorsDir(), 'loadavg.ts')]);
    assert.equal(d!.name, 'loadavg');
    assert.deepEqual(Object.values(d!.metrics).map((m) => m.name), ['node_load1', 'node_load5', 'node_load15']);
  });

  it('finds every collector of a folder, sorted, with what each declares', async () => {
    const found = await fixtureCollectors();
    assert.deepEqual(found.map((c) => c.name), ['burner', 'counting', 'exiting', 'hung', 'nodata', 'scripted', 'sleepy', 'throwing']);
    const hung = found.find((c) => c.name === 'hung')!;
    assert.equal(hung.file, path.join(FIXTURES, 'hung.ts'));
    assert.equal(hung.builtin, false);
    assert.equal(hung.intervalMs, 300);
    assert.equal(hung.timeoutMs, 150);
    assert.equal(found.find((c) => c.name === 'scripted')!.defaultEnabled, false);
    assert.equal(typeof (found[0] as unknown as { collect?: unknown }).collect, 'undefined', 'only data crosses over');
  });

  it('takes the .ts source under a TypeScript loader, the .mjs twin without one', async () => {
    assert.deepEqual(await listCollectorFiles(EXAMPLES, true), [path.join(EXAMPLES, 'demo.ts')]);
    assert.deepEqual(await listCollectorFiles(EXAMPLES, false), [path.join(EXAMPLES, 'demo.mjs')]);
    const [ts, mjs] = await describeFiles([path.join(EXAMPLES, 'demo.ts'), path.join(EXAMPLES, 'demo.mjs')]);
    assert.deepEqual(mjs, ts, 'the twins declare the same collector');
  });

  it('skips dotfiles, _files, declarations, tests and other extensions', async () => {
    const dir = path.join(tmp.path, 'skip');
    await mkdir(dir);
    for (const n of ['.hidden.js', '_helper.js', 'types.d.ts', 'a.test.ts', 'notes.md', 'data.json', 'b.js.map']) await writeFile(path.join(dir, n), '');
    await writeFile(path.join(dir, 'one.js'), good('one'));
    await writeFile(path.join(dir, 'two.mjs'), good('two'));
    assert.deepEqual(await listCollectorFiles(dir), [path.join(dir, 'one.js'), path.join(dir, 'two.mjs')]);
  });

  it('refuses a .ts file when no TypeScript loader is active', async () => {
    const dir = path.join(tmp.path, 'ts-only');
    await mkdir(dir);
    await writeFile(path.join(dir, 'x.ts'), good('x'));
    await assert.rejects(listCollectorFiles(dir, false), loadFails('x.ts', /no TypeScript loader is active: run with `node --import tsx`/));
  });

  const bad: [string, string, RegExp][] = [
    ['no-default.mjs', 'export const x = 1;\n', /default export is not a collector/],
    ['no-collect.mjs', "export default { name: 'x', metrics: {} };\n", /no collect\(\) function/],
    ['bad-name.mjs', good('Bad-Name'), /collector name "Bad-Name" must match \[a-z0-9_\]\+/],
    ['self.mjs', good('self', 'atomic_exporter_collector_success'), /"atomic_exporter_collector_success" is reserved for the exporter's self-metrics/],
    ['bad-metric.mjs', good('badmetric', 'bad metric'), /metric "v": Invalid metric name: "bad metric"/],
    [
      'bad-label.mjs',
      "export default { name: 'lbl', metrics: { v: { type: 'histogram', name: 'h', help: 'h', labelNames: ['le'] } }, collect() {} };\n",
      /Label name "le" is reserved/,
    ],
    ['twice.mjs', "export default { name: 'twice', metrics: { a: { type: 'gauge', name: 'm', help: 'h' }, b: { type: 'counter', name: 'm_total', help: 'h' } }, collect() {} };\n", /metric name "m" is declared twice/],
    ['bad-option.mjs', "export default { name: 'opt', options: { interval: { type: 'string', help: 'h' } }, metrics: { v: { type: 'gauge', name: 'g', help: 'h' } }, collect() {} };\n", /"interval" is reserved/],
    ['throws.mjs', "throw new Error('cannot start');\n", /cannot start/],
    ['exits.mjs', 'process.exit(4);\n', /ended the discovery thread while loading/],
    ['hangs.mjs', 'for (;;);\n', /did not finish loading within 500 ms/],
  ];
  for (const [file, source, re] of bad) {
    it(`refuses ${file}, naming the file`, async () => {
      const dir = path.join(tmp.path, file.replace('.', '_'));
      await mkdir(dir);
      await writeFile(path.join(dir, file), source);
      await assert.rejects(discoverCollectors({ dirs: [dir], builtin: false, loadTimeoutMs: 500 }), loadFails(file, re));
    });
  }

  it('refuses two collectors of the same name, naming both files', async () => {
    const a = path.join(tmp.path, 'dup-a');
    const b = path.join(tmp.path, 'dup-b');
    await mkdir(a);
    await mkdir(b);
    await writeFile(path.join(a, 'one.mjs'), good('same'));
    await writeFile(path.join(b, 'other.mjs'), good('same', 'other_value'));
    await assert.rejects(
      discoverCollectors({ dirs: [a, b], builtin: false }),
      (e: unknown) => e instanceof CollectorRuntimeError && e.code === 'ERR_COLLECTOR_CONFLICT' && /collector "same" is defined twice: in ".*one.mjs" and in ".*other.mjs"/.test(e.message),
    );
  });

  it('reports a folder that cannot be read', async () => {
    await assert.rejects(discoverCollectors({ dirs: [path.join(tmp.path, 'nope')], builtin: false }), /collectors folder ".*nope" cannot be read/);
  });
});
