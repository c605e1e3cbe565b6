/**
 * Our output checked by Prometheus's own parsers, through promtool.
 *
 * - Text format: `promtool check metrics` parses stdin with the client-side text parser and lints
 *   it (exit 0 only when there is neither a parse error nor a lint problem).
 * - OpenMetrics: `check metrics` does not read it, but `promtool tsdb create-blocks-from
 *   openmetrics` (backfill) parses a file with Prometheus's OpenMetrics scrape parser. Backfill
 *   needs a timestamp on every sample, so the test appends one to each sample line (our output
 *   has none, and the grammar allows one after the value). `promtool tsdb dump` then shows what
 *   Prometheus stored, which we compare with what we meant to expose.
 *
 * Without promtool the tests are skipped with a message, except under CI=true where that fails.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  type FamilySnapshot,
  formatLabelPairs,
  renderOpenMetrics,
  renderText,
} from '../../src/exposition/index.js';

function promtoolAvailable(): boolean {
  const r = spawnSync('promtool', ['--version'], { encoding: 'utf8' });
  return r.error === undefined && r.status === 0;
}

const available = promtoolAvailable();
if (!available && process.env.CI === 'true') {
  throw new Error('promtool is missing from PATH, and CI=true requires it (Debian: apt-get install prometheus)');
}
const skip = available ? false : 'promtool is missing from PATH; install it (Debian: prometheus) to run these checks';

const f64 = (...v: number[]): Float64Array => new Float64Array(v);
const odd = 'a\\b"c\nd ü 🎉';

/** Families of every type that promtool's linter has nothing to say about. */
const lintClean: FamilySnapshot[] = [
  {
    name: 'app_http_requests_total',
    help: 'Requests served, "quoted" \\ and\nmultiline ü.',
    type: 'counter',
    labelTexts: [
      '',
      formatLabelPairs(['service', 'method'], ['shop', 'GET']),
      formatLabelPairs(['service', 'method'], ['shop', odd]),
    ],
    values: f64(0, 12, 1e21),
  },
  {
    name: 'app_temperature_celsius',
    help: 'Temperature.',
    type: 'gauge',
    labelTexts: ['', 'zone="a"', 'zone="b"'],
    values: f64(NaN, Infinity, -Infinity),
  },
  {
    name: 'app_request_duration_seconds',
    help: 'Request latency.',
    type: 'histogram',
    labelTexts: ['', formatLabelPairs(['route'], [odd])],
    bounds: [1e-5, 0.005, 0.1, 1, 10, 1e6],
    buckets: f64(0, 1, 2, 3, 4, 5, 5, 0, 0, 0, 0, 0, 0, 0),
    sums: f64(12.5, 0),
    counts: f64(5, 0),
  },
  {
    name: 'app_response_size_bytes',
    help: 'Response sizes.',
    type: 'summary',
    labelTexts: ['', 'route="/x"'],
    quantiles: [0.5, 0.9, 0.99, 1],
    quantileValues: f64(1, 2, 3, 4, NaN, NaN, NaN, NaN),
    sums: f64(10, 0),
    counts: f64(4, 0),
  },
  { name: 'app_legacy_value', help: 'Untyped.', type: 'untyped', labelTexts: [''], values: f64(7) },
  { name: 'app_queue_length', help: 'Declared, no series yet.', type: 'gauge', labelTexts: [], values: f64() },
];

describe('promtool check metrics (text format)', { skip }, () => {
  it('accepts every type with exit 0 and no complaint', () => {
    const r = spawnSync('promtool', ['check', 'metrics'], { input: renderText(lintClean), encoding: 'utf8' });
    assert.equal(r.stdout + r.stderr, '');
    assert.equal(r.status, 0);
  });

  it('reports lint problems but no parse error for a counter without _total', () => {
    const r = spawnSync('promtool', ['check', 'metrics'], {
      input: renderText([{ name: 'app_jobs', help: 'Jobs.', type: 'counter', labelTexts: [''], values: f64(1) }]),
      encoding: 'utf8',
    });
    assert.doesNotMatch(r.stdout + r.stderr, /pars/i);
    assert.match(r.stdout + r.stderr, /_total/);
  });
});

