/**
 * Validation: bad names, labels and values are refused with an error that names the offender,
 * and leave nothing behind; label values of any kind are escaped so that promtool accepts the
 * output and a parser reads back the value that was given.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  Counter,
  Gauge,
  Histogram,
  isValidLabelName,
  isValidMetricName,
  Registry,
  Summary,
  type RegistryContentType,
} from '../../src/index.js';
import { requireBinary } from '../support/binaries.js';
import { checkMetrics } from '../support/promtool.js';
import { parseExposition, sampleMap } from '../fixtures/core/expo.js';

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Asserts that `fn` throws an Error whose message contains every `parts` entry. */
function throwsNaming(fn: () => unknown, ...parts: string[]): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof Error, `not an Error: ${String(e)}`);
    for (const p of parts) assert.ok(e.message.includes(p), `message ${JSON.stringify(e.message)} does not mention ${JSON.stringify(p)}`);
    return true;
  });
}

async function promtoolClean(t: { skip(m?: string): void }, text: string): Promise<void> {
  const promtool = requireBinary(t, 'promtool');
  if (!promtool) return;
  const res = await checkMetrics(promtool, text);
  assert.equal(res.exitCode, 0, `promtool: ${res.problems.join('; ')}`);
  assert.deepEqual(res.problems, []);
}

