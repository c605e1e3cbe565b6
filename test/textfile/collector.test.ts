/**
 * The textfile collector (workers/textfile.ts) against the real thing: Debian's node_exporter
 * 1.5 and atomic-exporter (the command, serving over HTTP) read the same folder of good and
 * bad `.prom` files, and serve the same families and values, the same
 * node_textfile_scrape_error and the same node_textfile_mtime_seconds series. The folder then
 * changes (bad files fixed, the folder removed) and both are compared again.
 */
import assert from 'node:assert/strict';
import { mkdirSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startNodeExporter, type NodeExporterHandle } from '../support/node-exporter.js';
import { makeTempDir, type TempDir } from '../support/tempdir.js';
import { labelKey, parseTextFormat, type Family } from '../support/text-format.js';
import { startExporter } from '../cli/cli-process.js';
import type { ProcessHandle } from '../support/process.js';

/** Good files: every rule of combining files, and nothing where we knowingly differ. */
const GOOD: Record<string, string> = {
  'a_counters.prom':
    '# HELP batch_records_total Records processed, by "stage" \\\\ step.\n# TYPE batch_records_total counter\n' +
    'batch_records_total{stage="load",step="1"} 1027\nbatch_records_total{stage="save",step="2"} 3\nbatch_records_total{stage="quote\\"d",step="new\\nline"} 5\n',
  'b_gauges.prom': '# TYPE disk_free_ratio gauge\ndisk_free_ratio{mount="/"} 0.25\ndisk_free_ratio{device="sda"} 0.5\ndisk_free_ratio 0.75\nshared_gauge{from="b"} 1\n',
  'c_hist.prom':
    '# HELP job_duration_seconds Job durations.\n# TYPE job_duration_seconds histogram\n' +
    'job_duration_seconds_bucket{job="a",le="0.5"} 1\njob_duration_seconds_bucket{job="a",le="1"} 2.7\njob_duration_seconds_bucket{job="a",le="+Inf"} 3\njob_duration_seconds_sum{job="a"} 2.5\njob_duration_seconds_count{job="a"} 4\n' +
    'job_duration_seconds_bucket{job="b",le="1"} 1\njob_duration_seconds_bucket{job="b",le="0.5"} 0\njob_duration_seconds_sum{job="b"} 0.75\njob_duration_seconds_count{job="b"} 1\n' +
    '# TYPE rpc_latency_seconds summary\nrpc_latency_seconds{quantile="0.5"} 0.1\nrpc_latency_seconds{quantile="0.99"} 0.9\nrpc_latency_seconds_sum 12\nrpc_latency_seconds_count 40.5\n',
  'd_untyped.prom': '  # a comment\n\nlegacy_value{kind="inf"} +Inf\nlegacy_value{kind="nan"} NaN\nlegacy_value{kind="neg"} -Inf\nlegacy_value{kind="tiny"} 1e-400\n  spaced_out { a = "1" , b="2" }   7\ntrailing_comma{a="1",} 2\n',
  'e_dup.prom': '# HELP dup_series Duplicates.\n# TYPE dup_series gauge\ndup_series{a="1"} 1\ndup_series{a="1"} 2\ndup_series{a="2"} 3\n# TYPE batch_records_total counter\n# HELP batch_records_total Records processed, by "stage" \\\\ step.\nbatch_records_total{stage="load",step="1"} 99\nbatch_records_total{stage="clean",step="0"} 7\n',
  'f_conflicts.prom': '# HELP shared_gauge Another help.\nshared_gauge{from="f"} 2\n# TYPE typed_twice gauge\ntyped_twice{from="f"} 1\n',
  'g_conflicts.prom': '# TYPE typed_twice counter\ntyped_twice{from="g"} 2\n# HELP typed_twice HELP after the samples\n',
  'h_empty.prom': '# HELP nothing_here No samples.\n# TYPE nothing_here gauge\n',
  'i_nohelp.prom': 'from_two_files{f="i"} 1\n',
  'j_nohelp.prom': 'from_two_files{f="j"} 2\n',
  '.hidden.prom': 'hidden_file_metric 1\n',
};

/** Bad files: each is skipped whole, and sets node_textfile_scrape_error. */
const BAD: Record<string, string> = {
  'x_timestamps.prom': 'with_timestamp 1 1700000000000\n',
  'x_syntax.prom': 'fine_before 1\nbroken{a="1" 2\nfine_after 3\n',
  'x_no_newline.prom': 'no_newline 1',
  'x_help_escape.prom': '# HELP quoted Says \\"hi\\".\nquoted 1\n',
  'x_trailing_blank.prom': 'trailing_blank 1 \n',
  'x_second_type.prom': 'late_type 1\n# TYPE late_type gauge\n',
};

const IGNORED: Record<string, string> = { 'notes.txt': 'not_read 1\n', 'x.prom.tmp': 'not_read 2\n' };

/**
 * Families read from the files, plus node_textfile_*: everything but the exporters' own metrics.
 * Families without samples are left out: our registry writes HELP/TYPE for a declared family
 * with no series (node_textfile_mtime_seconds when no file was read), node_exporter writes nothing.
 */
function textfileFamilies(text: string): Map<string, Family> {
  const out = new Map<string, Family>();
  for (const [name, f] of parseTextFormat(text)) {
    if (/^(go_|process_|promhttp_|nodejs_|atomic_exporter_|node_scrape_collector_)/.test(name) || name === 'node_exporter_build_info') continue;
    if (f.samples.length === 0) continue;
    out.set(name, f);
  }
  return out;
}

