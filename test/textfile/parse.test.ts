/**
 * The text format parser of the textfile collector (src/textfile/parse.ts), on strings. The
 * expectations are what node_exporter 1.5 (prometheus/common's TextParser) does with the same
 * input; test/textfile/collector.test.ts checks a folder of such files against the real binary.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { goUint64, hasTimestamps, parseGoFloat, parseTextFormat, TextParseError } from '../../src/textfile/parse.js';

function fails(input: string, line: number, reason: string | RegExp): void {
  assert.throws(
    () => parseTextFormat(input),
    (e: unknown) => {
      assert.ok(e instanceof TextParseError, `expected a TextParseError, got ${String(e)}`);
      assert.equal(e.line, line, `line of: ${e.message}`);
      if (typeof reason === 'string') assert.equal(e.reason, reason);
      else assert.match(e.reason, reason);
      assert.equal(e.message, `text format parsing error in line ${line}: ${e.reason}`);
      return true;
    },
  );
}

describe('parseTextFormat: what parses', () => {
  it('reads HELP, TYPE and samples of scalar families, in order of appearance', () => {
    const fams = parseTextFormat(
      '# HELP requests_total Requests served.\n# TYPE requests_total counter\nrequests_total{code="200",method="GET"} 1027\nrequests_total{code="500",method="GET"} 3\n' +
        '# TYPE temp gauge\ntemp -4.5\nbare 7\n',
    );
    assert.deepEqual([...fams.keys()], ['requests_total', 'temp', 'bare']);
    const r = fams.get('requests_total')!;
    assert.equal(r.help, 'Requests served.');
    assert.equal(r.type, 'counter');
    assert.deepEqual(r.metrics.map((m) => [m.labels, m.value]), [
      [[{ name: 'code', value: '200' }, { name: 'method', value: 'GET' }], 1027],
      [[{ name: 'code', value: '500' }, { name: 'method', value: 'GET' }], 3],
    ]);
    assert.equal(fams.get('temp')!.type, 'gauge');
    assert.equal(fams.get('temp')!.help, undefined);
    assert.equal(fams.get('bare')!.type, 'untyped');
  });

  it('accepts blanks and tabs around tokens, empty lines, comments, a trailing comma, HELP after samples', () => {
    const fams = parseTextFormat('  lead 1\n\n# just a comment\n#\n# HELP\n# HELP   onlyname\nonlyname 2\nspaced { a = "1" ,\tb="2" }   7\ntrail{a="1",} 3\nx 1\n# HELP x later help\n');
    assert.equal(fams.get('lead')!.metrics[0]!.value, 1);
    assert.equal(fams.get('onlyname')!.help, undefined, 'a HELP line without text sets nothing');
    assert.deepEqual(fams.get('spaced')!.metrics[0]!.labels, [
      { name: 'a', value: '1' },
      { name: 'b', value: '2' },
    ]);
    assert.deepEqual(fams.get('trail')!.metrics[0]!.labels, [{ name: 'a', value: '1' }]);
    assert.equal(fams.get('x')!.help, 'later help');
  });

  it('unescapes label values (\\\\, \\", \\n) and HELP (\\\\, \\n), and decodes UTF-8', () => {
    const fams = parseTextFormat('# HELP esc A \\\\ backslash, a \\n newline, ünïcode\nesc{v="q\\"b\\\\n\\n",u="日本"} 1\n');
    const f = fams.get('esc')!;
    assert.equal(f.help, 'A \\ backslash, a \n newline, ünïcode');
    assert.deepEqual(f.metrics[0]!.labels, [
      { name: 'v', value: 'q"b\\n\n' },
      { name: 'u', value: '日本' },
    ]);
  });

  it('reads values as Go does: inf, -Infinity, nan, .5, 5., +3, 1e-400', () => {
    const values = parseTextFormat('v{k="a"} inf\nv{k="b"} -Infinity\nv{k="c"} nan\nv{k="d"} .5\nv{k="e"} 5.\nv{k="f"} +3\nv{k="g"} 1e-400\nv{k="h"} 1E3\n')
      .get('v')!
      .metrics.map((m) => m.value);
    assert.deepEqual(values, [Infinity, -Infinity, NaN, 0.5, 5, 3, 0, 1000]);
  });

  it('keeps TYPE case-insensitive and drops a backslash there, as Go does', () => {
    assert.equal(parseTextFormat('# TYPE a GAUGE\na 1\n').get('a')!.type, 'gauge');
    assert.equal(parseTextFormat('# TYPE a Gau\\ge\na 1\n').get('a')!.type, 'gauge');
  });

  it('drops families without samples', () => {
    const fams = parseTextFormat('# HELP empty nothing\n# TYPE empty gauge\nfull 1\n');
    assert.deepEqual([...fams.keys()], ['full']);
  });

  it('assembles summaries: quantiles, _sum, _count (as uint64), per label set', () => {
    const f = parseTextFormat('# TYPE s summary\ns{quantile="0.5"} 1\ns{quantile="0.9"} 2\ns_sum 3\ns_count 4.9\ns{a="x",quantile="0.5"} 7\n').get('s')!;
    assert.equal(f.type, 'summary');
    assert.equal(f.metrics.length, 2);
    assert.deepEqual(f.metrics[0]!.quantiles, [
      { quantile: 0.5, value: 1 },
      { quantile: 0.9, value: 2 },
    ]);
    assert.equal(f.metrics[0]!.sum, 3);
    assert.equal(f.metrics[0]!.count, 4, '_count is an integer: 4.9 reads as 4');
    assert.deepEqual(f.metrics[1]!.labels, [{ name: 'a', value: 'x' }]);
    assert.deepEqual(f.metrics[1]!.quantiles, [{ quantile: 0.5, value: 7 }]);
    assert.equal(f.metrics[1]!.count, undefined);
  });

  it('assembles histograms; _bucket/_sum/_count join only a histogram declared before them', () => {
    const fams = parseTextFormat('# TYPE h histogram\nh_bucket{le="1"} 1\nh_bucket{le="2"} 2.7\nh_bucket{le="+Inf"} 3\nh_sum 3.5\nh_count 4\nh2_bucket{le="+Inf"} 5\nx_sum 1\n');
    const h = fams.get('h')!;
    assert.deepEqual(h.metrics[0]!.buckets, [
      { upperBound: 1, cumulativeCount: 1 },
      { upperBound: 2, cumulativeCount: 2 },
      { upperBound: Infinity, cumulativeCount: 3 },
    ]);
    assert.equal(h.metrics[0]!.sum, 3.5);
    assert.equal(h.metrics[0]!.count, 4);
    assert.equal(fams.get('h2_bucket')!.type, 'untyped', 'no histogram h2 was declared: a family of its own');
    assert.deepEqual(fams.get('h2_bucket')!.metrics[0]!.labels, [{ name: 'le', value: '+Inf' }]);
    assert.equal(fams.get('x_sum')!.type, 'untyped');
  });

  it('records timestamps, which hasTimestamps reports', () => {
    const fams = parseTextFormat('a 1 1700000000000\nb 2 -5\n');
    assert.equal(fams.get('a')!.metrics[0]!.timestampMs, 1700000000000);
    assert.equal(fams.get('b')!.metrics[0]!.timestampMs, -5);
    assert.equal(hasTimestamps(fams), true);
    assert.equal(hasTimestamps(parseTextFormat('a 1\n')), false);
  });

  it('keeps a repeated series (the gatherer decides), and takes bytes as well as strings', () => {
    assert.equal(parseTextFormat('d{a="1"} 1\nd{a="1"} 2\n').get('d')!.metrics.length, 2);
    assert.equal(parseTextFormat(new TextEncoder().encode('u{v="é"} 1\n')).get('u')!.metrics[0]!.labels[0]!.value, 'é');
  });
});

describe('parseTextFormat: what is refused, with the line and the reason', () => {
  it('a last line without a newline', () => {
    fails('a 1\nb 2', 2, 'unexpected end of input stream');
    fails('# HELP a text', 1, 'unexpected end of input stream');
  });
  it('anything after a value but a timestamp; a blank after the timestamp; a CR', () => {
    fails('a 1 \n', 1, 'expected integer as timestamp, got ""');
    fails('a 1 x\n', 1, 'expected integer as timestamp, got "x"');
    fails('a 1 1700000000000 \n', 1, 'spurious string after timestamp: " "');
    fails('a 1\r\n', 1, 'expected float as value, got "1\\r"');
  });
  it('values Go does not read: out of range, hex, underscores, +NaN', () => {
    fails('a 1e400\n', 1, 'expected float as value, got "1e400"');
    fails('a 0x1p-2\n', 1, 'expected float as value, got "0x1p-2"');
    fails('a 1_000\n', 1, 'expected float as value, got "1_000"');
    fails('a +NaN\n', 1, 'expected float as value, got "+NaN"');
    fails('a\n', 1, 'expected float as value, got ""');
  });
  it('bad names and labels', () => {
    fails('{a="1"} 1\n', 1, 'invalid metric name');
    fails('9a 1\n', 1, 'invalid metric name');
    fails('a{9="1"} 1\n', 1, 'invalid label name for metric "a"');
    fails('a{__name__="b"} 1\n', 1, 'label name "__name__" is reserved');
    fails('a{x="1",x="2"} 1\n', 1, 'duplicate label names for metric "a"');
    fails('a{x 1\n', 1, "expected '=' after label name, found '1'");
    fails('a{x=1} 1\n', 1, `expected '"' at start of label value, found '1'`);
    fails('a{x="1" y="2"} 1\n', 1, 'unexpected end of label value "1"');
    fails('a{x="1\n"} 1\n', 1, 'label value "1" contains unescaped new-line');
    fails('a{x="\\t"} 1\n', 1, "invalid escape sequence '\\t'");
    fails('# HELP a 9\n# HELP {x\n', 2, 'invalid metric name in comment');
  });
  it('label values that are not UTF-8', () => {
    assert.throws(() => parseTextFormat(Uint8Array.from([...Buffer.from('a{x="'), 0xff, ...Buffer.from('"} 1\n')])), /line 1: invalid label value/);
  });
  it('a HELP escape other than \\\\ and \\n (\\" included)', () => {
    fails('# HELP a say \\"hi\\"\na 1\n', 1, "invalid escape sequence '\\\"'");
  });
  it('a second HELP, a second TYPE, a TYPE after samples, an unknown type', () => {
    fails('# HELP a x\n# HELP a y\na 1\n', 2, 'second HELP line for metric name "a"');
    fails('# TYPE a gauge\n# TYPE a gauge\na 1\n', 2, 'second TYPE line for metric name "a", or TYPE reported after samples');
    fails('a 1\n# TYPE a gauge\n', 2, 'second TYPE line for metric name "a", or TYPE reported after samples');
    fails('# TYPE a gauge \na 1\n', 1, 'unknown metric type "gauge "');
    fails('# TYPE a info\na 1\n', 1, 'unknown metric type "info"');
  });
  it("histogram and summary labels that are not numbers; samples of a gauge_histogram", () => {
    fails('# TYPE h histogram\nh_bucket{le="x"} 1\n', 2, `expected float as value for 'le' label, got "x"`);
    fails('# TYPE s summary\ns{quantile="high"} 1\n', 2, `expected float as value for 'quantile' label, got "high"`);
    fails('# TYPE g gauge_histogram\ng 1\n', 2, 'unexpected type for metric name "g"');
  });
});

describe('Go number conversions', () => {
  it('parseGoFloat matches strconv.ParseFloat as expfmt calls it', () => {
    for (const [s, v] of [['1', 1], ['-0.5', -0.5], ['+Inf', Infinity], ['infinity', Infinity], ['-inf', -Infinity], ['1e308', 1e308]] as const) assert.equal(parseGoFloat(s), v, s);
    assert.ok(Number.isNaN(parseGoFloat('NaN')));
    for (const s of ['', '.', 'e5', '1e', '0x10', '1p3', '1_0', '+nan', 'infinit', '1e309', '--1', ' 1']) assert.equal(parseGoFloat(s), undefined, JSON.stringify(s));
  });
  it('goUint64 gives what node_exporter 1.5 shows for counts', () => {
    assert.equal(goUint64(2.7), 2);
    assert.equal(goUint64(0), 0);
    assert.equal(goUint64(1e19), 1e19);
    assert.equal(goUint64(-1), 2 ** 64, 'wraps: 2^64-1, as a float64');
    assert.equal(goUint64(NaN), 2 ** 63);
    assert.equal(goUint64(Infinity), 2 ** 63);
    assert.equal(goUint64(2e19), 2 ** 63);
    assert.equal(goUint64(-Infinity), 2 ** 63);
  });
});