describe('errors name the offending thing', () => {
  const r = new Registry();
  new Counter({ name: 'v_requests_total', help: 'h', labelNames: ['method'], registers: [r] });
  const c = r.getSingleMetric('v_requests_total') as Counter;
  const g = new Gauge({ name: 'v_level', help: 'h', labelNames: ['tank'], registers: [r] });
  const h = new Histogram({ name: 'v_latency', help: 'h', labelNames: ['path'], buckets: [1], registers: [r] });
  const s = new Summary({ name: 'v_size', help: 'h', labelNames: ['op'], registers: [r] });

  it('invalid metric names', () => {
    for (const name of ['1abc', 'a-b', 'a b', 'ä', 'ok\n', 'a{b}', 'a"b', 'a.b']) {
      throwsNaming(() => new Counter({ name, help: 'h', registers: [] }), JSON.stringify(name));
    }
    throwsNaming(() => new Counter({ name: '', help: 'h', registers: [] }), 'name');
    throwsNaming(() => new Counter({ help: 'h', registers: [] } as never), 'name');
  });

  it('invalid label names, __-prefixed names, duplicates', () => {
    for (const label of ['1a', 'a-b', 'ä', '', 'a:b', 'a b']) {
      throwsNaming(() => new Counter({ name: 'v_x', help: 'h', labelNames: [label], registers: [] }), JSON.stringify(label), 'v_x');
      throwsNaming(() => new Counter({ name: 'v_x', help: 'h', constLabels: { [label]: 'v' }, registers: [] }), JSON.stringify(label), 'v_x');
    }
    for (const label of ['__name__', '__x', '__']) {
      throwsNaming(() => new Gauge({ name: 'v_x', help: 'h', labelNames: [label], registers: [] }), label, '__');
    }
    throwsNaming(() => new Gauge({ name: 'v_x', help: 'h', labelNames: ['a', 'a'], registers: [] }), '"a"', 'v_x');
    throwsNaming(() => new Gauge({ name: 'v_x', help: 'h', labelNames: ['a'], constLabels: { a: '1' }, registers: [] }), '"a"', 'v_x');
    throwsNaming(() => new Registry().setDefaultLabels({ '__bad': 'x' }), '__bad');
    throwsNaming(() => new Registry().setDefaultLabels({ 'bad-name': 'x' }), 'bad-name');
  });

  it('missing help, bad options', () => {
    throwsNaming(() => new Counter({ name: 'v_x', registers: [] } as never), 'help', 'v_x');
    throwsNaming(() => new Counter({ name: 'v_x', help: 'h', maxSeries: 0, registers: [] }), 'maxSeries', 'v_x');
    throwsNaming(() => new Counter({ name: 'v_x', help: 'h', maxSeries: 1.5, registers: [] }), 'maxSeries', 'v_x');
    throwsNaming(() => new Summary({ name: 'v_x', help: 'h', maxAgeSeconds: 0, registers: [] }), 'maxAgeSeconds', 'v_x');
    throwsNaming(() => new Summary({ name: 'v_x', help: 'h', maxAgeSeconds: 60, ageBuckets: -1, registers: [] }), 'ageBuckets', 'v_x');
    throwsNaming(() => new Registry('text/html' as RegistryContentType), 'text/html');
    throwsNaming(() => r.setContentType('application/json' as RegistryContentType), 'application/json');
  });

  it('duplicate registration in one registry', () => {
    throwsNaming(() => new Counter({ name: 'v_requests_total', help: 'h', labelNames: ['method'], registers: [r] }), 'v_requests_total', 'already');
    throwsNaming(() => new Gauge({ name: 'v_requests_total', help: 'h', registers: [r] }), 'v_requests_total');
    throwsNaming(() => r.registerMetric(new Counter({ name: 'v_level', help: 'other', registers: [] })), 'v_level', 'already');
  });

  it('undeclared labels on inc / set / observe / labels / remove, and wrong positional counts', () => {
    throwsNaming(() => c.inc({ methd: 'GET' } as never), '"methd"', 'v_requests_total');
    throwsNaming(() => g.set({ tnk: 'a' } as never, 1), '"tnk"', 'v_level');
    throwsNaming(() => h.observe({ pth: '/' } as never, 1), '"pth"', 'v_latency');
    throwsNaming(() => s.observe({ opp: 'r' } as never, 1), '"opp"', 'v_size');
    throwsNaming(() => c.labels({ nope: 'x' } as never), '"nope"', 'v_requests_total');
    throwsNaming(() => g.labels({ nope: 'x' } as never), '"nope"', 'v_level');
    throwsNaming(() => c.remove({ nope: 'x' } as never), '"nope"', 'v_requests_total');
    throwsNaming(() => c.labels('GET', 'extra'), 'v_requests_total', '2');
    throwsNaming(() => h.labels(), 'v_latency', '0');
  });

  it('negative counter increments and non-numbers', () => {
    throwsNaming(() => c.inc(-1), 'decrease', 'v_requests_total');
    throwsNaming(() => c.inc({ method: 'GET' }, -0.5), 'decrease', 'v_requests_total');
    throwsNaming(() => c.labels('GET').inc(-2), 'decrease', 'v_requests_total');
    throwsNaming(() => c.inc(NaN), 'v_requests_total');
    throwsNaming(() => c.inc(Infinity), 'v_requests_total');
    throwsNaming(() => g.set({ tank: 'a' }, NaN), 'v_level');
    throwsNaming(() => g.set('1' as never), 'v_level');
    throwsNaming(() => h.observe({ path: '/' }, NaN), 'v_latency');
    throwsNaming(() => s.labels('r').observe(undefined as never), 'v_size');
  });

  it('le on a histogram, quantile on a summary (variable or const labels)', () => {
    throwsNaming(() => new Histogram({ name: 'v_h', help: 'h', labelNames: ['le'], registers: [] }), '"le"', 'v_h');
    throwsNaming(() => new Histogram({ name: 'v_h', help: 'h', constLabels: { le: '1' }, registers: [] }), '"le"', 'v_h');
    throwsNaming(() => new Summary({ name: 'v_s', help: 'h', labelNames: ['quantile'], registers: [] }), '"quantile"', 'v_s');
    throwsNaming(() => new Summary({ name: 'v_s', help: 'h', constLabels: { quantile: '0.5' }, registers: [] }), '"quantile"', 'v_s');
    // On other types they are ordinary names.
    new Counter({ name: 'v_ok', help: 'h', labelNames: ['le', 'quantile'], registers: [] });
  });

  it('non-increasing buckets', () => {
    for (const buckets of [[1, 1], [2, 1], [1, 3, 2], [1, Infinity, 2], [Infinity, 1], [1, NaN], ['a', 2]]) {
      throwsNaming(() => new Histogram({ name: 'v_h', help: 'h', buckets: buckets as number[], registers: [] }), 'v_h');
    }
    // +Inf written out at the end, -Inf and an empty list are fine.
    for (const buckets of [[1, Infinity], [-Infinity, 0], [], [Infinity]]) new Histogram({ name: 'v_h', help: 'h', buckets, registers: [] });
  });

  it('bad percentiles', () => {
    for (const percentiles of [[1.5], [-0.1], [NaN], ['0.5'], [0.5, 0.5], [0.9, 0.5, 0.9]]) {
      throwsNaming(() => new Summary({ name: 'v_s', help: 'h', percentiles: percentiles as number[], registers: [] }), 'v_s');
    }
    throwsNaming(() => new Summary({ name: 'v_s', help: 'h', percentiles: 0.5 as never, registers: [] }), 'v_s');
  });
});

