/**
 * `atomic-exporter textfile --output=PATH` end to end: the command runs its collectors once and
 * writes the file atomically (mode 0644); `promtool check metrics` accepts it, and Debian's
 * node_exporter serves it through its textfile collector without a scrape error.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../cli/cli-process.js';
import { requireBinary } from '../support/binaries.js';
import { startNodeExporter } from '../support/node-exporter.js';
import { checkMetrics } from '../support/promtool.js';
import { makeTempDir, type TempDir } from '../support/tempdir.js';
import { parseTextFormat } from '../support/text-format.js';

describe('atomic-exporter textfile', () => {
  let tmp: TempDir;
  let out: string;
  let input: string;
  before(async () => {
    tmp = await makeTempDir('textfile-cli');
    out = path.join(tmp.path, 'out');
    mkdirSync(out);
    input = path.join(tmp.path, 'in');
    mkdirSync(input);
    writeFileSync(path.join(input, 'job.prom'), '# HELP job_items Items handled.\n# TYPE job_items counter\njob_items_total{kind="a"} 3\n');
  });
  after(async () => {
    await tmp?.remove();
  });

  it('writes the metrics of one run to the file; promtool and node_exporter accept it', async (t) => {
    const file = path.join(out, 'host.prom');
    const r = await runCli(['textfile', `--output=${file}`, '--collector.disable-defaults', '--collector.loadavg', '--collector.cpu', '--collector.textfile', `--collector.textfile.directory=${input}`]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /msg="Wrote the metrics file" file=\S+host\.prom failed_collectors=none/);
    assert.equal(statSync(file).mode & 0o777, 0o644);
    assert.deepEqual(readdirSync(out), ['host.prom'], 'no temp file left');
    const text = readFileSync(file, 'utf8');
    const fams = parseTextFormat(text);
    for (const name of ['node_load1', 'node_cpu_seconds_total', 'node_textfile_scrape_error', 'atomic_exporter_collector_success']) assert.ok(fams.has(name), name);
    assert.equal(fams.get('job_items_total')?.samples[0]?.value, 3, 'the textfile family read from the input folder');

    const promtool = requireBinary(t, 'promtool');
    if (promtool) {
      const res = await checkMetrics(promtool, text);
      assert.equal(res.exitCode, 0, res.problems.join('\n'));
    }
    const ne = await startNodeExporter(t, { args: ['--collector.disable-defaults', '--collector.textfile', `--collector.textfile.directory=${out}`] });
    if (!ne) return;
    const served = parseTextFormat(await ne.scrape());
    assert.equal(served.get('node_textfile_scrape_error')!.samples[0]!.value, 0, ne.output());
    assert.equal(served.get('node_load1')!.samples[0]!.value, fams.get('node_load1')!.samples[0]!.value);
    assert.equal(served.get('job_items_total')!.samples[0]!.value, 3);
  });

  it('exits 2 without --output, 1 with one line naming the path when it cannot write', async () => {
    const [missing, unwritable] = await Promise.all([
      runCli(['textfile', '--collector.disable-defaults', '--collector.loadavg']),
      runCli(['textfile', `--output=${path.join(tmp.path, 'no-such-dir', 'x.prom')}`, '--collector.disable-defaults', '--collector.loadavg']),
    ]);
    assert.equal(missing.code, 2);
    assert.equal(missing.stderr, 'atomic-exporter textfile: --output is required\n');
    assert.equal(unwritable.code, 1);
    assert.equal(unwritable.stderr, `atomic-exporter textfile: cannot write metrics to ${JSON.stringify(path.join(tmp.path, 'no-such-dir', 'x.prom'))}: its folder does not exist\n`);
  });
});
