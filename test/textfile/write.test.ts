/**
 * writeToTextfile (src/push/textfile.ts): the text format written atomically, mode 0644, never a
 * partial file, errors naming the path; read back by our parser and by promtool.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import client from 'prom-client';
import { Counter, Gauge, Registry, TextfileWriteError, writeToTextfile } from '../../src/index.js';
import { parseTextFormat } from '../../src/textfile/parse.js';
import { requireBinary } from '../support/binaries.js';
import { checkMetrics } from '../support/promtool.js';
import { makeTempDir, type TempDir } from '../support/tempdir.js';

describe('writeToTextfile', () => {
  let tmp: TempDir;
  before(async () => {
    tmp = await makeTempDir('write-textfile');
  });
  after(async () => {
    await tmp?.remove();
  });

  function registry(value: number): Registry {
    const r = new Registry();
    new Counter({ name: 'cron_runs_total', help: 'Runs of the cron job.', labelNames: ['result'], registers: [r] }).inc({ result: 'ok' }, value);
    new Gauge({ name: 'cron_last_run_seconds', help: 'Unix time of the last run.', registers: [r] }).set(1700000000 + value);
    return r;
  }

  it('writes the text format with mode 0644 whatever the umask, leaving no temp file; promtool accepts it', async (t) => {
    const file = path.join(tmp.path, 'cron.prom');
    const old = process.umask(0o077);
    try {
      await writeToTextfile(registry(1), file);
    } finally {
      process.umask(old);
    }
    assert.equal(statSync(file).mode & 0o777, 0o644);
    assert.deepEqual(readdirSync(tmp.path), ['cron.prom']);
    const text = readFileSync(file, 'utf8');
    const fams = parseTextFormat(text);
    assert.equal(fams.get('cron_runs_total')!.metrics[0]!.value, 1);
    assert.equal(fams.get('cron_runs_total')!.type, 'counter');
    const promtool = requireBinary(t, 'promtool');
    if (promtool) {
      const res = await checkMetrics(promtool, text);
      assert.equal(res.exitCode, 0, res.problems.join('\n'));
    }
  });

  it('replaces the file atomically: a reader sees the old or the new content, never a part', async () => {
    const file = path.join(tmp.path, 'swap.prom');
    const big = new Registry();
    const g = new Gauge({ name: 'many_series', help: 'h', labelNames: ['i'], registers: [big] });
    for (let i = 0; i < 20_000; i++) g.set({ i: String(i) }, i);
    await writeToTextfile(registry(1), file);
    const small = readFileSync(file, 'utf8');
    const full = (await big.metrics()).length;
    let reads = 0;
    let stop = false;
    const reader = (async () => {
      while (!stop) {
        const s = readFileSync(file, 'utf8');
        assert.ok(s === small || s.length === full, `a partial file of ${s.length} bytes was seen`);
        reads++;
        await new Promise((r) => setImmediate(r));
      }
    })();
    for (let k = 0; k < 5; k++) {
      await writeToTextfile(big, file);
      await writeToTextfile(registry(1), file);
    }
    stop = true;
    await reader;
    assert.ok(reads > 0);
  });

  it('writes prom-client registries too', async () => {
    const theirs = new client.Registry();
    new client.Gauge({ name: 'from_prom_client', help: 'h', registers: [theirs] }).set(5);
    const file = path.join(tmp.path, 'prom-client.prom');
    await writeToTextfile(theirs, file);
    assert.equal(parseTextFormat(readFileSync(file, 'utf8')).get('from_prom_client')!.metrics[0]!.value, 5);
  });

  it('keeps the old file when rendering fails, and names the path when the write fails', async () => {
    const file = path.join(tmp.path, 'keep.prom');
    await writeToTextfile(registry(1), file);
    const before = readFileSync(file, 'utf8');
    const failing = new Registry();
    new Gauge({
      name: 'fails_on_collect',
      help: 'h',
      registers: [failing],
      collect() {
        throw new Error('collect failed');
      },
    });
    await assert.rejects(writeToTextfile(failing, file), /collect failed/);
    assert.equal(readFileSync(file, 'utf8'), before);

    const missing = path.join(tmp.path, 'no-such-dir', 'x.prom');
    await assert.rejects(writeToTextfile(registry(1), missing), (e: unknown) => {
      assert.ok(e instanceof TextfileWriteError);
      assert.equal(e.path, missing);
      assert.equal(e.message, `cannot write metrics to ${JSON.stringify(missing)}: its folder does not exist`);
      return true;
    });
    const dirTarget = path.join(tmp.path, 'a-dir.prom');
    mkdirSync(dirTarget);
    writeFileSync(path.join(dirTarget, 'inside'), 'x');
    await assert.rejects(writeToTextfile(registry(1), dirTarget), (e: unknown) => e instanceof TextfileWriteError && e.message.startsWith(`cannot write metrics to ${JSON.stringify(dirTarget)}: `));
    assert.deepEqual(readdirSync(tmp.path).filter((n) => n.endsWith('.tmp')), [], 'temp files are removed on failure');
  });
});