describe('names: accepted exactly when they match the data model', () => {
  const alphabet = [...'abcXYZ_:09-. é\n{"=', '__'];
  const nameArb = fc.oneof(
    fc.array(fc.constantFrom(...alphabet), { maxLength: 8 }).map((a) => a.join('')),
    fc.string({ maxLength: 8 }),
    fc.string({ unit: 'binary', maxLength: 6 }),
  );

  it('metric names', () => {
    const r = new Registry();
    fc.assert(
      fc.property(nameArb, (name) => {
        const valid = METRIC_NAME.test(name);
        assert.equal(isValidMetricName(name), valid);
        let accepted = true;
        try {
          new Gauge({ name, help: 'h', registers: [r] });
        } catch {
          accepted = false;
        }
        assert.equal(accepted, valid, JSON.stringify(name));
        if (accepted) r.removeSingleMetric(name);
      }),
      { numRuns: 500 },
    );
  });

  it('label names (variable, const and default labels)', () => {
    fc.assert(
      fc.property(nameArb, (label) => {
        const valid = LABEL_NAME.test(label) && !label.startsWith('__');
        assert.equal(isValidLabelName(label), valid);
        const accepts = (fn: () => unknown) => {
          try {
            fn();
            return true;
          } catch {
            return false;
          }
        };
        assert.equal(accepts(() => new Counter({ name: 'n_total', help: 'h', labelNames: [label], registers: [] })), valid, `labelNames ${JSON.stringify(label)}`);
        assert.equal(accepts(() => new Counter({ name: 'n_total', help: 'h', constLabels: { [label]: 'v' }, registers: [] })), valid, `constLabels ${JSON.stringify(label)}`);
        assert.equal(accepts(() => new Registry().setDefaultLabels({ [label]: 'v' })), valid, `default label ${JSON.stringify(label)}`);
      }),
      { numRuns: 300 },
    );
  });
});

/** Any string: full unicode, the escaped characters, control characters, lone surrogates. */
const labelValue = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.array(fc.constantFrom('\\', '"', '\n', '\r', '\t', '\0', 'n', '\\n', '🎉', 'é', '}', ',', '=', ' ', '\u2028', '\uffff'), { maxLength: 10 }).map((a) => a.join('')),
  fc.array(fc.oneof(fc.integer({ min: 0xd800, max: 0xdfff }).map((u) => String.fromCharCode(u)), fc.constantFrom('a', '🎉', '"')), { maxLength: 6 }).map((a) => a.join('')),
);

/** What the output carries for a value: the value itself, with lone surrogates as U+FFFD (UTF-8 has no way to say them). */
const exposed = (v: string): string => v.toWellFormed();
/** The text as a scraper receives it: encoded as UTF-8. */
const onTheWire = (text: string): string => Buffer.from(text, 'utf8').toString('utf8');