describe('Prometheus OpenMetrics parser (promtool tsdb create-blocks-from openmetrics)', { skip }, () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'atomic-exporter-om-'));
  });
  after(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  /** Imports OpenMetrics text into a fresh TSDB and returns `promtool tsdb dump` lines. */
  function importAndDump(om: string, name: string): string[] {
    const ts = '1700000000';
    const withTs = om
      .split('\n')
      .map((line) => (line === '' || line.startsWith('#') ? line : `${line} ${ts}`))
      .join('\n');
    const file = join(dir, `${name}.om`);
    const db = join(dir, name);
    writeFileSync(file, withTs);
    const created = spawnSync('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', '--quiet', file, db], {
      encoding: 'utf8',
    });
    assert.equal(created.status, 0, created.stdout + created.stderr);
    mkdirSync(join(db, 'wal'), { recursive: true }); // dump opens the DB, which wants a WAL folder
    const dumped = spawnSync('promtool', ['tsdb', 'dump', db], { encoding: 'utf8' });
    assert.equal(dumped.status, 0, dumped.stderr);
    return dumped.stdout.trim().split('\n');
  }

  it('parses every type and stores exactly the series and values we exposed', () => {
    const families: FamilySnapshot[] = [
      ...lintClean,
      // OpenMetrics-specific naming: a counter declared without _total, a gauge ending in _total.
      { name: 'app_jobs', help: 'Jobs.', type: 'counter', labelTexts: [''], values: f64(3) },
      { name: 'app_odd_total', help: 'A gauge.', type: 'gauge', labelTexts: [''], values: f64(2) },
    ];
    const dump = importAndDump(renderOpenMetrics(families), 'all');
    const q = JSON.stringify; // Go's %q agrees with JSON for these values
    const expected = [
      '{__name__="app_http_requests_total"} 0',
      '{__name__="app_http_requests_total", method="GET", service="shop"} 12',
      `{__name__="app_http_requests_total", method=${q(odd)}, service="shop"} 1e+21`,
      '{__name__="app_jobs_total"} 3',
      '{__name__="app_legacy_value"} 7',
      '{__name__="app_odd_total"} 2',
      '{__name__="app_request_duration_seconds_bucket", le="+Inf"} 5',
      `{__name__="app_request_duration_seconds_bucket", le="+Inf", route=${q(odd)}} 0`,
      '{__name__="app_request_duration_seconds_bucket", le="0.005"} 1',
      `{__name__="app_request_duration_seconds_bucket", le="0.005", route=${q(odd)}} 0`,
      '{__name__="app_request_duration_seconds_bucket", le="0.1"} 2',
      `{__name__="app_request_duration_seconds_bucket", le="0.1", route=${q(odd)}} 0`,
      '{__name__="app_request_duration_seconds_bucket", le="1.0"} 3',
      `{__name__="app_request_duration_seconds_bucket", le="1.0", route=${q(odd)}} 0`,
      '{__name__="app_request_duration_seconds_bucket", le="10.0"} 4',
      `{__name__="app_request_duration_seconds_bucket", le="10.0", route=${q(odd)}} 0`,
      '{__name__="app_request_duration_seconds_bucket", le="1e+06"} 5',
      `{__name__="app_request_duration_seconds_bucket", le="1e+06", route=${q(odd)}} 0`,
      '{__name__="app_request_duration_seconds_bucket", le="1e-05"} 0',
      `{__name__="app_request_duration_seconds_bucket", le="1e-05", route=${q(odd)}} 0`,
      '{__name__="app_request_duration_seconds_count"} 5',
      `{__name__="app_request_duration_seconds_count", route=${q(odd)}} 0`,
      '{__name__="app_request_duration_seconds_sum"} 12.5',
      `{__name__="app_request_duration_seconds_sum", route=${q(odd)}} 0`,
      '{__name__="app_response_size_bytes", quantile="0.5"} 1',
      '{__name__="app_response_size_bytes", quantile="0.5", route="/x"} NaN',
      '{__name__="app_response_size_bytes", quantile="0.9"} 2',
      '{__name__="app_response_size_bytes", quantile="0.9", route="/x"} NaN',
      '{__name__="app_response_size_bytes", quantile="0.99"} 3',
      '{__name__="app_response_size_bytes", quantile="0.99", route="/x"} NaN',
      '{__name__="app_response_size_bytes", quantile="1.0"} 4',
      '{__name__="app_response_size_bytes", quantile="1.0", route="/x"} NaN',
      '{__name__="app_response_size_bytes_count"} 4',
      '{__name__="app_response_size_bytes_count", route="/x"} 0',
      '{__name__="app_response_size_bytes_sum"} 10',
      '{__name__="app_response_size_bytes_sum", route="/x"} 0',
      '{__name__="app_temperature_celsius"} NaN',
      '{__name__="app_temperature_celsius", zone="a"} +Inf',
      '{__name__="app_temperature_celsius", zone="b"} -Inf',
    ].map((line) => `${line} 1700000000000`);
    assert.deepEqual(dump, expected);
  });

  it('rejects output without # EOF (the check is real)', () => {
    const om = renderOpenMetrics(lintClean).replace('# EOF\n', '');
    const file = join(dir, 'no-eof.om');
    writeFileSync(file, om.replace(/^([^#].*)$/gm, '$1 1700000000'));
    const r = spawnSync('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', file, join(dir, 'no-eof')], {
      encoding: 'utf8',
    });
    assert.notEqual(r.status, 0);
    assert.match(r.stdout + r.stderr, /EOF/);
  });
});
