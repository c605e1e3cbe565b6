/**
 * Every `--synthetic.*` flag's validation: a bad value is a usage error (exit status 2) whose
 * one line names the flag. The table is checked in this process the way the command checks it
 * (src/cli/main.ts readFlags: the flag parser, then the collectors' option constraints), and a
 * few cases through the real command.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { parseFlags } from '../../src/cli/args.js';
import { commandFlagSpecs, PROGRAM } from '../../src/cli/main.js';
import { UsageError } from '../../src/cli/usage-error.js';
import { CollectorRuntimeError } from '../../src/runtime/errors.js';
import { discoverCollectors, type DiscoveredCollector } from '../../src/runtime/discovery.js';
import { resolveCollectors } from '../../src/runtime/flags.js';
import { runCli } from '../cli/cli-process.js';

let collectors: DiscoveredCollector[];

before(async () => {
  collectors = await discoverCollectors();
});

/** Resolves argv as the command does; returns the synthetic collector's options, or throws. */
function resolve(argv: string[]): Readonly<Record<string, unknown>> {
  const out = parseFlags(PROGRAM, commandFlagSpecs(collectors), { argv, env: {} });
  assert.equal(out.kind, 'run');
  const flags: Record<string, unknown> = {};
  for (const [name, f] of out.flags) if (f.source !== 'default') flags[name] = f.value;
  return resolveCollectors(collectors, flags).collectors.find((c) => c.name === 'synthetic')!.options;
}

function rejects(argv: string[], flag: string): string {
  try {
    resolve(argv);
  } catch (e) {
    assert.ok(e instanceof UsageError || e instanceof CollectorRuntimeError, `${argv.join(' ')}: ${String(e)}`);
    const message = (e as Error).message;
    assert.ok(message.includes(`--${flag}`), `${argv.join(' ')}: message does not name --${flag}: ${message}`);
    assert.ok(!message.includes('\n'));
    return message;
  }
  assert.fail(`${argv.join(' ')} was accepted`);
}

const BAD: [flag: string, values: string[]][] = [
  ['synthetic.metric-count', ['-1', '1.5', 'abc', '']],
  ['synthetic.gauge-metric-count', ['-3', 'x']],
  ['synthetic.counter-metric-count', ['-1', 'many']],
  ['synthetic.histogram-metric-count', ['-1', '0.5']],
  ['synthetic.histogram-bucket-count', ['31', '-1']],
  ['synthetic.summary-metric-count', ['2.5', '-2']],
  ['synthetic.summary-objective-count', ['101', '-1']],
  ['synthetic.series-count', ['-1', '10000001', '1e3x']],
  ['synthetic.label-count', ['1001', '-1']],
  ['synthetic.metricname-length', ['201', '-1']],
  ['synthetic.labelname-length', ['201', '-1']],
  ['synthetic.const-label', ['novalue', '1bad=x', 'series_id=1', 'cycle_id=2', 'label_key_kkkkk_0=v', '__name=x', '=x']],
  ['synthetic.value-interval', ['5x', '500ms', '-1s', '30']],
  ['synthetic.series-interval', ['abc', '1']],
  ['synthetic.metric-interval', ['1', 'never']],
  ['synthetic.series-operation-mode', ['sometimes', 'Spike', '']],
  ['synthetic.series-change-interval', ['10q', '999ms']],
  ['synthetic.series-change-rate', ['0', '-5']],
  ['synthetic.min-series-count', ['-1']],
  ['synthetic.max-series-count', ['10000001', '-1']],
  ['synthetic.spike-multiplier', ['0.9', 'big', '1001']],
];

describe('--synthetic.* flags', () => {
  for (const [flag, values] of BAD) {
    it(`--${flag}: bad values are refused, naming the flag`, () => {
      for (const v of values) rejects([`--${flag}=${v}`], flag);
    });
  }

  it('cross-flag rules: metric-count with gauge-metric-count, min-series-count not below max-series-count', () => {
    const both = rejects(['--synthetic.metric-count=3', '--synthetic.gauge-metric-count=4'], 'synthetic.metric-count');
    assert.match(both, /--synthetic\.gauge-metric-count/);
    assert.match(rejects(['--synthetic.min-series-count=1000', '--synthetic.max-series-count=1000'], 'synthetic.min-series-count'), /--synthetic\.max-series-count/);
  });

  it('good values pass, with their meaning', () => {
    const o = resolve([
      '--synthetic.metric-count=0',
      '--synthetic.series-count=10000',
      '--synthetic.const-label=env=prod',
      '--synthetic.const-label=url=http://x/?a=b',
      '--synthetic.value-interval=0',
      '--synthetic.series-interval=1m30s',
      '--synthetic.series-operation-mode=gradual-change',
      '--synthetic.spike-multiplier=2.5',
    ]);
    assert.equal(o.metricCount, 0);
    assert.equal(o.seriesCount, 10000);
    assert.deepEqual(o.constLabel, ['env=prod', 'url=http://x/?a=b']);
    assert.equal(o.valueInterval, '0');
    assert.equal(o.seriesInterval, '1m30s');
    assert.equal(o.seriesOperationMode, 'gradual-change');
    assert.equal(o.spikeMultiplier, 2.5);
    // Absent: avalanche's defaults.
    const d = resolve([]);
    assert.equal(d.seriesCount, 100);
    assert.equal(d.labelCount, 10);
    assert.equal(d.valueInterval, '30s');
    assert.equal(d.gaugeMetricCount, undefined);
  });

  it('the synthetic collector is off by default', () => {
    const out = parseFlags(PROGRAM, commandFlagSpecs(collectors), { argv: [], env: {} });
    assert.equal(out.kind, 'run');
    assert.equal(resolveCollectors(collectors, {}).collectors.find((c) => c.name === 'synthetic')!.enabled, false);
    assert.equal(resolveCollectors(collectors, { 'collector.synthetic': true }).collectors.find((c) => c.name === 'synthetic')!.enabled, true);
  });

  it('the command exits 2 with one line naming the flag, before starting anything', async () => {
    for (const [args, flag] of [
      [['--collector.synthetic', '--synthetic.series-count=-5'], 'synthetic.series-count'],
      [['--synthetic.series-operation-mode=wobble'], 'synthetic.series-operation-mode'],
      [['--synthetic.const-label=cycle_id=1'], 'synthetic.const-label'],
    ] as const) {
      const r = await runCli([...args, '--web.listen-address=127.0.0.1:1']);
      assert.equal(r.code, 2, r.stderr);
      const lines = r.stderr.trim().split('\n');
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0]!, new RegExp(`--${flag.replace(/\./g, '\\.')}`));
    }
  });
});