describe('label values: escaped so that they read back, and promtool accepts them', () => {
  it('round trip through the text and OpenMetrics output, and through get()', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(labelValue, labelValue), { minLength: 1, maxLength: 10 }), labelValue, async (pairs, constValue) => {
        const r = new Registry();
        const g = new Gauge({ name: 'rt_value', help: 'h', labelNames: ['a', 'b'], constLabels: { c: constValue }, registers: [r] });
        const expected = new Map<string, number>();
        pairs.forEach(([a, b], i) => {
          g.set({ a, b }, i);
          expected.set(JSON.stringify([exposed(a), exposed(b)]), i); // the last write of a series wins
        });
        for (const type of [Registry.PROMETHEUS_CONTENT_TYPE, Registry.OPENMETRICS_CONTENT_TYPE] as const) {
          r.setContentType(type);
          const samples = parseExposition(onTheWire(await r.metrics())).samples;
          const got = new Map(samples.map((s) => [JSON.stringify([s.labels.a, s.labels.b]), s.value]));
          assert.deepEqual(got, expected, type);
          for (const s of samples) assert.equal(s.labels.c, exposed(constValue));
        }
        const json = (await g.get()).values;
        assert.deepEqual(new Map(json.map((v) => [JSON.stringify([v.labels.a, v.labels.b]), v.value])), expected, 'get()');
        for (const v of json) assert.equal(exposed(String((v.labels as Record<string, unknown>).c)), exposed(constValue));
      }),
      { numRuns: 200 },
    );
  });

  it('promtool accepts a registry full of random label values (one batch)', async (t) => {
    const r = new Registry();
    const values = fc.sample(labelValue, { numRuns: 400, seed: 42 }).concat(['', '\\', '"', '\n', '\\n', '\\"', '\ud800', '\udc00x', '🎉\u0000']);
    const c = new Counter({ name: 'batch_requests_total', help: 'Help with "quotes", \\ and\nnewline', labelNames: ['v'], registers: [r] });
    const g = new Gauge({ name: 'batch_level', help: 'h', labelNames: ['a', 'b'], constLabels: { c: values[1]! }, registers: [r] });
    const h = new Histogram({ name: 'batch_latency_seconds', help: 'h', labelNames: ['v'], buckets: [0.5, 1], registers: [r] });
    const s = new Summary({ name: 'batch_size_bytes', help: 'h', labelNames: ['v'], percentiles: [0.5, 0.9], registers: [r] });
    values.forEach((v, i) => {
      c.inc({ v }, i);
      g.set({ a: v, b: values[(i * 7) % values.length]! }, -i);
      h.observe({ v }, i / 100);
      s.observe({ v }, i);
    });
    r.setDefaultLabels({ instance: values[2]! });
    const text = await r.metrics();
    await promtoolClean(t, text);
    // And our strict parser finds each value once per family.
    const samples = parseExposition(text).samples.filter((x) => x.name === 'batch_requests_total');
    assert.deepEqual(new Set(samples.map((x) => x.labels.v)), new Set(values.map(exposed)));
  });
});

