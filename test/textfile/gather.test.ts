/**
 * Combining parsed files as node_exporter 1.5 serves them (src/textfile/gather.ts), and the
 * const families it produces (src/collector/const-family.ts), on strings.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { constFamilySnapshot, type ConstFamily } from '../../src/collector/const-family.js';
import { renderText } from '../../src/exposition/text.js';
import { gatherTextfiles } from '../../src/textfile/gather.js';
import { parseTextFormat } from '../../src/textfile/parse.js';

function gather(files: Record<string, string>): ReturnType<typeof gatherTextfiles> {
  return gatherTextfiles(Object.entries(files).map(([path, text]) => ({ path, families: parseTextFormat(text) })));
}

function render(families: readonly ConstFamily[]): string {
  return renderText(families.map(constFamilySnapshot));
}

describe('gatherTextfiles', () => {
  it('gives families without HELP "Metric read from" every file that has them', () => {
    const { families, problems } = gather({ '/d/a.prom': '# TYPE m counter\nm{f="a"} 1\n', '/d/b.prom': 'm{f="b"} 2\n' });
    // b.prom's m is untyped: it is refused for its type, after its help is computed from both files.
    assert.equal(families.length, 1);
    assert.equal(families[0]!.help, 'Metric read from /d/a.prom, /d/b.prom');
    assert.deepEqual(problems, ['collected metric m {f="b"} should be a Counter']);
  });

  it('pads every series of a file family with the labels the family uses, sorted by name', () => {
    const { families } = gather({ '/d/p.prom': 'pad{b="2"} 2\npad{a="1"} 1\npad 3\n' });
    assert.equal(render(families), '# HELP pad Metric read from /d/p.prom\n# TYPE pad untyped\npad{a="",b=""} 3\npad{a="",b="2"} 2\npad{a="1",b=""} 1\n');
  });

  it('keeps the first of repeated series, within a file and across files, in file order', () => {
    const { families, problems } = gather({
      '/d/a.prom': '# HELP d x\n# TYPE d gauge\nd{a="1"} 1\nd{a="1"} 2\n',
      '/d/b.prom': '# HELP d x\n# TYPE d gauge\nd{a="1"} 3\nd{a="2"} 4\n',
    });
    assert.equal(render(families), '# HELP d x\n# TYPE d gauge\nd{a="1"} 1\nd{a="2"} 4\n');
    assert.equal(problems.length, 2);
    for (const p of problems) assert.match(p, /collected metric "d" \{a="1"\} was collected before with the same name and label values/);
  });

  it('a padded empty label repeats a series without it (node_exporter: emptyv{a=""} and emptyv)', () => {
    const { families, problems } = gather({ '/d/e.prom': 'emptyv{a=""} 1\nemptyv 2\n' });
    assert.equal(render(families), '# HELP emptyv Metric read from /d/e.prom\n# TYPE emptyv untyped\nemptyv{a=""} 1\n');
    assert.equal(problems.length, 1);
  });

  it('leaves out series whose family was seen with another HELP or type', () => {
    const { families, problems } = gather({
      '/d/a.prom': '# HELP c h1\n# TYPE c gauge\nc{f="a"} 1\n',
      '/d/b.prom': '# HELP c h2\n# TYPE c gauge\nc{f="b"} 2\n',
      '/d/c.prom': '# HELP t x\n# TYPE t gauge\nt 1\n',
      '/d/d.prom': '# HELP t x\n# TYPE t counter\nt{f="d"} 1\n',
    });
    assert.equal(render(families), '# HELP c h1\n# TYPE c gauge\nc{f="a"} 1\n# HELP t x\n# TYPE t gauge\nt 1\n');
    assert.deepEqual(problems, ['collected metric c {f="b"} has help "h2" but should have "h1"', 'collected metric t {f="d"} should be a Gauge']);
  });

  it("refuses a family colliding with a histogram's or a summary's samples", () => {
    const { families, problems } = gather({
      '/d/a.prom': '# TYPE h histogram\nh_bucket{le="1"} 1\nh_count 1\nh_sum 1\n',
      '/d/b.prom': 'h_count 2\nh_bucket 3\n',
      '/d/c.prom': 's_sum 1\n',
      '/d/d.prom': '# TYPE s summary\ns_count 1\n',
    });
    assert.deepEqual(families.map((f) => f.name), ['h', 's_sum']);
    assert.deepEqual(problems, [
      'collected metric named "h_bucket" collides with previously collected histogram named "h"',
      'collected metric named "h_count" collides with previously collected histogram named "h"',
      'collected summary named "s" collides with previously collected metric named "s_sum"',
    ]);
  });

  it('sorts families by name and series by label values (Go byte order)', () => {
    const { families } = gather({ '/d/z.prom': 'zz{k="b"} 1\nzz{k="B"} 2\nzz{k="a"} 3\naa 1\n' });
    assert.deepEqual(families.map((f) => f.name), ['aa', 'zz']);
    assert.deepEqual(families[1]!.series.map((s) => s.labels!.k), ['B', 'a', 'b']);
  });

  it('histograms: buckets sorted, the last of a repeated bound wins, +Inf from the file or the count', () => {
    const { families } = gather({
      '/d/h.prom': '# HELP h x\n# TYPE h histogram\nh_bucket{a="1",le="2"} 2\nh_bucket{a="1",le="1"} 1\nh_bucket{a="1",le="1"} 2\nh_count{a="1"} 4\nh_sum{a="1"} 5\nh_bucket{a="2",le="1"} 0\nh_bucket{a="2",le="2"} 1\nh_bucket{a="2",le="+Inf"} 3\nh_count{a="2"} 4\n',
    });
    assert.equal(
      render(families),
      '# HELP h x\n# TYPE h histogram\n' +
        'h_bucket{a="1",le="1"} 2\nh_bucket{a="1",le="2"} 2\nh_bucket{a="1",le="+Inf"} 4\nh_sum{a="1"} 5\nh_count{a="1"} 4\n' +
        'h_bucket{a="2",le="1"} 0\nh_bucket{a="2",le="2"} 1\nh_bucket{a="2",le="+Inf"} 3\nh_sum{a="2"} 0\nh_count{a="2"} 4\n',
    );
  });

  it('summaries: quantiles sorted, the last of a repeated quantile wins', () => {
    const { families } = gather({ '/d/s.prom': '# TYPE s summary\ns{quantile="0.9"} 2\ns{quantile="0.5"} 1\ns{quantile="0.5"} 3\ns_sum 3\ns_count 4\n' });
    assert.equal(render(families), '# HELP s Metric read from /d/s.prom\n# TYPE s summary\ns{quantile="0.5"} 3\ns{quantile="0.9"} 2\ns_sum 3\ns_count 4\n');
  });

  it('leaves out (with a problem) series with other buckets than most of their family, and `__` labels', () => {
    const { families, problems } = gather({
      '/d/h.prom': '# TYPE h histogram\nh_bucket{a="1",le="1"} 1\nh_bucket{a="2",le="1"} 1\nh_bucket{a="3",le="5"} 1\n',
      '/d/u.prom': 'u{__x="1"} 1\nu{ok="1"} 2\n',
    });
    assert.deepEqual(families.find((f) => f.name === 'h')!.series.map((s) => s.labels!.a), ['1', '2']);
    assert.equal(families.some((f) => f.name === 'u'), false, 'every u series carries the (padded) __x label: all left out');
    assert.equal(problems.length, 3);
    assert.match(problems[0]!, /"__x" is not a valid label name for metric "u"/);
    assert.match(problems[2]!, /histogram "h": series \{a="3"\} left out: its buckets \[5\] differ from the family's \[1\]/);
  });
});

describe('constFamilySnapshot', () => {
  it('renders every type, untyped and given quantiles included', () => {
    const text = render([
      { name: 'c_total', help: 'c', type: 'counter', series: [{ labels: { a: 'x"y' }, value: 1 }] },
      { name: 'g', help: '', type: 'gauge', series: [{ value: NaN }] },
      { name: 'u', help: 'u', type: 'untyped', series: [{ value: -Infinity }] },
      { name: 'h', help: 'h', type: 'histogram', series: [{ buckets: [[0.5, 1], [1, 2]], sum: 2, count: 3 }] },
      { name: 's', help: 's', type: 'summary', series: [{ quantiles: [[0.9, 5], [0.5, 4]], sum: 9, count: 2 }] },
    ]);
    assert.equal(
      text,
      '# HELP c_total c\n# TYPE c_total counter\nc_total{a="x\\"y"} 1\n# TYPE g gauge\ng NaN\n# HELP u u\n# TYPE u untyped\nu -Inf\n' +
        '# HELP h h\n# TYPE h histogram\nh_bucket{le="0.5"} 1\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 3\nh_sum 2\nh_count 3\n' +
        '# HELP s s\n# TYPE s summary\ns{quantile="0.5"} 4\ns{quantile="0.9"} 5\ns_sum 9\ns_count 2\n',
    );
  });

  it('refuses what would render wrongly, naming the family', () => {
    const bad: [ConstFamily, RegExp][] = [
      [{ name: '1x', help: '', type: 'gauge', series: [] }, /not a valid metric name/],
      [{ name: 'x', help: '', type: 'info' as never, series: [] }, /"x": unknown type "info"/],
      [{ name: 'x', help: '', type: 'gauge', series: [{ labels: { __a: '1' }, value: 1 }] }, /"x": invalid label name "__a"/],
      [{ name: 'x', help: '', type: 'histogram', series: [{ labels: { le: '1' } }] }, /"x": label "le" is reserved/],
      [{ name: 'x', help: '', type: 'gauge', series: [{ value: 1 }, { value: 2 }] }, /"x": series \{\} is given twice/],
      [{ name: 'x', help: '', type: 'gauge', series: [{}] }, /"x": value of series \{\} must be a number/],
      [{ name: 'x', help: '', type: 'histogram', series: [{ labels: { a: '1' }, buckets: [[1, 1]] }, { labels: { a: '2' }, buckets: [[2, 1]] }] }, /"x": series \{a="2"\} has buckets \[2\], the first series \[1\]/],
      [{ name: 'x', help: '', type: 'summary', series: [{ labels: { a: '1' }, quantiles: [[0.5, 1]] }, { labels: { a: '2' } }] }, /"x": series \{a="2"\} has quantiles \[\]/],
    ];
    for (const [family, message] of bad) assert.throws(() => constFamilySnapshot(family), message);
  });
});