function comparable(families: Map<string, Family>): Record<string, { type: string; help: string; samples: string[] }> {
  const out: Record<string, { type: string; help: string; samples: string[] }> = {};
  for (const [name, f] of [...families].sort(([a], [b]) => (a < b ? -1 : 1))) {
    out[name] = { type: f.type, help: f.help, samples: f.samples.map((s) => `${s.name}{${labelKey(s.labels)}} ${String(s.value)}`).sort() };
  }
  return out;
}

function writeFiles(dir: string, files: Record<string, string>, mtimeBase: number): void {
  let i = 0;
  for (const [name, text] of Object.entries(files)) {
    const file = path.join(dir, name);
    writeFileSync(file, text);
    const t = mtimeBase + 60 * i++;
    utimesSync(file, t, t);
  }
}

describe('textfile collector vs node_exporter 1.5, same folder', () => {
  let tmp: TempDir;
  let dir: string;
  let ne: NodeExporterHandle | undefined;
  let ours: (ProcessHandle & { url: string }) | undefined;

  before(async () => {
    tmp = await makeTempDir('textfile-compare');
    dir = path.join(tmp.path, 'textfile');
    mkdirSync(dir);
    writeFiles(dir, { ...GOOD, ...BAD, ...IGNORED }, 1_700_000_000);
    mkdirSync(path.join(dir, 'subdir.prom'));
  });
  after(async () => {
    await ours?.stop();
    await ne?.stop();
    await tmp?.remove();
  });

  /** Scrapes ours once a textfile run has started after `since` (ms) and finished. */
  async function scrapeOurs(since: number): Promise<string> {
    const end = Date.now() + 15_000;
    for (;;) {
      const text = await (await fetch(`${ours!.url}/metrics`)).text();
      const m = /^atomic_exporter_collector_last_success_timestamp_seconds\{collector="textfile"\} (\S+)$/m.exec(text);
      if (m && Number(m[1]) * 1000 > since + 300) return text;
      if (Date.now() > end) throw new Error(`no textfile run after ${since}:\n${text}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async function compare(label: string, since: number): Promise<Map<string, Family>> {
    const [theirs, mine] = await Promise.all([ne!.scrape(), scrapeOurs(since)]);
    const a = textfileFamilies(theirs);
    const b = textfileFamilies(mine);
    assert.deepEqual(comparable(b), comparable(a), `${label}: atomic-exporter (actual) vs node_exporter (expected)`);
    return b;
  }

  it('serves the same families, values, scrape error and mtimes from good and bad files', async (t) => {
    // Kept for the next test too (stopped in after()): give the helper no `after` of this test.
    ne = await startNodeExporter({ skip: (m) => t.skip(m) }, { args: ['--collector.disable-defaults', '--collector.textfile', `--collector.textfile.directory=${dir}`] });
    if (!ne) return;
    ours = await startExporter(['--collector.disable-defaults', '--collector.textfile', `--collector.textfile.directory=${dir}`, '--collector.textfile.interval=200ms', '--web.engine=node']);
    const fams = await compare('good and bad files', Date.now() - 60_000);
    // What the comparison covered, so that a change in the fixtures cannot make it vacuous.
    assert.equal(fams.get('node_textfile_scrape_error')!.samples[0]!.value, 1);
    const mtimeFiles = fams.get('node_textfile_mtime_seconds')!.samples.map((s) => path.basename(s.labels.file!)).sort();
    // A folder named like a file reads as an empty file in node_exporter 1.5: it gets an mtime.
    assert.deepEqual(mtimeFiles, [...Object.keys(GOOD), 'subdir.prom'].sort(), 'an mtime for each good file, by full path');
    assert.equal(fams.get('node_textfile_mtime_seconds')!.samples.find((s) => s.labels.file === path.join(dir, 'a_counters.prom'))!.value, 1_700_000_000);
    for (const name of ['batch_records_total', 'disk_free_ratio', 'job_duration_seconds', 'rpc_latency_seconds', 'legacy_value', 'dup_series', 'shared_gauge', 'typed_twice', 'from_two_files', 'hidden_file_metric']) {
      assert.ok(fams.has(name), `${name} is served`);
    }
    for (const name of ['with_timestamp', 'fine_before', 'no_newline', 'quoted', 'trailing_blank', 'late_type', 'nothing_here', 'not_read']) assert.ok(!fams.has(name), `${name} is not served`);
    assert.equal(fams.get('from_two_files')!.help, `Metric read from ${path.join(dir, 'i_nohelp.prom')}, ${path.join(dir, 'j_nohelp.prom')}`);
  });

  it('still matches once the bad files are fixed (scrape error 0), and with the folder gone (scrape error 1)', async (t) => {
    if (!ne || !ours) return t.skip('node_exporter not available');
    for (const name of Object.keys(BAD)) rmSync(path.join(dir, name));
    rmSync(path.join(dir, 'subdir.prom'), { recursive: true });
    writeFiles(dir, { 'b_gauges.prom': '# TYPE disk_free_ratio gauge\ndisk_free_ratio{mount="/"} 0.2\n' }, 1_700_100_000);
    let fams = await compare('good files only', Date.now());
    assert.equal(fams.get('node_textfile_scrape_error')!.samples[0]!.value, 0);
    assert.ok(!fams.has('shared_gauge') || fams.get('shared_gauge')!.samples.every((s) => s.labels.from !== 'b'), 'a series gone from its file is gone');

    renameSync(dir, dir + '.gone');
    fams = await compare('folder missing', Date.now());
    assert.equal(fams.get('node_textfile_scrape_error')!.samples[0]!.value, 1);
    assert.deepEqual([...fams.keys()], ['node_textfile_scrape_error'], 'nothing else is served');
  });
});