describe('bad input leaves nothing behind', () => {
  type Step = { ok: boolean; run: (m: Metrics) => void; what: string };
  interface Metrics {
    r: Registry;
    c: Counter;
    g: Gauge;
    h: Histogram;
    s: Summary;
  }
  const make = (): Metrics => {
    const r = new Registry();
    return {
      r,
      c: new Counter({ name: 'bad_requests_total', help: 'h', labelNames: ['k'], registers: [r] }),
      g: new Gauge({ name: 'bad_level', help: 'h', labelNames: ['k'], registers: [r] }),
      h: new Histogram({ name: 'bad_latency', help: 'h', labelNames: ['k'], buckets: [1], registers: [r] }),
      s: new Summary({ name: 'bad_size', help: 'h', labelNames: ['k'], percentiles: [0.5], registers: [r] }),
    };
  };
  const key = fc.constantFrom('a', 'b', 'new', 'x"y\n');
  const good: fc.Arbitrary<Step> = fc.oneof(
    fc.tuple(key, fc.nat(5)).map(([k, v]) => ({ ok: true, what: `c.inc(${k}, ${v})`, run: (m: Metrics) => m.c.inc({ k }, v) })),
    fc.tuple(key, fc.integer({ min: -5, max: 5 })).map(([k, v]) => ({ ok: true, what: `g.set(${k}, ${v})`, run: (m: Metrics) => m.g.set({ k }, v) })),
    fc.tuple(key, fc.double({ min: -2, max: 2, noNaN: true })).map(([k, v]) => ({ ok: true, what: `h.observe(${k}, ${v})`, run: (m: Metrics) => m.h.observe({ k }, v) })),
    fc.tuple(key, fc.integer({ min: 1, max: 9 })).map(([k, v]) => ({ ok: true, what: `s.observe(${k}, ${v})`, run: (m: Metrics) => m.s.observe({ k }, v) })),
    key.map((k) => ({ ok: true, what: `c.remove(${k})`, run: (m: Metrics) => m.c.remove(k) })),
  );
  const bad: fc.Arbitrary<Step> = fc.constantFrom<Step>(
    { ok: false, what: 'negative inc on a new series', run: (m) => m.c.inc({ k: 'fresh' }, -1) },
    { ok: false, what: 'undeclared label', run: (m) => m.c.inc({ k: 'a', z: 'b' } as never) },
    { ok: false, what: 'NaN observe on a new series', run: (m) => m.h.observe({ k: 'fresh2' }, NaN) },
    { ok: false, what: 'NaN set', run: (m) => m.g.set({ k: 'fresh3' }, NaN) },
    { ok: false, what: 'summary undefined', run: (m) => m.s.observe({ k: 'fresh4' }, undefined as never) },
    { ok: false, what: 'labels arity', run: (m) => m.c.labels('a', 'b').inc() },
    { ok: false, what: 'bad metric name', run: (m) => new Counter({ name: 'bad name', help: 'h', registers: [m.r] }) },
    { ok: false, what: 'le label', run: (m) => new Histogram({ name: 'bad_h2', help: 'h', labelNames: ['le'], registers: [m.r] }) },
    { ok: false, what: 'duplicate', run: (m) => new Counter({ name: 'bad_requests_total', help: 'h', labelNames: ['k'], registers: [m.r] }) },
    { ok: false, what: 'redefinition', run: (m) => new Gauge({ name: 'bad_requests_total', help: 'h', registers: [m.r] }) },
    { ok: false, what: 'bad buckets', run: (m) => new Histogram({ name: 'bad_h3', help: 'h', buckets: [2, 1], registers: [m.r] }) },
    { ok: false, what: 'bad percentiles', run: (m) => new Summary({ name: 'bad_s2', help: 'h', percentiles: [2], registers: [m.r] }) },
    { ok: false, what: 'bad default label', run: (m) => m.r.setDefaultLabels({ 'a-b': 'x' }) },
  );

  it('a run with failing calls renders exactly what the same run without them renders; promtool accepts it', async (t) => {
    const outputs: string[] = [];
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof({ weight: 3, arbitrary: good }, { weight: 2, arbitrary: bad }), { maxLength: 40 }), async (steps) => {
        const withBad = make();
        const onlyGood = make();
        for (const step of steps) {
          if (step.ok) {
            step.run(withBad);
            step.run(onlyGood);
          } else {
            assert.throws(() => step.run(withBad), Error, step.what);
            const text = await withBad.r.metrics();
            parseExposition(text); // still well-formed right after the error
          }
        }
        const text = await withBad.r.metrics();
        assert.equal(text, await onlyGood.r.metrics());
        sampleMap(text);
        outputs.push(text);
      }),
      { numRuns: 100 },
    );
    // promtool on the largest outputs (one process each; a batch keeps the test fast).
    for (const text of outputs.sort((a, b) => b.length - a.length).slice(0, 5)) await promtoolClean(t, text);
  });
});
