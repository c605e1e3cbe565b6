import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CHUNK_CHARS,
  type FamilySnapshot,
  formatLabelPairs,
  renderText,
  renderTextChunks,
  TEXT_CONTENT_TYPE,
} from '../../src/exposition/index.js';

const f64 = (...v: number[]): Float64Array => new Float64Array(v);

describe('renderText', () => {
  it('has the 0.0.4 content type', () => {
    assert.equal(TEXT_CONTENT_TYPE, 'text/plain; version=0.0.4; charset=utf-8');
  });

  it('renders nothing for no families', () => {
    assert.equal(renderText([]), '');
  });

  it('renders a counter with and without labels, name as given', () => {
    const out = renderText([
      {
        name: 'http_requests_total',
        help: 'Requests served.',
        type: 'counter',
        labelTexts: ['', formatLabelPairs(['app', 'method'], ['shop', 'GET'])],
        values: f64(3, 1.5),
      },
      { name: 'jobs', help: 'Jobs.', type: 'counter', labelTexts: [''], values: f64(7) },
    ]);
    assert.equal(
      out,
      '# HELP http_requests_total Requests served.\n' +
        '# TYPE http_requests_total counter\n' +
        'http_requests_total 3\n' +
        'http_requests_total{app="shop",method="GET"} 1.5\n' +
        '# HELP jobs Jobs.\n' +
        '# TYPE jobs counter\n' +
        'jobs 7\n',
    );
  });

  it('renders a gauge with NaN, +Inf, -Inf', () => {
    const out = renderText([
      {
        name: 'temperature_celsius',
        help: 'Temperature.',
        type: 'gauge',
        labelTexts: ['', 'zone="a"', 'zone="b"'],
        values: f64(NaN, Infinity, -Infinity),
      },
    ]);
    assert.equal(
      out,
      '# HELP temperature_celsius Temperature.\n' +
        '# TYPE temperature_celsius gauge\n' +
        'temperature_celsius NaN\n' +
        'temperature_celsius{zone="a"} +Inf\n' +
        'temperature_celsius{zone="b"} -Inf\n',
    );
  });

  it('renders untyped as untyped', () => {
    const out = renderText([
      { name: 'legacy_value', help: 'Legacy.', type: 'untyped', labelTexts: [''], values: f64(2) },
    ]);
    assert.equal(out, '# HELP legacy_value Legacy.\n# TYPE legacy_value untyped\nlegacy_value 2\n');
  });

  it('renders a histogram: buckets with le (Go style), +Inf, _sum, _count', () => {
    const out = renderText([
      {
        name: 'latency_seconds',
        help: 'Latency.',
        type: 'histogram',
        labelTexts: ['', 'route="/x"'],
        bounds: [0.1, 1, 10],
        buckets: f64(1, 2, 3, 4, 0, 0, 0, 0),
        sums: f64(12.5, 0),
        counts: f64(4, 0),
      },
    ]);
    assert.equal(
      out,
      '# HELP latency_seconds Latency.\n' +
        '# TYPE latency_seconds histogram\n' +
        'latency_seconds_bucket{le="0.1"} 1\n' +
        'latency_seconds_bucket{le="1"} 2\n' +
        'latency_seconds_bucket{le="10"} 3\n' +
        'latency_seconds_bucket{le="+Inf"} 4\n' +
        'latency_seconds_sum 12.5\n' +
        'latency_seconds_count 4\n' +
        'latency_seconds_bucket{route="/x",le="0.1"} 0\n' +
        'latency_seconds_bucket{route="/x",le="1"} 0\n' +
        'latency_seconds_bucket{route="/x",le="10"} 0\n' +
        'latency_seconds_bucket{route="/x",le="+Inf"} 0\n' +
        'latency_seconds_sum{route="/x"} 0\n' +
        'latency_seconds_count{route="/x"} 0\n',
    );
  });

  it('renders a histogram with no finite bounds as just the +Inf bucket', () => {
    const out = renderText([
      {
        name: 'h', help: 'H.', type: 'histogram', labelTexts: [''], bounds: [],
        buckets: f64(2), sums: f64(3), counts: f64(2),
      },
    ]);
    assert.equal(out, '# HELP h H.\n# TYPE h histogram\nh_bucket{le="+Inf"} 2\nh_sum 3\nh_count 2\n');
  });

  it('renders a summary, NaN quantiles when there were no observations', () => {
    const out = renderText([
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
      '# HELP size_bytes Size.\n' +
        '# TYPE size_bytes summary\n' +
        'size_bytes{quantile="0.5"} 10\n' +
        'size_bytes{quantile="0.99"} 20\n' +
        'size_bytes{quantile="1"} 30\n' +
        'size_bytes_sum 60\n' +
        'size_bytes_count 3\n' +
        'size_bytes{route="/x",quantile="0.5"} NaN\n' +
        'size_bytes{route="/x",quantile="0.99"} NaN\n' +
        'size_bytes{route="/x",quantile="1"} NaN\n' +
        'size_bytes_sum{route="/x"} 0\n' +
        'size_bytes_count{route="/x"} 0\n',
    );
  });

  it('renders a summary without quantiles as _sum and _count only', () => {
    const out = renderText([
      { name: 's', help: 'S.', type: 'summary', labelTexts: [''], sums: f64(1), counts: f64(1) },
    ]);
    assert.equal(out, '# HELP s S.\n# TYPE s summary\ns_sum 1\ns_count 1\n');
  });

  it('keeps HELP and TYPE of a family without series', () => {
    const out = renderText([
      { name: 'queue_length', help: 'Queue.', type: 'gauge', labelTexts: [], values: f64() },
    ]);
    assert.equal(out, '# HELP queue_length Queue.\n# TYPE queue_length gauge\n');
  });

  it('writes no HELP line for empty help', () => {
    const out = renderText([{ name: 'g', help: '', type: 'gauge', labelTexts: [''], values: f64(1) }]);
    assert.equal(out, '# TYPE g gauge\ng 1\n');
  });

  it('escapes HELP (backslash, newline; not quotes) and label values; keeps UTF-8', () => {
    const out = renderText([
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
      '# HELP weird A "quoted" \\\\ back\\nslash ü\n' +
        '# TYPE weird gauge\n' +
        'weird{v="a\\\\b\\"c\\nd ü 🎉 中"} 1\n',
    );
  });

  it('explains a snapshot that lacks the arrays of its type', () => {
    const noValues: FamilySnapshot = { name: 'c_total', help: 'C.', type: 'counter', labelTexts: [''] };
    assert.throws(() => renderText([noValues]), {
      name: 'TypeError',
      message: 'counter family "c_total": snapshot has no values',
    });
    const short: FamilySnapshot = {
      name: 'h', help: 'H.', type: 'histogram', labelTexts: ['', ''], bounds: [1],
      buckets: f64(1, 1, 2), sums: f64(1, 2), counts: f64(1, 2),
    };
    assert.throws(() => renderText([short]), {
      name: 'RangeError',
      message: 'histogram family "h": snapshot buckets has 3 entries, needs 4',
    });
  });
});

describe('renderTextChunks', () => {
  it('gives the same bytes as renderText, in chunks of about CHUNK_CHARS', () => {
    const n = 3000;
    const labelTexts = Array.from({ length: n }, (_, i) => formatLabelPairs(['id'], [`series-${i}`]));
    const families: FamilySnapshot[] = [
      { name: 'c_total', help: 'C.', type: 'counter', labelTexts, values: new Float64Array(n).fill(1.25) },
      {
        name: 'h_seconds', help: 'H.', type: 'histogram', labelTexts, bounds: [0.1, 1],
        buckets: new Float64Array(n * 3).fill(2), sums: new Float64Array(n).fill(3),
        counts: new Float64Array(n).fill(2),
      },
      {
        name: 's_bytes', help: 'S.', type: 'summary', labelTexts, quantiles: [0.5],
        quantileValues: new Float64Array(n).fill(NaN), sums: new Float64Array(n),
        counts: new Float64Array(n),
      },
    ];
    const chunks: string[] = [];
    renderTextChunks(families, (c) => chunks.push(c));
    assert.ok(chunks.length > 3, `expected several chunks, got ${chunks.length}`);
    assert.equal(chunks.join(''), renderText(families));
    for (const c of chunks.slice(0, -1)) {
      assert.ok(c.length >= CHUNK_CHARS && c.length < CHUNK_CHARS + 1024, `chunk of ${c.length}`);
      assert.ok(c.endsWith('\n'), 'chunks end at line boundaries');
    }
  });

  it('emits nothing for no families', () => {
    const chunks: string[] = [];
    renderTextChunks([], (c) => chunks.push(c));
    assert.deepEqual(chunks, []);
  });
});
