import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type FamilySnapshot,
  formatLabelPairs,
  OPENMETRICS_CONTENT_TYPE,
  openMetricsCounterFamilyName,
  renderOpenMetrics,
  renderOpenMetricsChunks,
} from '../../src/exposition/index.js';

const f64 = (...v: number[]): Float64Array => new Float64Array(v);

describe('renderOpenMetrics', () => {
  it('has the OpenMetrics 1.0.0 content type', () => {
    assert.equal(
      OPENMETRICS_CONTENT_TYPE,
      'application/openmetrics-text; version=1.0.0; charset=utf-8',
    );
  });

  it('renders only # EOF for no families', () => {
    assert.equal(renderOpenMetrics([]), '# EOF\n');
  });

  it('names a counter family without _total and its samples with it', () => {
    const out = renderOpenMetrics([
      {
        name: 'http_requests_total',
        help: 'Requests served.',
        type: 'counter',
        labelTexts: ['', formatLabelPairs(['app', 'method'], ['shop', 'GET'])],
        values: f64(3, 1.5),
      },
    ]);
    assert.equal(
      out,
      '# TYPE http_requests counter\n' +
        '# HELP http_requests Requests served.\n' +
        'http_requests_total 3\n' +
        'http_requests_total{app="shop",method="GET"} 1.5\n' +
        '# EOF\n',
    );
  });

  it('appends _total to the samples of a counter named without it', () => {
    const out = renderOpenMetrics([
      { name: 'jobs', help: 'Jobs.', type: 'counter', labelTexts: [''], values: f64(7) },
    ]);
    assert.equal(out, '# TYPE jobs counter\n# HELP jobs Jobs.\njobs_total 7\n# EOF\n');
  });

  it('derives counter family names', () => {
    assert.equal(openMetricsCounterFamilyName('a_total'), 'a');
    assert.equal(openMetricsCounterFamilyName('a'), 'a');
    assert.equal(openMetricsCounterFamilyName('a_total_total'), 'a_total');
    assert.equal(openMetricsCounterFamilyName('_total'), '_total');
  });

  it('keeps gauge names as given, even with a _total suffix', () => {
    const out = renderOpenMetrics([
      { name: 'odd_total', help: 'Gauge.', type: 'gauge', labelTexts: [''], values: f64(1) },
    ]);
    assert.equal(out, '# TYPE odd_total gauge\n# HELP odd_total Gauge.\nodd_total 1\n# EOF\n');
  });

  it('renders a gauge with NaN, +Inf, -Inf', () => {
    const out = renderOpenMetrics([
      {
        name: 'temperature_celsius', help: 'T.', type: 'gauge',
        labelTexts: ['', 'zone="a"', 'zone="b"'], values: f64(NaN, Infinity, -Infinity),
      },
    ]);
    assert.equal(
      out,
      '# TYPE temperature_celsius gauge\n' +
        '# HELP temperature_celsius T.\n' +
        'temperature_celsius NaN\n' +
        'temperature_celsius{zone="a"} +Inf\n' +
        'temperature_celsius{zone="b"} -Inf\n' +
        '# EOF\n',
    );
  });

  it('renders untyped as unknown', () => {
    const out = renderOpenMetrics([
      { name: 'legacy_value', help: 'Legacy.', type: 'untyped', labelTexts: [''], values: f64(2) },
    ]);
    assert.equal(out, '# TYPE legacy_value unknown\n# HELP legacy_value Legacy.\nlegacy_value 2\n# EOF\n');
  });

  it('renders a histogram with canonical le values', () => {
    const out = renderOpenMetrics([
      {
        name: 'latency_seconds',
        help: 'Latency.',
        type: 'histogram',
        labelTexts: ['', 'route="/x"'],
        bounds: [1e-5, 0.1, 1, 10, 1e6],
        buckets: f64(0, 1, 2, 3, 4, 4, 0, 0, 0, 0, 0, 0),
        sums: f64(12.5, 0),
        counts: f64(4, 0),
      },
    ]);
    assert.equal(
      out,
      '# TYPE latency_seconds histogram\n' +
        '# HELP latency_seconds Latency.\n' +
        'latency_seconds_bucket{le="1e-05"} 0\n' +
        'latency_seconds_bucket{le="0.1"} 1\n' +
        'latency_seconds_bucket{le="1.0"} 2\n' +
        'latency_seconds_bucket{le="10.0"} 3\n' +
        'latency_seconds_bucket{le="1e+06"} 4\n' +
        'latency_seconds_bucket{le="+Inf"} 4\n' +
        'latency_seconds_sum 12.5\n' +
        'latency_seconds_count 4\n' +
        'latency_seconds_bucket{route="/x",le="1e-05"} 0\n' +
        'latency_seconds_bucket{route="/x",le="0.1"} 0\n' +
        'latency_seconds_bucket{route="/x",le="1.0"} 0\n' +
        'latency_seconds_bucket{route="/x",le="10.0"} 0\n' +
        'latency_seconds_bucket{route="/x",le="1e+06"} 0\n' +
        'latency_seconds_bucket{route="/x",le="+Inf"} 0\n' +
        'latency_seconds_sum{route="/x"} 0\n' +
        'latency_seconds_count{route="/x"} 0\n' +
        '# EOF\n',
    );
  });

  it('renders a summary with canonical quantiles, NaN when there were no observations', () => {
    const out = renderOpenMetrics([
      {
        name: 'size_bytes',
        help: 'Size.',
        type: 'summary',
        labelTexts: ['', 'route="/x"'],
        quantiles: [0.5, 0.99, 1],
        quantileValues: f64(10, 20, 30, NaN, NaN, NaN),
        sums: f64(60, 0),
        counts: f64(3, 0),
      },
    ]);
    assert.equal(
      out,
      '# TYPE size_bytes summary\n' +
        '# HELP size_bytes Size.\n' +
        'size_bytes{quantile="0.5"} 10\n' +
        'size_bytes{quantile="0.99"} 20\n' +
        'size_bytes{quantile="1.0"} 30\n' +
        'size_bytes_sum 60\n' +
        'size_bytes_count 3\n' +
        'size_bytes{route="/x",quantile="0.5"} NaN\n' +
        'size_bytes{route="/x",quantile="0.99"} NaN\n' +
        'size_bytes{route="/x",quantile="1.0"} NaN\n' +
        'size_bytes_sum{route="/x"} 0\n' +
        'size_bytes_count{route="/x"} 0\n' +
        '# EOF\n',
    );
  });

  it('keeps metadata of a family without series; no HELP line for empty help', () => {
    const out = renderOpenMetrics([
      { name: 'queue_length', help: 'Queue.', type: 'gauge', labelTexts: [], values: f64() },
      { name: 'g', help: '', type: 'gauge', labelTexts: [''], values: f64(1) },
    ]);
    assert.equal(
      out,
      '# TYPE queue_length gauge\n# HELP queue_length Queue.\n# TYPE g gauge\ng 1\n# EOF\n',
    );
  });

  it('escapes HELP with quotes too, and label values; keeps UTF-8', () => {
    const out = renderOpenMetrics([
      {
        name: 'weird',
        help: 'A "quoted" \\ back\nslash ü',
        type: 'gauge',
        labelTexts: [formatLabelPairs(['v'], ['a\\b"c\nd ü 🎉 中'])],
        values: f64(1),
      },
    ]);
    assert.equal(
      out,
      '# TYPE weird gauge\n' +
        '# HELP weird A \\"quoted\\" \\\\ back\\nslash ü\n' +
        'weird{v="a\\\\b\\"c\\nd ü 🎉 中"} 1\n' +
        '# EOF\n',
    );
  });
});

describe('renderOpenMetricsChunks', () => {
  it('gives the same bytes as renderOpenMetrics and ends with # EOF', () => {
    const n = 4000;
    const labelTexts = Array.from({ length: n }, (_, i) => formatLabelPairs(['id'], [`s${i}`]));
    const families: FamilySnapshot[] = [
      { name: 'c_total', help: 'C.', type: 'counter', labelTexts, values: new Float64Array(n) },
      {
        name: 'h_seconds', help: 'H.', type: 'histogram', labelTexts, bounds: [0.5, 1],
        buckets: new Float64Array(n * 3), sums: new Float64Array(n), counts: new Float64Array(n),
      },
    ];
    const chunks: string[] = [];
    renderOpenMetricsChunks(families, (c) => chunks.push(c));
    assert.ok(chunks.length > 2);
    assert.equal(chunks.join(''), renderOpenMetrics(families));
    assert.ok(chunks.at(-1)!.endsWith('\n# EOF\n'));
  });
});
